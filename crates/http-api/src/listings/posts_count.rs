use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PostsCount {
    /// Every post, every status.
    pub posts_count: u64,
}

/// How many posts there are (needs an access token, as in the old API).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The count", body = PostsCount),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[get("/posts/count")]
pub(crate) async fn count(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let posts_count = state.listings.count().await?;
    Ok(HttpResponse::Ok().json(PostsCount { posts_count }))
}
