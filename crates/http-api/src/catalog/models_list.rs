use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::views::ModelView;
use alpha_catalog::{ModelQuery, Page};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::params::{self, Direction};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModelsQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 500, at most 5000.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
    /// Include each model's `brand`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub brand: Option<bool>,
    /// Include each model's approved `posts`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub post: Option<bool>,
    /// Order by name; default `asc`.
    #[serde(rename = "sortAs")]
    #[param(rename = "sortAs", inline)]
    pub sort_as: Option<Direction>,
    /// Case-insensitive part of the name.
    #[serde(default, deserialize_with = "params::text")]
    #[param(pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    /// Only this brand's models (a brand uuid; empty means all). Combines with `search`.
    #[serde(default, deserialize_with = "params::optional_uuid")]
    #[param(value_type = Option<String>, pattern = r"^(|[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub filter: Option<Uuid>,
}

/// Models with their photo, by name.
#[utoipa::path(
    tag = "catalog",
    params(ModelsQuery),
    responses(
        (status = 200, description = "Models", body = [ModelView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/models")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ModelsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = ModelQuery {
        page: Page::new(q.offset, q.limit, 500),
        with_brand: q.brand.unwrap_or(false),
        with_posts: q.post.unwrap_or(false),
        sort: params::sort(q.sort_as),
        search: q.search,
        brand: q.filter,
    };
    state
        .catalog_cache
        .respond(&req, || state.catalog.models(&query))
        .await
}
