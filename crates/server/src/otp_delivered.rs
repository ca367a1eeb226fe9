//! `otp:delivered {requestId, phone}` to the user's client sockets when a device acknowledges
//! their code: the app can stop showing "sending…" without polling.

use std::sync::Arc;

use alpha_kernel::UserNotifier;
use alpha_otp::OtpId;
use alpha_sms_dispatch::DeliveryListener;
use alpha_store::repos::PgUserRepo;

pub struct OtpDeliveredToUser {
    users: PgUserRepo,
    notifier: Arc<dyn UserNotifier>,
    runtime: tokio::runtime::Handle,
}

impl OtpDeliveredToUser {
    /// Must be created inside the tokio runtime the lookups should run on.
    pub fn new(users: PgUserRepo, notifier: Arc<dyn UserNotifier>) -> Self {
        Self {
            users,
            notifier,
            runtime: tokio::runtime::Handle::current(),
        }
    }
}

impl DeliveryListener for OtpDeliveredToUser {
    fn acknowledged(&self, otp_id: OtpId, phone: &str) {
        let users = self.users.clone();
        let notifier = self.notifier.clone();
        let phone = phone.to_owned();
        // The ack path must not wait for a database lookup.
        self.runtime.spawn(async move {
            // A first login has no user yet, and so no socket to tell.
            match users.id_by_phone(&phone).await {
                Ok(Some(user)) => {
                    notifier.notify(
                        user,
                        "otp:delivered",
                        serde_json::json!({ "requestId": otp_id.0.to_string(), "phone": phone }),
                    );
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "otp:delivered: user lookup failed"),
            }
        });
    }
}
