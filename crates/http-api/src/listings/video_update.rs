use actix_web::{HttpResponse, patch, put, web};
use alpha_listings::{PostId, VideoId};

use super::actor;
use super::attachments::{MoveBody, VideoDoc};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Moves a video to another post (the owner of both, or an admin; the old API always failed,
/// B3). The target's own video is replaced and its file removed. Without `postId` nothing
/// changes.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The video")),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The video", body = VideoDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not an integer", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not the owner of the video's post and of the target, nor an admin", body = ErrorBody),
        (status = 404, description = "`VIDEO_NOT_FOUND`, or `POST_NOT_FOUND` for the target", body = ErrorBody),
    )
)]
#[put("/video/{id}", guard = "super::not_an_upload_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonObject<MoveBody>,
) -> Result<HttpResponse, ApiError> {
    moved(&state, &user, id.into_inner(), &body).await
}

/// As `PUT /video/{id}`.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The video")),
    request_body = MoveBody,
    responses(
        (status = 200, description = "The video", body = VideoDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not an integer", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not the owner of the video's post and of the target, nor an admin", body = ErrorBody),
        (status = 404, description = "`VIDEO_NOT_FOUND`, or `POST_NOT_FOUND` for the target", body = ErrorBody),
    )
)]
#[patch("/video/{id}", guard = "super::not_an_upload_path")]
pub(crate) async fn patch(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: JsonObject<MoveBody>,
) -> Result<HttpResponse, ApiError> {
    moved(&state, &user, id.into_inner(), &body).await
}

async fn moved(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    body: &MoveBody,
) -> Result<HttpResponse, ApiError> {
    let video = state
        .attachments
        .update_video(actor(user), VideoId(id), body.post_id.map(PostId))
        .await?;
    Ok(HttpResponse::Ok().json(video.view()))
}
