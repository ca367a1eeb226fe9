use actix_web::{HttpResponse, get, web};
use alpha_listings::VideoId;

use super::attachments::VideoWithPostDoc;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One video with its post.
#[utoipa::path(
    tag = "posts",
    params(("id" = i64, Path, description = "The video")),
    responses(
        (status = 200, description = "The video", body = VideoWithPostDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not an integer", body = ErrorBody),
        (status = 404, description = "`VIDEO_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/video/{id}", guard = "super::not_an_upload_path")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let video = state.attachments.video(VideoId(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(video))
}
