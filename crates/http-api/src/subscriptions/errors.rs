//! The subscriptions context's errors at the edge.

use actix_web::http::StatusCode;
use alpha_subscriptions::OrderError;

use crate::catalog::errors::{INVALID_FIELD, PLAN_NOT_FOUND};
use crate::error::ApiError;

pub(crate) const ORDER_NOT_FOUND: &str = "ORDER_NOT_FOUND";
/// The order's phone is not a number that could log in (checked as `POST /otp/send` does).
pub(crate) const INVALID_PHONE: &str = "INVALID_PHONE";
/// The status rule forbids the move (a decided order is only reopened to `Pending`).
pub(crate) const ORDER_STATUS_NOT_ALLOWED: &str = "ORDER_STATUS_NOT_ALLOWED";
/// Another admin changed the order between the check and the write.
pub(crate) const ORDER_CHANGED: &str = "ORDER_CHANGED";

impl From<OrderError> for ApiError {
    fn from(err: OrderError) -> Self {
        match err {
            OrderError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            OrderError::InvalidPhone(e) => {
                ApiError::bad_request(INVALID_PHONE, crate::otp::phone_problem(&e))
            }
            OrderError::PlanNotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                PLAN_NOT_FOUND,
                "Subscription Not Found",
            )
            .with_legacy_fields(),
            OrderError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, ORDER_NOT_FOUND, "Order Not Found")
                    .with_legacy_fields()
            }
            transition @ OrderError::Transition { .. } => ApiError::new(
                StatusCode::CONFLICT,
                ORDER_STATUS_NOT_ALLOWED,
                format!("{transition}: reopen it as Pending first"),
            ),
            OrderError::Changed => ApiError::new(
                StatusCode::CONFLICT,
                ORDER_CHANGED,
                "The order was changed meanwhile; reload it and try again",
            ),
            OrderError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
