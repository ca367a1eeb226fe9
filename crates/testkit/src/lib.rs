//! Test support: a real PostgreSQL database per test.
//!
//! The server is `TEST_DATABASE_URL` when set (never `DATABASE_URL`, which may name production);
//! otherwise a private cluster ([`alpha_pg_embedded`]) started once per test process in a
//! temporary folder, shared by all its tests, and removed after the process exits. Each [`TestDb`] is a database of its own, cloned from a template migrated once,
//! so tests run in parallel and never see each other's rows.

mod app;
mod catalogue;
mod db;
mod dispatch;
mod reaper;
mod redis;
mod server;
mod sockets;
mod template;
mod url;

pub use app::{
    CLIENT, TEST_MODE, TestApp, call, default_uploads_dir, login, post_json, test_settings,
    with_bearer,
};
pub use catalogue::{Catalogue, catalogue, catalogue_fixture};
pub use db::TestDb;
pub use redis::{RestartableRedis, TEST_REDIS_URL, test_redis_url};
pub use server::{TEST_DATABASE_URL, embedded_cluster_dir};
pub use sockets::{QUIET, TestSocket, WAIT, first};
