//! No private field in any answer (S7): every response a community test reads goes through
//! [`Privacy::call`], which fails the test on a `password`, `refreshTokenHash` or
//! `firebaseToken` key anywhere in the body, and on another user's phone, e-mail or push token
//! anywhere in it, key or value.
#![allow(dead_code, clippy::unwrap_used)]

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use serde_json::Value;

use super::call;

const PRIVATE_KEYS: [&str; 3] = ["password", "refreshTokenHash", "firebaseToken"];

/// The private values of the users a test made: whoever asks, an answer may show the caller's
/// own, never anyone else's.
#[derive(Debug, Default, Clone)]
pub struct Privacy {
    /// (owner's phone as logged in, the value)
    secrets: Vec<(String, String)>,
}

impl Privacy {
    pub fn new() -> Self {
        Self::default()
    }

    /// `value` (a phone, e-mail or push token) belongs to the user logged in with `phone`.
    pub fn keep(&mut self, phone: &str, value: &str) {
        self.secrets.push((phone.to_owned(), value.to_owned()));
    }

    /// Every number in both forms the API could write it: as logged in and in E.164.
    pub fn user(&mut self, phone: &str) {
        self.keep(phone, phone);
        self.keep(phone, &format!("+{phone}"));
    }

    /// Calls the app as `caller` (a login phone, or `None` for anonymous and admins who are
    /// none of the test's users) and checks the answer.
    pub async fn call<S, B>(
        &self,
        app: &S,
        req: Request,
        caller: Option<&str>,
    ) -> (StatusCode, Value, HeaderMap)
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let (status, body, headers) = call(app, req).await;
        self.check(&body, caller);
        (status, body, headers)
    }

    /// Calls as [`Privacy::call`] does and expects a 4xx (or other error) with `code`.
    pub async fn refused<S, B>(
        &self,
        app: &S,
        req: Request,
        caller: Option<&str>,
        expected: StatusCode,
        code: &str,
    ) -> Value
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let (status, body, _) = self.call(app, req, caller).await;
        assert_error(status, &body, expected, code);
        body
    }

    /// Panics naming what leaked.
    pub fn check(&self, body: &Value, caller: Option<&str>) {
        let text = body.to_string();
        for key in PRIVATE_KEYS {
            assert!(
                !text.contains(&format!("\"{key}\"")),
                "private key {key} in {text}"
            );
        }
        for (owner, secret) in &self.secrets {
            if Some(owner.as_str()) != caller {
                assert!(
                    !text.contains(secret.as_str()),
                    "{owner}'s private value {secret} in {text}"
                );
            }
        }
    }
}

/// A 4xx answer with a JSON body carrying `code`.
pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["code"], code, "{body}");
}
