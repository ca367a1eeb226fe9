//! Test support: a real PostgreSQL database per test.
//!
//! The server is `TEST_DATABASE_URL` (or `DATABASE_URL`) when set; otherwise a private cluster
//! ([`alpha_store::embedded`]) started once per test process in a temporary folder and shared by
//! all its tests. Each [`TestDb`] is a database of its own, cloned from a template migrated once,
//! so tests run in parallel and never see each other's rows.

mod db;
mod server;
mod template;
mod url;

pub use db::TestDb;
