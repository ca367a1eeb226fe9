//! The client gateway over real sockets: rust_socketio clients against the gateway on
//! 127.0.0.1:0, with a real `AuthService` on the PostgreSQL adapters and a per-test database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{
    AuthService, AuthUser, Claims, JwtTokenSigner, TokenKind, TokenPair, TokenSigner,
};
use alpha_gateways::ClientNotifier;
use alpha_kernel::{Phone, UserNotifier};
use alpha_testkit::TestApp;
use futures_util::FutureExt;
use rust_socketio::asynchronous::{Client, ClientBuilder};
use rust_socketio::{Event, Payload};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const ACCESS_SECRET: &str = "client-gateway-test-access-secret-0123456789";
const REFRESH_SECRET: &str = "client-gateway-test-refresh-secret-0123456789";
const PHONE_A: &str = "+99365111111";
const PHONE_B: &str = "+99365222222";
/// Longest wait for anything the test expects to happen.
const WAIT: Duration = Duration::from_secs(10);
/// How long "never arrives" is watched for.
const QUIET: Duration = Duration::from_millis(500);

// ---------------------------------------------------------------------------------------------
// harness

struct Harness {
    app: TestApp,
    auth: Arc<AuthService>,
    gateway: Arc<ClientNotifier>,
    url: String,
}

impl Harness {
    /// The application as `serve` builds it; tokens signed with this file's secrets.
    async fn start() -> Harness {
        let app = TestApp::with(&[
            ("ACCESS_TOKEN_SECRET_KEY", ACCESS_SECRET),
            ("REFRESH_TOKEN_SECRET_KEY", REFRESH_SECRET),
        ])
        .await;
        Harness {
            auth: app.app.state.auth.clone(),
            gateway: app.app.notifier.clone(),
            url: format!("{}/", app.clients_url),
            app,
        }
    }

    /// A login (a new session) of the user with `phone`: its tokens and who they authenticate.
    async fn login(&self, phone: &str) -> (TokenPair, AuthUser) {
        let tokens = self
            .auth
            .login(&Phone::from_stored(phone), None, None)
            .await
            .unwrap();
        let user = self.auth.authenticate(&tokens.access_token).await.unwrap();
        (tokens, user)
    }

    /// Connects with `token` as `auth.token` and waits for `connected`.
    async fn connect(&self, token: &str) -> TestClient {
        let mut client = TestClient::open(&self.url, Some(json!({ "token": token }))).await;
        let hello = client.next("connected").await;
        assert!(hello["userId"].is_string(), "connected payload: {hello}");
        client
    }

    async fn stop(self) {
        tokio::time::timeout(WAIT, self.app.stop())
            .await
            .expect("gateway did not stop");
    }
}

/// An app: a rust_socketio client on `/` whose received events land in a channel. A refused
/// handshake and the server's `error` event both arrive as `error`.
struct TestClient {
    client: Client,
    events: mpsc::UnboundedReceiver<(String, Value)>,
}

impl TestClient {
    /// Opens the connection; `connect()` returns before the namespace answers, so callers wait
    /// for `connected` (or `error`) before emitting.
    async fn open(url: &str, auth: Option<Value>) -> TestClient {
        let (tx, events) = mpsc::unbounded_channel();
        let mut builder = ClientBuilder::new(url)
            .namespace("/")
            .reconnect(false)
            .reconnect_on_disconnect(false);
        if let Some(auth) = auth {
            builder = builder.auth(auth);
        }
        for event in ["connected", "registered", "notification", "otp:delivered"] {
            let tx = tx.clone();
            builder = builder.on(event, move |payload: Payload, _: Client| {
                let _ = tx.send((event.to_owned(), first(payload)));
                async {}.boxed()
            });
        }
        for (event, name) in [(Event::Error, "error"), (Event::Close, "close")] {
            let tx = tx.clone();
            builder = builder.on(event, move |payload: Payload, _: Client| {
                let _ = tx.send((name.to_owned(), first(payload)));
                async {}.boxed()
            });
        }
        let client = tokio::time::timeout(WAIT, builder.connect())
            .await
            .expect("connect timed out")
            .expect("connect failed");
        TestClient { client, events }
    }

    /// Waits for `event`, skipping others; panics after [`WAIT`].
    async fn next(&mut self, event: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        self.next_until(event, deadline).await
    }

    async fn next_until(&mut self, event: &str, deadline: tokio::time::Instant) -> Value {
        loop {
            let received = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("no {event} in time"))
                .unwrap_or_else(|| panic!("client gone while waiting for {event}"));
            if received.0 == event {
                return received.1;
            }
        }
    }

    /// Asserts `event` does not arrive within [`QUIET`].
    async fn never(&mut self, event: &str) {
        let deadline = tokio::time::Instant::now() + QUIET;
        while let Ok(Some((name, payload))) =
            tokio::time::timeout_at(deadline, self.events.recv()).await
        {
            assert_ne!(name, event, "{event} arrived but must not: {payload}");
        }
    }

    async fn emit(&self, event: &str, payload: Value) {
        tokio::time::timeout(WAIT, self.client.emit(event, payload))
            .await
            .expect("emit timed out")
            .expect("emit failed");
    }

    async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.disconnect()).await;
    }
}

fn first(payload: Payload) -> Value {
    match payload {
        Payload::Text(mut values) if !values.is_empty() => values.swap_remove(0),
        _ => Value::Null,
    }
}

/// Connects with `auth` and asserts the handshake is refused with `code`, and that the client
/// is never told it is connected.
async fn assert_refused(url: &str, auth: Option<Value>, code: &str) {
    let mut client = TestClient::open(url, auth).await;
    let error = client.next("error").await;
    let text = error
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| error.to_string());
    assert!(text.contains("ConnectError"), "not a connect error: {text}");
    assert!(text.contains(code), "expected {code}: {text}");
    client.never("connected").await;
    client.close().await;
}

/// An access token of `user` signed with the right key whose `exp` has passed.
fn expired_access_token(user: &AuthUser) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        uuid: user.id.0,
        phone: user.phone.clone(),
        sub: Some(user.id.0.to_string()),
        sid: user.session.map(|s| s.0),
        jti: Some("expired-test".to_owned()),
        typ: Some(TokenKind::Access),
        iat: now - 3600,
        exp: now - 60,
    };
    JwtTokenSigner::new(ACCESS_SECRET.as_bytes(), REFRESH_SECRET.as_bytes())
        .sign(TokenKind::Access, &claims)
        .unwrap()
}

/// Every test body runs under this, so a failure never hangs the suite.
async fn within(body: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>>) {
    tokio::time::timeout(Duration::from_secs(90), body)
        .await
        .expect("test timed out");
}

// ---------------------------------------------------------------------------------------------
// tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshakes_without_a_valid_access_token_are_refused() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (tokens, user) = h.login(PHONE_A).await;

        assert_refused(&h.url, None, "TOKEN_INVALID").await;
        assert_refused(&h.url, Some(json!({"token": ""})), "TOKEN_INVALID").await;
        assert_refused(&h.url, Some(json!({"token": "not-a-jwt"})), "TOKEN_INVALID").await;
        let tampered = format!("{}x", tokens.access_token);
        assert_refused(&h.url, Some(json!({"token": tampered})), "TOKEN_INVALID").await;
        let expired = expired_access_token(&user);
        assert_refused(&h.url, Some(json!({"token": expired})), "TOKEN_EXPIRED").await;
        let refresh = tokens.refresh_token.clone();
        assert_refused(&h.url, Some(json!({"token": refresh})), "TOKEN_INVALID").await;

        // The access token itself works, until its session is logged out.
        let client = h.connect(&tokens.access_token).await;
        client.close().await;
        // ... also as the `token` query parameter.
        let url = format!("{}?token={}", h.url, tokens.access_token);
        let mut by_query = TestClient::open(&url, None).await;
        by_query.next("connected").await;
        by_query.close().await;
        h.auth.logout(&user).await.unwrap();
        let revoked = tokens.access_token.clone();
        assert_refused(&h.url, Some(json!({"token": revoked})), "TOKEN_INVALID").await;

        // Refused sockets are in no user's room.
        assert_eq!(h.gateway.notify(user.id, "notification", json!({})), 0);
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_reach_every_socket_of_the_user_and_no_one_else() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (a1_tokens, a) = h.login(PHONE_A).await;
        let (a2_tokens, _) = h.login(PHONE_A).await;
        let (b_tokens, b) = h.login(PHONE_B).await;
        let mut a1 = h.connect(&a1_tokens.access_token).await;
        let mut a2 = h.connect(&a2_tokens.access_token).await;
        let mut b1 = h.connect(&b_tokens.access_token).await;

        let payload = json!({"title": "Hello", "body": "For A"});
        assert_eq!(h.gateway.notify(a.id, "notification", payload.clone()), 2);
        assert_eq!(a1.next("notification").await, payload);
        assert_eq!(a2.next("notification").await, payload);
        b1.never("notification").await;

        let otp = json!({"requestId": "r1", "phone": PHONE_B});
        assert_eq!(h.gateway.notify(b.id, "otp:delivered", otp.clone()), 1);
        assert_eq!(b1.next("otp:delivered").await, otp);
        a1.never("otp:delivered").await;
        a2.never("otp:delivered").await;

        for c in [a1, a2, b1] {
            c.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_a_session_closes_only_its_sockets() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (s1_tokens, s1) = h.login(PHONE_A).await;
        let (s2_tokens, _) = h.login(PHONE_A).await;
        let mut a1 = h.connect(&s1_tokens.access_token).await;
        let mut a2 = h.connect(&s2_tokens.access_token).await;

        h.gateway.disconnect_session(s1.session.unwrap());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        a1.next_until("close", deadline).await;

        // The other session is still connected and still reachable.
        a2.never("close").await;
        let payload = json!({"n": 1});
        assert_eq!(h.gateway.notify(s1.id, "notification", payload.clone()), 1);
        assert_eq!(a2.next("notification").await, payload);
        a1.never("notification").await;

        // Deleting the user drops the rest.
        h.gateway.disconnect_user(s1.id);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        a2.next_until("close", deadline).await;
        assert_eq!(h.gateway.notify(s1.id, "notification", json!({})), 0);

        a1.close().await;
        a2.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_is_accepted_only_for_the_callers_own_phone() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (tokens, _) = h.login(PHONE_A).await;
        let mut a = h.connect(&tokens.access_token).await;

        a.emit("register", json!({"phone": PHONE_A})).await;
        assert_eq!(a.next("registered").await, json!({"phone": PHONE_A}));

        // Same digits, other formatting.
        a.emit("register", json!({"phone": "993 65 11-11-11"}))
            .await;
        assert_eq!(a.next("registered").await, json!({"phone": PHONE_A}));

        a.emit("register", json!({"phone": PHONE_B})).await;
        let error = a.next("error").await;
        assert_eq!(error["code"], json!("PHONE_MISMATCH"), "{error}");
        assert!(error["message"].is_string());
        a.never("registered").await;

        a.emit("register", json!({})).await;
        assert_eq!(a.next("error").await["code"], json!("PHONE_MISMATCH"));

        a.close().await;
        h.stop().await;
    }))
    .await;
}
