use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::Entity;
use alpha_catalog::views::CategoryView;
use uuid::Uuid;

use super::errors::not_found;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One category with its photo.
#[utoipa::path(
    tag = "catalog",
    params(("uuid" = Uuid, Path, description = "The category")),
    responses(
        (status = 200, description = "The category", body = CategoryView),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 404, description = "`CATEGORY_NOT_FOUND` (the old API answered `null`)", body = ErrorBody),
    )
)]
#[get("/categories/{uuid}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let catalog = &state.catalog;
    state
        .catalog_cache
        .respond(&req, || async move {
            catalog
                .category(uuid)
                .await?
                .ok_or_else(|| not_found(Entity::Category))
        })
        .await
}
