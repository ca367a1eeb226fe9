//! Socket.IO test clients (rust_socketio) for the client gateway (`/`) and the SMS-device
//! gateway (`/sms`): every event a socket receives lands in a queue the test reads in order.

use std::time::Duration;

use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// Longest wait for anything a test expects to happen.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long "never arrives" is watched for.
pub const QUIET: Duration = Duration::from_millis(500);

/// A connected socket. A refused handshake and the server's `error` event both arrive as
/// `error`; the end of the connection as `close`.
pub struct TestSocket {
    client: Client,
    events: mpsc::UnboundedReceiver<(String, Value)>,
}

impl TestSocket {
    /// Opens a socket on `namespace` of the gateway at `url`. It returns before the namespace
    /// answers: wait for the gateway's greeting before emitting.
    ///
    /// # Panics
    /// When the transport cannot connect within [`WAIT`].
    pub async fn open(url: &str, namespace: &str, auth: Option<Value>) -> TestSocket {
        let (tx, events) = mpsc::unbounded_channel();
        let mut builder = ClientBuilder::new(url)
            .namespace(namespace)
            .reconnect(false)
            .reconnect_on_disconnect(false);
        if let Some(auth) = auth {
            builder = builder.auth(auth);
        }
        let any = tx.clone();
        builder = builder.on_any(move |event: Event, payload: Payload, _: Client| {
            let _ = any.send((event.to_string(), first(payload)));
            async {}.boxed()
        });
        for (event, name) in [(Event::Error, "error"), (Event::Close, "close")] {
            let tx = tx.clone();
            builder = builder.on(event, move |payload: Payload, _: Client| {
                let _ = tx.send((name.to_owned(), first(payload)));
                async {}.boxed()
            });
        }
        let client = match tokio::time::timeout(WAIT, builder.connect()).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!("alpha-testkit: socket connect failed: {e}"),
            Err(_) => panic!("alpha-testkit: socket connect timed out"),
        };
        TestSocket { client, events }
    }

    /// An app socket authenticated with `token`, once the gateway said `connected`.
    pub async fn client(url: &str, token: &str) -> TestSocket {
        let mut socket = Self::open(url, "/", Some(json!({ "token": token }))).await;
        socket.next("connected").await;
        socket
    }

    /// A device socket on `/sms`, once the gateway said `sms:hello`.
    pub async fn device(url: &str) -> TestSocket {
        let mut socket = Self::open(url, "/sms", None).await;
        let hello = socket.next("sms:hello").await;
        assert!(
            hello["registerWithinSeconds"].as_u64().unwrap_or(0) >= 1,
            "sms:hello payload: {hello}"
        );
        socket
    }

    /// `sms:register`, answered by `sms:registered`.
    pub async fn register(&mut self, payload: Value) -> Value {
        self.emit("sms:register", payload).await;
        self.next("sms:registered").await
    }

    /// The next event, whatever it is; panics after [`WAIT`].
    pub async fn next_any(&mut self) -> (String, Value) {
        let deadline = tokio::time::Instant::now() + WAIT;
        self.receive("any event", deadline).await
    }

    /// Waits for `event`, skipping others; panics after [`WAIT`].
    pub async fn next(&mut self, event: &str) -> Value {
        self.next_within(event, WAIT).await
    }

    /// Waits for `event`, skipping others; panics after `within`.
    pub async fn next_within(&mut self, event: &str, within: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let (name, payload) = self.receive(event, deadline).await;
            if name == event {
                return payload;
            }
        }
    }

    /// `event` if it arrives within `within` (others are skipped), else `None`.
    pub async fn next_if_within(&mut self, event: &str, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        while let Ok(Some((name, payload))) =
            tokio::time::timeout_at(deadline, self.events.recv()).await
        {
            if name == event {
                return Some(payload);
            }
        }
        None
    }

    /// Waits for `event`; anything else arriving first (but `skip`) fails the test.
    pub async fn next_exactly(&mut self, event: &str, skip: &[&str]) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (name, payload) = self.receive(event, deadline).await;
            if name == event {
                return payload;
            }
            assert!(
                skip.contains(&name.as_str()),
                "expected {event}, got {name}: {payload}"
            );
        }
    }

    /// Asserts `event` does not arrive within [`QUIET`].
    pub async fn never(&mut self, event: &str) {
        self.never_within(event, QUIET).await;
    }

    /// Asserts `event` does not arrive within `during`.
    pub async fn never_within(&mut self, event: &str, during: Duration) {
        if let Some(payload) = self.next_if_within(event, during).await {
            panic!("{event} arrived but must not: {payload}");
        }
    }

    /// Asserts nothing at all arrives within [`QUIET`].
    pub async fn quiet(&mut self) {
        let deadline = tokio::time::Instant::now() + QUIET;
        if let Ok(Some((name, payload))) =
            tokio::time::timeout_at(deadline, self.events.recv()).await
        {
            panic!("{name} arrived but nothing must: {payload}");
        }
    }

    /// # Panics
    /// When the emit fails or takes longer than [`WAIT`].
    pub async fn emit(&self, event: &str, payload: Value) {
        match tokio::time::timeout(WAIT, self.client.emit(event, payload)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("alpha-testkit: emit {event} failed: {e}"),
            Err(_) => panic!("alpha-testkit: emit {event} timed out"),
        }
    }

    /// The underlying client, for what the helpers do not cover (acks).
    pub fn raw(&self) -> &Client {
        &self.client
    }

    pub async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.disconnect()).await;
    }

    async fn receive(&mut self, event: &str, deadline: tokio::time::Instant) -> (String, Value) {
        match tokio::time::timeout_at(deadline, self.events.recv()).await {
            Ok(Some(received)) => received,
            Ok(None) => panic!("socket gone while waiting for {event}"),
            Err(_) => panic!("no {event} in time"),
        }
    }
}

/// The first argument of an event (the gateways send one).
pub fn first(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if !values.is_empty() => values.swap_remove(0),
        _ => Value::Null,
    }
}
