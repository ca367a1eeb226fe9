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

use engineioxide::service::NotFoundService;
use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::service::SocketIoService;
use socketioxide_core::adapter::DefinedAdapter;
use tokio::net::TcpListener;

use super::handlers;
use super::{ClientGateway, Engine, on_engine};

/// The namespace app clients connect to.
pub const NAMESPACE: &str = "/";

/// Registers `/` and its handlers on the notifier's sockets (socketioxide creates no namespace by
/// itself, not even `/`), and marks the notifier ready once it exists: at once on one instance;
/// with Redis once its channels are subscribed (or left to subscribe in the background).
pub(super) fn register_namespace(gateway: &Arc<ClientGateway>) {
    let notifier = gateway.notifier.clone();
    match &notifier.engine {
        Engine::Local { io, .. } => {
            add_namespace(io, gateway);
            notifier.ready.send_replace(true);
        }
        Engine::Cluster { io, .. } => {
            let init = add_namespace(io, gateway);
            let ready = notifier.clone();
            tokio::spawn(async move {
                if let Err(e) = init.await {
                    tracing::error!(error = ?e, "client gateway: namespace not created; app sockets are refused");
                }
                ready.ready.send_replace(true);
            });
        }
    }
}

fn add_namespace<A: Adapter + DefinedAdapter>(
    io: &SocketIo<A>,
    gateway: &Arc<ClientGateway>,
) -> A::InitRes {
    let gw = gateway.clone();
    let middleware = move |s: SocketRef<A>, TryData::<Value>(auth): TryData<Value>| {
        handlers::authenticate(gw.clone(), s, auth.ok())
    };
    io.ns(
        NAMESPACE,
        (|socket: SocketRef<A>| async move {
            handlers::on_connect(&socket);
        })
        .with(middleware),
    )
}

impl ClientGateway {
    /// Serves `/` on `listener` until `shutdown` completes, then disconnects every socket and
    /// returns. Accepts nobody before the namespace exists ([`ClientNotifier::ready`]).
    ///
    /// Errors: only an unrecoverable accept failure; a failing connection is logged and dropped.
    ///
    /// [`ClientNotifier::ready`]: super::ClientNotifier::ready
    pub async fn serve(
        self: Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.notifier.ready().await;
        let notifier = self.notifier.clone();
        on_engine!(&notifier.engine, |io, svc| {
            self.serve_on(io.clone(), svc.clone(), listener, shutdown)
                .await
        })
    }

    async fn serve_on<A: Adapter>(
        &self,
        io: SocketIo<A>,
        svc: SocketIoService<NotFoundService, A>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        if let Ok(addr) = listener.local_addr() {
            tracing::info!(
                %addr,
                namespace = NAMESPACE,
                across_instances = self.notifier.across_instances(),
                "client gateway: listening"
            );
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

/// Disconnects this process's sockets whose user was deleted or whose session ended without this
/// process being told (no Redis, or Redis failed when it happened). One query per distinct session per round.
async fn revalidate<A: Adapter>(
    io: SocketIo<A>,
    auth: Arc<AuthService>,
    every: std::time::Duration,
) {
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
