use actix_web::{HttpResponse, get, web};
use alpha_notifications::NotificationView;
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One history row (admin; CONTRACT #109), its sender reduced to uuid and name.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The notification")),
    responses(
        (status = 200, description = "The row", body = NotificationView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`NOTIFICATION_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/notifications/admin/history/{uuid}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.notifications.get(uuid.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}
