use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_catalog::Entity;
use alpha_catalog::views::PlanView;
use uuid::Uuid;

use super::errors::not_found;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One premium plan with its icon.
#[utoipa::path(
    tag = "catalog",
    params(("uuid" = Uuid, Path, description = "The plan")),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 404, description = "`SUBSCRIPTION_NOT_FOUND` (the old API answered `null`)", body = ErrorBody),
    )
)]
#[get("/subscription/{uuid}", guard = "super::params::not_a_fixed_plan_path")]
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
                .plan(uuid)
                .await?
                .ok_or_else(|| not_found(Entity::Plan))
        })
        .await
}
