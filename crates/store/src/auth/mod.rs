//! The auth context's tables: `users` (the old backend's, camelCase columns) and `sessions`,
//! and the `photo` rows that are users' avatars.

mod avatars;
mod directory;
mod sessions;
mod users;

pub use sessions::PgSessionRepo;
pub use users::{AdminRow, PgUserRepo};
