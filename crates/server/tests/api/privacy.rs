//! The privacy check applied to every JSON body a test receives: no secret column under any key,
//! and nothing of a bystander's (another user's phone, e-mail or push token) anywhere, plus the
//! shape of an error answer.
#![allow(dead_code, clippy::unwrap_used)]

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{authed, call};

/// Columns no response may carry, whoever asks.
pub const SECRET_KEYS: [&str; 3] = ["password", "refreshTokenHash", "firebaseToken"];

/// A user who is never the caller of a checked request: its phone, e-mail and push token must
/// never show in what others receive.
#[derive(Debug, Clone)]
pub struct Bystander {
    /// As the app sends it (`993...`); the stored E.164 form contains it.
    pub phone: &'static str,
    pub email: &'static str,
    pub firebase_token: &'static str,
    pub access: String,
    pub uuid: String,
}

impl Bystander {
    /// Logs `phone` in and gives it an e-mail and a push token, so a leak of any would show.
    pub async fn enrol<S, B>(app: &S, phone: &'static str) -> Self
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let (access, _) = alpha_testkit::login(app, phone).await;
        let email = "bystander@alpha.tm";
        let firebase_token = "bystander-fcm-token-5d1c";
        for (uri, body) in [
            ("/api/v1/auth", json!({"email": email})),
            ("/api/v1/auth/setFirebase", json!({"token": firebase_token})),
        ] {
            let (status, body, _) = call(app, authed(Method::PUT, uri, &access, Some(body))).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        }
        let (status, me, _) =
            call(app, authed(Method::GET, "/api/v1/auth/me", &access, None)).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        Self {
            phone,
            email,
            firebase_token,
            access,
            uuid: me["uuid"].as_str().unwrap().to_owned(),
        }
    }

    /// Fails when `body` holds a secret key anywhere, or any of this user's private values.
    pub fn assert_absent_from(&self, body: &Value) {
        let text = body.to_string();
        for secret in [self.phone, self.email, self.firebase_token] {
            assert!(!text.contains(secret), "{secret} leaked in {body}");
        }
        assert_no_secret_keys(body);
    }
}

/// Fails when any object in `body`, however deep, has a key of [`SECRET_KEYS`].
pub fn assert_no_secret_keys(body: &Value) {
    match body {
        Value::Object(map) => {
            for (key, value) in map {
                assert!(!SECRET_KEYS.contains(&key.as_str()), "`{key}` in {body}");
                assert_no_secret_keys(value);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_no_secret_keys),
        _ => {}
    }
}

/// Calls the app and checks the answer against `bystander`; returns status and body.
pub async fn send<S, B>(app: &S, req: Request, bystander: &Bystander) -> (StatusCode, Value)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) = call(app, req).await;
    bystander.assert_absent_from(&body);
    (status, body)
}

/// An error answer: the status, and a JSON body with the stable `code`.
pub fn assert_error(got: (StatusCode, Value), status: StatusCode, code: &str) {
    let (got_status, body) = got;
    assert_eq!(got_status, status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].is_string(), "{body}");
}
