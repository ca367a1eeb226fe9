use actix_web::{HttpResponse, post, web};

use super::body::{Queued, SendBody};
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Queues a push (admin; CONTRACT #106). Checked in full first: a bad type or a missing or
/// unknown brand, user or topic is a 400 and nothing is stored (B13). Then the history row and
/// one outbox row per recipient are written together and the call returns; the worker delivers,
/// at `scheduledFor` if given, and keeps the row's counters.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = SendBody,
    responses(
        (status = 201, description = "Queued (`sending`), or recorded `failed` when the brand has no subscriber with a push token", body = Queued),
        (status = 400, description = "`INVALID_NOTIFICATION_TYPE`, `BRAND_ID_REQUIRED`, `USER_ID_REQUIRED`, `TOPIC_REQUIRED`, `INVALID_TOPIC`, `BRAND_NOT_FOUND`, `USER_NOT_FOUND`, `USER_HAS_NO_PUSH_TOKEN`, `INVALID_FIELD` (title, body, targetData, additionalData), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/notifications/admin/send")]
pub(crate) async fn send(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<SendBody>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .notifications
        .send(body.into_inner().into(), Some(admin.0.id))
        .await?;
    Ok(HttpResponse::Created().json(Queued::of(view)))
}
