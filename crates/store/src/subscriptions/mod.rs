//! The subscriptions context's table: `subscription_order` (premium orders). The plans an order
//! names (`subscriptions`) are the catalog's; the foreign key checks them.

mod orders;

pub use orders::PgOrders;
