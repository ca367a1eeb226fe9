use actix_web::{HttpResponse, get, web};

use super::attachments::{FileDoc, PageQuery};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Documents, oldest first, a page at a time.
#[utoipa::path(
    tag = "posts",
    params(PageQuery),
    responses(
        (status = 200, description = "The documents", body = Vec<FileDoc>),
        (status = 400, description = "`INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/file")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let files = state.attachments.files(query.page()).await?;
    Ok(HttpResponse::Ok().json(files))
}
