//! Every adapter of a domain port, in one list (each lives in its context's module):
//! [`PgOtpRepo`] (`alpha_otp::OtpRepo`), [`PgUserRepo`] (`alpha_auth::{UserRepo, Avatars}`),
//! [`PgSessionRepo`] (`alpha_auth::SessionRepo`), [`PgChatRepo`] (`alpha_chat::ChatRepo`),
//! [`PgCatalog`] (`alpha_catalog::{CatalogReads, CatalogWrites, CatalogPhotos, SearchSource}`),
//! [`PgListings`] (`alpha_listings::{PostRepo, Rates}`), [`PgComments`]
//! (`alpha_community::comments::CommentRepo`), [`PgBlog`]
//! (`alpha_community::blog::{VlogRepo, BlogPhotos}`), [`PgRateLimiter`]
//! (`alpha_kernel::RateLimiter`), [`PgHealth`] (`alpha_kernel::Health`), [`PgDispatchRepo`]
//! (`alpha_sms_dispatch::DispatchRepo`) and [`PgDeviceDirectory`]
//! (`alpha_sms_dispatch::DeviceDirectory`), [`PgOrders`] (`alpha_subscriptions::OrderRepo`), [`PgNotifications`]
//! (`alpha_notifications::{NotificationRepo, OutboxRepo}`). Each holds a clone of the shared pool and takes one
//! connection per call.
//!
//! Invariants that concurrent requests could break are each enforced by one conditional
//! statement, never by a read followed by a write.

pub use crate::audit::PgAuditLog;
pub use crate::auth::{AdminRow, PgSessionRepo, PgUserRepo};
pub use crate::blog::PgBlog;
pub use crate::catalog::PgCatalog;
pub use crate::chat::PgChatRepo;
pub use crate::comments::PgComments;
pub use crate::health::PgHealth;
pub use crate::listings::PgListings;
pub use crate::notifications::PgNotifications;
pub use crate::otp::PgOtpRepo;
pub use crate::rate_limit::PgRateLimiter;
pub use crate::sms_dispatch::{PgDeviceDirectory, PgDispatchRepo, PgSmsQueue, QueueWakeups};
pub use crate::subscriptions::PgOrders;
