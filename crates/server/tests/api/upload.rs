//! Upload forms and the upload folder: a multipart body written by hand, the application over
//! a temporary upload folder, and what that folder holds.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use actix_web::http::{Method, header};
use actix_web::test;
use alpha_store::seed::{CatalogSource, run as seed};
use alpha_testkit::{TestApp, TestDb, catalogue_fixture, with_bearer};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
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

/// `image` written in `format` by the `image` crate: real files, made in the test.
pub fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn gradient(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    }))
}

/// A JPEG photo of `width` × `height`.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(&gradient(width, height), ImageFormat::Jpeg)
}

/// A PNG picture of `width` × `height`.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    encoded(&gradient(width, height), ImageFormat::Png)
}

/// A camera's marker, written into the EXIF block of [`jpeg_with_exif`].
pub const CAMERA: &[u8] = b"SECRET-CAMERA-AND-GPS";

/// [`jpeg`] with an EXIF block (APP1 after SOI) holding a `Make` string: a stand-in for the
/// camera and GPS data a phone writes.
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let jpeg = jpeg(width, height);
    // Big-endian TIFF header, one IFD at 8 with one ASCII entry (0x010F Make) whose value
    // follows the IFD (8 + 2 + 12 + 4 = 26).
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x01, 0x0f, 0, 2]);
    tiff.extend_from_slice(&u32::try_from(CAMERA.len() + 1).unwrap().to_be_bytes());
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(CAMERA);
    tiff.push(0);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A new Toyota post of `token`'s user; its uuid.
pub async fn new_post<S, B>(app: &S, token: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let body = serde_json::json!({"brandsId": super::v5("brand:toyota"), "price": 15000, "currency": "TMT"});
    let (status, created, _) = alpha_testkit::call(
        app,
        super::authed(Method::POST, "/api/v1/posts", token, Some(body)),
    )
    .await;
    assert_eq!(status, actix_web::http::StatusCode::CREATED, "{created}");
    created["uuid"].as_str().unwrap().to_owned()
}
