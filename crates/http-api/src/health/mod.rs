//! Probes for process supervisors and load balancers. Not under `/api/v1`: they are not API.

pub(crate) mod healthz;
pub(crate) mod readyz;

/// The probes, mounted at the root by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(healthz::healthz);
    cfg.service(readyz::readyz);
}

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok` or `ready`.
    pub status: &'static str,
}
