use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::avatars::{AvatarForm, AvatarPaths, upload_avatar};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// `{message, paths, created: true}` for a first avatar, `{message, paths, updated: true}` for
/// a replaced one (CONTRACT #58).
#[derive(Debug, Serialize, ToSchema)]
pub struct AvatarStored {
    /// `OK`.
    pub message: &'static str,
    /// The app shows `medium`, else `large`, else `small`.
    pub paths: AvatarPaths,
    /// Present (true) when the caller had no avatar before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Present (true) when an earlier avatar was replaced (its files are removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<bool>,
}

/// The app's avatar upload (CONTRACT #58): sets the caller's avatar, replacing the one they had
/// and removing its files.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body(content = inline(AvatarForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = AvatarStored),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `UNEXPECTED_FILE`, `INVALID_MULTIPART` or `INVALID_FIELD` (a text field over 1 kB)", body = ErrorBody),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[put("/photo/user")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let saved = upload_avatar(&state, &user, &req, form).await?;
    let replaced = saved.replaced;
    Ok(HttpResponse::Ok().json(AvatarStored {
        message: "OK",
        paths: saved.into(),
        created: (!replaced).then_some(true),
        updated: replaced.then_some(true),
    }))
}
