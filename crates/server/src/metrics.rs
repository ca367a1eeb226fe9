//! Prometheus metrics: counters and histograms are recorded where things happen (the `metrics`
//! facade, in any crate); gauges of state (the pool, sockets, devices) are sampled when
//! `/metrics` is scraped. Served on a listener of its own (`metrics.addr`, default
//! `127.0.0.1:9464`), never on the public API port. What each metric means: docs/OPERATIONS.md.

use std::sync::{Arc, OnceLock};

use actix_web::{App, HttpResponse, HttpServer, web};
use alpha_gateways::{ClientNotifier, SmsDevices};
use alpha_kernel::Clock;
use alpha_sms_dispatch::{DeviceLink, Dispatcher};
use alpha_store::pool::PgPool;
use alpha_store::repos::PgNotifications;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Request latencies from 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The process-wide recorder: the `metrics` facade has one global recorder, so every
/// application built in this process (tests build several) reports to the same one.
fn handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_duration_seconds".to_owned()),
                    &LATENCY_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(err) => {
                    tracing::warn!(error = %err, "metrics: no recorder installed; /metrics stays empty");
                    None
                }
            }
        })
        .clone()
}

/// What `/metrics` samples besides the recorded counters.
pub struct Metrics {
    handle: Option<PrometheusHandle>,
    pool: PgPool,
    dispatcher: Arc<Dispatcher>,
    devices: Arc<SmsDevices>,
    notifier: Arc<ClientNotifier>,
    clock: Arc<dyn Clock>,
    pushes: PgNotifications,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn new(
        pool: PgPool,
        dispatcher: Arc<Dispatcher>,
        devices: Arc<SmsDevices>,
        notifier: Arc<ClientNotifier>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            handle: handle(),
            pushes: PgNotifications::new(pool.clone()),
            pool,
            dispatcher,
            devices,
            notifier,
            clock,
        }
    }

    /// The Prometheus text: the state gauges set now, then everything recorded.
    pub async fn render(&self) -> String {
        self.sample();
        // A database that does not answer leaves the last figures, rather than failing the
        // scrape that shows the pool's trouble.
        match self.pushes.outbox_depth().await {
            Ok((waiting, due)) => {
                metrics::gauge!("push_outbox_depth").set(waiting as f64);
                metrics::gauge!("push_outbox_due").set(due as f64);
            }
            Err(err) => tracing::warn!(error = %err, "metrics: the push outbox depth was not read"),
        }
        match self.dispatcher.queue_depth().await {
            Ok(depth) => metrics::gauge!("sms_queue_depth").set(depth as f64),
            Err(err) => tracing::warn!(error = %err, "metrics: the SMS queue depth was not read"),
        }
        self.handle
            .as_ref()
            .map(PrometheusHandle::render)
            .unwrap_or_default()
    }

    fn sample(&self) {
        let pool = self.pool.status();
        let in_use = pool.size.saturating_sub(pool.available);
        metrics::gauge!("db_pool_connections", "state" => "in_use").set(in_use as f64);
        metrics::gauge!("db_pool_connections", "state" => "idle").set(pool.available as f64);
        metrics::gauge!("db_pool_max_connections").set(pool.max_size as f64);
        metrics::gauge!("db_pool_waiting").set(pool.waiting as f64);

        metrics::gauge!("client_sockets").set(self.notifier.connected() as f64);
        let devices = self.devices.devices();
        metrics::gauge!("sms_devices_connected").set(devices.len() as f64);
        metrics::gauge!("sms_in_flight").set(self.dispatcher.in_flight() as f64);
        let in_flight = self.dispatcher.in_flight_by_device();
        let now = self.clock.now();
        for device in devices {
            let name = device.key.0.clone();
            let busy = in_flight.get(&device.key).copied().unwrap_or(0);
            metrics::gauge!("sms_device_in_flight", "device" => name.clone()).set(busy as f64);
            let age = (now - device.last_seen).num_milliseconds().max(0) as f64 / 1000.0;
            metrics::gauge!("sms_device_last_seen_seconds", "device" => name).set(age);
        }
    }
}

async fn scrape(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render().await)
}

/// The `/metrics` app (in-process tests call it directly).
pub fn app(
    metrics: web::Data<Metrics>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(metrics)
        .route("/metrics", web::get().to(scrape))
}

/// Serves `/metrics` on `addr` with one worker, until the returned server is stopped.
///
/// Errors: the address cannot be bound.
pub fn serve(metrics: Arc<Metrics>, addr: &str) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::from(metrics);
    Ok(HttpServer::new(move || app(data.clone()))
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .bind(addr)?
        .run())
}
