use actix_web::{HttpResponse, get, web};
use alpha_listings::FileId;
use uuid::Uuid;

use super::attachments::FileDoc;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One document.
#[utoipa::path(
    tag = "posts",
    params(("uuid" = Uuid, Path, description = "The document")),
    responses(
        (status = 200, description = "The document", body = FileDoc),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
        (status = 404, description = "`FILE_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/file/{uuid}", guard = "super::not_an_upload_path")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    uuid: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let file = state.attachments.file(FileId(uuid.into_inner())).await?;
    Ok(HttpResponse::Ok().json(file))
}
