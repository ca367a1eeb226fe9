use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::Page;
use alpha_catalog::views::BannerView;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BannersQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 50, at most 5000.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
}

/// Banners with their photo, oldest first.
#[utoipa::path(
    tag = "catalog",
    params(BannersQuery),
    responses(
        (status = 200, description = "Banners", body = [BannerView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/banners")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<BannersQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = Page::new(query.offset, query.limit, 50);
    state
        .catalog_cache
        .respond(&req, || state.catalog.banners(page))
        .await
}
