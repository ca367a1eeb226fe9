use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::views::CurrencyView;

use crate::error::ApiError;
use crate::state::AppState;

/// The currency table: TMT per unit of each currency. `rate` is a number.
#[utoipa::path(
    tag = "catalog",
    responses(
        (status = 200, description = "Every currency", body = [CurrencyView]),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
    )
)]
#[get("/posts/add_rate")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state
        .catalog_cache
        .respond(&req, || state.catalog.currencies())
        .await
}
