use actix_web::{HttpResponse, post, web};
use alpha_catalog::BrandInput;
use serde::Deserialize;
use utoipa::ToSchema;

use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBrand {
    #[schema(
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub name: String,
    /// Blank means none.
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
}

/// Adds a brand (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = NewBrand,
    responses(
        (status = 200, description = "Created", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/brands")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: JsonObject<NewBrand>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let uuid = state
        .catalog_admin
        .create_brand(BrandInput {
            name: body.name,
            location: body.location,
        })
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "New Brand successfully created",
        uuid,
    }))
}
