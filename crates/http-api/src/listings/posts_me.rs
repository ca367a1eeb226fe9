use actix_web::{HttpResponse, get, web};

use super::schema::PostDoc;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The caller's posts, every status, newest first, with `userId`, `brand`, `model` and `photo`.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's posts", body = Vec<PostDoc>),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[get("/posts/me")]
pub(crate) async fn me(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let posts = state.listings.mine(user.0.id).await?;
    Ok(HttpResponse::Ok().json(posts))
}
