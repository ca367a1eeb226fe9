//! A session-level advisory lock that serialises migration runs across server instances.

use diesel::sql_types::BigInt;
use diesel::{QueryResult, RunQueryDsl, sql_query};

use super::runner::SyncPg;

/// Arbitrary but fixed: every instance of this service must use the same key, and it must not clash
/// with keys other tools take on the same database ("alpha-mig" in ASCII).
pub(crate) const MIGRATION_LOCK_KEY: i64 = 0x616c_7068_612d_6d69;

pub(crate) fn acquire(conn: &mut SyncPg) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK_KEY)
        .execute(conn)
        .map(|_| ())
}

pub(crate) fn release(conn: &mut SyncPg) -> QueryResult<()> {
    sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK_KEY)
        .execute(conn)
        .map(|_| ())
}
