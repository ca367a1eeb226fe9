use actix_web::{HttpResponse, get, web};
use alpha_notifications::{
    HistoryFilter, HistoryPage, HistoryQuery, NotificationStatus, NotificationType,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct HistoryParams {
    /// Only this type.
    #[param(inline, rename = "type")]
    #[serde(rename = "type")]
    pub kind: Option<NotificationType>,
    /// Only this status.
    #[param(inline)]
    pub status: Option<NotificationStatus>,
    /// Title or body contains this, any case (`%` and `_` match themselves).
    #[param(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    /// `createdAt` (default), `updatedAt`, `scheduledFor`, `title`, `type`, `status` or
    /// `totalRecipients`.
    #[param(
        pattern = r"^\s*(?i:createdAt|updatedAt|scheduledFor|title|type|status|totalRecipients)?\s*$"
    )]
    pub sort_by: Option<String>,
    /// `DESC` (default) or `ASC`, any case.
    #[param(pattern = r"^\s*(?i:asc|desc)?\s*$")]
    pub sort_order: Option<String>,
    /// From 1; default 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Default 10.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// Created at or after (RFC 3339).
    pub start_date: Option<DateTime<Utc>>,
    /// Created at or before (RFC 3339).
    pub end_date: Option<DateTime<Utc>>,
}

/// Sent, queued and draft notifications (admin; CONTRACT #108), a page at a time.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(HistoryParams),
    responses(
        (status = 200, description = "A page, and the number of all matches", body = HistoryPage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type, an unknown type or status) or `INVALID_FIELD` (`page`, `limit`, `sortBy`, `sortOrder`, `search`, `startDate` after `endDate`)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/notifications/admin/history")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    params: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let query = HistoryQuery::new(HistoryFilter {
        kind: p.kind,
        status: p.status,
        search: p.search,
        sort_by: p.sort_by,
        sort_order: p.sort_order,
        page: p.page,
        limit: p.limit,
        start: p.start_date,
        end: p.end_date,
    })?;
    Ok(HttpResponse::Ok().json(state.notifications.history(&query).await?))
}
