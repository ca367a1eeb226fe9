use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};
use alpha_catalog::PhotoOwner;

use super::photos::{FilesForm, owner_uuid, settled};
use super::replies::Done;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::media::form::read_upload;
use crate::state::AppState;

/// Sets a banner's picture (admin, CONTRACT #53). The old API took several files and kept the
/// last; this takes exactly one.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body(content = inline(FilesForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = Done),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `UNEXPECTED_FILE`, `INVALID_MULTIPART`, or `INVALID_FIELD` (`uuid` missing or not a UUID)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`BANNER_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[put("/photo/banners")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    _admin: AdminUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, form, "files").await?;
    let owner = owner_uuid(upload.uuid.as_deref())?;
    settled(
        state
            .catalog_photos
            .upload(PhotoOwner::Banner, owner, upload.file)
            .await?,
    );
    Ok(HttpResponse::Ok().json(Done { message: "OK" }))
}
