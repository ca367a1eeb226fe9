//! The order use cases.

use std::sync::Arc;

use alpha_kernel::{Clock, PhonePolicy};
use uuid::Uuid;

use crate::errors::OrderError;
use crate::ports::{OrderRepo, StatusChange};
use crate::types::{NewOrder, OrderInput, OrderQuery, OrderStatus, OrderView, OrdersPage};

/// Places, lists and decides premium orders.
pub struct OrderService {
    repo: Arc<dyn OrderRepo>,
    clock: Arc<dyn Clock>,
    phones: PhonePolicy,
}

impl std::fmt::Debug for OrderService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderService").finish_non_exhaustive()
    }
}

impl OrderService {
    /// `phones`: the numbers accepted, the login policy (an order's phone is checked as an OTP
    /// request's is).
    pub fn new(repo: Arc<dyn OrderRepo>, clock: Arc<dyn Clock>, phones: PhonePolicy) -> Self {
        Self {
            repo,
            clock,
            phones,
        }
    }

    /// Records a `Pending` order for a plan.
    ///
    /// Errors: `Invalid`, `InvalidPhone` (nothing is read or written), `PlanNotFound`, `Repo`.
    pub async fn place(&self, input: OrderInput) -> Result<OrderView, OrderError> {
        let order = NewOrder::parse(input, &self.phones)?;
        self.repo
            .insert(&order, self.clock.now())
            .await?
            .ok_or(OrderError::PlanNotFound)
    }

    /// One page of the admins' list.
    ///
    /// Errors: `Repo`.
    pub async fn list(&self, query: &OrderQuery) -> Result<OrdersPage, OrderError> {
        Ok(self.repo.page(query).await?)
    }

    /// Moves an order to `to` if [`OrderStatus::may_become`] allows it; asking for the status it
    /// has changes nothing but its `updatedAt`.
    ///
    /// Errors: `NotFound`, `Transition`, `Changed` (another admin's change came in between;
    /// nothing was written), `Repo`.
    pub async fn set_status(&self, order: Uuid, to: OrderStatus) -> Result<OrderView, OrderError> {
        let stored = self
            .repo
            .status_of(order)
            .await?
            .ok_or(OrderError::NotFound)?;
        let from = OrderStatus::from_stored(stored.as_deref());
        if !from.may_become(to) {
            return Err(OrderError::Transition { from, to });
        }
        let change = StatusChange {
            order,
            expected: stored,
            to,
            at: self.clock.now(),
        };
        match self.repo.set_status(&change).await? {
            Some(view) => Ok(view),
            // Gone or changed since the read: which one is the next read's to tell.
            None => match self.repo.status_of(order).await? {
                None => Err(OrderError::NotFound),
                Some(_) => Err(OrderError::Changed),
            },
        }
    }
}

#[cfg(test)]
mod tests;
