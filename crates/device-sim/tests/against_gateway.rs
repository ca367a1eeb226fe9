//! The simulator against the real `/sms` gateway and dispatcher (in-memory ports, no database):
//! registration, refusal, acks, retries on another device, heartbeats, and the binary's exit code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alpha_device_sim::{AckPlan, AckPolicy, AckStatus, SimConfig, SimError, SimEvent, Simulator};
use alpha_gateways::{SmsGateway, SmsGatewayConfig};
use alpha_kernel::{Phone, RepoError, SystemClock};
use alpha_otp::{DispatchStatus, OtpCode, OtpId, OtpSms, SmsOutcome, SmsSender};
use alpha_sms_dispatch::{
    AttemptRecord, DeviceCredential, DeviceDirectory, DeviceKey, DeviceStatus, DeviceView,
    DispatchConfig, DispatchRepo, Dispatcher,
};
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use uuid::Uuid;

const SHARED: &str = "shared-token-for-sim-tests";
const PHONE: &str = "+99365123456";
const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// in-memory ports

#[derive(Default)]
struct MemDirectory {
    credentials: Mutex<HashMap<DeviceKey, DeviceCredential>>,
    statuses: Mutex<Vec<(DeviceKey, DeviceStatus)>>,
}

#[async_trait::async_trait]
impl DeviceDirectory for MemDirectory {
    async fn credential(&self, id: &DeviceKey) -> Result<Option<DeviceCredential>, RepoError> {
        Ok(self.credentials.lock().unwrap().get(id).cloned())
    }

    async fn create(
        &self,
        name: &str,
        region: &str,
        token_hash: &str,
    ) -> Result<DeviceKey, RepoError> {
        let key = DeviceKey(Uuid::new_v4().to_string());
        self.credentials.lock().unwrap().insert(
            key.clone(),
            DeviceCredential {
                key: key.clone(),
                name: name.to_owned(),
                region: region.to_owned(),
                token_hash: token_hash.to_owned(),
                enabled: true,
            },
        );
        Ok(key)
    }

    async fn mark_connected(
        &self,
        _id: &DeviceKey,
        _region: &str,
        _connected: bool,
        _at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        Ok(())
    }

    async fn record_status(
        &self,
        id: &DeviceKey,
        status: DeviceStatus,
        _at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        self.statuses.lock().unwrap().push((id.clone(), status));
        Ok(())
    }

    async fn list(&self) -> Result<Vec<DeviceView>, RepoError> {
        Ok(Vec::new())
    }
}

#[derive(Default)]
struct MemRepo {
    attempts: Mutex<Vec<AttemptRecord>>,
    statuses: Mutex<Vec<(OtpId, DispatchStatus)>>,
}

#[async_trait::async_trait]
impl DispatchRepo for MemRepo {
    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<(), RepoError> {
        self.attempts.lock().unwrap().push(attempt);
        Ok(())
    }

    async fn set_otp_status(&self, otp_id: OtpId, status: DispatchStatus) -> Result<(), RepoError> {
        self.statuses.lock().unwrap().push((otp_id, status));
        Ok(())
    }

    async fn count_device_outcome(
        &self,
        _device: &DeviceKey,
        _sent: bool,
    ) -> Result<(), RepoError> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// harness

struct Harness {
    directory: Arc<MemDirectory>,
    repo: Arc<MemRepo>,
    dispatcher: Arc<Dispatcher>,
    url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Harness {
    async fn start(config: SmsGatewayConfig) -> Harness {
        let directory = Arc::new(MemDirectory::default());
        let repo = Arc::new(MemRepo::default());
        let clock = Arc::new(SystemClock);
        let gateway = SmsGateway::new(config, directory.clone(), clock.clone());
        let dispatcher = Arc::new(Dispatcher::new(
            gateway.clone(),
            gateway.clone(),
            repo.clone(),
            clock,
            DispatchConfig {
                template:
                    "Alpha Motors: Your verification code is {code}. Valid for {ttl} minutes."
                        .to_owned(),
                default_region: "tm".to_owned(),
                ack_timeout: Duration::from_secs(5),
                max_attempts: 3,
                device_stale_after: Duration::from_secs(60),
                any_region_fallback: false,
            },
        ));
        gateway.attach_dispatcher(dispatcher.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(gateway.serve(listener, async move {
            let _ = stopped.await;
        }));
        Harness {
            directory,
            repo,
            dispatcher,
            url,
            stop: Some(stop),
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

    async fn send_otp(&self, code: &str) -> OtpSms {
        let sms = OtpSms {
            otp_id: OtpId(Uuid::new_v4()),
            phone: Phone::from_stored(PHONE),
            code: OtpCode::parse(code).unwrap(),
            expires_at: Utc::now() + chrono::Duration::minutes(5),
            ttl_secs: 300,
        };
        assert_eq!(
            self.dispatcher.send_otp(sms.clone()).await,
            SmsOutcome::Accepted
        );
        sms
    }

    /// Waits until the code's dispatch status has been set to `wanted`.
    async fn wait_status(&self, otp: &OtpSms, wanted: DispatchStatus) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let reached = self
                .repo
                .statuses
                .lock()
                .unwrap()
                .iter()
                .any(|(id, s)| *id == otp.otp_id && *s == wanted);
            if reached {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "dispatch status never became {wanted:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn shared_config() -> SmsGatewayConfig {
    SmsGatewayConfig {
        shared_token: Some(SHARED.to_owned()),
        ..SmsGatewayConfig::default()
    }
}

async fn within<F: std::future::Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
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
        let h = Harness::start(shared_config()).await;
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
        h.wait_status(&otp, DispatchStatus::Sent).await;
        h.wait_status(&otp, DispatchStatus::Delivered).await;
        assert_eq!(h.dispatcher.in_flight(), 0);

        sim.stop().await.expect("stops");
        h.stop();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_is_refused() {
    within(async {
        let h = Harness::start(shared_config()).await;
        let mut config = h.sim_config();
        config.token = Some("not-the-token".to_owned());
        match Simulator::start(config).await {
            Err(SimError::Refused(registration)) => {
                assert!(!registration.success);
                assert_eq!(registration.message, "Invalid auth token");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        h.stop();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_ack_moves_the_code_to_the_other_device() {
    within(async {
        let h = Harness::start(shared_config()).await;
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
        let errors: Vec<Option<String>> = h
            .repo
            .attempts
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.device.0 == "a-failing")
            .map(|r| r.error.clone())
            .collect();
        assert!(errors.contains(&Some("RESULT_ERROR_NO_SERVICE".to_owned())));

        a.stop().await.expect("a stops");
        b.stop().await.expect("b stops");
        h.stop();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_ack_device_can_ack_by_hand_and_heartbeats_are_stored() {
    within(async {
        let h = Harness::start(SmsGatewayConfig {
            ping_interval: Duration::from_millis(200),
            ..shared_config()
        })
        .await;
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
        while h.directory.statuses.lock().unwrap().is_empty() {
            assert!(tokio::time::Instant::now() < deadline, "no status stored");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (device, status) = h.directory.statuses.lock().unwrap()[0].clone();
        assert_eq!(device.0, "quiet");
        assert_eq!(status.battery_level, Some(100));

        let otp = h.send_otp("333444").await;
        let sms = sim.next_sms_within(WAIT).await.expect("sms:send arrives");
        assert_eq!(sms.plan, AckPlan::Never);
        assert_eq!(h.dispatcher.in_flight(), 1);
        sim.ack(&sms.correlation_id, AckStatus::Sent, None)
            .await
            .expect("ack emitted");
        h.wait_status(&otp, DispatchStatus::Sent).await;

        sim.stop().await.expect("stops");
        h.stop();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_exits_3_when_refused() {
    within(async {
        let h = Harness::start(shared_config()).await;
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
        h.stop();
    })
    .await;
}
