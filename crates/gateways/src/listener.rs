//! The accept loop both gateways share: hyper HTTP/1 with upgrades (engine.io's websocket), one
//! task per connection, until shutdown.

use std::error::Error as StdError;
use std::future::Future;

use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Accepts on `listener` and serves each connection with `make_service()` until `shutdown`
/// completes. Returns the accept loop's outcome and the still-open connections, so the caller
/// can close its sockets (running their disconnect handlers) before dropping the connections.
///
/// Errors: only an unrecoverable accept failure; a failing connection is logged and dropped.
pub(crate) async fn accept_until<S, B>(
    name: &'static str,
    listener: TcpListener,
    make_service: impl Fn() -> S,
    shutdown: impl Future<Output = ()>,
) -> (std::io::Result<()>, JoinSet<()>)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    let result = loop {
        tokio::select! {
            () = &mut shutdown => break Ok(()),
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) if is_transient(&e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(gateway = name, error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                    Err(e) => break Err(e),
                };
                let service = make_service();
                connections.spawn(async move {
                    // `with_upgrades` is what lets engine.io switch a connection to websocket.
                    let conn = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades();
                    if let Err(e) = conn.await {
                        tracing::debug!(gateway = name, %peer, error = %e, "connection ended");
                    }
                });
                // Reap finished connections so the set does not grow with the process.
                while connections.try_join_next().is_some() {}
            }
        }
    };
    (result, connections)
}

/// Accept errors that concern one connection or a momentary shortage, not the listener.
fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || e
        .raw_os_error()
        .is_some_and(|code| code == 23 || code == 24) // ENFILE, EMFILE
}
