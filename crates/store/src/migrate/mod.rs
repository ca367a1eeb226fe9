//! Schema migrations: embedded in the binary, applied under a PostgreSQL advisory lock, and able to
//! adopt a database that the old (Sequelize) backend migrated.

mod adopt;
mod lock;
mod runner;
mod status;

pub use runner::{MigrateError, MigrationOutcome, revert_all, run_pending};
pub use status::{embedded_versions, is_up_to_date};

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

/// Every migration of `migrations/` at the workspace root, compiled into the binary so a deployed
/// server needs no files next to it.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");
