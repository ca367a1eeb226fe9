//! Media in an S3 bucket (`storage.backend = "s3"`) through the real application: photos and a
//! streamed video go to the bucket (an S3-compatible server in the test's process), never to
//! the upload folder; `/uploads` and `/media` serve them from it, whole and by range; deletes
//! remove the objects; a refused upload leaves no object and no unfinished multipart upload.
#![allow(clippy::unwrap_used)]

mod api;

use std::time::Duration;

use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use alpha_test_s3::TestS3;
use alpha_testkit::TestApp;
use api::upload::{
    Part, app_with, files, jpeg, new_post, request as upload, text, typed_file as file, uploads,
};
use api::{authed, call, get};
use image::GenericImageView;
use serde_json::{Value, json};
use tempfile::TempDir;

const OWNER: &str = "99361999991";

/// The application with its media in a fresh bucket, and `extra` settings.
async fn app(extra: &[(&str, &str)]) -> (TestApp, TempDir, TestS3) {
    let s3 = TestS3::start();
    let storage = s3.settings();
    let mut overrides: Vec<(&str, &str)> = storage.iter().map(|(k, v)| (*k, v.as_str())).collect();
    overrides.extend_from_slice(extra);
    let (t, base) = app_with(&overrides).await;
    (t, base, s3)
}

/// Status, headers and body of a GET, with `headers` added.
async fn fetch<S, B>(
    app: &S,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, header::HeaderMap, Vec<u8>)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut req = test::TestRequest::get().uri(uri);
    for (name, value) in headers {
        req = req.insert_header((name.clone(), *value));
    }
    let res = test::call_service(app, req.to_request()).await;
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, test::read_body(res).await.to_vec())
}

/// An MP4 start (an `ftyp` box) padded to `len` bytes that differ along the file.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    let start = bytes.len();
    bytes.extend((start..len).map(|i| (i % 251) as u8));
    bytes
}

fn video_form(post: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![
        text("postId", post),
        text("uuid", post),
        file("file", "video_1.mp4", "video/mp4", bytes),
    ]
}

/// `POST /photo/posts` of one JPEG to `post` as `owner`: status and body.
async fn add_photo<S, B>(app: &S, owner: &str, post: &str, jpeg: Vec<u8>) -> (StatusCode, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let parts = vec![
        text("uuid", post),
        api::upload::file("file", "photo.jpg", jpeg),
    ];
    let (status, body, _) = call(
        app,
        upload(Method::POST, "/api/v1/photo/posts", Some(owner), &parts),
    )
    .await;
    (status, body)
}

/// Waits (a bounded while) for aborts that run in the background.
async fn no_unfinished_uploads(s3: &TestS3) {
    for _ in 0..200 {
        if s3.unfinished_uploads() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{} multipart uploads left unfinished",
        s3.unfinished_uploads()
    );
}

#[actix_web::test]
async fn photos_are_kept_in_the_bucket_and_served_from_it() {
    let (t, base, s3) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;

    let (status, body) = add_photo(&app, &owner, &post, jpeg(600, 800)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = body["photos"][0].as_str().unwrap().to_owned();
    let mut expected: Vec<String> = ["", "small_", "medium_", "large_"]
        .iter()
        .map(|size| format!("posts/{size}{id}.jpg"))
        .collect();
    expected.sort();
    assert_eq!(s3.objects(), expected);
    assert!(files(&uploads(&base)).is_empty(), "nothing on disk");

    // Served where the app looks, from the bucket.
    let uri = format!("/uploads/posts/large_{id}.jpg");
    let (status, headers, served) = fetch(&app, &uri, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, s3.object(&format!("posts/large_{id}.jpg")).unwrap());
    assert_eq!(
        image::load_from_memory(&served).unwrap().dimensions(),
        (600, 800)
    );
    assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "image/jpeg");
    let etag = headers
        .get(header::ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();

    let (status, headers, part) = fetch(&app, &uri, &[(header::RANGE, "bytes=100-199")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part, served[100..200]);
    let whole = served.len();
    assert_eq!(
        headers.get(header::CONTENT_RANGE).unwrap(),
        &format!("bytes 100-199/{whole}")
    );
    let (status, _, body) = fetch(&app, &uri, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
    // A range is sent only of the version the client has a part of; else the whole file.
    let range = (header::RANGE, "bytes=0-9");
    let (status, _, part) = fetch(&app, &uri, &[range.clone(), (header::IF_RANGE, &etag)]).await;
    assert_eq!((status, part.len()), (StatusCode::PARTIAL_CONTENT, 10));
    let stale = (header::IF_RANGE, "\"stale\"");
    let (status, _, body) = fetch(&app, &uri, &[range, stale]).await;
    assert_eq!((status, body), (StatusCode::OK, served.clone()));

    // Deleted with its photo row: the objects go and the URLs answer 404.
    let path = format!("/api/v1/photo/posts/{id}");
    let (status, body, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
    let (status, _, body) = fetch(&app, &uri, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["code"], "NOT_FOUND");
}

#[actix_web::test]
async fn a_video_streams_to_the_bucket_in_parts_and_plays_by_range() {
    let (t, base, s3) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;

    // Past one 5 MB part, so it goes up as a multipart upload.
    let bytes = mp4(6 * 1024 * 1024 + 123);
    let (status, video, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/video/upload",
            Some(&owner),
            &video_form(&post, bytes.clone()),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{video}");
    let url = video["url"].as_str().unwrap().to_owned();
    assert_eq!(s3.objects(), std::slice::from_ref(&url));
    assert!(s3.object(&url).unwrap() == bytes, "stored as uploaded");
    assert_eq!(s3.unfinished_uploads(), 0);
    assert!(files(&uploads(&base)).is_empty(), "nothing on disk");

    let public = video["publicUrl"].as_str().unwrap().to_owned();
    let (status, headers, part) =
        fetch(&app, &public, &[(header::RANGE, "bytes=5242000-5243999")]).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part,
        bytes[5_242_000..5_244_000],
        "a range across the part boundary"
    );
    assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "video/mp4");
    let (status, _, whole) = fetch(&app, &format!("/uploads/{url}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(whole == bytes, "the whole video, streamed");

    // Deleting the post removes its video from the bucket.
    let (status, body, _) = call(
        &app,
        authed(
            Method::DELETE,
            &format!("/api/v1/posts/{post}"),
            &owner,
            None,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
    let (status, _, _) = fetch(&app, &public, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_video_past_the_cap_leaves_no_object_and_no_parts() {
    let (t, _base, s3) = app(&[("ALPHA__UPLOADS__MAX_VIDEO_BYTES", "5500000")]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;

    // Its first part is in the bucket before the cap is passed.
    let (status, err, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/video/upload",
            Some(&owner),
            &video_form(&post, mp4(6 * 1024 * 1024)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert_eq!(err["code"], "PAYLOAD_TOO_LARGE");
    no_unfinished_uploads(&s3).await;
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
    let (_, videos, _) = call(&app, get("/api/v1/video")).await;
    assert_eq!(videos, json!([]));
}

#[actix_web::test]
async fn a_bucket_that_does_not_answer_is_a_503_not_a_500() {
    // Port 1: nothing listens there, so every connection is refused at once.
    let (t, _base, _s3) = app(&[("ALPHA__STORAGE__S3__ENDPOINT", "http://127.0.0.1:1")]).await;
    let app = t.http().await;
    for range in [None, Some("bytes=0-9")] {
        let headers: Vec<_> = range.map(|r| (header::RANGE, r)).into_iter().collect();
        let (status, _, body) = fetch(&app, "/uploads/posts/x.jpg", &headers).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{range:?}");
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["code"], "SERVICE_UNAVAILABLE");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("127.0.0.1"),
            "no storage detail leaks: {text}"
        );
    }

    // An upload the bucket cannot take: the same 503, and the post is left as it was.
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;
    let (status, body) = add_photo(&app, &owner, &post, jpeg(60, 80)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "SERVICE_UNAVAILABLE");
    assert!(!body.to_string().contains("127.0.0.1"), "{body}");
    let (status, body, _) = call(&app, get(&format!("/api/v1/posts/{post}?photo=true"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["photo"], json!([]), "no photo row without its files");

    // A video goes the same way.
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/video/upload",
            Some(&owner),
            &video_form(&post, mp4(64 * 1024)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "SERVICE_UNAVAILABLE");
    let (_, videos, _) = call(&app, get("/api/v1/video")).await;
    assert_eq!(videos, json!([]), "no video row without its file");
}
