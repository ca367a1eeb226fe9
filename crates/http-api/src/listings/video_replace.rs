use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};

use super::attachments::{VideoDoc, VideoReplaceForm, stream_video};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Replaces a post's video (its owner or an admin), the post named by `uuid`: the same upload
/// as `POST /video/upload`, answered 200 (the old API answered its errors with 200 too, B3).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body(content = inline(VideoReplaceForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored; the previous video is gone", body = VideoDoc),
        (status = 400, description = "`NO_FILE`, `NOT_A_VIDEO` (not MP4, MOV or WebM by its first bytes), `INVALID_FIELD` (`uuid` missing, sent after the file, or not a UUID; an overlong text field), `TOO_MANY_FILES`, `UNEXPECTED_FILE` or `INVALID_MULTIPART`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: larger than `uploads.max_video_bytes`", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[put("/video")]
pub(crate) async fn replace(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let video = stream_video(&state, &user, &req, form, &["uuid", "postId"]).await?;
    Ok(HttpResponse::Ok().json(video.view()))
}
