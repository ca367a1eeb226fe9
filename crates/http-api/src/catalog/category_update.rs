use actix_web::{HttpResponse, put, web};
use alpha_catalog::CategoryPatch;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::localized::LocalizedInput;
use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryChanges {
    /// Replaces the whole name.
    #[serde(default, deserialize_with = "crate::text_schema::not_null")]
    #[schema(schema_with = super::localized::required_schema)]
    pub name: Option<LocalizedInput>,
    #[serde(default, deserialize_with = "super::params::whole")]
    pub priority: Option<i32>,
}

/// Changes a category (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The category")),
    request_body = CategoryChanges,
    responses(
        (status = 200, description = "Changed", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`CATEGORY_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`PRIORITY_TAKEN`", body = ErrorBody),
    )
)]
#[put("/categories/{uuid}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<CategoryChanges>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let body = body.into_inner();
    state
        .catalog_admin
        .update_category(
            uuid,
            CategoryPatch {
                name: body.name.map(Into::into),
                priority: body.priority,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "Updated",
        uuid,
    }))
}
