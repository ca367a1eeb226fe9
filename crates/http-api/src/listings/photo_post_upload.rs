use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, post, web};
use alpha_listings::PostId;

use super::actor;
use super::schema::{PhotosAdded, PostPhotoForm};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::media::form::{owner_uuid, read_upload};
use crate::state::AppState;

/// Adds one photo to a post, as the app does for each picture (its owner or an admin; CONTRACT
/// #51, where anyone could). The image is decoded, turned upright, re-encoded without its
/// metadata and stored with `small`/`medium`/`large` copies (256/512/1024 px on the long side,
/// never enlarged). An owner's new photo sends an approved post back to moderation.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body(content = inline(PostPhotoForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = PhotosAdded),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES`, `TOO_MANY_PHOTOS` (the post already holds 30), `UNEXPECTED_FILE`, `INVALID_MULTIPART`, or `INVALID_FIELD` (`uuid` missing or not a UUID)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: the file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[post("/photo/posts")]
pub(crate) async fn add_one(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_upload(&req, form, "file").await?;
    let post = PostId(owner_uuid(upload.uuid.as_deref())?);
    let photos = state
        .post_photos
        .add(actor(&user), post, vec![upload.file])
        .await?;
    Ok(HttpResponse::Ok().json(PhotosAdded {
        message: "OK",
        photos,
    }))
}
