//! Probes for process supervisors and load balancers. Not under `/api/v1`: they are not API.

pub(crate) mod healthz;
pub(crate) mod readyz;

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok` or `ready`.
    pub status: &'static str,
}
