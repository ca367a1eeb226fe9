//! Chat over the client gateway with real sockets: rust_socketio clients against the gateway on
//! 127.0.0.1:0, with a real `AuthService` and `ChatService` on the PostgreSQL adapters and a
//! per-test database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{AuthService, AuthUser, TokenPair};

use alpha_kernel::Phone;
use alpha_testkit::{TestApp, TestSocket};
use serde_json::{Value, json};

const ACCESS_SECRET: &str = "client-chat-test-access-secret-0123456789";
const REFRESH_SECRET: &str = "client-chat-test-refresh-secret-0123456789";
const PHONE_A: &str = "+99365111111";
const PHONE_B: &str = "+99365222222";
const PHONE_C: &str = "+99365333333";
/// Longest wait for anything the test expects to happen.
const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// harness

struct Harness {
    app: TestApp,
    auth: Arc<AuthService>,
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
    async fn connect(&self, tokens: &TokenPair) -> TestSocket {
        let mut client = TestSocket::open(
            &self.url,
            "/",
            Some(json!({ "token": tokens.access_token })),
        )
        .await;
        let hello = next(&mut client, "connected").await;
        assert!(hello["userId"].is_string(), "connected payload: {hello}");
        client
    }

    async fn stop(self) {
        tokio::time::timeout(WAIT, self.app.stop())
            .await
            .expect("gateway did not stop");
    }
}

/// Emits `payload` as `chat message` and returns the `error` code it earns.
async fn refused(client: &mut TestSocket, payload: Value) -> String {
    client.emit("chat message", payload.clone()).await;
    let error = next(client, "error").await;
    assert!(error["message"].is_string(), "{payload} -> {error}");
    error["code"].as_str().unwrap_or_default().to_owned()
}

/// Waits for `event`; any other chat event or error arriving first fails the test.
async fn next(client: &mut TestSocket, event: &str) -> Value {
    client.next_exactly(event, &["connected"]).await
}

fn uuid(user: &AuthUser) -> String {
    user.id.0.to_string()
}

/// `createdAt` is ISO 8601 in UTC with milliseconds: `2026-11-23T12:34:56.789Z`.
fn assert_iso_millis(value: &Value) {
    let s = value
        .as_str()
        .unwrap_or_else(|| panic!("createdAt: {value}"));
    assert_eq!(s.len(), 24, "createdAt: {s}");
    assert!(
        s.ends_with('Z') && s.as_bytes()[19] == b'.',
        "createdAt: {s}"
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "createdAt: {s}"
    );
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
async fn a_message_reaches_the_recipient_and_the_senders_other_sockets_only() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (a_tokens, a) = h.login(PHONE_A).await;
        let (b_tokens, b) = h.login(PHONE_B).await;
        let (c_tokens, _) = h.login(PHONE_C).await;
        let mut a1 = h.connect(&a_tokens).await;
        let mut a2 = h.connect(&a_tokens).await;
        let mut b1 = h.connect(&b_tokens).await;
        let mut b2 = h.connect(&b_tokens).await;
        let mut c1 = h.connect(&c_tokens).await;

        a1.emit(
            "chat message",
            json!({"to": uuid(&b), "text": "  Hello B  ", "clientId": "m-1"}),
        )
        .await;
        let sent = next(&mut a1, "chat:sent").await;
        assert!(sent["id"].is_i64(), "{sent}");
        assert_eq!(sent["to"], json!(uuid(&b)));
        assert_eq!(sent["clientId"], json!("m-1"));
        assert_iso_millis(&sent["createdAt"]);

        let expected = json!({
            "id": sent["id"],
            "from": uuid(&a),
            "to": uuid(&b),
            "text": "Hello B",
            "createdAt": sent["createdAt"],
        });
        assert_eq!(next(&mut b1, "chat message").await, expected);
        assert_eq!(next(&mut b2, "chat message").await, expected);
        assert_eq!(next(&mut a2, "chat message").await, expected);

        // Nobody gets anything else: not the sender's socket, not C, no duplicates.
        a1.quiet().await;
        c1.quiet().await;
        b1.quiet().await;
        b2.quiet().await;
        a2.quiet().await;

        // A reply without clientId: no clientId in chat:sent.
        b2.emit("chat message", json!({"to": uuid(&a), "text": "Hi A"}))
            .await;
        let sent = next(&mut b2, "chat:sent").await;
        assert!(sent.get("clientId").is_none(), "{sent}");
        assert_eq!(next(&mut a1, "chat message").await["text"], json!("Hi A"));
        assert_eq!(next(&mut a2, "chat message").await["text"], json!("Hi A"));
        assert_eq!(next(&mut b1, "chat message").await["from"], json!(uuid(&b)));
        b2.quiet().await;
        c1.quiet().await;

        for client in [a1, a2, b1, b2, c1] {
            client.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_recipient_gets_its_missed_messages_once_in_order() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (a_tokens, _) = h.login(PHONE_A).await;
        let (b_tokens, b) = h.login(PHONE_B).await;
        let (_, c) = h.login(PHONE_C).await;
        let mut a1 = h.connect(&a_tokens).await;

        // Something before: B already has it, so B asks from its id.
        a1.emit("chat message", json!({"to": uuid(&b), "text": "seen"}))
            .await;
        let before = next(&mut a1, "chat:sent").await["id"].as_i64().unwrap();
        // Not for B: must never show up in B's missed list.
        a1.emit("chat message", json!({"to": uuid(&c), "text": "for C"}))
            .await;
        next(&mut a1, "chat:sent").await;

        let mut ids = Vec::new();
        for text in ["first", "second"] {
            a1.emit("chat message", json!({"to": uuid(&b), "text": text}))
                .await;
            ids.push(next(&mut a1, "chat:sent").await["id"].as_i64().unwrap());
        }
        assert!(before < ids[0] && ids[0] < ids[1]);

        let mut b1 = h.connect(&b_tokens).await;
        b1.quiet().await;
        b1.emit("chat:missed", json!({"since": before})).await;
        let missed = next(&mut b1, "chat:missed").await;
        assert_eq!(missed["hasMore"], json!(false), "{missed}");
        let messages = missed["messages"].as_array().unwrap();
        let got: Vec<(i64, &str)> = messages
            .iter()
            .map(|m| (m["id"].as_i64().unwrap(), m["text"].as_str().unwrap()))
            .collect();
        assert_eq!(got, vec![(ids[0], "first"), (ids[1], "second")]);
        for m in messages {
            assert_eq!(m["to"], json!(uuid(&b)));
            assert_iso_millis(&m["createdAt"]);
        }
        b1.quiet().await;

        // From the start: all three, oldest first; paged with hasMore.
        b1.emit("chat:missed", json!({"since": 0, "limit": 2}))
            .await;
        let page = next(&mut b1, "chat:missed").await;
        assert_eq!(page["hasMore"], json!(true), "{page}");
        let texts: Vec<&str> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, vec!["seen", "first"]);
        b1.emit("chat:missed", json!({"since": ids[0], "limit": 2}))
            .await;
        let page = next(&mut b1, "chat:missed").await;
        assert_eq!(page["hasMore"], json!(false), "{page}");
        assert_eq!(page["messages"].as_array().unwrap().len(), 1);

        // Nothing after the last one.
        b1.emit("chat:missed", json!({"since": ids[1]})).await;
        assert_eq!(
            next(&mut b1, "chat:missed").await,
            json!({"messages": [], "hasMore": false})
        );

        // Bad requests.
        for bad in [
            json!({}),
            json!({"since": -1}),
            json!("0"),
            json!({"since": 1, "limit": 0}),
        ] {
            b1.emit("chat:missed", bad.clone()).await;
            let error = next(&mut b1, "error").await;
            assert_eq!(error["code"], json!("CHAT_INVALID"), "{bad} -> {error}");
        }
        b1.quiet().await;

        a1.close().await;
        b1.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_messages_are_refused_with_codes() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (a_tokens, a) = h.login(PHONE_A).await;
        let (b_tokens, b) = h.login(PHONE_B).await;
        let mut a1 = h.connect(&a_tokens).await;
        let mut b1 = h.connect(&b_tokens).await;
        let to_b = uuid(&b);

        let cases = [
            (json!("just text"), "CHAT_INVALID"),
            (json!([to_b, "hi"]), "CHAT_INVALID"),
            (json!({"text": "hi"}), "CHAT_INVALID"),
            (json!({"to": "not-a-uuid", "text": "hi"}), "CHAT_INVALID"),
            (json!({"to": to_b, "text": 42}), "CHAT_INVALID"),
            (json!({"to": to_b, "text": {"html": "x"}}), "CHAT_INVALID"),
            (json!({"to": to_b, "text": "   "}), "CHAT_INVALID"),
            (
                json!({"to": to_b, "text": "x".repeat(2001)}),
                "CHAT_INVALID",
            ),
            (json!({"to": uuid(&a), "text": "me"}), "CHAT_TO_SELF"),
        ];
        for (payload, code) in cases {
            assert_eq!(refused(&mut a1, payload.clone()).await, code, "{payload}");
        }
        // Unknown recipient; the error echoes the clientId.
        a1.emit(
            "chat message",
            json!({"to": "6f1c2f4e-8a0b-4c57-9d1e-2b3c4d5e6f70", "text": "hi", "clientId": 9}),
        )
        .await;
        let error = next(&mut a1, "error").await;
        assert_eq!(error["code"], json!("CHAT_UNKNOWN_RECIPIENT"), "{error}");
        assert_eq!(error["clientId"], json!(9));

        // None of those was delivered. Refused attempts count towards the per-socket limit (ten
        // so far), so the next one goes from another socket: exactly 2000 characters is fine.
        b1.quiet().await;
        let mut a2 = h.connect(&a_tokens).await;
        let longest = "y".repeat(2000);
        a2.emit("chat message", json!({"to": to_b, "text": longest}))
            .await;
        next(&mut a2, "chat:sent").await;
        assert_eq!(next(&mut b1, "chat message").await["text"], json!(longest));

        // The sender's other socket got the echo.
        assert_eq!(next(&mut a1, "chat message").await["text"], json!(longest));
        assert_eq!(
            refused(&mut a1, json!({"to": to_b, "text": "more"})).await,
            "CHAT_RATE_LIMITED"
        );

        a1.close().await;
        a2.close().await;
        b1.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eleventh_message_of_a_burst_is_rate_limited() {
    within(Box::pin(async {
        let h = Harness::start().await;
        let (a_tokens, _) = h.login(PHONE_A).await;
        let (b_tokens, b) = h.login(PHONE_B).await;
        let mut a1 = h.connect(&a_tokens).await;
        let mut a2 = h.connect(&a_tokens).await;
        let mut b1 = h.connect(&b_tokens).await;

        for n in 0..11 {
            a1.emit(
                "chat message",
                json!({"to": uuid(&b), "text": format!("burst {n}"), "clientId": n}),
            )
            .await;
        }
        // Events may be handled concurrently, so which one of the 11 is refused is not fixed:
        // exactly ten are acknowledged and one is refused.
        let mut acked = Vec::new();
        let mut refused = Vec::new();
        while acked.len() + refused.len() < 11 {
            let (name, payload) = a1.next_any().await;
            match name.as_str() {
                "chat:sent" => acked.push(payload["clientId"].as_i64().unwrap()),
                "error" => {
                    assert_eq!(payload["code"], json!("CHAT_RATE_LIMITED"), "{payload}");
                    refused.push(payload["clientId"].as_i64().unwrap());
                }
                other => panic!("unexpected {other}: {payload}"),
            }
        }
        assert_eq!(acked.len(), 10, "acked {acked:?}, refused {refused:?}");
        assert_eq!(refused.len(), 1);
        let mut all: Vec<i64> = acked.iter().chain(&refused).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..11).collect::<Vec<_>>());

        let mut texts = Vec::new();
        for _ in 0..10 {
            texts.push(next(&mut b1, "chat message").await["text"].clone());
        }
        let refused_text = json!(format!("burst {}", refused[0]));
        assert!(!texts.contains(&refused_text), "{texts:?}");
        b1.quiet().await;
        a1.quiet().await;

        // The limit is per socket: A's other socket still sends.
        for _ in 0..10 {
            next(&mut a2, "chat message").await;
        }
        a2.emit(
            "chat message",
            json!({"to": uuid(&b), "text": "other socket"}),
        )
        .await;
        next(&mut a2, "chat:sent").await;
        assert_eq!(
            next(&mut b1, "chat message").await["text"],
            json!("other socket")
        );

        a1.close().await;
        a2.close().await;
        b1.close().await;
        h.stop().await;
    }))
    .await;
}
