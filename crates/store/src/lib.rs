//! PostgreSQL adapter: schema, migrations, connection pool, seeds, and one module per context
//! (`otp`, `auth`, `catalog`, `listings`, `comments`, `blog`, `subscriptions`, `notifications`, `chat`,
//! `sms_dispatch`, `rate_limit`, `health`), each owning its tables.

pub mod audit;
pub mod auth;
pub mod blog;
pub mod catalog;
pub mod chat;
pub mod comments;
mod community;
mod enums;
mod error;
pub mod health;
pub mod listings;
pub mod migrate;
pub mod notifications;
pub mod otp;
mod photo_files;
pub mod pool;
pub mod rate_limit;
pub mod repos;
pub mod schema;
pub mod seed;
pub mod sms_dispatch;
pub mod subscriptions;
