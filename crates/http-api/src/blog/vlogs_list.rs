use actix_web::{HttpResponse, get, web};
use alpha_community::blog::{RawVlogQuery, SortDir, VlogQuery, VlogSort, VlogStatus, VlogView};
use alpha_kernel::UserId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::viewer;
use crate::auth_user::MaybeUser;
use crate::catalog::params::{self, Direction};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A moderation state, as the enum type spells it.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
pub enum StatusParam {
    Pending,
    Accepted,
    Declined,
}

impl From<StatusParam> for VlogStatus {
    fn from(s: StatusParam) -> Self {
        match s {
            StatusParam::Pending => Self::Pending,
            StatusParam::Accepted => Self::Accepted,
            StatusParam::Declined => Self::Declined,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SortByParam {
    CreatedAt,
    UpdatedAt,
    Title,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct VlogsQuery {
    /// Entries to skip (what the app sends); wins over `page`. Default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
    /// 1-based page of `limit` entries, for old callers. Default 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 10_000_000)]
    pub page: Option<u64>,
    /// Page size, 1 to 100. Default 10.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// Only entries in this moderation state (of those the caller may see).
    #[param(inline)]
    pub status: Option<StatusParam>,
    /// Part of the title or description, any case; empty means none.
    #[serde(default)]
    #[param(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    /// Only this author's entries; empty means all.
    #[serde(default, deserialize_with = "params::optional_uuid")]
    #[param(value_type = Option<String>, pattern = r"^(|[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub user_id: Option<Uuid>,
    /// Default `createdAt`.
    #[param(inline)]
    pub sort_by: Option<SortByParam>,
    /// Default `desc`.
    #[param(inline)]
    pub sort_order: Option<Direction>,
}

/// `{total, page, limit, data}` as the old API answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct VlogsPage {
    /// Entries matching, over every page.
    pub total: u64,
    /// The page `offset` falls in, 1-based.
    pub page: u64,
    pub limit: u64,
    pub data: Vec<VlogView>,
}

/// Blog entries, newest first by default (CONTRACT #89, which ignored `offset` and `userId` and
/// sent authors' whole user rows). The public sees accepted entries and, when signed in, their
/// own; admins see all. Authors carry public fields only.
#[utoipa::path(
    tag = "blog",
    security((), ("bearer" = [])),
    params(VlogsQuery),
    responses(
        (status = 200, description = "One page", body = VlogsPage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type or out of range, an unknown `status` or `sortBy`) or `INVALID_FIELD` naming it", body = ErrorBody),
    )
)]
#[get("/vlog")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<VlogsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = VlogQuery::new(RawVlogQuery {
        offset: q.offset,
        page: q.page,
        limit: q.limit,
        status: q.status.map(VlogStatus::from),
        search: q.search.filter(|s| !s.is_empty()),
        user: q.user_id.map(UserId),
        sort: q.sort_by.map(|s| match s {
            SortByParam::CreatedAt => VlogSort::CreatedAt,
            SortByParam::UpdatedAt => VlogSort::UpdatedAt,
            SortByParam::Title => VlogSort::Title,
        }),
        dir: q.sort_order.map(|d| match d {
            Direction::Asc => SortDir::Asc,
            Direction::Desc => SortDir::Desc,
        }),
    })?;
    let page = state.blog.list(viewer(&user), &query).await?;
    Ok(HttpResponse::Ok().json(VlogsPage {
        total: page.total,
        page: query.page(),
        limit: query.limit,
        data: page.rows,
    }))
}
