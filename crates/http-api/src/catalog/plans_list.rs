use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::views::PlanView;
use alpha_catalog::{Page, PlanOrder, PlanQuery};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::params::{self, Direction};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// What the plans are sorted by.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum PlanSort {
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[serde(rename = "updatedAt")]
    UpdatedAt,
    #[serde(rename = "priority")]
    Priority,
    #[serde(rename = "price")]
    Price,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 10, at most 5000.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
    /// Default `createdAt`.
    #[serde(rename = "sortBy")]
    #[param(rename = "sortBy", inline)]
    pub sort_by: Option<PlanSort>,
    /// Default `asc`.
    #[param(inline)]
    pub order: Option<Direction>,
}

/// Premium plans with their icon. `price` is a number.
#[utoipa::path(
    tag = "catalog",
    params(PlansQuery),
    responses(
        (status = 200, description = "Plans", body = [PlanView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/subscription")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<PlansQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let sort_by = match q.sort_by {
        None | Some(PlanSort::CreatedAt) => PlanOrder::CreatedAt,
        Some(PlanSort::UpdatedAt) => PlanOrder::UpdatedAt,
        Some(PlanSort::Priority) => PlanOrder::Priority,
        Some(PlanSort::Price) => PlanOrder::Price,
    };
    let query = PlanQuery {
        page: Page::new(q.offset, q.limit, 10),
        sort_by,
        order: params::sort(q.order),
    };
    state
        .catalog_cache
        .respond(&req, || state.catalog.plans(&query))
        .await
}
