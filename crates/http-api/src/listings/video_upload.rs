use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::attachments::{VideoDoc, VideoUploadForm, stream_video};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Uploads a post's video (its owner or an admin; the old API let anyone, S5), streamed to disk.
/// The stored name takes the extension the first bytes prove (`mp4`, `mov`, `webm`), never the
/// client's. A post has one video: a new one replaces the previous one, whose file is removed.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body(content = inline(VideoUploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = VideoDoc),
        (status = 400, description = "`NO_FILE`, `NOT_A_VIDEO` (not MP4, MOV or WebM by its first bytes), `INVALID_FIELD` (`postId` missing, sent after the file, or not a UUID; an overlong text field), `TOO_MANY_FILES`, `UNEXPECTED_FILE` or `INVALID_MULTIPART`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: larger than `uploads.max_video_bytes`", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/video/upload")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let video = stream_video(&state, &user, &req, form, &["postId", "uuid"]).await?;
    Ok(HttpResponse::Created().json(video.view()))
}
