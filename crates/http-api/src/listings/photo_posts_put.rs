use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};
use alpha_listings::PostId;

use super::actor;
use super::schema::{PhotosAdded, PostPhotosForm};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::media::form::{owner_uuid, read_uploads};
use crate::state::AppState;

/// Images one request may carry: the form is read whole before the post is checked, so this
/// bounds what one request holds in memory (10 × 5 MB).
const MAX_FILES: usize = 10;

/// Adds several photos to a post, all or none (its owner or an admin; CONTRACT #50, where
/// anyone could). Each image is decoded, turned upright, re-encoded without its metadata and
/// stored with `small`/`medium`/`large` copies (256/512/1024 px on the long side, never
/// enlarged). An owner's new photo sends an approved post back to moderation.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body(content = inline(PostPhotosForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored", body = PhotosAdded),
        (status = 400, description = "`NO_FILE`, `NOT_AN_IMAGE` (the file does not decode as a JPEG, PNG or WebP image, whatever its name or type), `IMAGE_TOO_LARGE` (more than 40 megapixels), `TOO_MANY_FILES` (more than 10), `TOO_MANY_PHOTOS` (the post would hold more than 30), `UNEXPECTED_FILE`, `INVALID_MULTIPART`, or `INVALID_FIELD` (`uuid` missing or not a UUID)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the post's owner nor an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
        (status = 413, description = "`PAYLOAD_TOO_LARGE`: a file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "`UNSUPPORTED_MEDIA_TYPE`: the body is not `multipart/form-data`", body = ErrorBody),
        (status = 503, description = "`SERVICE_UNAVAILABLE`: the media store (upload folder or S3 bucket) or the database did not answer; nothing was stored, retry", body = ErrorBody),
    )
)]
#[put("/photo/posts")]
pub(crate) async fn add_many(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let upload = read_uploads(&req, form, "files", MAX_FILES).await?;
    let post = PostId(owner_uuid(upload.uuid.as_deref())?);
    let photos = state
        .post_photos
        .add(actor(&user), post, upload.files)
        .await?;
    Ok(HttpResponse::Ok().json(PhotosAdded {
        message: "OK",
        photos,
    }))
}
