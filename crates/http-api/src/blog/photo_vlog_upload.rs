use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use alpha_community::blog::BlogPhotoView;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth_user::CurrentUser;
use crate::catalog::photos::FileOnlyForm;
use crate::error::{ApiError, ErrorBody};
use crate::media::form::read_upload;
use crate::state::AppState;

/// `{message, uuid}` where `uuid` holds the whole photo, as the old API named it; the app shows
/// `uuid.path.medium`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlogPhotoSaved {
    pub message: &'static str,
    pub uuid: BlogPhotoView,
}

/// Stores an image for the blog (CONTRACT #60). The image is decoded, turned upright,
/// re-encoded without its metadata and stored under `uploads/vlog/` with `small`/`medium`/`large`
/// copies (256/512/1024 px on the long side, never enlarged).
#[utoipa::path(
    tag = "blog",
    security(("bearer" = [])),
    request_body(content = inline(FileOnlyForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = BlogPhotoSaved),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `UNEXPECTED_FILE` or `INVALID_MULTIPART`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/photo/vlog")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    _user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, form, "file").await?;
    let photo = state.blog_photos.upload(upload.file).await?;
    Ok(HttpResponse::Ok().json(BlogPhotoSaved {
        message: "OK",
        uuid: photo,
    }))
}
