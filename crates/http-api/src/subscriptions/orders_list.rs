use actix_web::{HttpResponse, get, web};
use alpha_subscriptions::{OrderQuery, OrderStatus, OrdersPage};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// Orders of this status only; default `Pending` (legacy rows with no or another status
    /// count as `Pending`).
    #[param(inline)]
    pub status: Option<OrderStatus>,
    /// Orders whose location contains this text, any case (`%` and `_` match themselves).
    #[param(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Premium orders, newest first (admin; CONTRACT #102, which `GET /subscription/{uuid}` shadowed
/// in the old API).
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = [])),
    params(OrdersQuery),
    responses(
        (status = 200, description = "A page of orders and the number of all matches", body = OrdersPage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type or an unknown status) or `INVALID_FIELD` (`limit` out of 1–100, `location` too long or with NUL)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/subscription/orders")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: web::Query<OrdersQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = OrderQuery::new(q.status, q.location.as_deref(), q.offset, q.limit)?;
    Ok(HttpResponse::Ok().json(state.orders.list(&query).await?))
}
