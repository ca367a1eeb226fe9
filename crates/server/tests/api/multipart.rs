//! `multipart/form-data` bodies written by hand (RFC 7578), so upload tests do not trust a
//! client library's encoder.

use actix_http::Request;
use actix_web::http::{Method, header};
use actix_web::test;

pub const BOUNDARY: &str = "alpha-test-7d3f0c";

/// One part: a file when it has a file name.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub fn file(name: &str, file_name: &str, content_type: &str, bytes: Vec<u8>) -> Part {
    Part {
        name: name.to_owned(),
        file_name: Some(file_name.to_owned()),
        content_type: content_type.to_owned(),
        bytes,
    }
}

pub fn text(name: &str, value: &str) -> Part {
    Part {
        name: name.to_owned(),
        file_name: None,
        content_type: "text/plain".to_owned(),
        bytes: value.as_bytes().to_vec(),
    }
}

pub fn body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match &part.file_name {
            Some(file_name) => format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\n",
                part.name
            ),
            None => format!("Content-Disposition: form-data; name=\"{}\"\r\n", part.name),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(format!("Content-Type: {}\r\n\r\n", part.content_type).as_bytes());
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A multipart request, with a bearer token when given.
pub fn upload(method: Method, uri: &str, token: Option<&str>, parts: &[Part]) -> Request {
    let req = match token {
        Some(token) => alpha_testkit::with_bearer(method, uri, token),
        None => test::TestRequest::default()
            .method(method)
            .uri(uri)
            .peer_addr(alpha_testkit::CLIENT.parse().unwrap()),
    };
    req.insert_header((
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    ))
    .set_payload(body(parts))
    .to_request()
}
