//! A post's photos (CONTRACT §2.8, #50–#52) through the real application, PostgreSQL and an
//! upload folder in a temporary directory: ownership, the all-or-nothing writes, the sizes of
//! the variants, metadata stripping, and files leaving with their photo or their post.
#![allow(clippy::unwrap_used)]

mod api;

use actix_web::http::{Method, StatusCode};
use api::upload::{
    CAMERA, Part, anonymous, app, contains, file, files, jpeg, jpeg_with_exif, new_post, text,
    upload, uploads,
};
use api::{authed, call, get};
use image::GenericImageView;
use serde_json::{Value, json};

const OWNER: &str = "99361999991";
const STRANGER: &str = "99361999992";
const ADMIN: &str = "99361999999";

/// The post's `photo` array as `GET /posts/:uuid?photo=true` sends it.
async fn photos_of<S, B>(app: &S, post: &str) -> Vec<Value>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = call(app, get(&format!("/api/v1/posts/{post}?photo=true"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["photo"].as_array().unwrap().clone()
}

fn one_photo(post: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![
        text("uuid", post),
        file("file", "photo_1_1700000000000.jpg", bytes),
    ]
}

#[actix_web::test]
async fn the_owner_adds_photos_in_three_sizes_without_upscaling_or_metadata() {
    let (t, base) = app().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;

    // #51: one portrait photo with camera metadata, as the app sends it.
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/posts",
            &owner,
            &one_photo(&post, jpeg_with_exif(1500, 2000)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OK");
    let id = body["photos"][0].as_str().unwrap().to_owned();

    let photos = photos_of(&app, &post).await;
    assert_eq!(photos.len(), 1);
    let photo = &photos[0];
    assert_eq!(photo["uuid"], id.as_str());
    assert_eq!(photo["originalPath"], format!("uploads/posts/{id}.jpg"));
    for (size, long_side) in [("small", 256), ("medium", 512), ("large", 1024)] {
        let public = photo["path"][size].as_str().unwrap();
        assert_eq!(public, format!("uploads/posts/{size}_{id}.jpg"));
        // Served where the app looks: API base + path.
        let (status, _, _) = call(&app, get(&format!("/{public}"))).await;
        assert_eq!(status, StatusCode::OK, "{public}");
        let stored = std::fs::read(base.path().join(public)).unwrap();
        let (w, h) = image::load_from_memory(&stored).unwrap().dimensions();
        assert_eq!(h, long_side, "{size}: the long side is the height");
        assert_eq!(w, long_side * 3 / 4, "{size}: the aspect ratio is kept");
    }
    let original = std::fs::read(base.path().join(format!("uploads/posts/{id}.jpg"))).unwrap();
    assert!(!contains(&original, b"Exif\0\0"), "EXIF stripped");
    assert!(!contains(&original, CAMERA), "camera data stripped");

    // #50: several small photos at once; a 100 px picture stays 100 px in every size.
    let parts = vec![
        text("uuid", &post),
        file("files", "a.jpg", jpeg(100, 80)),
        file("files", "b.jpg", jpeg(120, 90)),
    ];
    let (status, body, _) = call(
        &app,
        upload(Method::PUT, "/api/v1/photo/posts", &owner, &parts),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let added = body["photos"].as_array().unwrap();
    assert_eq!(added.len(), 2);
    let small = added[0].as_str().unwrap();
    for size in ["small", "medium", "large"] {
        let stored =
            std::fs::read(uploads(&base).join(format!("posts/{size}_{small}.jpg"))).unwrap();
        let dims = image::load_from_memory(&stored).unwrap().dimensions();
        assert_eq!(dims, (100, 80), "{size} is never upscaled");
    }
    assert_eq!(photos_of(&app, &post).await.len(), 3);
    assert_eq!(files(&uploads(&base)).len(), 12, "four files per photo");
}

#[actix_web::test]
async fn only_the_owner_or_an_admin_changes_a_posts_photos() {
    let (t, base) = app().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let (stranger, _) = t.login(&app, STRANGER).await;
    let admin = t.admin(&app, ADMIN).await;
    let post = new_post(&app, &owner).await;

    let (status, err, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/posts",
            &stranger,
            &one_photo(&post, jpeg(64, 64)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["code"], "FORBIDDEN");
    let (status, err, _) = call(
        &app,
        anonymous(
            Method::POST,
            "/api/v1/photo/posts",
            &one_photo(&post, jpeg(64, 64)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    assert!(files(&uploads(&base)).is_empty(), "nothing written");

    // The admin may; the stranger may not delete it; the owner may.
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/posts",
            &admin,
            &one_photo(&post, jpeg(64, 64)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let photo = body["photos"][0].as_str().unwrap().to_owned();
    let path = format!("/api/v1/photo/posts/{photo}");
    let (status, err, _) = call(&app, authed(Method::DELETE, &path, &stranger, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(files(&uploads(&base)).len(), 4);
    let (status, body, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OK");
    assert!(files(&uploads(&base)).is_empty(), "files gone with the row");
    assert!(photos_of(&app, &post).await.is_empty());
    let (status, err, _) = call(&app, authed(Method::DELETE, &path, &owner, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    assert_eq!(err["code"], "PHOTO_NOT_FOUND");
}

#[actix_web::test]
async fn an_owners_photo_sends_an_approved_post_back_to_moderation() {
    let (t, _base) = app().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let admin = t.admin(&app, ADMIN).await;
    let post = new_post(&app, &owner).await;
    let path = format!("/api/v1/posts/{post}");
    let (status, body, _) = call(
        &app,
        authed(Method::PUT, &path, &admin, Some(json!({"status": true}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/posts",
            &owner,
            &one_photo(&post, jpeg(64, 64)),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body, _) = call(&app, get(&path)).await;
    assert!(body["status"].is_null(), "pending again: {body}");
}

#[actix_web::test]
async fn refused_uploads_are_clear_4xx_and_leave_nothing_behind() {
    let (t, base) = app().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    let cases: Vec<(Method, Vec<Part>, StatusCode, &str)> = vec![
        (
            Method::POST,
            one_photo(&unknown, jpeg(64, 64)),
            StatusCode::NOT_FOUND,
            "POST_NOT_FOUND",
        ),
        (
            Method::POST,
            one_photo(&post, b"%PDF-1.7 not a picture".to_vec()),
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            Method::POST,
            one_photo(&post, b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            Method::POST,
            vec![text("uuid", &post)],
            StatusCode::BAD_REQUEST,
            "NO_FILE",
        ),
        (
            Method::POST,
            vec![file("file", "a.jpg", jpeg(64, 64))],
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            Method::POST,
            one_photo("not-a-uuid", jpeg(64, 64)),
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            Method::POST,
            one_photo(&post, vec![0xFF; 5 * 1024 * 1024 + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        // One bad file among good ones refuses the whole batch.
        (
            Method::PUT,
            vec![
                text("uuid", &post),
                file("files", "ok.jpg", jpeg(64, 64)),
                file("files", "bad.jpg", b"GIF89a nope".to_vec()),
            ],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            Method::PUT,
            std::iter::once(text("uuid", &post))
                .chain((0..11).map(|_| file("files", "x.jpg", jpeg(8, 8))))
                .collect(),
            StatusCode::BAD_REQUEST,
            "TOO_MANY_FILES",
        ),
    ];
    for (method, parts, expected, code) in cases {
        let (status, err, _) = call(
            &app,
            upload(method.clone(), "/api/v1/photo/posts", &owner, &parts),
        )
        .await;
        assert_eq!(status, expected, "{method} {code}: {err}");
        assert_eq!(err["code"], code, "{err}");
        assert!(err["message"].is_string(), "{err}");
    }
    assert!(
        files(&uploads(&base)).is_empty(),
        "{:?}",
        files(&uploads(&base))
    );
    assert!(photos_of(&app, &post).await.is_empty());

    let (status, err, _) = call(
        &app,
        authed(Method::DELETE, "/api/v1/photo/posts/nope", &owner, None),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
}

#[actix_web::test]
async fn deleting_a_post_removes_its_photo_files() {
    let (t, base) = app().await;
    let app = t.http().await;
    let (owner, _) = t.login(&app, OWNER).await;
    let post = new_post(&app, &owner).await;
    let other = new_post(&app, &owner).await;
    for target in [&post, &other] {
        let (status, body, _) = call(
            &app,
            upload(
                Method::POST,
                "/api/v1/photo/posts",
                &owner,
                &one_photo(target, jpeg(300, 200)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let kept: Vec<String> = photos_of(&app, &other).await[0]["path"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| {
            v.as_str()
                .unwrap()
                .trim_start_matches("uploads/")
                .to_owned()
        })
        .collect();
    assert_eq!(files(&uploads(&base)).len(), 8);

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
    let left = files(&uploads(&base));
    assert_eq!(left.len(), 4, "{left:?}");
    for path in kept {
        assert!(
            left.contains(&path),
            "{path} of the other post stays: {left:?}"
        );
    }
}
