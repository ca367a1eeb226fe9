use actix_web::{HttpResponse, delete, web};
use alpha_listings::FileId;
use uuid::Uuid;

use super::actor;
use super::attachments::Deleted;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes a document and its file (the post's owner or an admin; the old API let anyone, S5).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The document")),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`FILE_NOT_FOUND`", body = ErrorBody),
    )
)]
#[delete("/file/{uuid}", guard = "super::not_an_upload_path")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .attachments
        .delete_file(actor(&user), FileId(uuid.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(Deleted {
        message: "File deleted successfully".to_owned(),
    }))
}
