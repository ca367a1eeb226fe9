use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::views::BrandView;
use alpha_catalog::{BrandQuery, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use super::params::{self, Direction};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrandsQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 200, at most 5000.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
    /// Include each brand's `models`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub model: Option<bool>,
    /// Include each brand's approved `posts`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub post: Option<bool>,
    /// Only brands with exactly this location.
    #[serde(default, deserialize_with = "params::text")]
    #[param(pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
    /// Order by name; default `asc`.
    #[serde(rename = "sortAs")]
    #[param(rename = "sortAs", inline)]
    pub sort_as: Option<Direction>,
    /// Case-insensitive part of the name.
    #[serde(default, deserialize_with = "params::text")]
    #[param(pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
}

/// Brands with their photo, by name.
#[utoipa::path(
    tag = "catalog",
    params(BrandsQuery),
    responses(
        (status = 200, description = "Brands", body = [BrandView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/brands")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<BrandsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = BrandQuery {
        page: Page::new(q.offset, q.limit, 200),
        with_models: q.model.unwrap_or(false),
        with_posts: q.post.unwrap_or(false),
        location: q.location,
        sort: params::sort(q.sort_as),
        search: q.search,
    };
    state
        .catalog_cache
        .respond(&req, || state.catalog.brands(&query))
        .await
}
