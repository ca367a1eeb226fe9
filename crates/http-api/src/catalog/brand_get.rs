use actix_web::{HttpResponse, get, web};
use alpha_catalog::Entity;
use alpha_catalog::views::BrandView;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::errors::not_found;
use super::params;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrandQuery {
    /// Include the brand's `models`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub model: Option<bool>,
    /// Include the brand's approved `posts`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub post: Option<bool>,
}

/// One brand with its photo (needs an access token, as in the old API).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The brand"), BrandQuery),
    responses(
        (status = 200, description = "The brand", body = BrandView),
        (status = 400, description = "`INVALID_PATH_PARAMETER` or `INVALID_QUERY`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "`BRAND_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/brands/{uuid}", guard = "super::params::not_a_fixed_brand_path")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    uuid: web::Path<Uuid>,
    query: web::Query<BrandQuery>,
) -> Result<HttpResponse, ApiError> {
    let brand = state
        .catalog
        .brand(
            uuid.into_inner(),
            query.model.unwrap_or(false),
            query.post.unwrap_or(false),
        )
        .await?
        .ok_or_else(|| not_found(Entity::Brand))?;
    Ok(HttpResponse::Ok().json(brand))
}
