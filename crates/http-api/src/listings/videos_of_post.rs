use actix_web::{HttpResponse, get, web};
use alpha_listings::PostId;
use uuid::Uuid;

use super::attachments::VideoWithPostDoc;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A post's videos with the post (one at most, unless older rows predate the one-video rule).
#[utoipa::path(
    tag = "posts",
    params(("postId" = Uuid, Path, description = "The post")),
    responses(
        (status = 200, description = "The videos; none for an unknown post", body = Vec<VideoWithPostDoc>),
        (status = 400, description = "`INVALID_PATH_PARAMETER`: not a UUID", body = ErrorBody),
    )
)]
#[get("/video/post/{postId}")]
pub(crate) async fn of_post(
    state: web::Data<AppState>,
    post: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let videos = state
        .attachments
        .videos_of(PostId(post.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(videos))
}
