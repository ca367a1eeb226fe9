use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::Suggestion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of a brand or "brand model" label; case and spaces are ignored. Empty or missing
    /// returns the whole index.
    pub search: Option<String>,
    /// Entries to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Most entries to return; default all.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub results: Vec<Suggestion>,
}

/// Brand and model suggestions, from an in-memory index rebuilt when the catalog changes.
#[utoipa::path(
    tag = "catalog",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matching suggestions: each brand, then its models", body = SearchResults),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/brands/search")]
pub(crate) async fn search(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let clamp = |n: Option<u32>, default: usize| {
        n.map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
    };
    state
        .catalog_cache
        .respond(&req, || async {
            let results = state
                .search
                .search(
                    query.search.as_deref().unwrap_or_default(),
                    clamp(query.offset, 0),
                    clamp(query.limit, usize::MAX),
                )
                .await?;
            Ok::<_, ApiError>(SearchResults { results })
        })
        .await
}
