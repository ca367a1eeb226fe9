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
use alpha_testkit::{TestApp, TestSocket};
use serde_json::{Value, json};

const ACCESS_SECRET: &str = "client-gateway-test-access-secret-0123456789";
const REFRESH_SECRET: &str = "client-gateway-test-refresh-secret-0123456789";
const PHONE_A: &str = "+99365111111";
const PHONE_B: &str = "+99365222222";
/// Longest wait for anything the test expects to happen.
const WAIT: Duration = Duration::from_secs(10);

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
    async fn connect(&self, token: &str) -> TestSocket {
        let mut client = TestSocket::open(&self.url, "/", Some(json!({ "token": token }))).await;
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

/// Connects with `auth` and asserts the handshake is refused with `code`, and that the client
/// is never told it is connected.
async fn assert_refused(url: &str, auth: Option<Value>, code: &str) {
    let mut client = TestSocket::open(url, "/", auth).await;
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
        let mut by_query = TestSocket::open(&url, "/", None).await;
        by_query.next("connected").await;
        by_query.close().await;
        h.auth.logout(&user).await.unwrap();
        let revoked = tokens.access_token.clone();
        assert_refused(&h.url, Some(json!({"token": revoked})), "TOKEN_INVALID").await;

        // Refused sockets are in no user's room.
        assert_eq!(h.gateway.connected_here(user.id), 0);
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
        assert_eq!(h.gateway.connected_here(a.id), 2);
        h.gateway
            .notify(a.id, "notification", payload.clone())
            .await;
        assert_eq!(a1.next("notification").await, payload);
        assert_eq!(a2.next("notification").await, payload);
        b1.never("notification").await;

        let otp = json!({"requestId": "r1", "phone": PHONE_B});
        assert_eq!(h.gateway.connected_here(b.id), 1);
        h.gateway.notify(b.id, "otp:delivered", otp.clone()).await;
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

        h.gateway.disconnect_session(s1.session.unwrap()).await;
        a1.next_within("close", Duration::from_secs(1)).await;

        // The other session is still connected and still reachable.
        a2.never("close").await;
        let payload = json!({"n": 1});
        assert_eq!(h.gateway.connected_here(s1.id), 1);
        h.gateway
            .notify(s1.id, "notification", payload.clone())
            .await;
        assert_eq!(a2.next("notification").await, payload);
        a1.never("notification").await;

        // Deleting the user drops the rest.
        h.gateway.disconnect_user(s1.id).await;
        a2.next_within("close", Duration::from_secs(1)).await;
        // The close frame can reach the client before the server has dropped the socket.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while h.gateway.connected_here(s1.id) != 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(h.gateway.connected_here(s1.id), 0);

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
