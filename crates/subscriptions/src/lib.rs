//! Premium orders (CONTRACT §2.14 #99–#102, §3.3 item 2): a signed-in user asks for a premium
//! plan by leaving a location and a phone; admins list the orders and decide them.
//!
//! The plans themselves (`subscriptions`) belong to the catalog; this context owns only
//! `subscription_order`. Whether the plan exists is the foreign key's answer, so an order never
//! reads the catalog's table. The rules live here: what a valid order is ([`OrderInput`]), which
//! statuses exist and how an order moves between them ([`OrderStatus::may_become`]), and what
//! an admin's listing may ask ([`OrderQuery`]); [`OrderService`] applies them over the
//! [`OrderRepo`] port. Who may call what (any signed-in user places, admins list and decide) is
//! the HTTP edge's guard, as for the catalog's admin writes.

mod errors;
mod ports;
mod service;
mod types;

pub use errors::OrderError;
pub use ports::{OrderRepo, StatusChange};
pub use service::OrderService;
pub use types::{NewOrder, OrderInput, OrderQuery, OrderStatus, OrderView, OrdersPage};
