use actix_web::{HttpResponse, get, web};
use alpha_kernel::{AuditQuery, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::catalog::errors::INVALID_FIELD;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries of this admin only.
    pub actor: Option<Uuid>,
    /// Entries on exactly this target (a route's parameters, e.g. a user's uuid).
    #[param(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub target: Option<String>,
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 50.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    pub id: i64,
    #[schema(format = DateTime)]
    pub at: String,
    pub actor_id: Uuid,
    /// The route: `DELETE /api/v1/auth/{uuid}`.
    pub action: String,
    /// The route's parameters, `/`-separated, or `null`.
    pub target: Option<String>,
    /// The HTTP status the write answered.
    pub status: u16,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub count: u64,
    pub rows: Vec<AuditEntryView>,
}

/// The audit trail (admin): every successful admin write, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "A page of entries and the number of all matches", body = AuditPage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type) or `INVALID_FIELD` (`limit` out of 1–100, `target` too long or with NUL)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/admin/audit")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let limit = p.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request(
            INVALID_FIELD,
            "limit must be between 1 and 100",
        ));
    }
    if let Some(target) = &p.target
        && (target.chars().count() > 255 || target.contains('\0'))
    {
        return Err(ApiError::bad_request(
            INVALID_FIELD,
            "target must be at most 255 characters, without NUL",
        ));
    }
    let query = AuditQuery {
        actor: p.actor.map(UserId),
        target: p.target,
        offset: p.offset.unwrap_or(0),
        limit,
    };
    let (count, records) = state
        .audit
        .page(&query)
        .await
        .map_err(|e| ApiError::from_repo(&e))?;
    Ok(HttpResponse::Ok().json(AuditPage {
        count,
        rows: records
            .into_iter()
            .map(|r| AuditEntryView {
                id: r.id,
                at: alpha_kernel::iso_millis(r.at),
                actor_id: r.entry.actor.0,
                action: r.entry.action,
                target: r.entry.target,
                status: r.entry.status,
            })
            .collect(),
    }))
}
