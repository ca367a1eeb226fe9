use actix_web::{HttpResponse, get};

use super::HealthBody;

/// Liveness: the process is up and serving HTTP. Touches nothing else.
#[utoipa::path(tag = "health", responses((status = 200, description = "Process is up", body = HealthBody)))]
#[get("/healthz")]
pub(crate) async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthBody { status: "ok" })
}
