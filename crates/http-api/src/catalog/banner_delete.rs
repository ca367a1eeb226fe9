use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use super::replies::Done;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a banner (admin).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The banner")),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`BANNER_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/banners/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    super::photos::drop_photo_of(&state, alpha_catalog::PhotoOwner::Banner, uuid).await?;
    state.catalog_admin.delete_banner(uuid).await?;
    Ok(HttpResponse::Ok().json(Done { message: "ok" }))
}
