use actix_web::{HttpResponse, delete, web};
use alpha_catalog::PhotoOwner;
use uuid::Uuid;

use super::photos::settled;
use super::replies::Done;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a brand's icon and its files (admin, CONTRACT #63).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The photo (not the brand)")),
    responses(
        (status = 200, description = "Deleted, with its files", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`PHOTO_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/photo/brand/{uuid}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    settled(
        state
            .catalog_photos
            .delete(PhotoOwner::Brand, uuid.into_inner())
            .await?,
    );
    Ok(HttpResponse::Ok().json(Done { message: "OK" }))
}
