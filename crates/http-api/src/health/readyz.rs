use actix_web::{HttpResponse, get, web};
use alpha_kernel::NotReady;

use super::HealthBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Readiness: the database answers and every migration compiled into this binary is applied.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = HealthBody),
        (status = 503, description = "Database unreachable or migrations pending", body = ErrorBody),
    )
)]
#[get("/readyz")]
pub(crate) async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.health.readiness().await {
        Ok(()) => Ok(HttpResponse::Ok().json(HealthBody { status: "ready" })),
        Err(NotReady::MigrationsPending) => {
            Err(ApiError::unavailable("Database migrations are pending"))
        }
        Err(NotReady::Unreachable(reason)) => {
            tracing::warn!(%reason, "readiness: database unreachable");
            Err(ApiError::unavailable("Database unreachable"))
        }
    }
}
