use actix_web::{HttpResponse, post, web};
use uuid::Uuid;

use super::body::Queued;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Sends a draft itself (admin; CONTRACT #113): the row becomes `sending`, then `sent`,
/// `failed` or `partial`; no copy is made and nothing stays `pending` (B13).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The draft")),
    responses(
        (status = 201, description = "Queued", body = Queued),
        (status = 400, description = "`NOTIFICATION_ALREADY_SENT`, `INVALID_PATH_PARAMETER`, or the draft's target is gone (`BRAND_NOT_FOUND`, `USER_NOT_FOUND`, `USER_HAS_NO_PUSH_TOKEN`)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`NOTIFICATION_NOT_FOUND`", body = ErrorBody),
    )
)]
#[post("/notifications/admin/send-draft/{uuid}")]
pub(crate) async fn send_draft(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.notifications.send_draft(uuid.into_inner()).await?;
    Ok(HttpResponse::Created().json(Queued::of(view)))
}
