//! The three routes the old API had without any guard (S5), kept for old callers: admins only
//! now, and queued through the outbox like every send. The answers keep their fields; where the
//! old one carried FCM's message id, this one carries the notification's uuid (the push is not
//! sent yet), to look up in the history.

use actix_web::{HttpResponse, post, web};
use alpha_notifications::SendInput;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToAll {
    #[schema(min_length = 1, max_length = 255)]
    pub title: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToToken {
    /// A device's FCM registration token: no whitespace, no control character.
    // The class is Rust's `char::is_whitespace` plus `char::is_control` (C0, DEL, C1), written
    // out so that every regex engine reads it alike.
    #[schema(
        min_length = 1,
        max_length = 4096,
        pattern = r"^[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$"
    )]
    pub token: String,
    #[schema(min_length = 1, max_length = 255)]
    pub title: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToSubscribers {
    #[schema(min_length = 1, max_length = 255)]
    pub title: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
    /// The brand whose subscribers get it.
    pub uuid: Uuid,
}

/// `{message, response}` as the old routes answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sent {
    pub message: &'static str,
    /// The notification's uuid (the old API gave FCM's message id).
    pub response: Uuid,
}

/// The old send-to-subscribers answer. The counters are 0 at this point: delivery happens
/// after the answer; the history row (`notificationId`) has the real ones.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attempted {
    /// `Notifications attempted for all users`.
    pub message: &'static str,
    pub notification_id: Uuid,
    pub total_recipients: i32,
    pub successful_deliveries: i32,
    pub failed_deliveries: i32,
    /// Empty: per-recipient results are in the outbox, not in this answer.
    #[schema(value_type = Vec<Object>)]
    pub delivery_details: Vec<Value>,
}

const REFUSED: &str = "`INVALID_FIELD` (title, body, token), `INVALID_BODY` or `INVALID_JSON`";

/// Pushes to every device (topic `all`; CONTRACT #103). Admin only (S5).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = ToAll,
    responses(
        (status = 201, description = "Queued", body = Sent),
        (status = 400, description = REFUSED, body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/notifications/send-to-all")]
pub(crate) async fn send_to_all(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<ToAll>,
) -> Result<HttpResponse, ApiError> {
    let ToAll { title, body } = body.into_inner();
    let input = SendInput {
        title,
        body,
        kind: "all_users".to_owned(),
        ..SendInput::default()
    };
    let view = state.notifications.send(input, Some(admin.0.id)).await?;
    Ok(HttpResponse::Created().json(Sent {
        message: "Notification sent to all users successfully",
        response: view.uuid,
    }))
}

/// Pushes to one device token (CONTRACT #104). Admin only (S5); the token is not stored in
/// the history.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = ToToken,
    responses(
        (status = 201, description = "Queued", body = Sent),
        (status = 400, description = REFUSED, body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/notifications")]
pub(crate) async fn send_to_token(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<ToToken>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let view = state
        .notifications
        .send_to_token(&b.title, &b.body, &b.token, Some(admin.0.id))
        .await?;
    Ok(HttpResponse::Created().json(Sent {
        message: "Notification sent successfully",
        response: view.uuid,
    }))
}

/// Pushes to the device tokens of a brand's subscribers (CONTRACT #105). Admin only (S5); an
/// unknown brand is a 400 now, not a 500.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = ToSubscribers,
    responses(
        (status = 201, description = "Queued (or recorded failed: nobody has a push token)", body = Attempted),
        (status = 400, description = "`BRAND_NOT_FOUND`, `INVALID_FIELD` (title, body), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/notifications/send-to-subscribe")]
pub(crate) async fn send_to_subscribers(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<ToSubscribers>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = SendInput {
        title: b.title,
        body: b.body,
        kind: "brand_subscribers".to_owned(),
        target_data: Some(json!({ "brandId": b.uuid.to_string() })),
        ..SendInput::default()
    };
    let view = state.notifications.send(input, Some(admin.0.id)).await?;
    Ok(HttpResponse::Created().json(Attempted {
        message: "Notifications attempted for all users",
        notification_id: view.uuid,
        total_recipients: view.total_recipients,
        successful_deliveries: view.successful_deliveries,
        failed_deliveries: view.failed_deliveries,
        delivery_details: Vec::new(),
    }))
}
