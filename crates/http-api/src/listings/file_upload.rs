use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::attachments::{FileDoc, FileUploadForm, stream_pdf};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Uploads a post's PDF document (its owner or an admin; the old API let anyone, S5), told by
/// its first bytes, stored as `uploads/files/<uuid>.pdf`. A post has one document: a new one
/// replaces the previous one, whose file is removed (the old API kept the first and answered it,
/// leaving the new upload on disk).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body(content = inline(FileUploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = FileDoc),
        (status = 400, description = "`NO_FILE`, `NOT_A_PDF` (does not start with `%PDF-`), `INVALID_FIELD` (`postId` missing, sent after the file, or not a UUID; an overlong text field), `TOO_MANY_FILES`, `UNEXPECTED_FILE` or `INVALID_MULTIPART`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/file/upload")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let file = stream_pdf(&state, &user, &req, form, &["postId", "uuid"]).await?;
    Ok(HttpResponse::Created().json(file))
}
