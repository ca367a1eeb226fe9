use actix_web::{HttpResponse, delete, web};
use uuid::Uuid;

use super::replies::Done;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a premium plan (admin). Orders and listings that named it keep existing without it.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The plan")),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`SUBSCRIPTION_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/subscription/{uuid}", guard = "super::params::not_a_fixed_plan_path")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    super::photos::drop_photo_of(&state, alpha_catalog::PhotoOwner::Plan, uuid).await?;
    state.catalog_admin.delete_plan(uuid).await?;
    Ok(HttpResponse::Ok().json(Done {
        message: "Subscription deleted successfully",
    }))
}
