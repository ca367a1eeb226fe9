use actix_web::{HttpResponse, patch, put, web};
use alpha_listings::{FileId, PostId};
use uuid::Uuid;

use super::actor;
use super::attachments::{FileDoc, MoveBody};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Moves a document to another post (the owner of both, or an admin). The target's own document
/// is replaced and its file removed. Without `postId` nothing changes.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The document")),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The document", body = FileDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not the owner of the document's post and of the target, nor an admin", body = ErrorBody),
        (status = 404, description = "`FILE_NOT_FOUND`, or `POST_NOT_FOUND` for the target", body = ErrorBody),
    )
)]
#[put("/file/{uuid}", guard = "super::not_an_upload_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<MoveBody>,
) -> Result<HttpResponse, ApiError> {
    moved(&state, &user, uuid.into_inner(), &body).await
}

/// As `PUT /file/{uuid}`.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The document")),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The document", body = FileDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not the owner of the document's post and of the target, nor an admin", body = ErrorBody),
        (status = 404, description = "`FILE_NOT_FOUND`, or `POST_NOT_FOUND` for the target", body = ErrorBody),
    )
)]
#[patch("/file/{uuid}", guard = "super::not_an_upload_path")]
pub(crate) async fn patch(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<MoveBody>,
) -> Result<HttpResponse, ApiError> {
    moved(&state, &user, uuid.into_inner(), &body).await
}

async fn moved(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &MoveBody,
) -> Result<HttpResponse, ApiError> {
    let file = state
        .attachments
        .update_file(actor(user), FileId(id), body.post_id.map(PostId))
        .await?;
    Ok(HttpResponse::Ok().json(file))
}
