//! `/uploads` and `/media`, the stored files served (CONTRACT §1.2, §1.13), through the real
//! application: ranges, validators and caching, content types, and nothing outside the files.
//! Every test runs on both storage backends: the upload folder in a temporary directory,
//! served from disk, and an S3 bucket (an S3-compatible server in the test's process), served
//! through the server.
#![allow(clippy::unwrap_used)]

mod api;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::test;
use alpha_media::{MediaStore, UploadPath};
use alpha_server::storage::MediaStorage;
use alpha_test_s3::TestS3;
use alpha_testkit::TestDb;
use api::{TestApp, settings, test_mode};
use tempfile::TempDir;

const FOREVER: &str = "public, max-age=31536000, immutable";
/// In `<base>`, beside the upload folder: never served.
const SECRET: &str = "not for the web";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Local,
    S3,
}

const BACKENDS: [Backend; 2] = [Backend::Local, Backend::S3];

/// The application with its files where `backend` keeps them: its upload folder at
/// `<base>/uploads`, or a bucket. `<base>/secret.txt` is outside either.
struct Setup {
    t: TestApp,
    _base: TempDir,
    store: Arc<dyn MediaStore>,
    _s3: Option<TestS3>,
}

async fn app(backend: Backend) -> Setup {
    let base = tempfile::tempdir().unwrap();
    std::fs::write(base.path().join("secret.txt"), SECRET).unwrap();
    let uploads = base.path().join("uploads");
    let s3 = (backend == Backend::S3).then(TestS3::start);
    let s3_settings = s3.as_ref().map(TestS3::settings).unwrap_or_default();
    let mut overrides: Vec<(&str, &str)> = test_mode();
    overrides.push(("ALPHA__UPLOADS__DIR", uploads.to_str().unwrap()));
    overrides.extend(s3_settings.iter().map(|(k, v)| (*k, v.as_str())));
    let settings = settings(&overrides);
    let store = MediaStorage::from_settings(&settings).unwrap().store;
    let t = TestApp::on(TestDb::new().await, settings).await;
    Setup {
        t,
        _base: base,
        store,
        _s3: s3,
    }
}

impl Setup {
    /// Stores `bytes` at `relative` (under the upload folder, or as that key of the bucket).
    async fn put(&self, relative: &str, bytes: &[u8]) {
        let path = UploadPath::parse(relative).unwrap();
        self.store.put(&path, bytes.to_vec()).await.unwrap();
    }
}

/// Ten thousand distinct-ish bytes, so a wrong range shows.
fn video_bytes() -> Vec<u8> {
    (0..10_000u32).map(|i| (i % 251) as u8).collect()
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(uri)
        .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
}

/// Status, headers and the raw body.
async fn fetch<S, B>(app: &S, req: test::TestRequest) -> (StatusCode, header::HeaderMap, Vec<u8>)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let res = test::call_service(app, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await.to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a header::HeaderMap, name: &header::HeaderName) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
        .to_str()
        .unwrap()
}

#[actix_web::test]
async fn stored_files_are_served_with_their_type_validators_and_a_year_of_cache() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        for (relative, content_type) in [
            ("brand/x.jpg", "image/jpeg"),
            ("brand/x.png", "image/png"),
            ("posts/x.webp", "image/webp"),
            ("video/x.mp4", "video/mp4"),
            ("video/x.mov", "video/quicktime"),
            ("video/x.webm", "video/webm"),
            ("files/x.pdf", "application/pdf"),
        ] {
            let bytes = format!("bytes of {relative}").into_bytes();
            s.put(relative, &bytes).await;
            let (status, headers, body) = fetch(&app, get(&format!("/uploads/{relative}"))).await;
            assert_eq!(status, StatusCode::OK, "{backend:?} {relative}");
            assert_eq!(body, bytes, "{backend:?} {relative}");
            assert_eq!(header(&headers, &header::CONTENT_TYPE), content_type);
            assert_eq!(header(&headers, &header::CACHE_CONTROL), FOREVER);
            assert_eq!(header(&headers, &header::X_CONTENT_TYPE_OPTIONS), "nosniff");
            assert_eq!(header(&headers, &header::ACCEPT_RANGES), "bytes");
            assert!(
                header(&headers, &header::ETAG).starts_with('"'),
                "{backend:?} {relative}"
            );
            assert!(header(&headers, &header::LAST_MODIFIED).ends_with("GMT"));
            // Shown in place, as the old static mounts did (they sent no disposition at all).
            assert!(
                header(&headers, &header::CONTENT_DISPOSITION).starts_with("inline"),
                "{backend:?} {relative}"
            );
        }
    }
}

#[actix_web::test]
async fn media_serves_the_same_folder_so_video_public_urls_work() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        s.put("video/x.mp4", &video_bytes()).await;
        let (status, headers, body) = fetch(&app, get("/media/video/x.mp4")).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(body, video_bytes(), "{backend:?}");
        assert_eq!(header(&headers, &header::CONTENT_TYPE), "video/mp4");
        assert_eq!(header(&headers, &header::CACHE_CONTROL), FOREVER);
        let (status, _, body) = fetch(&app, get("/uploads/video/x.mp4")).await;
        assert_eq!((status, body), (StatusCode::OK, video_bytes()));
        let head = test::TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri("/media/video/x.mp4");
        // In process the body is still attached; the HTTP server drops it (and sets the length)
        // for HEAD.
        let (status, headers, _) = fetch(&app, head).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, &header::CONTENT_TYPE), "video/mp4");
        assert_eq!(header(&headers, &header::CACHE_CONTROL), FOREVER);
    }
}

#[actix_web::test]
async fn byte_ranges_let_a_player_seek() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        let video = video_bytes();
        s.put("video/x.mp4", &video).await;
        for (mount, range, from, to) in [
            ("/media", "bytes=0-9", 0, 9),
            ("/uploads", "bytes=0-9", 0, 9),
            ("/media", "bytes=5000-5099", 5000, 5099),
            ("/media", "bytes=9990-", 9990, 9999),
            ("/media", "bytes=-10", 9990, 9999),
        ] {
            let req = get(&format!("{mount}/video/x.mp4")).insert_header((header::RANGE, range));
            let (status, headers, body) = fetch(&app, req).await;
            assert_eq!(
                status,
                StatusCode::PARTIAL_CONTENT,
                "{backend:?} {mount} {range}"
            );
            assert_eq!(body, video[from..=to], "{backend:?} {mount} {range}");
            assert_eq!(
                header(&headers, &header::CONTENT_RANGE),
                format!("bytes {from}-{to}/10000")
            );
            assert_eq!(header(&headers, &header::CACHE_CONTROL), FOREVER);
            assert_eq!(header(&headers, &header::CONTENT_TYPE), "video/mp4");
        }
        let req = get("/media/video/x.mp4").insert_header((header::RANGE, "bytes=20000-20010"));
        let (status, headers, _) = fetch(&app, req).await;
        assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE, "{backend:?}");
        assert_eq!(header(&headers, &header::CONTENT_RANGE), "bytes */10000");
        assert!(headers.get(header::CACHE_CONTROL).is_none());
    }
}

#[actix_web::test]
async fn a_client_with_the_file_gets_304_without_the_bytes() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        s.put("brand/x.jpg", b"jpeg bytes").await;
        let (_, headers, _) = fetch(&app, get("/uploads/brand/x.jpg")).await;
        let etag = header(&headers, &header::ETAG).to_owned();
        let modified = header(&headers, &header::LAST_MODIFIED).to_owned();

        let req = get("/uploads/brand/x.jpg").insert_header((header::IF_NONE_MATCH, etag.clone()));
        let (status, headers, body) = fetch(&app, req).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{backend:?}");
        assert!(body.is_empty());
        assert_eq!(header(&headers, &header::ETAG), etag);
        assert_eq!(header(&headers, &header::CACHE_CONTROL), FOREVER);

        let req = get("/uploads/brand/x.jpg").insert_header((header::IF_MODIFIED_SINCE, modified));
        let (status, _, body) = fetch(&app, req).await;
        assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));

        let req = get("/media/brand/x.jpg").insert_header((header::IF_NONE_MATCH, "\"other\""));
        let (status, _, body) = fetch(&app, req).await;
        assert_eq!((status, body), (StatusCode::OK, b"jpeg bytes".to_vec()));

        // A precondition on another version fails; on this one the file is sent.
        let req = get("/media/brand/x.jpg").insert_header((header::IF_MATCH, "\"other\""));
        let (status, _, _) = fetch(&app, req).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{backend:?}");
        let req = get("/media/brand/x.jpg").insert_header((header::IF_MATCH, etag.clone()));
        let (status, _, body) = fetch(&app, req).await;
        assert_eq!((status, body), (StatusCode::OK, b"jpeg bytes".to_vec()));
    }
}

#[actix_web::test]
async fn nothing_outside_the_upload_folder_is_ever_served() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        s.put("video/x.mp4", &video_bytes()).await;
        s.put("video/.x.mp4.0123.tmp", b"half a video").await;
        s.put(".hidden", b"hidden").await;
        let mut uris = Vec::new();
        for mount in ["/uploads", "/media"] {
            for rest in [
                "/../Cargo.toml",
                "/../secret.txt",
                "/%2e%2e/%2e%2e/etc/passwd",
                "/%2e%2e/secret.txt",
                "/video/%2e%2e/%2e%2e/secret.txt",
                "/..%2fCargo.toml",
                "/..%2fsecret.txt",
                "/video/..%2f..%2fsecret.txt",
                "/..%5csecret.txt",
                "//etc/passwd",
                "/%2Fetc%2Fpasswd",
                "/%2fetc/passwd",
                "/etc/passwd",
                "/video/.x.mp4.0123.tmp",
                "/.hidden",
                "/%2ehidden",
                "/",
                "",
                "/video/missing.mp4",
            ] {
                uris.push(format!("{mount}{rest}"));
            }
            // A folder's name: s3s-fs, which keeps objects as files, answers 500 for it where S3
            // says there is no such key, so only the folder is asked.
            if backend == Backend::Local {
                uris.extend([format!("{mount}/video"), format!("{mount}/video/")]);
            }
        }
        for uri in &uris {
            let (status, headers, body) = fetch(&app, get(uri)).await;
            let text = String::from_utf8_lossy(&body);
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
                "{backend:?} {uri}: {status} {text}"
            );
            let json: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{uri}: not JSON: {text}"));
            assert!(json["code"].is_string(), "{backend:?} {uri}: {json}");
            for leaked in [SECRET, "root:", "[package]", "half a video", "hidden\""] {
                assert!(!text.contains(leaked), "{uri} leaked {leaked:?}: {text}");
            }
            assert!(
                headers.get(header::CACHE_CONTROL).is_none(),
                "{backend:?} {uri}"
            );
        }
    }
}

#[actix_web::test]
async fn only_reads_are_allowed() {
    for backend in BACKENDS {
        let s = app(backend).await;
        let app = s.t.http().await;
        s.put("video/x.mp4", &video_bytes()).await;
        let req = test::TestRequest::put()
            .uri("/media/video/x.mp4")
            .set_payload("overwrite");
        let (status, headers, body) = fetch(&app, req).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{backend:?}");
        assert_eq!(header(&headers, &header::ALLOW), "GET, HEAD");
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["code"], "METHOD_NOT_ALLOWED");
        let (status, _, body) = fetch(&app, get("/media/video/x.mp4")).await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, video_bytes()),
            "{backend:?}"
        );
    }
}

#[actix_web::test]
async fn an_upload_setting_that_names_no_folder_stops_the_start() {
    let base = tempfile::tempdir().unwrap();
    let file = base.path().join("file");
    std::fs::write(&file, "").unwrap();
    // An empty value would make the file server serve the working directory.
    for dir in [PathBuf::new(), file] {
        let mut settings = settings(&[]);
        settings.uploads.dir.clone_from(&dir);
        let error = alpha_server::application::image_service(&settings)
            .err()
            .unwrap_or_else(|| panic!("{dir:?} accepted"));
        assert!(format!("{error:#}").contains("uploads.dir"), "{error:#}");
    }
}
