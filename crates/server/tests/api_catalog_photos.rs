//! Photos of brands, models, categories, banners and plans (CONTRACT §2.8 #53–#57, #62–#65;
//! #33, #34) and `/uploads`, through the real application, PostgreSQL and an upload folder in a
//! temporary directory.
#![allow(clippy::unwrap_used)]

mod api;

use std::path::PathBuf;

use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use api::upload::{
    BOUNDARY, Part, anonymous, app, encoded, file, files, jpeg, text, upload, uploads,
};
use api::{call, with_bearer};
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use serde_json::{Value, json};
use tempfile::TempDir;

const ADMIN: &str = "99361999999";
const USER: &str = "99361999991";

fn transparent_png() -> Vec<u8> {
    let logo = RgbaImage::from_fn(300, 120, |x, _| {
        Rgba([20, 120, 220, if x < 150 { 255 } else { 0 }])
    });
    encoded(&DynamicImage::ImageRgba8(logo), ImageFormat::Png)
}

fn get(uri: &str) -> actix_http::Request {
    test::TestRequest::get()
        .uri(uri)
        .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
        .to_request()
}

fn delete(uri: &str, token: &str) -> actix_http::Request {
    with_bearer(Method::DELETE, uri, token).to_request()
}

fn v5(name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

fn toyota() -> String {
    v5("brand:toyota")
}

/// The brand's entry in `GET /brands`.
async fn brand_photo<S, B>(app: &S, uuid: &str) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, body, _) = call(app, get("/api/v1/brands")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .find(|b| b["uuid"] == uuid)
        .unwrap()["photo"]
        .clone()
}

/// The file behind a public path (`uploads/brand/x.jpg`).
fn on_disk(base: &TempDir, public: &Value) -> PathBuf {
    let public = public.as_str().unwrap();
    base.path().join(public)
}

fn photo_files(base: &TempDir, photo: &Value) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = ["small", "medium", "large"]
        .iter()
        .map(|size| on_disk(base, &photo["path"][size]))
        .collect();
    paths.push(on_disk(base, &photo["originalPath"]));
    paths
}

#[actix_web::test]
async fn a_brand_icon_is_served_in_three_sizes_and_a_new_upload_replaces_it() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let brand = toyota();

    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/brand",
            &admin,
            &[
                text("uuid", &brand),
                file("file", "logo.jpeg", jpeg(800, 400)),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OK");
    let first = body["uuid"].clone();
    assert_eq!(first["brandsId"], brand.as_str(), "{first}");
    assert!(first["uuid"].is_string() && first["createdAt"].is_string());

    let photo = brand_photo(&app, &brand).await;
    assert_eq!(photo, first, "GET /brands shows the new photo at once");
    for size in ["small", "medium", "large"] {
        let path = photo["path"][size].as_str().unwrap();
        assert!(
            path.starts_with(&format!("uploads/brand/{size}_")),
            "{path}"
        );
        assert!(path.ends_with(".jpg"), "{path}");
    }
    assert!(
        photo["originalPath"]
            .as_str()
            .unwrap()
            .starts_with("uploads/brand/")
    );

    let small = photo["path"]["small"].as_str().unwrap();
    let res = test::call_service(&app, get(&format!("/{small}"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
    let bytes = test::read_body(res).await;
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert!(decoded.width() <= 256, "{}", decoded.width());
    assert_eq!((decoded.width(), decoded.height()), (256, 128));
    let old_files = photo_files(&base, &photo);
    assert!(old_files.iter().all(|f| f.is_file()), "{old_files:?}");

    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/brand",
            &admin,
            &[
                file("file", "logo2.jpg", jpeg(200, 100)),
                text("uuid", &brand),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = brand_photo(&app, &brand).await;
    assert_ne!(second["uuid"], first["uuid"]);
    assert!(
        old_files.iter().all(|f| !f.exists()),
        "the replaced files are gone"
    );
    assert_eq!(files(&uploads(&base)).len(), 4, "one image, four files");
    let (status, body, _) = call(&app, get(&format!("/{small}"))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
    let large = image::open(on_disk(&base, &second["path"]["large"])).unwrap();
    assert_eq!(
        large.width(),
        200,
        "variants are never larger than the original"
    );

    let photo_uuid = second["uuid"].as_str().unwrap();
    let (status, body, _) = call(
        &app,
        delete(&format!("/api/v1/photo/brand/{photo_uuid}"), &admin),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"message": "OK"})));
    assert!(brand_photo(&app, &brand).await.is_null());
    assert!(files(&uploads(&base)).is_empty());
    let (status, body, _) = call(
        &app,
        delete(&format!("/api/v1/photo/brand/{photo_uuid}"), &admin),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("PHOTO_NOT_FOUND"))
    );
}

#[actix_web::test]
async fn a_transparent_png_stays_png_and_model_icons_use_the_models_folder() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let (_, models, _) = call(&app, get(&format!("/api/v1/models?filter={}", toyota()))).await;
    let model = models[0]["uuid"].as_str().unwrap().to_owned();

    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/models",
            &admin,
            &[
                text("uuid", &model),
                file("file", "logo.jpg", transparent_png()),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let photo = &body["uuid"];
    assert_eq!(photo["modelsId"], model.as_str());
    let small = photo["path"]["small"].as_str().unwrap();
    assert!(
        small.starts_with("uploads/models/small_") && small.ends_with(".png"),
        "{small}"
    );
    let stored = image::open(on_disk(&base, &photo["originalPath"])).unwrap();
    assert!(stored.color().has_alpha(), "the transparency is kept");

    let photo_uuid = photo["uuid"].as_str().unwrap();
    let (status, _, _) = call(
        &app,
        delete(&format!("/api/v1/photo/brand/{photo_uuid}"), &admin),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a model's photo is not a brand's"
    );
    let (status, body, _) = call(
        &app,
        delete(&format!("/api/v1/photo/models/{photo_uuid}"), &admin),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"message": "OK"})));
    assert!(files(&uploads(&base)).is_empty());
}

#[actix_web::test]
async fn refused_uploads_are_clear_4xx_and_leave_no_file() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let brand = toyota();
    let mut truncated = jpeg(400, 300);
    truncated.truncate(truncated.len() / 2);
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#.to_vec();
    let cases: Vec<(&str, Vec<Part>, StatusCode, &str)> = vec![
        (
            "text named x.jpg",
            vec![
                text("uuid", &brand),
                file("file", "x.jpg", b"hello, not a picture".to_vec()),
            ],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            "an SVG",
            vec![text("uuid", &brand), file("file", "logo.svg", svg)],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            "a truncated JPEG",
            vec![text("uuid", &brand), file("file", "cut.jpg", truncated)],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            "more than 5 MB",
            vec![
                text("uuid", &brand),
                file("file", "big.jpg", vec![0xFF; 5 * 1024 * 1024 + 1]),
            ],
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "no file",
            vec![text("uuid", &brand)],
            StatusCode::BAD_REQUEST,
            "NO_FILE",
        ),
        (
            "a file under another name",
            vec![text("uuid", &brand), file("image", "a.jpg", jpeg(10, 10))],
            StatusCode::BAD_REQUEST,
            "UNEXPECTED_FILE",
        ),
        (
            "no uuid",
            vec![file("file", "a.jpg", jpeg(10, 10))],
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            "a uuid that is not one",
            vec![text("uuid", "toyota"), file("file", "a.jpg", jpeg(10, 10))],
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
        ),
        (
            "an unknown brand",
            vec![
                text("uuid", &uuid::Uuid::new_v4().to_string()),
                file("file", "a.jpg", jpeg(64, 64)),
            ],
            StatusCode::NOT_FOUND,
            "BRAND_NOT_FOUND",
        ),
    ];
    for (what, parts, want_status, want_code) in &cases {
        let (status, body, _) = call(
            &app,
            upload(Method::POST, "/api/v1/photo/brand", &admin, parts),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (*want_status, Some(*want_code)),
            "{what}: {body}"
        );
        assert!(
            !body.to_string().contains("SELECT"),
            "no SQL in answers: {body}"
        );
    }

    let (status, body, _) = call(
        &app,
        upload(
            Method::PUT,
            "/api/v1/photo/banners",
            &admin,
            &[
                text("uuid", &uuid::Uuid::new_v4().to_string()),
                file("files", "a.jpg", jpeg(10, 10)),
                file("files", "b.jpg", jpeg(10, 10)),
            ],
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("TOO_MANY_FILES")),
        "{body}"
    );
    let json_body = with_bearer(Method::POST, "/api/v1/photo/brand", &admin)
        .set_json(json!({"uuid": brand}))
        .to_request();
    let (status, body, _) = call(&app, json_body).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("UNSUPPORTED_MEDIA_TYPE")
        ),
        "{body}"
    );
    let garbled = with_bearer(Method::POST, "/api/v1/photo/brand", &admin)
        .insert_header((
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload("--nonsense")
        .to_request();
    let (status, body, _) = call(&app, garbled).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    assert_eq!(files(&uploads(&base)), Vec::<String>::new());
    assert!(brand_photo(&app, &brand).await.is_null());
}

/// Every photo route, with what a valid admin request would send.
fn routes(owner: &str, photo: &str) -> Vec<(Method, String, Vec<Part>)> {
    let with_uuid =
        |field: &'static str| vec![text("uuid", owner), file(field, "a.jpg", jpeg(16, 16))];
    vec![
        (
            Method::PUT,
            "/api/v1/photo/banners".into(),
            with_uuid("files"),
        ),
        (
            Method::PUT,
            "/api/v1/photo/categories".into(),
            with_uuid("files"),
        ),
        (
            Method::PUT,
            "/api/v1/photo/subscriptions".into(),
            with_uuid("file"),
        ),
        (
            Method::POST,
            "/api/v1/photo/brand".into(),
            with_uuid("file"),
        ),
        (
            Method::POST,
            "/api/v1/photo/models".into(),
            with_uuid("file"),
        ),
        (
            Method::POST,
            format!("/api/v1/models/photo/{owner}"),
            vec![file("file", "a.jpg", jpeg(16, 16))],
        ),
        (
            Method::DELETE,
            format!("/api/v1/photo/banners/{photo}"),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/photo/subscriptions/{photo}"),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/photo/brand/{photo}"),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/photo/models/{photo}"),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/models/photo/{owner}"),
            vec![],
        ),
    ]
}

#[actix_web::test]
async fn photo_routes_are_for_admins_only() {
    let (t, base) = app().await;
    let app = t.http().await;
    let (user, _) = t.login(&app, USER).await;
    let owner = toyota();
    let photo = uuid::Uuid::new_v4().to_string();
    for (method, uri, parts) in routes(&owner, &photo) {
        let (status, body, _) = call(&app, anonymous(method.clone(), &uri, &parts)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}: {body}");
        let (status, body, _) = call(&app, upload(method.clone(), &uri, &user, &parts)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("FORBIDDEN")),
            "{method} {uri} as a user (S6)"
        );
    }
    let admin = t.admin(&app, ADMIN).await;
    t.db()
        .conn()
        .await
        .batch_execute(&format!("DELETE FROM users WHERE phone = '+{ADMIN}'"))
        .await
        .unwrap();
    for (method, uri, parts) in routes(&owner, &photo) {
        let (status, body, _) = call(&app, upload(method.clone(), &uri, &admin, &parts)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("USER_DELETED")),
            "{method} {uri}"
        );
    }
    assert!(files(&uploads(&base)).is_empty());
}

#[actix_web::test]
async fn banners_categories_and_plans_get_pictures() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let create = |uri: &str, body: Value| {
        with_bearer(Method::POST, uri, &admin)
            .set_json(body)
            .to_request()
    };
    let (_, body, _) = call(&app, create("/api/v1/banners", json!({}))).await;
    let banner = body["uuid"].as_str().unwrap().to_owned();
    let (_, body, _) = call(
        &app,
        create(
            "/api/v1/categories",
            json!({"name": {"en": "Cars"}, "priority": 1}),
        ),
    )
    .await;
    let category = body["uuid"].as_str().unwrap().to_owned();
    let (_, body, _) = call(
        &app,
        create(
            "/api/v1/subscription",
            json!({"name": {"en": "Gold"}, "description": {"en": "Top"}, "priority": 1}),
        ),
    )
    .await;
    let plan = body["data"]["uuid"].as_str().unwrap().to_owned();

    for (uri, field, owner) in [
        ("/api/v1/photo/banners", "files", &banner),
        ("/api/v1/photo/categories", "files", &category),
        ("/api/v1/photo/subscriptions", "file", &plan),
    ] {
        let (status, body, _) = call(
            &app,
            upload(
                Method::PUT,
                uri,
                &admin,
                &[text("uuid", owner), file(field, "a.webp", jpeg(640, 480))],
            ),
        )
        .await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, json!({"message": "OK"})),
            "{uri}"
        );
    }
    let (_, banners, _) = call(&app, get("/api/v1/banners")).await;
    let banner_photo = banners[0]["photo"].clone();
    assert!(
        banner_photo["path"]["medium"]
            .as_str()
            .unwrap()
            .starts_with("uploads/banners/medium_")
    );
    let (_, categories, _) = call(&app, get("/api/v1/categories?photo=true")).await;
    assert!(
        categories[0]["photo"]["path"]["large"]
            .as_str()
            .unwrap()
            .starts_with("uploads/categories/large_")
    );
    let (_, plan_body, _) = call(&app, get(&format!("/api/v1/subscription/{plan}"))).await;
    let plan_photo = plan_body["photo"].clone();
    assert!(
        plan_photo["path"]["small"]
            .as_str()
            .unwrap()
            .starts_with("uploads/subscription/small_"),
        "{plan_body}"
    );
    assert_eq!(files(&uploads(&base)).len(), 12);

    let banner_files = photo_files(&base, &banner_photo);
    let (status, body, _) = call(
        &app,
        delete(
            &format!(
                "/api/v1/photo/banners/{}",
                banner_photo["uuid"].as_str().unwrap()
            ),
            &admin,
        ),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"message": "OK"})));
    assert!(banner_files.iter().all(|f| !f.exists()));
    let (_, banners, _) = call(&app, get("/api/v1/banners")).await;
    assert!(banners[0]["photo"].is_null());

    let (status, body, _) = call(
        &app,
        delete(
            &format!(
                "/api/v1/photo/subscriptions/{}",
                plan_photo["uuid"].as_str().unwrap()
            ),
            &admin,
        ),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"message": "OK"})));
    assert_eq!(
        files(&uploads(&base)).len(),
        4,
        "the category's files remain"
    );
}

#[actix_web::test]
async fn the_model_photo_routes_of_the_models_controller() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let (_, models, _) = call(&app, get(&format!("/api/v1/models?filter={}", toyota()))).await;
    let model = models[0]["uuid"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/models/photo/{model}");

    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            &uri,
            &admin,
            &[file("file", "m.jpg", jpeg(300, 300))],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Photo uploaded successfully");
    let photo_uuid = body["uuid"].as_str().unwrap().to_owned();
    let (_, models, _) = call(&app, get(&format!("/api/v1/models?filter={}", toyota()))).await;
    let listed = models
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uuid"] == model.as_str())
        .unwrap();
    assert_eq!(listed["photo"]["uuid"], photo_uuid.as_str());

    let (status, body, _) = call(&app, delete(&uri, &admin)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"message": "Photo deleted successfully"})
        )
    );
    assert!(files(&uploads(&base)).is_empty());
    let (status, body, _) = call(&app, delete(&uri, &admin)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("PHOTO_NOT_FOUND"))
    );

    let unknown = format!("/api/v1/models/photo/{}", uuid::Uuid::new_v4());
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            &unknown,
            &admin,
            &[file("file", "m.jpg", jpeg(30, 30))],
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("MODEL_NOT_FOUND"))
    );
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/models/photo/not-a-uuid",
            &admin,
            &[file("file", "m.jpg", jpeg(30, 30))],
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_PATH_PARAMETER"))
    );
    assert!(files(&uploads(&base)).is_empty());
}

#[actix_web::test]
async fn uploads_never_serve_anything_outside_the_upload_folder() {
    let (t, base) = app().await;
    let app = t.http().await;
    std::fs::create_dir_all(uploads(&base).join("brand")).unwrap();
    std::fs::write(uploads(&base).join("brand/.hidden.tmp"), "partial").unwrap();
    for uri in [
        "/uploads/../secret.txt",
        "/uploads/%2e%2e/secret.txt",
        "/uploads/brand/%2e%2e/%2e%2e/secret.txt",
        "/uploads/brand/..%2f..%2fsecret.txt",
        "/uploads/..%5csecret.txt",
        "/uploads/../Cargo.toml",
        "/uploads/brand/.hidden.tmp",
        "/uploads/brand",
        "/uploads/brand/",
        "/uploads/",
        "/uploads/brand/missing.jpg",
    ] {
        let (status, body, _) = call(&app, get(uri)).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{uri}: {status} {body}"
        );
        assert!(
            body["code"].is_string(),
            "{uri}: JSON with a code, got {body}"
        );
        assert!(!body.to_string().contains("not for the web"));
    }
    let post = test::TestRequest::post()
        .uri("/uploads/brand/x.jpg")
        .to_request();
    let (status, body, _) = call(&app, post).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("METHOD_NOT_ALLOWED"))
    );
}

#[actix_web::test]
async fn deleting_a_row_deletes_its_photo_and_files() {
    let (t, base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let brand = toyota();
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/brand",
            &admin,
            &[
                text("uuid", &brand),
                file("file", "logo.jpg", jpeg(300, 300)),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let photo = brand_photo(&app, &brand).await;
    let kept = photo_files(&base, &photo);
    assert!(kept.iter().all(|f| f.is_file()), "{kept:?}");

    let (status, body, _) = call(&app, delete(&format!("/api/v1/brands/{brand}"), &admin)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        kept.iter().all(|f| !f.exists()),
        "files of a deleted brand stay: {kept:?}"
    );
    let rows: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM photo")
        .load(&mut t.db().conn().await)
        .await
        .unwrap();
    assert_eq!(rows[0].n, 0, "no orphaned photo row");
    let (status, _, _) = call(&app, delete(&format!("/api/v1/brands/{brand}"), &admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn an_overlong_text_field_is_a_malformed_form() {
    let (t, _base) = app().await;
    let app = t.http().await;
    let admin = t.admin(&app, ADMIN).await;
    let long = "x".repeat(2000);
    let (status, body, _) = call(
        &app,
        upload(
            Method::POST,
            "/api/v1/photo/brand",
            &admin,
            &[text("uuid", &long), file("file", "a.jpg", jpeg(50, 50))],
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_FIELD")),
        "{body}"
    );
}
