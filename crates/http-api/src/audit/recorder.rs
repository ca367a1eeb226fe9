//! Records every successful write an admin makes, whichever route it went through: the route
//! pattern is the action and its parameters the target. Recorded before the answer leaves, so
//! an admin who got a 2xx has a trail entry; a failure to record is logged as an error (the
//! write itself already happened and is not undone).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use alpha_kernel::{AuditEntry, UserId};

use crate::state::AppState;

/// Put in the request's extensions by the auth extractors once the caller is known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub id: UserId,
    pub admin: bool,
}

pub(crate) async fn record_admin_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.call(req).await?;
    if !write || !res.status().is_success() {
        return Ok(res);
    }
    let request = res.request();
    let Some(caller) = request.extensions().get::<Caller>().copied() else {
        return Ok(res);
    };
    if !caller.admin {
        return Ok(res);
    }
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        return Ok(res);
    };
    let pattern = request
        .match_pattern()
        .unwrap_or_else(|| request.path().to_owned());
    let target: Vec<&str> = request
        .match_info()
        .iter()
        .map(|(_, value)| value)
        .collect();
    let entry = AuditEntry {
        actor: caller.id,
        action: format!("{} {pattern}", request.method()),
        target: (!target.is_empty()).then(|| target.join("/")),
        status: res.status().as_u16(),
    };
    if let Err(err) = state.audit.record(&entry).await {
        tracing::error!(action = %entry.action, error = %err, "audit: an admin write was not recorded");
    }
    Ok(res)
}
