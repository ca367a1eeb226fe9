use actix_web::{HttpResponse, post, web};
use alpha_catalog::ModelInput;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewModel {
    #[schema(
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub name: String,
    /// The brand; must exist.
    #[serde(rename = "brandId")]
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub brand_id: Option<Uuid>,
    #[serde(default, deserialize_with = "super::params::whole")]
    #[schema(minimum = 1886, maximum = 2100)]
    pub yearstart: Option<i32>,
    #[serde(default, deserialize_with = "super::params::whole")]
    #[schema(minimum = 1886, maximum = 2100)]
    pub yearend: Option<i32>,
}

/// Adds a model (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = NewModel,
    responses(
        (status = 200, description = "Created", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`BRAND_NOT_FOUND`: no such `brandId`", body = ErrorBody),
    )
)]
#[post("/models")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: JsonObject<NewModel>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let uuid = state
        .catalog_admin
        .create_model(ModelInput {
            name: body.name,
            brand_id: body.brand_id,
            yearstart: body.yearstart,
            yearend: body.yearend,
        })
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "New Model successfully created",
        uuid,
    }))
}
