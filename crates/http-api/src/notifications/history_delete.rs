use actix_web::{HttpResponse, delete, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::errors::with_verb;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// `Notification deleted successfully`.
    pub message: &'static str,
}

/// Deletes a draft (admin; CONTRACT #111); a sent or queued notification stays.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The draft")),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 400, description = "`NOTIFICATION_ALREADY_SENT` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`NOTIFICATION_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/notifications/admin/history/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .notifications
        .delete_draft(uuid.into_inner())
        .await
        .map_err(|e| with_verb(e, "delete"))?;
    Ok(HttpResponse::Ok().json(Deleted {
        message: "Notification deleted successfully",
    }))
}
