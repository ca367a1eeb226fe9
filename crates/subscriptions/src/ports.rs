//! What the order rules need from storage.

use alpha_kernel::RepoError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::types::{NewOrder, OrderQuery, OrderStatus, OrderView, OrdersPage};

/// A status write that only happens if the order still holds the status it was checked
/// against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub order: Uuid,
    /// The stored value the rule was checked against (NULL for legacy rows).
    pub expected: Option<String>,
    pub to: OrderStatus,
    pub at: DateTime<Utc>,
}

/// The `subscription_order` table.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait OrderRepo: Send + Sync {
    /// Inserts the order as `Pending`, stamped `at`. `None` when its plan does not exist (the
    /// foreign key decides, so a plan deleted meanwhile is not ordered); nothing is written then.
    ///
    /// Errors: [`RepoError`] only.
    async fn insert(
        &self,
        order: &NewOrder,
        at: DateTime<Utc>,
    ) -> Result<Option<OrderView>, RepoError>;

    /// One page of orders of the query's status and location, newest first, with the number
    /// of all matches.
    ///
    /// Errors: [`RepoError`] only.
    async fn page(&self, query: &OrderQuery) -> Result<OrdersPage, RepoError>;

    /// The stored status of an order: `None` when there is no such order, `Some(None)` for a
    /// NULL status.
    ///
    /// Errors: [`RepoError`] only.
    async fn status_of(&self, order: Uuid) -> Result<Option<Option<String>>, RepoError>;

    /// Writes the change if the order still holds `expected`, returning the updated row;
    /// `None` when it is gone or holds something else now.
    ///
    /// Errors: [`RepoError`] only.
    async fn set_status(&self, change: &StatusChange) -> Result<Option<OrderView>, RepoError>;
}
