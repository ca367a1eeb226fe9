//! How store failures reach the domain: "try again later" versus "something is wrong".
//!
//! The edge answers [`RepoError::Unavailable`] with 503 (the client may retry) and
//! [`RepoError::Other`] with a logged 500, so only failures that say nothing about the query
//! itself (no connection, pool exhausted, connection lost mid-query) may become `Unavailable`.

use alpha_kernel::RepoError;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::PoolError as ManagerError;
use diesel_async::pooled_connection::deadpool::{Object, PoolError};

use crate::pool::PgPool;

/// A pooled connection, or the reason there is none.
pub(crate) async fn connection(pool: &PgPool) -> Result<Object<AsyncPgConnection>, RepoError> {
    pool.get().await.map_err(pool_error)
}

/// Maps a failure to obtain a pooled connection.
pub(crate) fn pool_error(error: PoolError) -> RepoError {
    match error {
        // Waiting too long for a free connection, or for a new one to open: overload or an
        // unreachable server, both transient from the client's point of view.
        PoolError::Timeout(_) => RepoError::Unavailable(error.to_string()),
        PoolError::Backend(ManagerError::ConnectionError(_)) => {
            RepoError::Unavailable(error.to_string())
        }
        // The health check of a recycled connection failed the same way a query would.
        PoolError::Backend(ManagerError::QueryError(inner)) => db_error(inner),
        // Only during shutdown: the instance is going away, another one can answer.
        PoolError::Closed => RepoError::Unavailable(error.to_string()),
        PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => {
            RepoError::Other(Box::new(error))
        }
    }
}

/// Maps a failed statement.
pub(crate) fn db_error(error: DieselError) -> RepoError {
    match error {
        // diesel-async reports a connection that died under a query as `UnableToSendCommand`
        // (no SQLSTATE: the server never answered) or `ClosedConnection`.
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => RepoError::Unavailable(error.to_string()),
        DieselError::DatabaseError(_, ref info) if unstorable(info.message()) => {
            RepoError::Unstorable(error.to_string())
        }
        other => RepoError::Other(Box::new(other)),
    }
}

/// PostgreSQL's words when a value cannot be stored as given: NUL in `text` (SQLSTATE 22021,
/// `invalid byte sequence for encoding "UTF8": 0x00`) or `\u0000` in `jsonb` (22P05).
/// diesel exposes the message, not the SQLSTATE.
fn unstorable(message: &str) -> bool {
    message.starts_with("invalid byte sequence for encoding")
        || message.starts_with("unsupported Unicode escape sequence")
}

#[cfg(test)]
mod tests {
    use super::*;
    use deadpool::managed::TimeoutType;

    #[test]
    fn pool_timeouts_and_refused_connections_are_unavailable() {
        assert!(matches!(
            pool_error(PoolError::Timeout(TimeoutType::Wait)),
            RepoError::Unavailable(_)
        ));
        let refused = ManagerError::ConnectionError(diesel::ConnectionError::BadConnection(
            "connection refused".into(),
        ));
        assert!(matches!(
            pool_error(PoolError::Backend(refused)),
            RepoError::Unavailable(_)
        ));
        assert!(matches!(
            pool_error(PoolError::Closed),
            RepoError::Unavailable(_)
        ));
    }

    #[test]
    fn lost_connections_are_unavailable_but_query_failures_are_not() {
        let lost = DieselError::DatabaseError(
            DatabaseErrorKind::UnableToSendCommand,
            Box::new("connection closed".to_owned()),
        );
        assert!(matches!(db_error(lost), RepoError::Unavailable(_)));
        let closed = DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("closed".to_owned()),
        );
        assert!(matches!(db_error(closed), RepoError::Unavailable(_)));
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert!(matches!(db_error(unique), RepoError::Other(_)));
        let nul = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("invalid byte sequence for encoding \"UTF8\": 0x00".to_owned()),
        );
        assert!(matches!(db_error(nul), RepoError::Unstorable(_)));
        assert!(matches!(
            db_error(DieselError::NotFound),
            RepoError::Other(_)
        ));
    }
}
