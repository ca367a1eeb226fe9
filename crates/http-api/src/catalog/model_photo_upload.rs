use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use alpha_catalog::PhotoOwner;
use uuid::Uuid;

use super::photos::{FileOnlyForm, settled};
use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::media::form::read_upload;
use crate::state::AppState;

/// Sets a model's icon, the model named in the path (admin, CONTRACT #33). Unknown models are
/// a 404, not the old API's 500.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The model")),
    request_body(content = inline(FileOnlyForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = Saved),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `UNEXPECTED_FILE`, `INVALID_MULTIPART`, or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`MODEL_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/models/photo/{uuid}")]
pub(crate) async fn upload(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, form, "file").await?;
    let owner = uuid.into_inner();
    let photo = settled(
        state
            .catalog_photos
            .upload(PhotoOwner::Model, owner, upload.file)
            .await?,
    );
    Ok(HttpResponse::Ok().json(Saved {
        message: "Photo uploaded successfully",
        uuid: photo.uuid,
    }))
}
