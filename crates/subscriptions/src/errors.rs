//! Why an order use case failed.

use alpha_kernel::{PhoneError, RepoError};

use crate::types::OrderStatus;

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// A field or filter is missing or out of range; the message names it.
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The phone does not parse as a number that could log in (as OTP checks it).
    #[error("invalid phone: {0}")]
    InvalidPhone(PhoneError),
    /// No premium plan has the asked uuid.
    #[error("Subscription Not Found")]
    PlanNotFound,
    /// No order has the asked uuid.
    #[error("Order Not Found")]
    NotFound,
    /// The status rule ([`OrderStatus::may_become`]) forbids this move.
    #[error("an order cannot go from {} to {}", .from.as_str(), .to.as_str())]
    Transition { from: OrderStatus, to: OrderStatus },
    /// Another admin changed the order between the read and the write; the caller reloads it.
    #[error("the order changed meanwhile")]
    Changed,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl OrderError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
