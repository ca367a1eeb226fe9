use actix_web::{HttpResponse, patch, web};
use alpha_kernel::UserId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::managed::{ManageUserBody, as_admin};
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUpdated {
    #[schema(example = "Updated Admin")]
    pub message: &'static str,
}

/// Changes an admin's name, email, phone, access list or status (admin; CONTRACT #116). A
/// `password` is accepted and ignored, as before; a `role` change goes through the same rules
/// as `PATCH /auth/{uuid}`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The admin")),
    request_body = ManageUserBody,
    responses(
        (status = 200, description = "Updated", body = AdminUpdated),
        (status = 400, description = "`INVALID_PATH_PARAMETER`, `INVALID_BODY`, `INVALID_JSON`, `VALUE_TOO_LONG`, `INVALID_EMAIL`, `INVALID_PHONE` or `INVALID_FIELD`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`ADMIN_NOT_FOUND`: no such user, or not an admin", body = ErrorBody),
        (status = 409, description = "`EMAIL_TAKEN`, `PHONE_TAKEN`, `OWN_ADMIN_ROLE` or `LAST_ADMIN`", body = ErrorBody),
    )
)]
#[patch("/admins/{uuid}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<ManageUserBody>,
) -> Result<HttpResponse, ApiError> {
    let edit = body.into_inner().into_edit(&state.edge.phone)?;
    state
        .users
        .edit_admin(admin.0.id, UserId(uuid.into_inner()), &edit)
        .await
        .map_err(as_admin)?;
    Ok(HttpResponse::Ok().json(AdminUpdated {
        message: "Updated Admin",
    }))
}
