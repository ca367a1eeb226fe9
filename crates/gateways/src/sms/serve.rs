//! The listener: socketioxide served by hyper directly (Socket.IO cannot be mounted in actix).

/// Engine.IO heartbeat: a socket that misses it is disconnected (and its messages retried).
pub(crate) const TRANSPORT_PING_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);
pub(crate) const TRANSPORT_PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

use std::future::Future;
use std::sync::Arc;

use socketioxide::SocketIo;
use socketioxide::extract::SocketRef;
use tokio::net::TcpListener;

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
                    gw.recheck_credentials().await;
                }
            })
        };

        let timers = self.devices.take_expired().map(|mut expired| {
            let dispatcher = self.dispatcher.clone();
            tokio::spawn(async move {
                while let Some(correlation_id) = expired.recv().await {
                    dispatcher.on_timeout(correlation_id).await;
                }
            })
        });
        if timers.is_none() {
            tracing::warn!("sms gateway: served twice; ack timeouts go to the first");
        }

        let (result, mut connections) =
            crate::listener::accept_until("sms", listener, || svc.clone(), shutdown).await;

        pinger.abort();
        if let Some(timers) = timers {
            timers.abort();
        }
        // Disconnects every socket (running the disconnect handlers) before the connections go.
        io.close().await;
        connections.shutdown().await;
        tracing::info!("sms gateway: stopped");
        result
    }
}
