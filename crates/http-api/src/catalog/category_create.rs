use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::localized::LocalizedInput;
use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCategory {
    #[schema(schema_with = super::localized::required_schema)]
    pub name: LocalizedInput,
    /// Unique among categories; lower comes first.
    #[serde(default, deserialize_with = "super::params::whole")]
    pub priority: Option<i32>,
}

/// Adds a category (admin; the old API let any user do it, S6).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = NewCategory,
    responses(
        (status = 200, description = "Created", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 409, description = "`PRIORITY_TAKEN`", body = ErrorBody),
    )
)]
#[post("/categories")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<NewCategory>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let creator = super::creator_of(&state, &admin).await?;
    let uuid = state
        .catalog_admin
        .create_category(body.name.into(), body.priority, creator)
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "ok",
        uuid,
    }))
}
