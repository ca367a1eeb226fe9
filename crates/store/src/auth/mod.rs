//! The auth context's tables: `users` (the old backend's, camelCase columns) and `sessions`.

mod sessions;
mod users;

pub use sessions::PgSessionRepo;
pub use users::{AdminRow, PgUserRepo};
