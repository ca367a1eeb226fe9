//! The in-process simulator: one Socket.IO client on `/sms` acting as one device.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use rand::Rng;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::{AckPlan, SimConfig, decide_ack};
use crate::protocol::{
    AckStatus, NAMESPACE, ReceivedSms, Registration, StatusReport, ack_payload, event, parse_hello,
    parse_ping, parse_registered, parse_send, pong_payload, register_payload, status_payload,
};

/// Battery level the simulated phone recharges to, and the level at which it "plugs in".
const BATTERY_FULL: i32 = 100;
const BATTERY_LOW: i32 = 15;

/// Why a simulator could not start or an emit failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// The Socket.IO connection could not be opened.
    Connect(String),
    /// The server rejected the namespace connection (a Socket.IO CONNECT_ERROR).
    ConnectRefused(String),
    /// The server answered `sms:registered` with `success: false`.
    Refused(Registration),
    /// The server disconnected before answering the registration.
    Disconnected,
    /// No `sms:registered` within the configured time.
    Timeout(Duration),
    /// Sending an event failed.
    Emit(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "cannot connect to {e} (is the gateway running?)"),
            Self::ConnectRefused(e) => write!(f, "the server refused the connection: {e}"),
            Self::Refused(reg) => write!(f, "registration refused: {}", reg.message),
            Self::Disconnected => f.write_str("the server disconnected before registration"),
            Self::Timeout(d) => write!(
                f,
                "no registration result within {} s (is the gateway running, and is this the \
                 SMS-device port?)",
                d.as_secs_f32()
            ),
            Self::Emit(e) => write!(f, "sending an event failed: {e}"),
        }
    }
}

impl std::error::Error for SimError {}

/// Everything except received messages, in arrival order.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEvent {
    /// The namespace connection was acknowledged (also after a reconnect).
    Connected,
    /// `sms:hello` arrived; the simulator registers right away.
    Hello {
        register_within_seconds: Option<u64>,
    },
    /// A registration result after the first one (after a reconnect). The first one is returned by
    /// [`Simulator::start`] instead.
    Registered(Registration),
    /// `sms:ping` arrived.
    Ping { timestamp: Option<i64> },
    /// An `sms:ack` was sent.
    AckSent {
        correlation_id: String,
        status: AckStatus,
    },
    /// An `sms:status` was sent.
    StatusSent(StatusReport),
    /// The server closed the namespace connection. This is final: no reconnect follows.
    Disconnected,
    /// A transport error, a connect error or a malformed server event.
    Error(String),
}

/// State the client callbacks share.
struct Shared {
    config: SimConfig,
    events: mpsc::UnboundedSender<SimEvent>,
    messages: mpsc::UnboundedSender<ReceivedSms>,
    /// Taken by the first `sms:registered` (or the failure that comes first).
    first_registration: Mutex<Option<oneshot::Sender<Result<Registration, SimError>>>>,
    /// Messages received whose automatic ack has not been sent yet.
    pending: AtomicI32,
    battery: AtomicI32,
    closed: AtomicBool,
    /// `messageId`s received, so a message offered again is recognised.
    seen: Mutex<std::collections::HashSet<String>>,
}

impl Shared {
    fn report(&self, event: SimEvent) {
        // Nobody listening (the receiver was dropped) is fine.
        let _ = self.events.send(event);
    }

    /// Hands `result` to `start` if it is still waiting; returns false if it no longer was.
    fn resolve_first(&self, result: Result<Registration, SimError>) -> bool {
        let sender = match self.first_registration.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        match sender {
            Some(sender) => {
                let _ = sender.send(result);
                true
            }
            None => false,
        }
    }

    fn next_status(&self) -> StatusReport {
        let previous = self
            .battery
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |level| {
                Some(if level <= BATTERY_LOW {
                    BATTERY_FULL
                } else {
                    level - 1
                })
            })
            .unwrap_or(BATTERY_FULL);
        let signal = rand::rng().random_range(2..=4);
        StatusReport {
            battery_level: Some(previous),
            signal_strength: Some(signal),
            pending_sms: Some(self.pending.load(Ordering::Relaxed).max(0)),
        }
    }
}

/// One simulated SMS device, connected and registered.
///
/// Received `sms:send` messages arrive on [`Simulator::messages`]; everything else (pings, acks
/// sent, disconnects, errors) on [`Simulator::events`]. Acks follow the configured
/// [`crate::AckPolicy`]; with `never_ack` a test can answer by hand with [`Simulator::ack`].
/// Dropping the simulator disconnects it (in the background); [`Simulator::stop`] does it now.
pub struct Simulator {
    /// Every `sms:send` received, in order.
    pub messages: mpsc::UnboundedReceiver<ReceivedSms>,
    /// Everything else that happened, in order.
    pub events: mpsc::UnboundedReceiver<SimEvent>,
    client: Client,
    shared: Arc<Shared>,
    registration: Registration,
    heartbeat: Option<JoinHandle<()>>,
    stopped: bool,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.shared.config.url)
            .field("registration", &self.registration)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Connects, waits for `sms:hello`, registers, and waits for `sms:registered`.
    ///
    /// Fails with [`SimError::Refused`] when the server refuses the registration (the socket is
    /// closed then), or with [`SimError::Timeout`] after `config.register_timeout`.
    pub async fn start(config: SimConfig) -> Result<Self, SimError> {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let (messages_tx, messages_rx) = mpsc::unbounded_channel();
        let (first_tx, first_rx) = oneshot::channel();
        let register_timeout = config.register_timeout;
        let status_every = config.status_every;
        let shared = Arc::new(Shared {
            config,
            events: events_tx,
            messages: messages_tx,
            first_registration: Mutex::new(Some(first_tx)),
            pending: AtomicI32::new(0),
            battery: AtomicI32::new(BATTERY_FULL),
            closed: AtomicBool::new(false),
            seen: Mutex::new(std::collections::HashSet::new()),
        });

        // The client's `connect()` returns before the namespace is acknowledged, so nothing is
        // emitted until the server's `sms:hello` says the namespace is ready.
        let builder = ClientBuilder::new(shared.config.url.clone())
            .namespace(NAMESPACE)
            .reconnect(shared.config.reconnect)
            .on(Event::Connect, on_connect(Arc::clone(&shared)))
            .on(event::HELLO, on_hello(Arc::clone(&shared)))
            .on(event::REGISTERED, on_registered(Arc::clone(&shared)))
            .on(event::SEND, on_send(Arc::clone(&shared)))
            .on(event::PING, on_ping(Arc::clone(&shared)))
            .on(Event::Close, on_close(Arc::clone(&shared)))
            .on(Event::Error, on_error(Arc::clone(&shared)));
        // Boxed: the client's connect future is large (clippy::large_futures in every caller).
        let client = Box::pin(builder.connect())
            .await
            .map_err(|e| SimError::Connect(format!("{}: {e}", shared.config.url)))?;

        let outcome = match tokio::time::timeout(register_timeout, first_rx).await {
            Err(_) => Err(SimError::Timeout(register_timeout)),
            Ok(Err(_)) => Err(SimError::Disconnected),
            Ok(Ok(Ok(reg))) if reg.success => Ok(reg),
            Ok(Ok(Ok(reg))) => Err(SimError::Refused(reg)),
            Ok(Ok(Err(e))) => Err(e),
        };
        let registration = match outcome {
            Ok(reg) => reg,
            Err(e) => {
                // The server may already have closed the socket; stop reconnecting either way.
                let _ = client.disconnect().await;
                return Err(e);
            }
        };

        let heartbeat = status_every
            .map(|every| tokio::spawn(heartbeat(Arc::clone(&shared), client.clone(), every)));
        Ok(Self {
            messages: messages_rx,
            events: events_rx,
            client,
            shared,
            registration,
            heartbeat,
            stopped: false,
        })
    }

    /// The server's answer to the first registration.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The device id the server registered this device as, if it said.
    pub fn device_id(&self) -> Option<&str> {
        self.registration.device_id.as_deref()
    }

    /// The next received message; waits as long as it takes.
    pub async fn next_sms(&mut self) -> Option<ReceivedSms> {
        self.messages.recv().await
    }

    /// The next received message, or `None` if none arrives within `within`.
    pub async fn next_sms_within(&mut self, within: Duration) -> Option<ReceivedSms> {
        tokio::time::timeout(within, self.messages.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next event, or `None` if none arrives within `within`.
    pub async fn next_event_within(&mut self, within: Duration) -> Option<SimEvent> {
        tokio::time::timeout(within, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// Skips events until one matches `wanted`; `None` if none does within `within`.
    pub async fn wait_for_event(
        &mut self,
        within: Duration,
        mut wanted: impl FnMut(&SimEvent) -> bool,
    ) -> Option<SimEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .ok()
                .flatten()?;
            if wanted(&event) {
                return Some(event);
            }
        }
    }

    /// Sends an `sms:ack` by hand (for `never_ack` devices, duplicate, late or foreign acks).
    pub async fn ack(
        &self,
        correlation_id: &str,
        status: AckStatus,
        error: Option<&str>,
    ) -> Result<(), SimError> {
        self.client
            .emit(event::ACK, ack_payload(correlation_id, status, error))
            .await
            .map_err(|e| SimError::Emit(e.to_string()))
    }

    /// Sends one `sms:status` now.
    pub async fn send_status(&self, report: StatusReport) -> Result<(), SimError> {
        self.client
            .emit(event::STATUS, status_payload(report))
            .await
            .map_err(|e| SimError::Emit(e.to_string()))
    }

    /// Sends any event with any payload (for tests of malformed input).
    pub async fn emit_raw(&self, event: &str, payload: Value) -> Result<(), SimError> {
        self.client
            .emit(event, payload)
            .await
            .map_err(|e| SimError::Emit(e.to_string()))
    }

    /// Disconnects now.
    pub async fn stop(mut self) -> Result<(), SimError> {
        self.stopped = true;
        if let Some(task) = self.heartbeat.take() {
            task.abort();
        }
        self.shared.closed.store(true, Ordering::Relaxed);
        self.client
            .disconnect()
            .await
            .map_err(|e| SimError::Emit(e.to_string()))
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(task) = self.heartbeat.take() {
            task.abort();
        }
        if self.stopped {
            return;
        }
        self.shared.closed.store(true, Ordering::Relaxed);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            runtime.spawn(async move {
                let _ = client.disconnect().await;
            });
        }
    }
}

type Handler = Box<dyn FnMut(Payload, Client) -> BoxFuture<'static, ()> + Send + Sync + 'static>;

fn on_connect(shared: Arc<Shared>) -> Handler {
    Box::new(move |_payload, _client| {
        shared.report(SimEvent::Connected);
        async {}.boxed()
    })
}

fn on_hello(shared: Arc<Shared>) -> Handler {
    Box::new(move |payload, client| {
        let shared = Arc::clone(&shared);
        async move {
            shared.report(SimEvent::Hello {
                register_within_seconds: parse_hello(&payload),
            });
            let config = &shared.config;
            let body = register_payload(
                config.token.as_deref(),
                &config.region,
                config.device_id.as_deref(),
            );
            if let Err(e) = client.emit(event::REGISTER, body).await {
                let error = SimError::Emit(e.to_string());
                if !shared.resolve_first(Err(error.clone())) {
                    shared.report(SimEvent::Error(error.to_string()));
                }
            }
        }
        .boxed()
    })
}

fn on_registered(shared: Arc<Shared>) -> Handler {
    Box::new(move |payload, _client| {
        let registration = parse_registered(&payload);
        if !shared.resolve_first(Ok(registration.clone())) {
            shared.report(SimEvent::Registered(registration));
        }
        async {}.boxed()
    })
}

fn on_send(shared: Arc<Shared>) -> Handler {
    Box::new(move |payload, client| {
        let shared = Arc::clone(&shared);
        let roll: f64 = rand::rng().random();
        async move {
            let Some(send) = parse_send(&payload) else {
                shared.report(SimEvent::Error(
                    "malformed sms:send (needs correlationId, phone and text)".to_owned(),
                ));
                return;
            };
            let repeat = send.message_id.as_ref().is_some_and(|id| {
                !shared
                    .seen
                    .lock()
                    .map(|mut seen| seen.insert(id.clone()))
                    .unwrap_or(true)
            });
            let correlation_id = send.correlation_id;
            let plan = decide_ack(&shared.config.ack, roll);
            if plan != AckPlan::Never {
                shared.pending.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(run_plan(
                    Arc::clone(&shared),
                    client,
                    correlation_id.clone(),
                    plan.clone(),
                ));
            }
            let _ = shared.messages.send(ReceivedSms {
                correlation_id,
                message_id: send.message_id,
                repeat,
                phone: send.phone,
                text: send.text,
                plan,
                received_at: Instant::now(),
            });
        }
        .boxed()
    })
}

fn on_ping(shared: Arc<Shared>) -> Handler {
    Box::new(move |payload, client| {
        let shared = Arc::clone(&shared);
        async move {
            let timestamp = parse_ping(&payload);
            shared.report(SimEvent::Ping { timestamp });
            if shared.config.pong_on_ping
                && let Err(e) = client.emit(event::PONG, pong_payload(timestamp)).await
            {
                shared.report(SimEvent::Error(format!("sending sms:pong failed: {e}")));
            }
        }
        .boxed()
    })
}

fn on_close(shared: Arc<Shared>) -> Handler {
    Box::new(move |_payload, _client| {
        shared.closed.store(true, Ordering::Relaxed);
        if !shared.resolve_first(Err(SimError::Disconnected)) {
            shared.report(SimEvent::Disconnected);
        }
        async {}.boxed()
    })
}

fn on_error(shared: Arc<Shared>) -> Handler {
    Box::new(move |payload, _client| {
        let message = payload_text(&payload);
        let refused = message.starts_with("Received an ConnectError frame");
        if !(refused && shared.resolve_first(Err(SimError::ConnectRefused(message.clone())))) {
            shared.report(SimEvent::Error(message));
        }
        async {}.boxed()
    })
}

fn payload_text(payload: &Payload) -> String {
    match payload {
        Payload::Text(values) => values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(" "),
        Payload::Binary(bytes) => format!("<{} binary bytes>", bytes.len()),
        _ => "<unreadable error payload>".to_owned(),
    }
}

/// Sends the automatic acks for one message.
async fn run_plan(shared: Arc<Shared>, client: Client, correlation_id: String, plan: AckPlan) {
    let policy = &shared.config.ack;
    if !policy.ack_delay.is_zero() {
        tokio::time::sleep(policy.ack_delay).await;
    }
    match plan {
        AckPlan::Never => {}
        AckPlan::Failed { error } => {
            send_ack(
                &shared,
                &client,
                &correlation_id,
                AckStatus::Failed,
                Some(&error),
            )
            .await;
            shared.pending.fetch_sub(1, Ordering::Relaxed);
        }
        AckPlan::Sent { then_delivered } => {
            send_ack(&shared, &client, &correlation_id, AckStatus::Sent, None).await;
            shared.pending.fetch_sub(1, Ordering::Relaxed);
            if then_delivered {
                tokio::time::sleep(policy.deliver_delay).await;
                send_ack(
                    &shared,
                    &client,
                    &correlation_id,
                    AckStatus::Delivered,
                    None,
                )
                .await;
            }
        }
    }
}

async fn send_ack(
    shared: &Shared,
    client: &Client,
    correlation_id: &str,
    status: AckStatus,
    error: Option<&str>,
) {
    match client
        .emit(event::ACK, ack_payload(correlation_id, status, error))
        .await
    {
        Ok(()) => shared.report(SimEvent::AckSent {
            correlation_id: correlation_id.to_owned(),
            status,
        }),
        Err(e) => shared.report(SimEvent::Error(format!(
            "sending the {status} ack for {correlation_id} failed: {e}"
        ))),
    }
}

async fn send_status(shared: &Shared, client: &Client) {
    let report = shared.next_status();
    match client.emit(event::STATUS, status_payload(report)).await {
        Ok(()) => shared.report(SimEvent::StatusSent(report)),
        Err(e) => shared.report(SimEvent::Error(format!("sending sms:status failed: {e}"))),
    }
}

async fn heartbeat(shared: Arc<Shared>, client: Client, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if shared.closed.load(Ordering::Relaxed) {
            return;
        }
        send_status(&shared, &client).await;
    }
}
