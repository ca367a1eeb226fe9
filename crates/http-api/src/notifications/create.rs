use actix_web::{HttpResponse, post, web};
use alpha_notifications::NotificationView;

use super::body::SendBody;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Stores a draft (admin; CONTRACT #107): `pending`, checked as a send is, sent later with
/// `POST /notifications/admin/send-draft/{uuid}`.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = SendBody,
    responses(
        (status = 201, description = "The draft", body = NotificationView),
        (status = 400, description = "As `POST /notifications/admin/send`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[post("/notifications/admin/create")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonObject<SendBody>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .notifications
        .create_draft(body.into_inner().into(), Some(admin.0.id))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
