//! SMS dispatch helpers on a [`TestApp`]: a code row the attempt log can refer to, and its
//! `dispatchStatus` as the dispatcher leaves it.

use std::time::Duration;

use alpha_kernel::Phone;
use alpha_otp::{OtpCode, OtpId, OtpSms};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use uuid::Uuid;

use crate::{TestApp, WAIT};

#[derive(QueryableByName)]
struct Status {
    #[diesel(sql_type = Text)]
    s: String,
}

impl TestApp {
    /// An `otp_codes` row for `phone` (E.164) and the SMS the OTP service would hand to the
    /// dispatcher for it.
    ///
    /// # Panics
    /// When the row cannot be written or `code` is not 4 to 8 digits.
    pub async fn otp_sms(&self, phone: &str, code: &str) -> OtpSms {
        let id = Uuid::new_v4();
        let mut conn = self.db().conn().await;
        let inserted = conn
            .batch_execute(&format!(
                "INSERT INTO otp_codes (id, phone, purpose, \"codeHash\", \"expiresAt\") \
                 VALUES ('{id}', '{phone}', 'login', 'x', now() + interval '5 minutes')"
            ))
            .await;
        assert!(inserted.is_ok(), "alpha-testkit: otp row: {inserted:?}");
        OtpSms {
            otp_id: OtpId(id),
            phone: Phone::from_stored(phone),
            code: OtpCode::parse(code)
                .unwrap_or_else(|e| panic!("alpha-testkit: code {code:?}: {e}")),
            expires_at: chrono::Utc::now() + chrono::Duration::minutes(5),
            ttl_secs: 300,
        }
    }

    /// `otp_codes."dispatchStatus"` of the code.
    ///
    /// # Panics
    /// When the code has no row.
    pub async fn dispatch_status(&self, otp: &OtpSms) -> String {
        let mut conn = self.db().conn().await;
        let rows: Vec<Status> = diesel::sql_query(format!(
            "SELECT \"dispatchStatus\"::text AS s FROM otp_codes WHERE id = '{}'",
            otp.otp_id.0
        ))
        .load(&mut conn)
        .await
        .unwrap_or_default();
        match rows.into_iter().next() {
            Some(row) => row.s,
            None => panic!("alpha-testkit: no otp_codes row {}", otp.otp_id.0),
        }
    }

    /// Polls until the code's `dispatchStatus` is `want` (acks are applied asynchronously).
    ///
    /// # Panics
    /// After [`WAIT`] without it.
    pub async fn wait_dispatch_status(&self, otp: &OtpSms, want: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let got = self.dispatch_status(otp).await;
            if got == want {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "dispatchStatus stayed {got}, wanted {want}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
