//! Per-IP budgets for the OTP routes, counted in the shared store so they hold across instances.

use actix_web::HttpRequest;
use alpha_kernel::RateDecision;

use crate::client_ip::client_ip;
use crate::error::ApiError;
use crate::state::{AppState, IpLimit};

/// Counts this request against `route`'s budget for the client's address. Over budget: 429 with
/// the old throttler's body (CONTRACT §1.6 E8) plus a `code`, and `Retry-After`.
pub(crate) async fn enforce(
    state: &AppState,
    req: &HttpRequest,
    route: &str,
    budget: IpLimit,
) -> Result<(), ApiError> {
    let Some(ip) = client_ip(req, &state.edge.trusted_proxies) else {
        // No peer address (only in-process tests): nothing to key on.
        return Ok(());
    };
    let key = format!("ip:{route}:{ip}");
    match state.limiter.hit(&key, budget.limit, budget.window).await {
        Ok(RateDecision::Allowed) => Ok(()),
        Ok(RateDecision::Limited { retry_after_secs }) => {
            Err(ApiError::throttled().with_retry_after(retry_after_secs))
        }
        Err(err) => Err(ApiError::from_repo(&err)),
    }
}
