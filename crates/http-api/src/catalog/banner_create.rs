use actix_web::{HttpResponse, post, web};

use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Adds a banner slot (admin); its image is uploaded afterwards with `PUT /photo/banners`.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Created", body = Saved),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/banners")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
) -> Result<HttpResponse, ApiError> {
    let creator = super::creator_of(&state, &admin).await?;
    let uuid = state.catalog_admin.create_banner(creator).await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "ok",
        uuid,
    }))
}
