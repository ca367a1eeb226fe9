use actix_web::{HttpResponse, patch, web};
use alpha_kernel::UserId;
use uuid::Uuid;

use crate::auth::managed::{ManageUserBody, ManagedUserView};
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Changes a user's name, location, email, phone, access list, role or status (admin;
/// CONTRACT #13). An admin cannot drop their own admin role, and the last admin keeps it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The user")),
    request_body = ManageUserBody,
    responses(
        (status = 200, description = "The user as they are now", body = ManagedUserView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`, `INVALID_BODY` (a wrong type, an unknown role, NUL), `INVALID_JSON`, `VALUE_TOO_LONG`, `INVALID_EMAIL`, `INVALID_PHONE` or `INVALID_FIELD` (`access` too long)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`USER_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`EMAIL_TAKEN`, `PHONE_TAKEN`, `OWN_ADMIN_ROLE` or `LAST_ADMIN`", body = ErrorBody),
    )
)]
#[patch("/auth/{uuid}", guard = "super::not_a_fixed_auth_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<ManageUserBody>,
) -> Result<HttpResponse, ApiError> {
    let edit = body.into_inner().into_edit(&state.edge.phone)?;
    let user = state
        .users
        .edit(admin.0.id, UserId(uuid.into_inner()), &edit)
        .await?;
    Ok(HttpResponse::Ok().json(ManagedUserView::from(user)))
}
