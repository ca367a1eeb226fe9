//! The listener: socketioxide served by hyper directly (Socket.IO cannot be mounted in actix).

/// Engine.IO heartbeat: a socket that misses it is disconnected (and its messages retried).
pub(crate) const TRANSPORT_PING_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);
pub(crate) const TRANSPORT_PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

use std::future::Future;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use socketioxide::SocketIo;
use socketioxide::extract::SocketRef;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::SmsGateway;
use super::handlers;

/// The namespace devices connect to.
pub const NAMESPACE: &str = "/sms";

impl SmsGateway {
    /// Serves `/sms` on `listener` until `shutdown` completes, then disconnects every device
    /// (their in-flight messages are handed back to the dispatcher) and returns.
    ///
    /// Errors: only an unrecoverable accept failure; a failing connection is logged and dropped.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // The transport heartbeat is what proves a device alive (old device apps send nothing between
        // acks), so make it detect a dead phone within ~20 s instead of the default 45 s.
        let (svc, io) = SocketIo::builder()
            .ping_interval(TRANSPORT_PING_INTERVAL)
            .ping_timeout(TRANSPORT_PING_TIMEOUT)
            .build_svc();
        {
            let gw = self.clone();
            // socketioxide creates no namespace by itself, not even `/`.
            io.ns(NAMESPACE, move |socket: SocketRef| async move {
                handlers::on_connect(&gw, &socket);
            });
        }
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, namespace = NAMESPACE, "sms gateway: listening");
        }

        let pinger = {
            let gw = self.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(gw.config.ping_interval);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                every.tick().await; // the first tick is immediate: nobody is registered yet
                loop {
                    every.tick().await;
                    gw.ping_all();
                }
            })
        };

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
                            tracing::warn!(error = %e, "sms gateway: accept failed");
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                            continue;
                        }
                        Err(e) => break Err(e),
                    };
                    let svc = svc.clone();
                    connections.spawn(async move {
                        // `with_upgrades` is what lets engine.io switch a connection to websocket.
                        let conn = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), svc)
                            .with_upgrades();
                        if let Err(e) = conn.await {
                            tracing::debug!(%peer, error = %e, "sms gateway: connection ended");
                        }
                    });
                    // Reap finished connections so the set does not grow with the process.
                    while connections.try_join_next().is_some() {}
                }
            }
        };

        pinger.abort();
        // Disconnects every socket (running the disconnect handlers) before the connections go.
        io.close().await;
        connections.shutdown().await;
        tracing::info!("sms gateway: stopped");
        result
    }
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
