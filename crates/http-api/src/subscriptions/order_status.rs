use actix_web::{HttpResponse, patch, web};
use alpha_subscriptions::{OrderStatus, OrderView};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Only the status changes; any other field is a 400.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[schema(inline)]
    pub status: OrderStatus,
}

/// Decides an order (admin): a `Pending` order becomes `Accepted` or `Declined`; a decided one
/// can only be reopened as `Pending`. Sending the status it has changes nothing.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The order")),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The order as it is now", body = OrderView),
        (status = 400, description = "`INVALID_PATH_PARAMETER`, `INVALID_BODY` (missing, unknown or unlisted status, other fields) or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`ORDER_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`ORDER_STATUS_NOT_ALLOWED` (`Accepted` ↔ `Declined` without reopening) or `ORDER_CHANGED` (another admin's change came in between)", body = ErrorBody),
    )
)]
#[patch("/subscription/orders/{uuid}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<StatusBody>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .orders
        .set_status(uuid.into_inner(), body.into_inner().status)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
