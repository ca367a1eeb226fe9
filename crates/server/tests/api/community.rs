//! What the comments and blog tests share: the application with room for several logins, users
//! with a name, an e-mail, a push token and an avatar (all but the name private), and SQL for
//! the rows only the database can show.
#![allow(dead_code, clippy::unwrap_used)]

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use alpha_testkit::TestApp;
use diesel_async::SimpleAsyncConnection;
use serde_json::{Value, json};
use tempfile::TempDir;

use super::authed;
use super::privacy::Privacy;
use super::upload::app_with;

/// The fixture catalogue, an upload folder, and per-IP login budgets for many users.
pub async fn community_app() -> (TestApp, TempDir) {
    app_with(&[
        ("ALPHA__OTP__IP_SEND_LIMIT", "1000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "1000"),
    ])
    .await
}

/// A logged-in user with public name and private e-mail, push token and phone.
pub struct User {
    pub phone: &'static str,
    pub token: String,
    pub uuid: String,
    pub name: String,
}

/// Logs `phone` in, names it, gives it an e-mail and a push token, and registers the private
/// values with `privacy`.
pub async fn user<S, B>(
    t: &TestApp,
    app: &S,
    privacy: &mut Privacy,
    phone: &'static str,
    name: &str,
) -> User
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (token, _) = t.login(app, phone).await;
    let email = format!("u{phone}@mail.test");
    let push = format!("fcm-token-of-{phone}");
    let (status, body, _) = super::call(
        app,
        authed(
            Method::PUT,
            "/api/v1/auth",
            &token,
            Some(json!({"name": name, "email": email})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body, _) = super::call(
        app,
        authed(
            Method::PUT,
            "/api/v1/auth/setFirebase",
            &token,
            Some(json!({"token": push})),
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let (status, me, _) =
        super::call(app, authed(Method::GET, "/api/v1/auth/me", &token, None)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    privacy.user(phone);
    privacy.keep(phone, &email);
    privacy.keep(phone, &push);
    User {
        phone,
        token,
        uuid: me["uuid"].as_str().unwrap().to_owned(),
        name: name.to_owned(),
    }
}

/// Gives `user` an avatar row (as the avatar upload writes one); returns its medium path.
pub async fn avatar(t: &TestApp, user: &User) -> String {
    let photo = uuid::Uuid::new_v4();
    let medium = format!("uploads/avatars/medium_{photo}.jpg");
    sql(
        t,
        &format!(
            "INSERT INTO photo (uuid, path, \"originalPath\", \"userId\") VALUES ('{photo}', \
             '{{\"small\": \"uploads/avatars/small_{photo}.jpg\", \"medium\": \"{medium}\", \
             \"large\": \"uploads/avatars/large_{photo}.jpg\"}}', \
             'uploads/avatars/{photo}.jpg', '{}')",
            user.uuid
        ),
    )
    .await;
    medium
}

pub async fn sql(t: &TestApp, statements: &str) {
    let mut conn = t.db().conn().await;
    conn.batch_execute(statements).await.unwrap();
}

/// A post by `owner` with no contact details (a post's own phone is public by design).
pub async fn post<S, B>(app: &S, owner: &User) -> String
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) = super::call(
        app,
        authed(
            Method::POST,
            "/api/v1/posts",
            &owner.token,
            Some(json!({"price": 1000, "currency": "TMT", "color": "white"})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["uuid"].as_str().unwrap().to_owned()
}

/// The uuids of a JSON array (or of `data` in a page).
pub fn uuids(list: &Value) -> Vec<String> {
    let list = list.get("data").unwrap_or(list);
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["uuid"].as_str().unwrap().to_owned())
        .collect()
}

/// Both a `PATCH` with `patch` and a `DELETE` of `uri` by `token` are refused with `code`.
pub async fn neither_edits_nor_deletes<S, B>(
    app: &S,
    privacy: &Privacy,
    uri: &str,
    (token, caller): (&str, Option<&str>),
    patch: Value,
    (expected, code): (StatusCode, &str),
) where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (method, body) in [(Method::PATCH, Some(patch)), (Method::DELETE, None)] {
        privacy
            .refused(
                app,
                authed(method, uri, token, body),
                caller,
                expected,
                code,
            )
            .await;
    }
}

/// Each `(method, uri)` without a token is 401 with a code.
pub async fn anonymous_refused<S, B>(app: &S, privacy: &Privacy, routes: &[(Method, String)])
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for (method, uri) in routes {
        let req = actix_web::test::TestRequest::default()
            .method(method.clone())
            .uri(uri)
            .peer_addr(alpha_testkit::CLIENT.parse().unwrap())
            .set_json(json!({"message": "x", "title": "x"}))
            .to_request();
        let (status, err, _) = privacy.call(app, req, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}: {err}");
        assert!(err["code"].is_string(), "{err}");
    }
}

/// A `DELETE` of `uri` by `token` succeeds with the old API's answer.
pub async fn deletes<S, B>(
    app: &S,
    privacy: &Privacy,
    uri: &str,
    (token, caller): (&str, Option<&str>),
) where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, done, _) = privacy
        .call(app, authed(Method::DELETE, uri, token, None), caller)
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done, json!({"message": "Deleted successfully"}));
}
