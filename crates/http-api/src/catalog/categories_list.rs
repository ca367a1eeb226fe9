use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::views::CategoryView;
use alpha_catalog::{CategoryQuery, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use super::params::{self, Direction};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoriesQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 50, at most 5000.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
    /// Order by priority; default `asc`.
    #[param(inline)]
    pub sort: Option<Direction>,
    /// Include each category's `photo`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub photo: Option<bool>,
    /// Include each category's approved `posts`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub post: Option<bool>,
    /// Case-insensitive part of the name in any language.
    #[serde(default, deserialize_with = "params::text")]
    #[param(pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
}

/// Categories, by priority.
#[utoipa::path(
    tag = "catalog",
    params(CategoriesQuery),
    responses(
        (status = 200, description = "Categories", body = [CategoryView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/categories")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<CategoriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = CategoryQuery {
        page: Page::new(q.offset, q.limit, 50),
        sort: params::sort(q.sort),
        with_photo: q.photo.unwrap_or(false),
        with_posts: q.post.unwrap_or(false),
        search: q.search,
    };
    state
        .catalog_cache
        .respond(&req, || state.catalog.categories(&query))
        .await
}
