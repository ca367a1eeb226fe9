use actix_web::{HttpResponse, put, web};
use alpha_catalog::ModelPatch;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ModelChanges {
    #[schema(
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub name: Option<String>,
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

/// Changes a model (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The model")),
    request_body = ModelChanges,
    responses(
        (status = 200, description = "Changed", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`MODEL_NOT_FOUND`, or `BRAND_NOT_FOUND` for `brandId`", body = ErrorBody),
    )
)]
#[put("/models/{uuid}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<ModelChanges>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let body = body.into_inner();
    state
        .catalog_admin
        .update_model(
            uuid,
            ModelPatch {
                name: body.name,
                brand_id: body.brand_id,
                yearstart: body.yearstart,
                yearend: body.yearend,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "Successfully changed",
        uuid,
    }))
}
