//! `alpha-motors serve`: the long-running server.

use std::sync::Arc;
use std::time::Duration;

use alpha_http_api::build_app;
use alpha_kernel::SystemClock;
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::PgRateLimiter;
use alpha_store::seed::CatalogSource;
use anyhow::Context;

use crate::application::Application;
use crate::config::Settings;
use crate::database::Database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let db = Database::open(settings).await?;
    let result = serve(settings, &db).await;
    // Whatever happened above, an embedded cluster must not outlive the server.
    let closed = db.close().await;
    result.and(closed)
}

/// Demo posts a development server makes sure of at start: three pages of the app's feed.
const DEVELOPMENT_DEMO_POSTS: usize = 60;

async fn serve(settings: &Settings, db: &Database) -> anyhow::Result<()> {
    if settings.database.migrate_on_start {
        super::migrate::apply(db.url()).await?;
    }
    if settings.database.seed_on_start {
        let source = settings
            .seed
            .data_file
            .clone()
            .map_or(CatalogSource::BuiltIn, CatalogSource::File);
        super::seed::load(db.url(), source).await?;
        // A fresh development server shows a populated home screen and a live feed; the demo
        // rows are only added where missing, so this never touches real ones.
        if settings.profile.is_development() {
            super::seed::demo(settings, db.url()).await?;
            super::seed::demo_posts(settings, db.url(), DEVELOPMENT_DEMO_POSTS).await?;
        }
    }

    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: settings.database.pool_size,
            wait_timeout: Duration::from_secs(settings.database.pool_timeout_secs),
            statement_timeout: Duration::from_millis(settings.database.statement_timeout_ms),
        },
    )
    .context("building the connection pool")?;

    let app = Application::build(settings, pool.clone(), Arc::new(SystemClock))?;
    let gateways = &settings.gateways;
    let sms_listener =
        tokio::net::TcpListener::bind((gateways.sms_host.as_str(), gateways.sms_port))
            .await
            .with_context(|| {
                format!(
                    "binding the SMS device gateway on {}:{}",
                    gateways.sms_host, gateways.sms_port
                )
            })?;
    tracing::info!(
        port = gateways.sms_port,
        "SMS device gateway listening (namespace /sms)"
    );
    let (stop_sms, sms_stopped) = tokio::sync::oneshot::channel::<()>();
    let sms_task = tokio::spawn(app.sms_gateway.clone().serve(sms_listener, async move {
        let _ = sms_stopped.await;
    }));
    let client_listener =
        tokio::net::TcpListener::bind((gateways.client_host.as_str(), gateways.client_port))
            .await
            .with_context(|| {
                format!(
                    "binding the client gateway on {}:{}",
                    gateways.client_host, gateways.client_port
                )
            })?;
    tracing::info!(
        port = gateways.client_port,
        "client gateway listening (namespace /)"
    );
    let (stop_clients, clients_stopped) = tokio::sync::oneshot::channel::<()>();
    let clients_task = tokio::spawn(app.client_gateway.clone().serve(
        client_listener,
        async move {
            let _ = clients_stopped.await;
        },
    ));
    let state = app.state.clone();
    let options = app.http.clone();
    let addr = (settings.http.host.as_str(), settings.http.port);
    let server = actix_web::HttpServer::new(move || build_app(state.clone(), &options))
        .disable_signals()
        .shutdown_timeout(settings.http.shutdown_timeout_secs)
        .bind(addr)
        .with_context(|| format!("binding HTTP on {}:{}", addr.0, addr.1))?
        .run();
    // Started only once every listener is bound: a port conflict must end the start-up with
    // its own error, not with this task failing against a database that is shutting down.
    let otp = &settings.otp;
    let longest_window = [
        Duration::from_secs(otp.ip_send_window_secs),
        Duration::from_secs(otp.ip_verify_window_secs),
        Duration::from_millis(otp.phone_rate_limit_window_ms),
    ]
    .into_iter()
    .max()
    .unwrap_or_default();
    let purge = tokio::spawn(purge_rate_limits(
        PgRateLimiter::new(pool.clone()),
        // Twice the longest window, and at least a day: a live counter is never removed.
        (longest_window * 2).max(Duration::from_secs(24 * 3600)),
    ));
    let metrics_server = match settings.metrics.addr.as_str() {
        "" => None,
        metrics_addr => {
            let server = crate::metrics::serve(app.metrics.clone(), metrics_addr)
                .with_context(|| format!("binding the metrics listener on {metrics_addr}"))?;
            tracing::info!(addr = metrics_addr, "metrics listening (/metrics)");
            Some(server)
        }
    };
    let metrics_handle = metrics_server.as_ref().map(actix_web::dev::Server::handle);
    let metrics_task = metrics_server.map(tokio::spawn);
    // Pushes queued before a restart (or scheduled) go out from here on.
    let push_worker = app.start_push_worker();
    // Codes queued on any instance, or left by one that stopped, are claimed from here on.
    let sms_queue = app.start_sms_queue();
    let handle = server.handle();
    tracing::info!(host = addr.0, port = addr.1, "HTTP API listening");
    let server_task = tokio::spawn(server);

    let outcome = tokio::select! {
        () = crate::shutdown::signal() => {
            handle.stop(true).await;
            Ok(())
        }
        result = server_task => {
            result.context("HTTP server task").and_then(|r| r.context("HTTP server"))
        }
    };
    purge.abort();
    if let Some(metrics) = metrics_handle {
        metrics.stop(false).await;
    }
    if let Some(task) = metrics_task {
        let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
    }
    // The batch in hand is finished, so no row waits out its lease after a clean stop.
    push_worker.stop().await;
    // Draining: claim nothing more, let the codes in hand be acknowledged, then close the device
    // sockets; a code still unacknowledged goes back to the queue for another instance.
    drop(sms_queue);
    drain_sms(&app, Duration::from_secs(settings.sms.ack_timeout_secs)).await;
    let _ = stop_sms.send(());
    let _ = stop_clients.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), clients_task).await;
    // Device sockets close with the gateway; do not let a stuck one hold up the exit.
    let _ = tokio::time::timeout(Duration::from_secs(5), sms_task).await;
    outcome
}

/// Waits, at most `longest`, until no code this instance handed to a device awaits its ack.
async fn drain_sms(app: &Application, longest: Duration) {
    let deadline = tokio::time::Instant::now() + longest;
    while app.dispatcher.in_flight() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left = app.dispatcher.in_flight();
    if left > 0 {
        tracing::info!(
            left,
            "sms: codes still unacknowledged at stop go back to the queue"
        );
    }
}

/// Rate-limit counters are one row per key and window; rows whose window ended long ago are
/// dead weight. Every instance runs this; the DELETE is idempotent.
async fn purge_rate_limits(limiter: PgRateLimiter, older_than: Duration) {
    const EVERY: Duration = Duration::from_secs(600);
    // Not at start-up: nothing has expired in the first minutes of a process.
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
    loop {
        tick.tick().await;
        match limiter.purge_expired(older_than).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(rows = n, "purged expired rate-limit counters"),
            Err(err) => tracing::warn!(error = %err, "purging rate-limit counters failed"),
        }
    }
}
