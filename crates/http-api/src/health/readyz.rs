use actix_web::{HttpResponse, get, web};

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
    let mut conn = state.pool.get().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness: no database connection");
        ApiError::unavailable("Database unreachable")
    })?;
    let up_to_date = alpha_store::migrate::is_up_to_date(&mut conn)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "readiness: migration check failed");
            ApiError::unavailable("Database unreachable")
        })?;
    if !up_to_date {
        return Err(ApiError::unavailable("Database migrations are pending"));
    }
    Ok(HttpResponse::Ok().json(HealthBody { status: "ready" }))
}
