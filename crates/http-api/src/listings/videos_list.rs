use actix_web::{HttpResponse, get, web};

use super::attachments::{PageQuery, VideoWithPostDoc};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Videos with their posts, oldest first, a page at a time.
#[utoipa::path(
    tag = "posts",
    params(PageQuery),
    responses(
        (status = 200, description = "The videos", body = Vec<VideoWithPostDoc>),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/video")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let videos = state.attachments.videos(query.page()).await?;
    Ok(HttpResponse::Ok().json(videos))
}
