//! Users' avatars (CONTRACT §2.3 #9, #10; §2.8 #58, #59) and the avatar of `GET /auth/me`,
//! through the real application, PostgreSQL and an upload folder in a temporary directory:
//! the app's upload and its `created`/`updated` answers, replaced and deleted files leaving the
//! folder, refused files leaving nothing, the admins' delete, and no private field in any answer.
#![allow(clippy::unwrap_used)]

mod api;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use alpha_testkit::TestApp;
use api::community::{User, community_app, user as enrol};
use api::privacy::Privacy;
use api::upload::{
    CAMERA, Part, anonymous, contains, file, files, jpeg, jpeg_with_exif, png, text, upload,
    uploads,
};
use api::{authed, with_bearer};
use diesel_async::SimpleAsyncConnection;
use image::GenericImageView;
use serde_json::Value;
use tempfile::TempDir;

const ADMIN: &str = "99361999999";
const USER: &str = "99361999991";
const OTHER: &str = "99361999993";
const BYSTANDER: &str = "99361999992";

const ME: &str = "/api/v1/auth/me";
const APP_UPLOAD: &str = "/api/v1/photo/user";
const AVATAR: &str = "/api/v1/auth/avatar";

/// The application over a temporary upload folder (with room for many logins), the privacy
/// check that knows every user's private values, a bystander who never calls, and a logged-in
/// user (its token).
struct Room<S> {
    t: TestApp,
    base: TempDir,
    app: S,
    privacy: Privacy,
    by: User,
    user: String,
}

async fn room() -> Room<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let (t, base) = community_app().await;
    let app = t.http().await;
    let mut privacy = Privacy::new();
    let by = enrol(&t, &app, &mut privacy, BYSTANDER, "Bystander").await;
    let user = enrol(&t, &app, &mut privacy, USER, "Aman").await.token;
    Room {
        t,
        base,
        app,
        privacy,
        by,
        user,
    }
}

/// A multipart request by [`USER`], its answer checked by `privacy`.
async fn upload_as<S, B>(
    app: &S,
    method: Method,
    uri: &str,
    token: &str,
    parts: &[Part],
    privacy: &Privacy,
) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) = privacy
        .call(app, upload(method, uri, token, parts), Some(USER))
        .await;
    (status, body)
}

/// Sets `token`'s avatar through the app's route; returns the answer.
async fn set_avatar<S, B>(app: &S, token: &str, bytes: Vec<u8>, privacy: &Privacy) -> Value
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let form = [file("file", "image.jpg", bytes)];
    let (status, body) = upload_as(app, Method::PUT, APP_UPLOAD, token, &form, privacy).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The app's form: the image under `file`, and a `uuid` field the server ignores.
fn app_form(uuid: &str, bytes: Vec<u8>) -> Vec<Part> {
    vec![text("uuid", uuid), file("file", "image.jpg", bytes)]
}

fn me(token: &str) -> actix_http::Request {
    authed(Method::GET, ME, token, None)
}

/// The files a photo JSON names, relative to the upload folder.
fn named_files(photo: &Value) -> Vec<String> {
    let mut named: Vec<String> = ["small", "medium", "large"]
        .iter()
        .map(|size| photo["path"][size].as_str().unwrap().to_owned())
        .collect();
    named.push(photo["originalPath"].as_str().unwrap().to_owned());
    let mut named: Vec<String> = named
        .into_iter()
        .map(|p| p.strip_prefix("uploads/").unwrap().to_owned())
        .collect();
    named.sort();
    named
}

fn on_disk(base: &TempDir) -> Vec<String> {
    files(&uploads(base))
}

#[actix_web::test]
async fn the_apps_upload_creates_then_updates_the_avatar_and_removes_the_old_files() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    let uuid = profile["uuid"].as_str().unwrap().to_owned();
    assert_eq!(profile["avatar"], Value::Null);

    let (status, body) = upload_as(
        &app,
        Method::PUT,
        APP_UPLOAD,
        &user,
        &app_form(&uuid, jpeg(600, 400)),
        &privacy,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OK");
    assert_eq!(body["created"], true, "{body}");
    assert!(body.get("updated").is_none(), "{body}");
    let medium = body["paths"]["medium"].as_str().unwrap().to_owned();
    assert!(medium.starts_with("uploads/avatars/medium_"), "{medium}");

    let (status, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(status, StatusCode::OK);
    let first = profile["avatar"].clone();
    assert_eq!(first["path"], body["paths"], "{profile}");
    assert_eq!(first["userId"], uuid.as_str());
    for owner in [
        "bannerId",
        "categoryId",
        "subscriptionId",
        "brandsId",
        "modelsId",
    ] {
        assert_eq!(first[owner], Value::Null, "{first}");
    }
    assert!(first["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(on_disk(&base), named_files(&first));
    // Served where the app looks: API base + path.
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&format!("/{medium}"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let (status, body) = upload_as(
        &app,
        Method::PUT,
        APP_UPLOAD,
        &user,
        &app_form(&uuid, png(300, 300)),
        &privacy,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["updated"], true, "{body}");
    assert!(body.get("created").is_none(), "{body}");
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    let second = profile["avatar"].clone();
    assert_eq!(second["path"], body["paths"]);
    assert_ne!(second["uuid"], first["uuid"]);
    assert_ne!(second["originalPath"], first["originalPath"]);
    // Only the new avatar's four files are left: the first one's went with its row.
    assert_eq!(on_disk(&base), named_files(&second));
}

#[actix_web::test]
async fn variants_are_never_upscaled_and_the_camera_data_is_stripped() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;

    let body = set_avatar(&app, &user, jpeg_with_exif(300, 200), &privacy).await;
    for (size, width) in [("small", 256), ("medium", 300), ("large", 300)] {
        let stored =
            std::fs::read(base.path().join(body["paths"][size].as_str().unwrap())).unwrap();
        assert!(!contains(&stored, CAMERA), "{size} keeps the EXIF block");
        let (w, _) = image::load_from_memory(&stored).unwrap().dimensions();
        assert_eq!(w, width, "{size}");
    }
}

#[actix_web::test]
async fn post_and_delete_auth_avatar_keep_the_contracts_answers() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;

    let (status, body) = upload_as(
        &app,
        Method::POST,
        AVATAR,
        &user,
        &[file("file", "a.png", png(64, 64))],
        &privacy,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"], "Avatar uploaded successfully");
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(profile["avatar"]["uuid"], body["uuid"], "{profile}");
    assert_eq!(on_disk(&base).len(), 4);

    // A second POST replaces it too.
    let (status, again) = upload_as(
        &app,
        Method::POST,
        AVATAR,
        &user,
        &[file("file", "b.jpg", jpeg(64, 64))],
        &privacy,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(on_disk(&base), named_files(&profile["avatar"]));

    let delete = || authed(Method::DELETE, AVATAR, &user, None);
    let (status, body, _) = privacy.call(&app, delete(), Some(USER)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "Avatar deleted successfully");
    assert!(on_disk(&base).is_empty(), "{:?}", on_disk(&base));
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(profile["avatar"], Value::Null);

    let gone = privacy
        .refused(
            &app,
            delete(),
            Some(USER),
            StatusCode::NOT_FOUND,
            "AVATAR_NOT_FOUND",
        )
        .await;
    assert_eq!(gone["statusCode"], 404);
    assert_eq!(gone["message"], "Avatar not found");
}

#[actix_web::test]
async fn refused_uploads_are_clear_4xx_and_keep_the_old_avatar() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;
    set_avatar(&app, &user, jpeg(50, 50), &privacy).await;
    let (_, before, _) = privacy.call(&app, me(&user), Some(USER)).await;
    let kept = on_disk(&base);

    let mut truncated = jpeg(400, 300);
    truncated.truncate(truncated.len() / 2);
    let refused: Vec<(Vec<Part>, StatusCode, &str)> = vec![
        (
            vec![file("file", "image.jpg", b"this is not an image".to_vec())],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            vec![file("file", "image.jpg", truncated)],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (
            vec![file(
                "file",
                "logo.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            )],
            StatusCode::BAD_REQUEST,
            "NOT_AN_IMAGE",
        ),
        (vec![text("uuid", "x")], StatusCode::BAD_REQUEST, "NO_FILE"),
        (
            vec![file("image", "a.jpg", jpeg(10, 10))],
            StatusCode::BAD_REQUEST,
            "UNEXPECTED_FILE",
        ),
        (
            vec![
                file("file", "a.jpg", jpeg(10, 10)),
                file("file", "b.jpg", jpeg(10, 10)),
            ],
            StatusCode::BAD_REQUEST,
            "TOO_MANY_FILES",
        ),
        (
            vec![file("file", "big.jpg", vec![0xff; 5 * 1024 * 1024 + 1])],
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for uri in [APP_UPLOAD, AVATAR] {
        let method = if uri == AVATAR {
            Method::POST
        } else {
            Method::PUT
        };
        for (parts, status, code) in &refused {
            privacy
                .refused(
                    &app,
                    upload(method.clone(), uri, &user, parts),
                    Some(USER),
                    *status,
                    code,
                )
                .await;
        }
        let not_multipart = with_bearer(method.clone(), uri, &user)
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload("{}")
            .to_request();
        privacy
            .refused(
                &app,
                not_multipart,
                Some(USER),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
            )
            .await;
    }

    assert_eq!(
        on_disk(&base),
        kept,
        "a refused upload leaves no file behind"
    );
    let (_, after, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(after["avatar"], before["avatar"]);
}

#[actix_web::test]
async fn every_avatar_route_needs_a_token() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user: _user,
    } = room().await;
    let form = [file("file", "a.jpg", jpeg(10, 10))];
    for req in [
        anonymous(Method::PUT, APP_UPLOAD, &form),
        anonymous(Method::POST, AVATAR, &form),
        test::TestRequest::delete().uri(AVATAR).to_request(),
        test::TestRequest::delete()
            .uri(&format!("/api/v1/photo/user/{}", uuid::Uuid::new_v4()))
            .to_request(),
    ] {
        privacy
            .refused(&app, req, None, StatusCode::UNAUTHORIZED, "TOKEN_INVALID")
            .await;
    }
    assert!(on_disk(&base).is_empty());
}

#[actix_web::test]
async fn the_form_cannot_set_another_users_avatar() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by,
        user,
    } = room().await;

    // The app's `uuid` field naming someone else is ignored: the avatar is the caller's.
    let (status, _) = upload_as(
        &app,
        Method::PUT,
        APP_UPLOAD,
        &user,
        &app_form(&by.uuid, jpeg(40, 40)),
        &privacy,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The bystander's own profile: their phone is theirs to see, secrets are not.
    let (_, theirs, _) = privacy.call(&app, me(&by.token), Some(BYSTANDER)).await;
    assert_eq!(theirs["avatar"], Value::Null, "{theirs}");
    let (_, mine, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(on_disk(&base), named_files(&mine["avatar"]));
}

#[actix_web::test]
async fn admins_delete_any_avatar_by_its_photo_uuid() {
    let Room {
        t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;
    let admin = t.admin(&app, ADMIN).await;
    let (other, _) = t.login(&app, OTHER).await;
    set_avatar(&app, &user, jpeg(40, 40), &privacy).await;
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    let photo = profile["avatar"]["uuid"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/photo/user/{photo}");
    let delete = |token: &str, uri: &str| authed(Method::DELETE, uri, token, None);

    // Not an admin: refused, even the avatar's owner.
    for token in [&other, &user] {
        privacy
            .refused(
                &app,
                delete(token, &uri),
                None,
                StatusCode::FORBIDDEN,
                "FORBIDDEN",
            )
            .await;
    }
    privacy
        .refused(
            &app,
            delete(&admin, "/api/v1/photo/user/not-a-uuid"),
            None,
            StatusCode::BAD_REQUEST,
            "INVALID_PATH_PARAMETER",
        )
        .await;
    let unknown = format!("/api/v1/photo/user/{}", uuid::Uuid::new_v4());
    privacy
        .refused(
            &app,
            delete(&admin, &unknown),
            None,
            StatusCode::NOT_FOUND,
            "PHOTO_NOT_FOUND",
        )
        .await;

    // A brand's icon is not an avatar: this route does not delete it.
    let (status, icon, _) = privacy
        .call(
            &app,
            upload(
                Method::POST,
                "/api/v1/photo/brand",
                &admin,
                &[
                    text("uuid", &api::v5("brand:toyota")),
                    file("file", "t.jpg", jpeg(40, 40)),
                ],
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{icon}");
    let icon_uri = format!(
        "/api/v1/photo/user/{}",
        icon["uuid"]["uuid"].as_str().unwrap()
    );
    privacy
        .refused(
            &app,
            delete(&admin, &icon_uri),
            None,
            StatusCode::NOT_FOUND,
            "PHOTO_NOT_FOUND",
        )
        .await;

    let (status, body, _) = privacy.call(&app, delete(&admin, &uri), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["message"], "OK");
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(profile["avatar"], Value::Null);
    let left = on_disk(&base);
    assert_eq!(
        left.len(),
        4,
        "only the brand icon's files remain: {left:?}"
    );
    assert!(left.iter().all(|f| f.starts_with("brand/")), "{left:?}");
}

#[actix_web::test]
async fn another_image_recorded_on_a_user_is_not_their_avatar() {
    let Room {
        t,
        base: _base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    let uuid = profile["uuid"].as_str().unwrap().to_owned();
    let blog_image = uuid::Uuid::new_v4();
    t.db()
        .conn()
        .await
        .batch_execute(&format!(
            r#"INSERT INTO photo (uuid, path, "originalPath", "userId")
               VALUES ('{blog_image}', '{{"small":"uploads/vlog/s.jpg"}}', 'uploads/vlog/o.jpg', '{uuid}')"#
        ))
        .await
        .unwrap();

    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(profile["avatar"], Value::Null, "{profile}");
    set_avatar(&app, &user, jpeg(20, 20), &privacy).await;
    // Replacing the avatar leaves the other image alone; deleting it too.
    let (status, _, _) = privacy
        .call(
            &app,
            authed(Method::DELETE, AVATAR, &user, None),
            Some(USER),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut conn = t.db().conn().await;
    let left: i64 = diesel_async::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM photo WHERE uuid = '{blog_image}')"
        ))),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(left, 1);
}

#[actix_web::test]
async fn two_uploads_at_once_leave_one_avatar_and_only_its_files() {
    let Room {
        t: _t,
        base,
        app,
        privacy,
        by: _,
        user,
    } = room().await;
    let first = [file("file", "a.jpg", jpeg(80, 80))];
    let second = [file("file", "b.png", png(90, 90))];

    let (a, b) = futures_util::join!(
        upload_as(&app, Method::PUT, APP_UPLOAD, &user, &first, &privacy),
        upload_as(&app, Method::POST, AVATAR, &user, &second, &privacy),
    );

    assert_eq!(a.0, StatusCode::OK, "{}", a.1);
    assert_eq!(b.0, StatusCode::CREATED, "{}", b.1);
    let (_, profile, _) = privacy.call(&app, me(&user), Some(USER)).await;
    assert_eq!(on_disk(&base), named_files(&profile["avatar"]));
    let rows: i64 = diesel_async::RunQueryDsl::get_result(
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM photo WHERE \"userId\" = '{}')",
            profile["uuid"].as_str().unwrap()
        ))),
        &mut _t.db().conn().await,
    )
    .await
    .unwrap();
    assert_eq!(rows, 1);
}
