use actix_web::{HttpResponse, get, web};
use alpha_catalog::Entity;
use alpha_catalog::views::ModelView;
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
pub struct ModelQuery {
    /// Include the model's `brand`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub brand: Option<bool>,
    /// Include the model's approved `posts`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub post: Option<bool>,
}

/// One model with its photo (needs an access token, as in the old API).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The model"), ModelQuery),
    responses(
        (status = 200, description = "The model", body = ModelView),
        (status = 400, description = "`INVALID_PATH_PARAMETER` or `INVALID_QUERY`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "`MODEL_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/models/{uuid}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    uuid: web::Path<Uuid>,
    query: web::Query<ModelQuery>,
) -> Result<HttpResponse, ApiError> {
    let model = state
        .catalog
        .model(
            uuid.into_inner(),
            query.brand.unwrap_or(false),
            query.post.unwrap_or(false),
        )
        .await?
        .ok_or_else(|| not_found(Entity::Model))?;
    Ok(HttpResponse::Ok().json(model))
}
