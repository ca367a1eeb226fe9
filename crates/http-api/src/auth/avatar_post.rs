use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::avatars::{AvatarForm, upload_avatar};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AvatarUploaded {
    /// `Avatar uploaded successfully`.
    pub message: &'static str,
    /// The avatar's photo row.
    pub uuid: Uuid,
}

/// Sets the caller's avatar (CONTRACT #9), replacing the one they had and removing its files.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body(content = inline(AvatarForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = AvatarUploaded),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `UNEXPECTED_FILE`, `INVALID_MULTIPART` or `INVALID_FIELD` (a text field over 1 kB)", body = ErrorBody),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/auth/avatar")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let saved = upload_avatar(&state, &user, &req, form).await?;
    Ok(HttpResponse::Created().json(AvatarUploaded {
        message: "Avatar uploaded successfully",
        uuid: saved.uuid,
    }))
}
