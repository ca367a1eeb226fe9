//! What the auth context does when other contexts publish events.

use std::sync::Arc;

use alpha_kernel::{DomainEvent, EventSubscriber, ReactionError, UserNotifier};

use crate::ports::UserRepo;

/// Client event telling the app its code reached the user's phone.
pub const EV_OTP_DELIVERED: &str = "otp:delivered";

/// "Code delivered" → `otp:delivered {requestId, phone}` to the user's sockets, so the app can
/// stop showing "sending…" without polling. A first login has no user yet, and so no socket.
pub struct TellUserCodeDelivered {
    users: Arc<dyn UserRepo>,
    notifier: Arc<dyn UserNotifier>,
}

impl TellUserCodeDelivered {
    pub fn new(users: Arc<dyn UserRepo>, notifier: Arc<dyn UserNotifier>) -> Self {
        Self { users, notifier }
    }
}

#[async_trait::async_trait]
impl EventSubscriber for TellUserCodeDelivered {
    /// Errors: the user lookup failed (the app then simply does not hear of the delivery).
    async fn handle(&self, event: &DomainEvent) -> Result<(), ReactionError> {
        let DomainEvent::CodeDelivered { otp_id, phone } = event else {
            return Ok(());
        };
        if let Some(user) = self.users.id_by_phone(phone).await? {
            self.notifier
                .notify(
                    user,
                    EV_OTP_DELIVERED,
                    serde_json::json!({ "requestId": otp_id.to_string(), "phone": phone }),
                )
                .await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use alpha_kernel::{SessionId, UserId};
    use uuid::Uuid;

    use super::*;
    use crate::ports::MockUserRepo;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(UserId, String, serde_json::Value)>>);

    #[async_trait::async_trait]
    impl UserNotifier for Recorder {
        async fn notify(&self, user: UserId, event: &str, payload: serde_json::Value) {
            self.0
                .lock()
                .unwrap()
                .push((user, event.to_owned(), payload));
        }
        async fn disconnect_session(&self, _session: SessionId) {}
        async fn disconnect_user(&self, _user: UserId) {}
    }

    #[tokio::test]
    async fn a_delivered_code_reaches_its_users_sockets_and_nobody_elses() {
        let user = UserId(Uuid::new_v4());
        let otp = Uuid::new_v4();
        let mut users = MockUserRepo::new();
        users
            .expect_id_by_phone()
            .returning(move |p| Ok((p == "+99361234567").then_some(user)));
        let recorder = Arc::new(Recorder::default());
        let reaction = TellUserCodeDelivered::new(Arc::new(users), recorder.clone());

        let delivered = |phone: &str| DomainEvent::CodeDelivered {
            otp_id: otp,
            phone: phone.to_owned(),
        };
        reaction.handle(&delivered("+99361234567")).await.unwrap();
        reaction.handle(&delivered("+99365000000")).await.unwrap();
        reaction
            .handle(&DomainEvent::SessionRevoked {
                session: SessionId(Uuid::new_v4()),
            })
            .await
            .unwrap();

        let seen = recorder.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            vec![(
                user,
                EV_OTP_DELIVERED.to_owned(),
                serde_json::json!({"requestId": otp.to_string(), "phone": "+99361234567"})
            )]
        );
    }
}
