use actix_web::{HttpResponse, get, web};
use alpha_notifications::NotificationStats;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Totals over every notification (admin; CONTRACT #112), from the real delivery counters.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The totals", body = NotificationStats),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/notifications/admin/stats")]
pub(crate) async fn stats(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.notifications.stats().await?))
}
