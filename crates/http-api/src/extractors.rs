//! Extractor settings: body limits, and JSON errors instead of actix's plain-text ones.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// A body that is not what the route takes (wrong JSON types, not an object, unreadable).
pub(crate) const INVALID_BODY: &str = "INVALID_BODY";

pub(crate) fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| json_error(&err).into())
}

pub(crate) fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req: &HttpRequest| {
        ApiError::bad_request("INVALID_QUERY", format!("Invalid query string: {err}")).into()
    })
}

pub(crate) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req: &HttpRequest| {
        ApiError::bad_request("INVALID_PATH_PARAMETER", format!("Invalid path: {err}")).into()
    })
}

fn json_error(err: &JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("Request body of {length} bytes exceeds the limit of {limit} bytes"),
        )
        .with_legacy_fields(),
        JsonPayloadError::Overflow { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("Request body exceeds the limit of {limit} bytes"),
        )
        .with_legacy_fields(),
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Expected a JSON body with Content-Type: application/json",
        )
        .with_legacy_fields(),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::bad_request(INVALID_BODY, format!("Invalid request body: {e}"))
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request("INVALID_JSON", format!("Malformed JSON: {e}"))
        }
        other => ApiError::bad_request(INVALID_BODY, format!("Unreadable request body: {other}")),
    }
}

/// A JSON body that must be an object. `web::Json<T>` alone would also take an array, through
/// serde's sequence form of structs (`["99361999999"]` read as `{"phone": ...}`).
#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for JsonObject<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Content type, size limit and syntax errors stay with `json_config`'s handler.
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            object_body(value).map(JsonObject).map_err(Into::into)
        })
    }
}

/// `value` read as the route's body type, answered as a bad body would be.
pub(crate) fn object_body<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::bad_request(
            INVALID_BODY,
            "The request body must be a JSON object",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(INVALID_BODY, format!("Invalid request body: {e}")))
}

/// For `#[serde(default, deserialize_with = "crate::extractors::present")]`: tells a field sent
/// as `null` (`Some(None)`: clear it) from a field left out (`None`: leave it alone).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
