//! The simulator against the real `/sms` gateway and dispatcher, as `serve` builds them
//! (`alpha_testkit::TestApp`: real PostgreSQL, gateways on port 0).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use alpha_device_sim::{AckPlan, AckPolicy, AckStatus, SimConfig, SimError, SimEvent, Simulator};
use alpha_otp::{DispatchStatus, OtpSms, SmsOutcome, SmsSender};
use alpha_sms_dispatch::{DeviceDirectory, Dispatcher};
use alpha_store::repos::PgDeviceDirectory;
use alpha_testkit::TestApp;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

const SHARED: &str = "shared-token-for-sim-tests";
const PHONE: &str = "+99365123456";
const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// harness

struct Harness {
    app: TestApp,
    directory: PgDeviceDirectory,
    dispatcher: Arc<Dispatcher>,
    url: String,
}

impl Harness {
    /// The shared token configured, acks timing out after 5 s, plus `overrides`.
    async fn start(overrides: &[(&'static str, &'static str)]) -> Harness {
        let mut env = vec![
            ("SMS_DEVICE_AUTH_TOKEN", SHARED),
            ("SMS_ACK_TIMEOUT_SECONDS", "5"),
        ];
        env.extend_from_slice(overrides);
        let app = TestApp::with(&env).await;
        Harness {
            directory: PgDeviceDirectory::new(app.pool().clone()),
            dispatcher: app.app.dispatcher.clone(),
            url: app.sms_url.clone(),
            app,
        }
    }

    /// A device as `alpha-motors device add` creates it; returns its token.
    async fn device_token(&self, region: &str) -> String {
        let secret = "sim-test-secret";
        let hash = alpha_sms_dispatch::device_token::hash_secret(secret).unwrap();
        let key = self.directory.create("sim", region, &hash).await.unwrap();
        format!("{}.{secret}", key.0)
    }

    fn sim_config(&self) -> SimConfig {
        let mut config = SimConfig::new(self.url.clone());
        config.reconnect = false;
        config.status_every = None;
        config.register_timeout = WAIT;
        config
    }

    /// An `otp_codes` row (the attempt log refers to it), then its SMS through the dispatcher.
    async fn send_otp(&self, code: &str) -> OtpSms {
        let sms = self.app.otp_sms(PHONE, code).await;
        assert_eq!(
            self.dispatcher.send_otp(sms.clone()).await,
            SmsOutcome::Accepted
        );
        sms
    }

    /// Waits until the code's `dispatchStatus` is `wanted`.
    async fn wait_status(&self, otp: &OtpSms, wanted: DispatchStatus) {
        self.app.wait_dispatch_status(otp, wanted.as_str()).await;
    }

    /// The errors the attempt log holds for `device`.
    async fn attempt_errors(&self, device: &str) -> Vec<String> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            e: String,
        }
        let mut conn = self.app.pool().get().await.unwrap();
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT error AS e FROM sms_messages WHERE device_id = '{device}' AND error IS NOT NULL"
        ))
        .load(&mut conn)
        .await
        .unwrap();
        rows.into_iter().map(|r| r.e).collect()
    }

    async fn stop(self) {
        self.app.stop().await;
    }
}

async fn within<F: std::future::Future<Output = ()>>(body: F) {
    // Boxed: a whole application lives in these futures, too big for the stack frame.
    tokio::time::timeout(Duration::from_secs(60), Box::pin(body))
        .await
        .expect("test timed out");
}

fn is_ack(event: &SimEvent, wanted: AckStatus) -> bool {
    matches!(event, SimEvent::AckSent { status, .. } if *status == wanted)
}

// ---------------------------------------------------------------------------------------------
// tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_token_registers_receives_and_acks_sent_then_delivered() {
    within(async {
        let h = Harness::start(&[]).await;
        let token = h.device_token("tm").await;
        let mut config = h.sim_config();
        config.token = Some(token.clone());
        config.ack.deliver = true;
        config.ack.deliver_delay = Duration::from_millis(50);
        let mut sim = Simulator::start(config).await.expect("registers");
        let device_id = token.split('.').next().unwrap();
        assert!(sim.registration().success);
        assert_eq!(sim.device_id(), Some(device_id));
        assert_eq!(sim.registration().region.as_deref(), Some("tm"));

        let otp = h.send_otp("482913").await;
        let sms = sim.next_sms_within(WAIT).await.expect("sms:send arrives");
        assert_eq!(sms.phone, PHONE);
        assert_eq!(
            sms.text,
            "Alpha Motors: Your verification code is 482913. Valid for 5 minutes."
        );
        assert!(Uuid::parse_str(&sms.correlation_id).is_ok());
        assert_eq!(
            sms.plan,
            AckPlan::Sent {
                then_delivered: true
            }
        );
        sim.wait_for_event(WAIT, |e| is_ack(e, AckStatus::Delivered))
            .await
            .expect("delivered ack sent");
        // The row keeps the latest status; the sent-then-delivered order is the simulator's plan.
        h.wait_status(&otp, DispatchStatus::Delivered).await;
        assert_eq!(h.dispatcher.in_flight(), 0);

        sim.stop().await.expect("stops");
        h.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_is_refused() {
    within(async {
        let h = Harness::start(&[]).await;
        let mut config = h.sim_config();
        config.token = Some("not-the-token".to_owned());
        match Simulator::start(config).await {
            Err(SimError::Refused(registration)) => {
                assert!(!registration.success);
                assert_eq!(registration.message, "Invalid auth token");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        h.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_ack_moves_the_code_to_the_other_device() {
    within(async {
        let h = Harness::start(&[]).await;
        // Ties go by device key, so "a-failing" is tried first.
        let mut failing = h.sim_config();
        failing.token = Some(SHARED.to_owned());
        failing.device_id = Some("a-failing".to_owned());
        failing.ack = AckPolicy {
            fail_rate: 1.0,
            fail_error: "RESULT_ERROR_NO_SERVICE".to_owned(),
            ..AckPolicy::default()
        };
        let mut healthy = h.sim_config();
        healthy.token = Some(SHARED.to_owned());
        healthy.device_id = Some("b-healthy".to_owned());
        let mut a = Simulator::start(failing).await.expect("a registers");
        let mut b = Simulator::start(healthy).await.expect("b registers");
        assert_eq!(a.device_id(), Some("a-failing"));

        let otp = h.send_otp("111222").await;
        let first = a.next_sms_within(WAIT).await.expect("a gets it first");
        assert!(matches!(first.plan, AckPlan::Failed { .. }));
        let second = b.next_sms_within(WAIT).await.expect("then b gets it");
        assert_ne!(first.correlation_id, second.correlation_id);
        assert_eq!(first.text, second.text);
        h.wait_status(&otp, DispatchStatus::Sent).await;
        let errors = h.attempt_errors("a-failing").await;
        assert!(
            errors.contains(&"RESULT_ERROR_NO_SERVICE".to_owned()),
            "{errors:?}"
        );

        a.stop().await.expect("a stops");
        b.stop().await.expect("b stops");
        h.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_ack_device_can_ack_by_hand_and_heartbeats_are_stored() {
    within(async {
        let h = Harness::start(&[("ALPHA__GATEWAYS__SMS_PING_INTERVAL_MS", "200")]).await;
        let mut config = h.sim_config();
        config.token = Some(SHARED.to_owned());
        config.device_id = Some("quiet".to_owned());
        config.ack.never_ack = true;
        config.status_every = Some(Duration::from_millis(100));
        let mut sim = Simulator::start(config).await.expect("registers");

        sim.wait_for_event(WAIT, |e| matches!(e, SimEvent::Ping { timestamp: Some(_) }))
            .await
            .expect("pinged");
        sim.wait_for_event(WAIT, |e| matches!(e, SimEvent::StatusSent(_)))
            .await
            .expect("status sent");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let stored = h.directory.list().await.unwrap();
            if let Some(quiet) = stored
                .iter()
                .find(|d| d.key.0 == "quiet" && d.battery_level.is_some())
            {
                // The simulated battery drains from 100 with every heartbeat; the row has the last.
                assert!(
                    matches!(quiet.battery_level, Some(b) if (1..=100).contains(&b)),
                    "{:?}",
                    quiet.battery_level
                );
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "no status stored");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let otp = h.send_otp("333444").await;
        let sms = sim.next_sms_within(WAIT).await.expect("sms:send arrives");
        assert_eq!(sms.plan, AckPlan::Never);
        assert_eq!(h.dispatcher.in_flight(), 1);
        sim.ack(&sms.correlation_id, AckStatus::Sent, None)
            .await
            .expect("ack emitted");
        h.wait_status(&otp, DispatchStatus::Sent).await;

        sim.stop().await.expect("stops");
        h.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_exits_3_when_refused() {
    within(async {
        let h = Harness::start(&[]).await;
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_device-sim"))
            .args(["--url", &h.url, "--token", "wrong", "--no-reconnect"])
            .env_remove("SMS_DEVICE_TOKEN")
            .output()
            .await
            .expect("runs");
        assert_eq!(output.status.code(), Some(3), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("registration refused"), "{stderr}");
        assert!(stderr.contains("Invalid auth token"), "{stderr}");
        h.stop().await;
    })
    .await;
}
