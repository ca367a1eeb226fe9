//! Upload forms and the upload folder: a multipart body written by hand, the application over
//! a temporary upload folder, and what that folder holds.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use actix_web::http::{Method, header};
use actix_web::test;
use alpha_store::seed::{CatalogSource, run as seed};
use alpha_testkit::{TestApp, TestDb, catalogue_fixture, with_bearer};
use tempfile::TempDir;

use super::{settings, test_mode};

/// The application over the fixture catalogue, test numbers on, with its upload folder at
/// `<base>/uploads` and `extra` settings; `<base>` also holds `secret.txt`, which the static
/// mounts must never serve.
pub async fn app_with(extra: &[(&str, &str)]) -> (TestApp, TempDir) {
    let base = tempfile::tempdir().unwrap();
    std::fs::write(base.path().join("secret.txt"), "not for the web").unwrap();
    let uploads = base.path().join("uploads");
    let mut overrides: Vec<(&str, &str)> = test_mode();
    overrides.push(("ALPHA__UPLOADS__DIR", uploads.to_str().unwrap()));
    overrides.extend_from_slice(extra);
    let t = TestApp::on(TestDb::new().await, settings(&overrides)).await;
    let mut conn = t.db().conn().await;
    seed(&mut conn, &CatalogSource::File(catalogue_fixture()))
        .await
        .unwrap();
    (t, base)
}

pub async fn app() -> (TestApp, TempDir) {
    app_with(&[]).await
}

pub fn uploads(base: &TempDir) -> PathBuf {
    base.path().join("uploads")
}

/// Every file under `dir`, relative, sorted (hidden temporary files included).
pub fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// One part of a `multipart/form-data` body: a file when it has a file name.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An image part.
pub fn file(name: &str, file_name: &str, bytes: Vec<u8>) -> Part {
    typed_file(name, file_name, "image/jpeg", bytes)
}

pub fn typed_file(name: &str, file_name: &str, content_type: &str, bytes: Vec<u8>) -> Part {
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

pub const BOUNDARY: &str = "alpha-test-7d3f0c";

/// The body as RFC 7578 lays it out, written by hand so the test does not trust a client
/// library's encoder.
pub fn multipart(parts: &[Part]) -> Vec<u8> {
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
pub fn request(
    method: Method,
    uri: &str,
    token: Option<&str>,
    parts: &[Part],
) -> actix_http::Request {
    let req = match token {
        Some(token) => with_bearer(method, uri, token),
        None => test::TestRequest::default()
            .method(method)
            .uri(uri)
            .peer_addr(alpha_testkit::CLIENT.parse().unwrap()),
    };
    req.insert_header((
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    ))
    .set_payload(multipart(parts))
    .to_request()
}

/// A multipart request with a bearer token.
pub fn upload(method: Method, uri: &str, token: &str, parts: &[Part]) -> actix_http::Request {
    request(method, uri, Some(token), parts)
}

/// A multipart request without a token.
pub fn anonymous(method: Method, uri: &str, parts: &[Part]) -> actix_http::Request {
    request(method, uri, None, parts)
}
