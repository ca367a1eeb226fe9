use actix_web::{HttpResponse, put, web};
use alpha_catalog::BrandPatch;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct BrandChanges {
    #[schema(
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub name: Option<String>,
    /// Blank leaves it unchanged.
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
}

/// Renames a brand or changes its location (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The brand")),
    request_body = BrandChanges,
    responses(
        (status = 200, description = "Changed", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`BRAND_NOT_FOUND`", body = ErrorBody),
    )
)]
#[put("/brands/{uuid}", guard = "super::params::not_a_fixed_brand_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<BrandChanges>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let body = body.into_inner();
    state
        .catalog_admin
        .update_brand(
            uuid,
            BrandPatch {
                name: body.name,
                location: body.location,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "Successfully changed",
        uuid,
    }))
}
