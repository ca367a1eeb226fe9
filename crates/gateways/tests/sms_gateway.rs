//! The `/sms` gateway over real sockets: rust_socketio clients against the gateway on
//! 127.0.0.1:0, with a real dispatcher and the PostgreSQL adapters on a per-test database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use alpha_gateways::SmsGateway;
use alpha_otp::{OtpSms, SmsOutcome, SmsSender};
use alpha_sms_dispatch::device_token::hash_secret;
use alpha_sms_dispatch::{DeviceDirectory, DeviceKey, Dispatcher};
use alpha_store::repos::PgDeviceDirectory;
use alpha_testkit::{TestApp, TestSocket, first};
use futures_util::FutureExt;
use rust_socketio::Payload;
use rust_socketio::asynchronous::Client;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

const SHARED: &str = "shared-secret-token";
const PHONE: &str = "+99365123456";
/// Longest wait for anything the test expects to happen.
const WAIT: Duration = Duration::from_secs(10);
/// How long "never arrives" is watched for.
const QUIET: Duration = Duration::from_millis(700);

// ---------------------------------------------------------------------------------------------
// harness

struct Harness {
    app: TestApp,
    gateway: Arc<SmsGateway>,
    dispatcher: Arc<Dispatcher>,
    directory: Arc<PgDeviceDirectory>,
    url: String,
}

/// The shared token configured, everything else as the test profile has it.
fn config() -> Vec<(&'static str, &'static str)> {
    vec![("SMS_DEVICE_AUTH_TOKEN", SHARED)]
}

impl Harness {
    /// The application as `serve` builds it, with `overrides` over the test profile; acks time
    /// out after a minute unless overridden, so no test races a timer it did not ask for.
    async fn start(overrides: Vec<(&'static str, &'static str)>) -> Harness {
        let mut env = vec![("SMS_ACK_TIMEOUT_SECONDS", "60")];
        env.extend(overrides);
        let app = TestApp::with(&env).await;
        let pool = app.pool().clone();
        Harness {
            gateway: app.app.sms_gateway.clone(),
            dispatcher: app.app.dispatcher.clone(),
            directory: Arc::new(PgDeviceDirectory::new(pool)),
            url: format!("{}/", app.sms_url),
            app,
        }
    }

    /// A device created as `alpha-motors device add` would; returns its token.
    async fn device_with_token(&self, region: &str) -> (String, String) {
        let secret = "s3cr3t-for-tests";
        let key = self
            .directory
            .create("test phone", region, &hash_secret(secret).unwrap())
            .await
            .unwrap();
        (key.0.clone(), format!("{}.{secret}", key.0))
    }

    /// An `otp_codes` row (the attempt log references it) and the SMS for it.
    async fn otp(&self, code: &str) -> OtpSms {
        self.app.otp_sms(PHONE, code).await
    }

    async fn wait_dispatch_status(&self, otp: &OtpSms, want: &str) {
        self.app.wait_dispatch_status(otp, want).await;
    }

    fn device_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .gateway
            .devices()
            .into_iter()
            .map(|d| d.key.0)
            .collect();
        keys.sort();
        keys
    }

    async fn stop(self) {
        tokio::time::timeout(WAIT, self.app.stop())
            .await
            .expect("gateway did not stop");
    }
}

/// Every test body runs under this, so a failure never hangs the suite. Bodies come boxed:
/// they hold a database, a server and clients, too much for the stack.
async fn within(body: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>>) {
    tokio::time::timeout(Duration::from_secs(90), body)
        .await
        .expect("test timed out");
}

// ---------------------------------------------------------------------------------------------
// tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_token_is_refused_and_never_gets_sms() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let mut wrong = TestSocket::device(&h.url).await;
        let reply = wrong
            .register(json!({"authToken": "wrong_token", "region": "tm", "deviceId": "rogue"}))
            .await;
        assert_eq!(reply["success"], json!(false));
        assert_eq!(reply["message"], json!("Invalid auth token"));
        wrong.next("close").await;

        let mut missing = TestSocket::device(&h.url).await;
        let reply = missing.register(json!({"region": "tm"})).await;
        assert_eq!(reply["success"], json!(false));
        assert_eq!(reply["message"], json!("Invalid auth token"));
        missing.next("close").await;
        assert!(h.device_keys().is_empty());

        // With no device, nothing is sent anywhere.
        let otp = h.otp("11111").await;
        assert_eq!(h.dispatcher.send_otp(otp).await, SmsOutcome::Unavailable);

        // With a real device connected, the code goes to it and never to the refused sockets.
        let mut real = TestSocket::device(&h.url).await;
        let reply = real
            .register(json!({"authToken": SHARED, "region": "tm", "deviceId": "real"}))
            .await;
        assert_eq!(reply["success"], json!(true));
        let otp = h.otp("22222").await;
        assert_eq!(h.dispatcher.send_otp(otp).await, SmsOutcome::Accepted);
        let sent = real.next("sms:send").await;
        assert!(sent["text"].as_str().unwrap().contains("22222"));
        wrong.never("sms:send").await;
        missing.never("sms:send").await;

        for d in [wrong, missing, real] {
            d.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_configured_refuses_unless_development() {
    within(Box::pin(async {
        let h = Harness::start(vec![]).await;
        let mut device = TestSocket::device(&h.url).await;
        let reply = device.register(json!({"region": "tm"})).await;
        assert_eq!(reply["success"], json!(false));
        device.next("close").await;
        h.stop().await;

        let h = Harness::start(vec![("APP_ENV", "development")]).await;
        let mut device = TestSocket::device(&h.url).await;
        let reply = device.register(json!({})).await;
        assert_eq!(reply["success"], json!(true));
        assert_eq!(reply["deviceId"], json!("device-tm"));
        assert_eq!(h.device_keys(), vec!["device-tm".to_owned()]);
        device.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_device_token_is_accepted_with_the_directory_region() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let (id, token) = h.device_with_token("tm").await;
        let mut device = TestSocket::device(&h.url).await;
        // The payload's id and region are ignored: the token says who the device is.
        let reply = device
            .register(json!({"authToken": token, "region": "xx", "deviceId": "spoof"}))
            .await;
        assert_eq!(reply["success"], json!(true), "{reply}");
        assert_eq!(reply["deviceId"], json!(id));
        assert_eq!(reply["region"], json!("tm"));
        let devices = h.gateway.devices();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].key.0, id);
        assert_eq!(devices[0].region, "tm");

        let row = h.directory.list().await.unwrap();
        assert!(row.iter().any(|d| d.key.0 == id && d.connected));

        // Heartbeats are stored on the device's row.
        device
            .emit(
                "sms:status",
                json!({"batteryLevel": 80, "signalStrength": -70, "pendingSms": 0}),
            )
            .await;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let rows = h.directory.list().await.unwrap();
            if rows
                .iter()
                .any(|d| d.key.0 == id && d.battery_level == Some(80))
            {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "status not stored");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // A wrong secret for the same id is not accepted.
        let mut forged = TestSocket::device(&h.url).await;
        let reply = forged
            .register(json!({"authToken": format!("{id}.not-the-secret")}))
            .await;
        assert_eq!(reply["message"], json!("Invalid auth token"));

        // Disconnecting is recorded.
        device.close().await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while !h.device_keys().is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "still listed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let rows = h.directory.list().await.unwrap();
            if rows.iter().any(|d| d.key.0 == id && !d.connected) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "disconnect not stored"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        forged.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_token_is_accepted_and_acked() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let mut device = TestSocket::device(&h.url).await;
        // The old apps read the ack; rust_socketio nests its args one level deeper.
        let (tx, rx) = oneshot::channel::<Value>();
        let tx = std::sync::Mutex::new(Some(tx));
        device
            .raw()
            .emit_with_ack(
                "sms:register",
                json!({"authToken": SHARED, "region": "tm", "deviceId": "android_1"}),
                WAIT,
                move |payload: Payload, _: Client| {
                    if let Some(tx) = tx.lock().unwrap().take() {
                        let _ = tx.send(first(payload));
                    }
                    async {}.boxed()
                },
            )
            .await
            .unwrap();
        let ack = tokio::time::timeout(WAIT, rx).await.unwrap().unwrap();
        let ack = if ack.is_array() { ack[0].clone() } else { ack };
        assert_eq!(ack["success"], json!(true));
        assert_eq!(
            ack["message"],
            json!("Registered as android_1 for region tm")
        );
        let event = device.next("sms:registered").await;
        assert_eq!(event["deviceId"], json!("android_1"));
        assert_eq!(event["region"], json!("tm"));
        assert_eq!(h.device_keys(), vec!["android_1".to_owned()]);
        device.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unregistered_socket_is_dropped_after_the_timeout() {
    within(Box::pin(async {
        let h = Harness::start(vec![
            ("SMS_DEVICE_AUTH_TOKEN", SHARED),
            ("ALPHA__GATEWAYS__SMS_REGISTER_TIMEOUT_MS", "1500"),
        ])
        .await;
        let mut silent = TestSocket::open(&h.url, "/sms", None).await;
        let started = tokio::time::Instant::now();
        silent.next("sms:hello").await;
        silent.next("close").await;
        assert!(started.elapsed() >= Duration::from_millis(1000));

        // A registered socket stays past the window.
        let mut device = TestSocket::device(&h.url).await;
        device
            .register(json!({"authToken": SHARED, "deviceId": "stays"}))
            .await;
        tokio::time::sleep(Duration::from_millis(2000)).await;
        assert_eq!(h.device_keys(), vec!["stays".to_owned()]);
        device.never("close").await;
        silent.close().await;
        device.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_shared_token_device_id_is_refused() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let mut first = TestSocket::device(&h.url).await;
        let reply = first
            .register(json!({"authToken": SHARED, "region": "tm", "deviceId": "android_1"}))
            .await;
        assert_eq!(reply["success"], json!(true));

        let mut second = TestSocket::device(&h.url).await;
        let reply = second
            .register(json!({"authToken": SHARED, "region": "tm", "deviceId": "android_1"}))
            .await;
        assert_eq!(reply["success"], json!(false));
        assert_eq!(reply["message"], json!("Device id already connected"));
        second.next("close").await;

        // The same holds for the default key `device-<region>`.
        let mut third = TestSocket::device(&h.url).await;
        assert_eq!(
            third.register(json!({"authToken": SHARED})).await["success"],
            json!(true)
        );
        let mut fourth = TestSocket::device(&h.url).await;
        assert_eq!(
            fourth
                .register(json!({"authToken": SHARED, "region": "tm"}))
                .await["message"],
            json!("Device id already connected")
        );

        // The first device still gets the codes.
        let otp = h.otp("33333").await;
        assert_eq!(h.dispatcher.send_otp(otp).await, SmsOutcome::Accepted);
        second.never("sms:send").await;
        first.never("close").await;
        assert_eq!(
            h.device_keys(),
            vec!["android_1".to_owned(), "device-tm".to_owned()]
        );
        for d in [first, second, third, fourth] {
            d.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_token_cannot_claim_a_token_devices_id() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let (id, _) = h.device_with_token("tm").await;
        let mut rogue = TestSocket::device(&h.url).await;
        let reply = rogue
            .register(json!({"authToken": SHARED, "deviceId": id}))
            .await;
        assert_eq!(reply["success"], json!(false));
        rogue.next("close").await;
        assert!(h.device_keys().is_empty());
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_token_takes_over_and_in_flight_sms_is_retried() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let (id, token) = h.device_with_token("tm").await;
        let mut old = TestSocket::device(&h.url).await;
        assert_eq!(
            old.register(json!({"authToken": token})).await["success"],
            json!(true)
        );
        let otp = h.otp("44444").await;
        assert_eq!(
            h.dispatcher.send_otp(otp.clone()).await,
            SmsOutcome::Accepted
        );
        let first_send = old.next("sms:send").await;
        // Connected only now, so the first attempt surely went to the token device.
        let mut backup = TestSocket::device(&h.url).await;
        backup
            .register(json!({"authToken": SHARED, "region": "tm", "deviceId": "backup"}))
            .await;

        let mut new = TestSocket::device(&h.url).await;
        let reply = new.register(json!({"authToken": token})).await;
        assert_eq!(reply["success"], json!(true), "{reply}");
        assert_eq!(reply["deviceId"], json!(id));
        old.next("close").await;
        let mut expected = vec!["backup".to_owned(), id.clone()];
        expected.sort();
        assert_eq!(h.device_keys(), expected);

        // The unacknowledged message was retried as after a disconnect (on another device: the
        // dispatcher does not retry on the device that lost it).
        let retried = backup.next("sms:send").await;
        assert_ne!(retried["correlationId"], first_send["correlationId"]);
        assert!(retried["text"].as_str().unwrap().contains("44444"));
        new.never("sms:send").await;
        backup
            .emit(
                "sms:ack",
                json!({"correlationId": retried["correlationId"], "status": "delivered"}),
            )
            .await;
        h.wait_dispatch_status(&otp, "delivered").await;

        // The new socket is the device now: it receives the next code.
        let otp = h.otp("44445").await;
        // Both devices are idle now, so either may be chosen; whichever it is acks.
        assert_eq!(
            h.dispatcher.send_otp(otp.clone()).await,
            SmsOutcome::Accepted
        );
        let (receiver, sent) = tokio::select! {
            sent = new.next("sms:send") => (&new, sent),
            sent = backup.next("sms:send") => (&backup, sent),
        };
        receiver
            .emit(
                "sms:ack",
                json!({"correlationId": sent["correlationId"], "status": "sent"}),
            )
            .await;
        h.wait_dispatch_status(&otp, "sent").await;
        for d in [old, new, backup] {
            d.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ack_from_another_device_or_unregistered_socket_is_ignored() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let mut a = TestSocket::device(&h.url).await;
        a.register(json!({"authToken": SHARED, "region": "tm", "deviceId": "a"}))
            .await;
        let mut b = TestSocket::device(&h.url).await;
        b.register(json!({"authToken": SHARED, "region": "tm", "deviceId": "b"}))
            .await;
        let stranger = TestSocket::device(&h.url).await;

        let otp = h.otp("55555").await;
        assert_eq!(
            h.dispatcher.send_otp(otp.clone()).await,
            SmsOutcome::Accepted
        );
        // Whichever device got it, the other one forges the ack.
        let (receiver, forger, sent) = tokio::select! {
            sent = a.next("sms:send") => (a, b, sent),
            sent = b.next("sms:send") => (b, a, sent),
        };
        let ack = json!({"correlationId": sent["correlationId"], "status": "failed", "error": "x"});
        forger.emit("sms:ack", ack.clone()).await;
        stranger.emit("sms:ack", ack).await;
        tokio::time::sleep(QUIET).await;
        assert_eq!(h.app.dispatch_status(&otp).await, "pending");
        assert_eq!(h.dispatcher.in_flight(), 1);

        receiver
            .emit(
                "sms:ack",
                json!({"correlationId": sent["correlationId"], "status": "sent"}),
            )
            .await;
        h.wait_dispatch_status(&otp, "sent").await;
        for d in [receiver, forger, stranger] {
            d.close().await;
        }
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatched_otp_reaches_the_device_and_its_ack_marks_the_code_sent() {
    within(Box::pin(async {
        let h = Harness::start(config()).await;
        let mut device = TestSocket::device(&h.url).await;
        device
            .register(json!({"authToken": SHARED, "region": "tm", "deviceId": "android_1"}))
            .await;

        let otp = h.otp("67890").await;
        assert_eq!(
            h.dispatcher.send_otp(otp.clone()).await,
            SmsOutcome::Accepted
        );
        let sent = device.next("sms:send").await;
        assert_eq!(sent["phone"], json!(PHONE));
        assert_eq!(
            sent["text"],
            json!("Alpha Motors: Your verification code is 67890. Valid for 5 minutes.")
        );
        let correlation_id = sent["correlationId"].as_str().unwrap().to_owned();
        assert!(Uuid::parse_str(&correlation_id).is_ok());
        assert_eq!(h.app.dispatch_status(&otp).await, "pending");

        device
            .emit(
                "sms:ack",
                json!({"correlationId": correlation_id, "status": "sent"}),
            )
            .await;
        h.wait_dispatch_status(&otp, "sent").await;
        assert_eq!(h.dispatcher.in_flight(), 0);
        device.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_devices_are_pinged() {
    within(Box::pin(async {
        let h = Harness::start(vec![
            ("SMS_DEVICE_AUTH_TOKEN", SHARED),
            ("ALPHA__GATEWAYS__SMS_PING_INTERVAL_MS", "200"),
        ])
        .await;
        let mut device = TestSocket::device(&h.url).await;
        device.register(json!({"authToken": SHARED})).await;
        let ping = device.next("sms:ping").await;
        assert!(ping["timestamp"].as_i64().unwrap() > 0);
        let before = h.gateway.devices()[0].last_seen;
        tokio::time::sleep(Duration::from_millis(20)).await;
        device.emit("sms:pong", json!({})).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while h.gateway.devices()[0].last_seen <= before {
            assert!(tokio::time::Instant::now() < deadline, "pong not counted");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        device.close().await;
        h.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_or_rotated_devices_are_disconnected_and_others_stay() {
    within(Box::pin(async {
        let h = Harness::start(vec![
            ("SMS_DEVICE_AUTH_TOKEN", SHARED),
            ("ALPHA__GATEWAYS__SMS_PING_INTERVAL_MS", "200"),
        ])
        .await;
        let (lost_id, lost_token) = h.device_with_token("tm").await;
        let (rotated_id, rotated_token) = h.device_with_token("tm").await;
        let (kept_id, kept_token) = h.device_with_token("tm").await;
        let mut sockets = Vec::new();
        for token in [&lost_token, &rotated_token, &kept_token] {
            let mut device = TestSocket::device(&h.url).await;
            let reply = device.register(json!({"authToken": token})).await;
            assert_eq!(reply["success"], json!(true), "{reply}");
            sockets.push(device);
        }
        assert_eq!(h.device_keys().len(), 3);

        // What `alpha-motors device disable` and `rotate-token` do, from another process.
        assert!(
            h.directory
                .set_enabled(&DeviceKey(lost_id.clone()), false)
                .await
                .unwrap()
        );
        assert!(
            h.directory
                .set_token_hash(
                    &DeviceKey(rotated_id.clone()),
                    &hash_secret("a-new-secret").unwrap()
                )
                .await
                .unwrap()
        );
        assert!(
            !h.directory
                .set_enabled(&DeviceKey("no-such-device".to_owned()), false)
                .await
                .unwrap()
        );

        let deadline = tokio::time::Instant::now() + WAIT;
        while h.device_keys().len() != 1 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "still connected: {:?}",
                h.device_keys()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(h.device_keys(), vec![kept_id.clone()]);

        // Neither may come back with its old token.
        for token in [&lost_token, &rotated_token] {
            let mut again = TestSocket::device(&h.url).await;
            let reply = again.register(json!({"authToken": token})).await;
            assert_eq!(reply["success"], json!(false), "{reply}");
            again.close().await;
        }
        for device in sockets {
            device.close().await;
        }
        h.stop().await;
    }))
    .await;
}
