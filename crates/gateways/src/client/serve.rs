//! The listener: socketioxide served by hyper directly, on its own port.

use std::collections::HashMap;

use alpha_auth::{AuthService, AuthUser};
use alpha_kernel::{SessionId, UserId};
use hyper::Method;
use hyper::header::HeaderValue;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;

use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use tokio::net::TcpListener;

use super::ClientGateway;
use super::handlers;

/// The namespace app clients connect to.
pub const NAMESPACE: &str = "/";

/// Registers `/` and its handlers on the notifier's sockets (socketioxide creates no namespace by
/// itself, not even `/`).
pub(super) fn register_namespace(gateway: &Arc<ClientGateway>) {
    let gw = gateway.clone();
    let middleware = move |s: SocketRef, TryData::<Value>(auth): TryData<Value>| {
        handlers::authenticate(gw.clone(), s, auth.ok())
    };
    gateway.notifier.io.ns(
        NAMESPACE,
        (|socket: SocketRef| async move {
            handlers::on_connect(&socket);
        })
        .with(middleware),
    );
}

impl ClientGateway {
    /// Serves `/` on `listener` until `shutdown` completes, then disconnects every socket and
    /// returns.
    ///
    /// Errors: only an unrecoverable accept failure; a failing connection is logged and dropped.
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let io = self.notifier.io.clone();
        let svc = self.notifier.svc.clone();
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(%addr, namespace = NAMESPACE, "client gateway: listening");
        }

        let cors = cors_layer(&self.config.cors_allowed_origins);
        let revalidation = tokio::spawn(revalidate(
            io.clone(),
            self.auth.clone(),
            self.config.revalidate_every,
        ));
        let (result, mut connections) = crate::listener::accept_until(
            "client",
            listener,
            || TowerToHyperService::new(cors.layer(svc.clone())),
            shutdown,
        )
        .await;

        revalidation.abort();
        io.close().await;
        connections.shutdown().await;
        tracing::info!("client gateway: stopped");
        result
    }
}

/// CORS for browser clients (the engine.io polling transport is plain HTTP). Credentials are
/// never allowed: sockets authenticate with a token, not cookies.
fn cors_layer(allowed: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(tower_http::cors::Any);
    if allowed.iter().any(|o| o == "*") {
        return layer.allow_origin(tower_http::cors::Any);
    }
    let origins: Vec<HeaderValue> = allowed
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    layer.allow_origin(AllowOrigin::list(origins))
}

/// Disconnects sockets whose user was deleted or whose session ended without this process being
/// told. One query per distinct session per round.
async fn revalidate(io: SocketIo, auth: Arc<AuthService>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let mut verdicts: HashMap<(UserId, Option<SessionId>), bool> = HashMap::new();
        for socket in io.sockets() {
            let Some(user) = socket.extensions.get::<AuthUser>() else {
                continue;
            };
            let key = (user.id, user.session);
            let valid = match verdicts.get(&key) {
                Some(valid) => *valid,
                None => match auth.still_valid(&user).await {
                    Ok(valid) => {
                        verdicts.insert(key, valid);
                        valid
                    }
                    // The store is down: keep sockets rather than drop every user at once.
                    Err(e) => {
                        tracing::warn!(error = %e, "client gateway: revalidation skipped");
                        true
                    }
                },
            };
            if !valid {
                tracing::info!(user = %user.id, "client gateway: session ended, socket closed");
                let _ = socket.disconnect();
            }
        }
    }
}
