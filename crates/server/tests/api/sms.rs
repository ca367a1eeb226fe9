//! SMS devices in the API tests: the shared device token, a simulated device's settings, and
//! the dispatch status of a code.

use std::time::{Duration, Instant};

use alpha_device_sim::{AckPolicy, SimConfig};
use alpha_testkit::TestDb;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;

pub const SHARED: &str = "shared-device-token-for-tests-0123456789";

pub fn env(ack_timeout: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("SMS_DEVICE_AUTH_TOKEN", SHARED),
        ("SMS_ACK_TIMEOUT_SECONDS", ack_timeout),
        ("ALPHA__OTP__IP_SEND_LIMIT", "100000"),
        ("ALPHA__OTP__IP_VERIFY_LIMIT", "100000"),
        ("OTP_PHONE_RATE_LIMIT_MAX", "100000"),
    ]
}

pub fn device(url: &str, id: &str, ack: AckPolicy) -> SimConfig {
    let mut config = SimConfig::new(url);
    config.token = Some(SHARED.to_owned());
    config.device_id = Some(id.to_owned());
    config.ack = ack;
    config.status_every = None;
    config.reconnect = false;
    config
}

#[derive(QueryableByName)]
pub struct Row {
    #[diesel(sql_type = Text)]
    pub v: String,
}

pub async fn text(db: &TestDb, sql: &str) -> String {
    let mut conn = db.conn().await;
    let rows: Vec<Row> = diesel::sql_query(sql).load(&mut conn).await.unwrap();
    rows.into_iter().next().map(|r| r.v).unwrap_or_default()
}

pub async fn status_of(db: &TestDb, request_id: &str) -> String {
    text(
        db,
        &format!(r#"SELECT "dispatchStatus"::text AS v FROM otp_codes WHERE id = '{request_id}'"#),
    )
    .await
}

/// Polls until the code's dispatch status is `want` (the ack is processed asynchronously).
pub async fn wait_status(db: &TestDb, request_id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = status_of(db, request_id).await;
        if status == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "dispatchStatus stayed {status}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
