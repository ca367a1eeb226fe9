use actix_web::{HttpResponse, delete, web};
use alpha_community::blog::VlogId;
use uuid::Uuid;

use crate::auth_user::CurrentUser;
use crate::catalog::replies::Done;
use crate::comments::{DELETED, actor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a blog entry (its author or an admin; CONTRACT #92, where anyone could).
#[utoipa::path(
    tag = "blog",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The entry")),
    responses(
        (status = 200, description = "Deleted", body = Done),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the author nor an admin", body = ErrorBody),
        (status = 404, description = "`VLOG_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/vlog/{id}")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .blog
        .delete(actor(&user), VlogId(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(DELETED))
}
