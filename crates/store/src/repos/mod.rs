//! Adapters of the domain ports over PostgreSQL: [`PgOtpRepo`] (`alpha_otp::OtpRepo`),
//! [`PgUserRepo`] (`alpha_auth::UserRepo`), [`PgSessionRepo`] (`alpha_auth::SessionRepo`),
//! [`PgRateLimiter`] (`alpha_kernel::RateLimiter`), [`PgDispatchRepo`]
//! (`alpha_sms_dispatch::DispatchRepo`) and [`PgDeviceDirectory`]
//! (`alpha_sms_dispatch::DeviceDirectory`). Each holds a clone of the shared pool and
//! takes one connection per call.
//!
//! Invariants that concurrent requests could break are each enforced by one conditional
//! statement, never by a read followed by a write.

mod chat;
mod enums;
mod error;
mod health;
mod otp;
mod rate_limit;
mod session;
mod sms_devices;
mod sms_dispatch;
mod user;

pub use chat::PgChatRepo;
pub use health::PgHealth;
pub use otp::PgOtpRepo;
pub use rate_limit::PgRateLimiter;
pub use session::PgSessionRepo;
pub use sms_devices::PgDeviceDirectory;
pub use sms_dispatch::PgDispatchRepo;
pub use user::{AdminRow, PgUserRepo};
