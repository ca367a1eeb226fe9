use actix_web::{HttpResponse, get, web};
use alpha_listings::PostId;
use uuid::Uuid;

use super::attachments::FileDoc;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A post's documents (one at most, unless older rows predate the one-document rule).
#[utoipa::path(
    tag = "posts",
    params(("postId" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "The documents; none for an unknown post", body = Vec<FileDoc>),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
    )
)]
#[get("/file/post/{postId}")]
pub(crate) async fn of_post(
    state: web::Data<AppState>,
    post: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let files = state
        .attachments
        .files_of(PostId(post.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(files))
}
