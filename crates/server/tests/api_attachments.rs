//! A post's video and PDF document (CONTRACT §2.9, §2.10, #66–#82) through the real
//! application, PostgreSQL and an upload folder in a temporary directory: ownership on every
//! change, content checks, caps, replacement, and nothing left on disk by a refusal or a delete.
#![allow(clippy::unwrap_used)]

mod api;

use std::path::PathBuf;

use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use api::upload::{
    Part, app_with as app, files as files_under, request as upload, text, typed_file as file,
    uploads,
};
use api::{authed, call, get, v5};
use serde_json::{Value, json};
use tempfile::TempDir;

const OWNER: &str = "99361999991";
const STRANGER: &str = "99361999992";
const ADMIN: &str = "99361999999";

/// An MP4 start (an `ftyp` box with the `mp42` brand) padded to `len` bytes.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    bytes.resize(len, 0x5A);
    bytes
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b' ');
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    bytes.resize(8192, 0);
    bytes
}

fn video_form(post: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![
        text("postId", post),
        text("uuid", post),
        file("file", "video_1.mp4", "video/mp4", bytes),
    ]
}

fn pdf_form(post: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![
        text("postId", post),
        file("file", "doc.pdf", "application/pdf", bytes),
    ]
}

async fn create_post<S, B>(app: &S, token: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let body = json!({
        "brandsId": v5("brand:toyota"),
        "price": 15000,
        "currency": "TMT",
        "year": 2015,
        "personalInfo": {"name": "Aman", "region": "Local", "phone": "+99361999991"},
    });
    let (status, created, _) = call(
        app,
        authed(Method::POST, "/api/v1/posts", token, Some(body)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["uuid"].as_str().unwrap().to_owned()
}

fn on_disk(base: &TempDir, relative: &Value) -> PathBuf {
    uploads(base).join(relative.as_str().unwrap())
}

#[actix_web::test]
async fn a_video_is_streamed_stored_served_with_ranges_and_replaced() {
    let (t, base) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = create_post(&app, &owner).await;

    let (status, video, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/video/upload",
            Some(&owner),
            &video_form(&post, mp4(200_000)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{video}");
    let url = video["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("video/") && url.ends_with(".mp4"),
        "{video}"
    );
    assert_ne!(url, "video/video_1.mp4", "the client's name is never used");
    assert_eq!(video["publicUrl"], format!("/media/{url}"));
    assert_eq!(video["postId"], post);
    assert!(video["id"].is_string(), "{video}");
    assert!(video["createdAt"].is_string() && video["updatedAt"].is_string());
    let stored = on_disk(&base, &video["url"]);
    assert_eq!(std::fs::metadata(&stored).unwrap().len(), 200_000);
    assert_eq!(files_under(&uploads(&base)), std::slice::from_ref(&url));

    // Served by /media with byte ranges, as players seek.
    let req = test::TestRequest::get()
        .uri(video["publicUrl"].as_str().unwrap())
        .insert_header((header::RANGE, "bytes=0-9"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers().get(header::CONTENT_TYPE).unwrap(),
        "video/mp4"
    );
    let part = test::read_body(res).await;
    assert_eq!(&part[..], &mp4(10)[..]);

    // Reads: public, with the post and without its owner.
    let id = video["id"].as_str().unwrap();
    let (status, read, _) = call(&app, get(&format!("/api/v1/video/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["post"]["uuid"], post);
    assert!(read["post"].get("userId").is_none(), "{read}");
    let (_, listed, _) = call(&app, get("/api/v1/video")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let (_, of_post, _) = call(&app, get(&format!("/api/v1/video/post/{post}"))).await;
    assert_eq!(of_post[0]["id"], id);
    let (_, detail, _) = call(&app, get(&format!("/api/v1/posts/{post}"))).await;
    assert_eq!(detail["video"]["publicUrl"], video["publicUrl"]);

    // PUT /video (post in `uuid`) replaces it: the old row and file go.
    let form = vec![
        text("uuid", &post),
        file("file", "clip.webm", "video/webm", mp4(5000)),
    ];
    let (status, second, _) = call(
        &app,
        upload(Method::PUT, "/api/v1/video", Some(&owner), &form),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert!(
        second["url"].as_str().unwrap().ends_with(".mp4"),
        "sniffed, not named: {second}"
    );
    assert!(!stored.exists());
    assert_eq!(
        files_under(&uploads(&base)),
        [second["url"].as_str().unwrap()]
    );
    let (status, err, _) = call(&app, get(&format!("/api/v1/video/{id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "VIDEO_NOT_FOUND");
}

#[actix_web::test]
async fn video_uploads_are_refused_with_codes_and_leave_nothing() {
    let (t, base) = app(&[("ALPHA__UPLOADS__MAX_VIDEO_BYTES", "65536")]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let (stranger, _) = t.login(&app, STRANGER).await;
    let post = create_post(&app, &owner).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let uri = "/api/v1/video/upload";

    let cases: Vec<(Option<&str>, Vec<Part>, StatusCode, &str)> = vec![
        (
            None,
            video_form(&post, mp4(1000)),
            StatusCode::UNAUTHORIZED,
            "TOKEN_INVALID",
        ),
        (
            Some(&stranger),
            video_form(&post, mp4(1000)),
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
        ),
        (
            Some(&owner),
            video_form(&unknown, mp4(1000)),
            StatusCode::NOT_FOUND,
            "POST_NOT_FOUND",
        ),
        (
            Some(&owner),
            video_form("not-a-uuid", mp4(1000)),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            Some(&owner),
            video_form(&post, png()),
            StatusCode::BAD_REQUEST,
            "NOT_A_VIDEO",
        ),
        (
            Some(&owner),
            video_form(&post, b"just some text".to_vec()),
            StatusCode::BAD_REQUEST,
            "NOT_A_VIDEO",
        ),
        (
            Some(&owner),
            video_form(&post, Vec::new()),
            StatusCode::BAD_REQUEST,
            "NO_FILE",
        ),
        (
            Some(&owner),
            vec![text("postId", &post)],
            StatusCode::BAD_REQUEST,
            "NO_FILE",
        ),
        (
            Some(&owner),
            vec![file("file", "v.mp4", "video/mp4", mp4(1000))],
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        // postId after the file: refused rather than buffering the file.
        (
            Some(&owner),
            vec![
                file("file", "v.mp4", "video/mp4", mp4(1000)),
                text("postId", &post),
            ],
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            Some(&owner),
            vec![
                text("postId", &post),
                file("video", "v.mp4", "video/mp4", mp4(1000)),
            ],
            StatusCode::BAD_REQUEST,
            "UNEXPECTED_FILE",
        ),
        (
            Some(&owner),
            vec![
                text("postId", &post),
                file("file", "a.mp4", "video/mp4", mp4(1000)),
                file("file", "b.mp4", "video/mp4", mp4(1000)),
            ],
            StatusCode::BAD_REQUEST,
            "TOO_MANY_FILES",
        ),
        // Over the 64 kB cap: declared length and streamed bytes both refuse it.
        (
            Some(&owner),
            video_form(&post, mp4(200_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            Some(&owner),
            video_form(&post, mp4(65_537)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for (token, parts, want, code) in cases {
        let (status, err, _) = call(&app, upload(Method::POST, uri, token, &parts)).await;
        assert_eq!(status, want, "{err}");
        assert_eq!(err["code"], code, "{err}");
        assert!(err["message"].is_string(), "{err}");
        assert!(
            files_under(&uploads(&base)).is_empty(),
            "{:?} after {err}",
            files_under(&uploads(&base))
        );
    }
    // The chunked path past the cap (no Content-Length to refuse early).
    let req = test::TestRequest::post()
        .uri(uri)
        .insert_header(("authorization", format!("Bearer {owner}")))
        .insert_header((
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={}", api::upload::BOUNDARY),
        ))
        .set_payload(api::upload::multipart(&video_form(&post, mp4(100_000))))
        .to_request();
    let mut req = req;
    req.headers_mut().remove(header::CONTENT_LENGTH);
    let (status, err, _) = call(&app, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert!(files_under(&uploads(&base)).is_empty());

    let mut conn = t.db().conn().await;
    let n: i64 = count(&mut conn, "SELECT count(*) AS n FROM video").await;
    assert_eq!(n, 0);

    let (status, err, _) = call(&app, get("/api/v1/video/abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert_eq!(err["code"], "INVALID_PATH_PARAMETER");
    let (status, err, _) = call(&app, get("/api/v1/video/post/abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let (status, err, _) = call(&app, get("/api/v1/video/424242")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "VIDEO_NOT_FOUND");
}

async fn count(conn: &mut diesel_async::AsyncPgConnection, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::RunQueryDsl;
    let rows: Vec<N> = diesel::sql_query(sql).load(conn).await.unwrap();
    rows[0].n
}

#[actix_web::test]
async fn videos_move_and_delete_only_for_owners_and_their_files_go() {
    let (t, base) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let (stranger, _) = t.login(&app, STRANGER).await;
    let admin = t.admin(&app, ADMIN).await;
    let first = create_post(&app, &owner).await;
    let second = create_post(&app, &owner).await;
    let theirs = create_post(&app, &stranger).await;

    let mut videos = Vec::new();
    for (post, token) in [(&first, &owner), (&second, &owner), (&theirs, &stranger)] {
        let (status, v, _) = call(
            &app,
            upload(
                Method::POST,
                "/api/v1/video/upload",
                Some(token),
                &video_form(post, mp4(3000)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        videos.push(v);
    }
    let id = |i: usize| videos[i]["id"].as_str().unwrap().to_owned();

    // A stranger may not move or delete the owner's video; the owner may not move it onto the
    // stranger's post.
    let path = format!("/api/v1/video/{}", id(0));
    for (method, token, body) in [
        (Method::PUT, &stranger, Some(json!({"postId": theirs}))),
        (Method::PATCH, &owner, Some(json!({"postId": theirs}))),
        (Method::DELETE, &stranger, None),
    ] {
        let (status, err, _) = call(&app, authed(method, &path, token, body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert_eq!(err["code"], "FORBIDDEN");
    }
    let (status, _, _) = call(&app, test::TestRequest::delete().uri(&path).to_request()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, err, _) = call(
        &app,
        authed(
            Method::PATCH,
            &path,
            &owner,
            Some(json!({"postId": uuid::Uuid::new_v4()})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "POST_NOT_FOUND");
    let (status, err, _) = call(
        &app,
        authed(Method::PUT, &path, &owner, Some(json!({"postId": "x"}))),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");

    // PUT without postId changes nothing; PATCH moves onto the owner's other post, replacing
    // its video and file.
    let (status, same, _) = call(&app, authed(Method::PUT, &path, &owner, Some(json!({})))).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["postId"], first);
    let (status, moved, _) = call(
        &app,
        authed(
            Method::PATCH,
            &path,
            &owner,
            Some(json!({"postId": second})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["postId"], second);
    assert!(!on_disk(&base, &videos[1]["url"]).exists());
    assert!(on_disk(&base, &videos[0]["url"]).exists());
    let (_, on_second, _) = call(&app, get(&format!("/api/v1/video/post/{second}"))).await;
    assert_eq!(on_second.as_array().unwrap().len(), 1, "{on_second}");
    assert_eq!(on_second[0]["id"], id(0));

    // Delete by id removes the file; delete by post too (an admin may).
    let (status, body, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["message"].is_string());
    assert!(!on_disk(&base, &videos[0]["url"]).exists());
    let (status, _, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let by_post = format!("/api/v1/video/post/{theirs}");
    let (status, _, _) = call(&app, authed(Method::DELETE, &by_post, &owner, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = call(&app, authed(Method::DELETE, &by_post, &admin, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["message"],
        format!("All videos for post {theirs} deleted successfully")
    );
    assert!(
        files_under(&uploads(&base)).is_empty(),
        "{:?}",
        files_under(&uploads(&base))
    );
    let unknown = format!("/api/v1/video/post/{}", uuid::Uuid::new_v4());
    let (status, err, _) = call(&app, authed(Method::DELETE, &unknown, &owner, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
}

#[actix_web::test]
async fn documents_are_pdfs_of_at_most_5_mb_changed_by_owners_only() {
    let (t, base) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let (stranger, _) = t.login(&app, STRANGER).await;
    let post = create_post(&app, &owner).await;
    let other = create_post(&app, &owner).await;
    let uri = "/api/v1/file/upload";

    for (token, parts, want, code) in [
        (
            None,
            pdf_form(&post, pdf(100)),
            StatusCode::UNAUTHORIZED,
            "TOKEN_INVALID",
        ),
        (
            Some(&stranger),
            pdf_form(&post, pdf(100)),
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
        ),
        (
            Some(&owner),
            pdf_form(&uuid::Uuid::new_v4().to_string(), pdf(100)),
            StatusCode::NOT_FOUND,
            "POST_NOT_FOUND",
        ),
        (
            Some(&owner),
            pdf_form(&post, png()),
            StatusCode::BAD_REQUEST,
            "NOT_A_PDF",
        ),
        (
            Some(&owner),
            pdf_form(&post, mp4(100)),
            StatusCode::BAD_REQUEST,
            "NOT_A_PDF",
        ),
        (
            Some(&owner),
            pdf_form(&post, pdf(5 * 1024 * 1024 + 1)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
    ] {
        let (status, err, _) = call(
            &app,
            upload(Method::POST, uri, token.map(String::as_str), &parts),
        )
        .await;
        assert_eq!(status, want, "{err}");
        assert_eq!(err["code"], code, "{err}");
        assert!(files_under(&uploads(&base)).is_empty());
    }

    let (status, first, _) = call(
        &app,
        upload(
            Method::POST,
            uri,
            Some(&owner),
            &pdf_form(&post, pdf(5 * 1024 * 1024)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let uuid = first["uuid"].as_str().unwrap().to_owned();
    assert_eq!(first["path"], format!("uploads/files/{uuid}.pdf"));
    assert_eq!(first["postId"], post);
    let first_file = base.path().join(first["path"].as_str().unwrap());
    assert!(first_file.exists());
    let (status, _, headers) =
        call(&app, get(&format!("/{}", first["path"].as_str().unwrap()))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get(header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );

    // A second document replaces the first.
    let (status, second, _) = call(
        &app,
        upload(Method::POST, uri, Some(&owner), &pdf_form(&post, pdf(300))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert!(!first_file.exists());
    let (status, err, _) = call(&app, get(&format!("/api/v1/file/{uuid}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "FILE_NOT_FOUND");
    let (status, err, _) = call(&app, get("/api/v1/file/not-a-uuid")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let second_uuid = second["uuid"].as_str().unwrap().to_owned();
    let (_, read, _) = call(&app, get(&format!("/api/v1/file/{second_uuid}"))).await;
    assert_eq!(read, second);
    let (_, listed, _) = call(&app, get("/api/v1/file?limit=5")).await;
    assert_eq!(listed, json!([second.clone()]));
    let (_, detail, _) = call(&app, get(&format!("/api/v1/posts/{post}"))).await;
    assert_eq!(detail["file"]["uuid"], second_uuid);

    // Moves and deletes: the owner only.
    let path = format!("/api/v1/file/{second_uuid}");
    let (status, _, _) = call(
        &app,
        authed(
            Method::PATCH,
            &path,
            &stranger,
            Some(json!({"postId": other})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, moved, _) = call(
        &app,
        authed(Method::PUT, &path, &owner, Some(json!({"postId": other}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["postId"], other);
    let (_, of_other, _) = call(&app, get(&format!("/api/v1/file/post/{other}"))).await;
    assert_eq!(of_other.as_array().unwrap().len(), 1);
    let (status, _, _) = call(&app, authed(Method::DELETE, &path, &stranger, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "File deleted successfully");
    assert!(files_under(&uploads(&base)).is_empty());

    call(
        &app,
        upload(Method::POST, uri, Some(&owner), &pdf_form(&post, pdf(300))),
    )
    .await;
    let by_post = format!("/api/v1/file/post/{post}");
    let (status, _, _) = call(&app, authed(Method::DELETE, &by_post, &stranger, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body, _) = call(&app, authed(Method::DELETE, &by_post, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["message"],
        format!("All files for post {post} deleted successfully")
    );
    assert!(files_under(&uploads(&base)).is_empty());
}

#[actix_web::test]
async fn deleting_a_post_removes_its_video_and_document_from_disk() {
    let (t, base) = app(&[]).await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = create_post(&app, &owner).await;
    let (status, _, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/video/upload",
            Some(&owner),
            &video_form(&post, mp4(4000)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/file/upload",
            Some(&owner),
            &pdf_form(&post, pdf(400)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(files_under(&uploads(&base)).len(), 2);

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
    assert!(
        files_under(&uploads(&base)).is_empty(),
        "{:?}",
        files_under(&uploads(&base))
    );
    let (_, videos, _) = call(&app, get("/api/v1/video")).await;
    assert_eq!(videos, json!([]));
}

#[actix_web::test]
async fn the_upload_paths_are_not_taken_for_ids() {
    let (t, _base) = app(&[]).await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    for uri in ["/api/v1/video/upload", "/api/v1/file/upload"] {
        for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::GET] {
            let (status, err, _) = call(&app, authed(method.clone(), uri, &admin, None)).await;
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {uri}: {err}"
            );
            assert_eq!(err["code"], "METHOD_NOT_ALLOWED", "{err}");
        }
    }
}
