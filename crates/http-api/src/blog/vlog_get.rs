use actix_web::{HttpResponse, get, web};
use alpha_community::blog::{VlogId, VlogView};
use uuid::Uuid;

use super::viewer;
use crate::auth_user::MaybeUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// One blog entry with its author (public fields only). An entry that is not accepted opens for
/// its author and admins only; for anyone else it does not exist.
#[utoipa::path(
    tag = "blog",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The entry")),
    responses(
        (status = 200, description = "The entry", body = VlogView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 404, description = "`VLOG_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/vlog/{id}")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view: VlogView = state
        .blog
        .get(viewer(&user), VlogId(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
