//! What the notifications context does when other contexts publish events.

use std::sync::Arc;

use alpha_kernel::{Clock, DomainEvent, EventSubscriber, ReactionError, UserNotifier};
use serde_json::json;
use uuid::Uuid;

use crate::ports::{ListingPush, NewNotification, NotificationRepo};
use crate::types::{NotificationStatus, NotificationType};

/// Client event carrying a notification to the app's open sockets (:3090).
pub const EV_NOTIFICATION: &str = "notification";

/// The data key carrying the approved post's uuid, in the push and in the socket event.
pub const POST_KEY: &str = "postUuid";

/// "Post approved" → "new <brand> <model> listed" to the brand's subscribers (not the owner):
/// a push to their device tokens through the outbox, and a `notification` event to their open
/// sockets. A user who already had `daily_cap` of these today gets nothing for this one.
pub struct PushNewListings {
    repo: Arc<dyn NotificationRepo>,
    notifier: Arc<dyn UserNotifier>,
    clock: Arc<dyn Clock>,
    daily_cap: u32,
}

impl PushNewListings {
    /// `daily_cap` 0 turns the reaction off.
    pub fn new(
        repo: Arc<dyn NotificationRepo>,
        notifier: Arc<dyn UserNotifier>,
        clock: Arc<dyn Clock>,
        daily_cap: u32,
    ) -> Self {
        Self {
            repo,
            notifier,
            clock,
            daily_cap,
        }
    }
}

/// `New BMW X5 listed`, leaving out what the event does not name.
pub fn listing_text(brand: Option<&str>, model: Option<&str>) -> String {
    let words: Vec<&str> = [brand, model]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    match words.is_empty() {
        true => "New car listed".to_owned(),
        false => format!("New {} listed", words.join(" ")),
    }
}

#[async_trait::async_trait]
impl EventSubscriber for PushNewListings {
    /// Errors: the store failed; nobody was told (the quota slots were not taken either).
    async fn handle(&self, event: &DomainEvent) -> Result<(), ReactionError> {
        let DomainEvent::PostApproved {
            post,
            owner,
            brand: Some(brand),
            brand_name,
            model_name,
        } = event
        else {
            return Ok(());
        };
        if self.daily_cap == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let title = listing_text(brand_name.as_deref(), model_name.as_deref());
        let body = "Tap to see the new listing".to_owned();
        let data = json!({ POST_KEY: post.to_string(), "type": "post_approved" });
        let push = ListingPush {
            notification: NewNotification {
                uuid: Uuid::new_v4(),
                title: title.clone(),
                body: body.clone(),
                kind: NotificationType::BrandSubscribers,
                status: NotificationStatus::Sending,
                target_data: Some(
                    json!({ "brandId": brand.to_string(), POST_KEY: post.to_string() }),
                ),
                additional_data: Some(data.clone()),
                topic: None,
                sent_by: None,
                scheduled_for: None,
                is_scheduled: false,
                error_message: None,
                at: now,
            },
            post: *post,
            brand: *brand,
            exclude: *owner,
            day: now.date_naive(),
            daily_cap: self.daily_cap,
            due: now,
        };
        let users = self.repo.enqueue_listing_push(&push).await?;
        let payload = json!({ "title": title, "body": body, "data": data });
        for user in users {
            self.notifier
                .notify(user, EV_NOTIFICATION, payload.clone())
                .await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use alpha_kernel::{FakeClock, SessionId, UserId};

    use super::*;
    use crate::ports::MockNotificationRepo;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(UserId, String, serde_json::Value)>>);

    #[async_trait::async_trait]
    impl UserNotifier for Recorder {
        async fn notify(&self, user: UserId, event: &str, payload: serde_json::Value) {
            self.0.lock().unwrap().push((user, event.into(), payload));
        }
        async fn disconnect_session(&self, _session: SessionId) {}
        async fn disconnect_user(&self, _user: UserId) {}
    }

    fn approved(brand: Option<Uuid>, owner: UserId) -> DomainEvent {
        DomainEvent::PostApproved {
            post: Uuid::from_u128(7),
            owner: Some(owner),
            brand,
            brand_name: Some("BMW".into()),
            model_name: Some("X5".into()),
        }
    }

    #[test]
    fn the_text_names_brand_and_model() {
        assert_eq!(listing_text(Some("BMW"), Some("X5")), "New BMW X5 listed");
        assert_eq!(listing_text(Some("Lada"), None), "New Lada listed");
        assert_eq!(listing_text(None, Some(" ")), "New car listed");
    }

    #[tokio::test]
    async fn subscribers_with_room_get_the_push_and_the_socket_event() {
        let brand = Uuid::new_v4();
        let owner = UserId(Uuid::new_v4());
        let told = UserId(Uuid::new_v4());
        let mut repo = MockNotificationRepo::new();
        repo.expect_enqueue_listing_push()
            .withf(move |p| {
                p.brand == brand
                    && p.exclude == Some(owner)
                    && p.daily_cap == 5
                    && p.notification.title == "New BMW X5 listed"
                    && p.notification.additional_data.as_ref().unwrap()[POST_KEY]
                        == Uuid::from_u128(7).to_string()
            })
            .times(1)
            .returning(move |_| Ok(vec![told]));
        let notifier = Arc::new(Recorder::default());
        let reaction = PushNewListings::new(
            Arc::new(repo),
            notifier.clone(),
            Arc::new(FakeClock::new()),
            5,
        );
        reaction
            .handle(&approved(Some(brand), owner))
            .await
            .unwrap();
        let seen = notifier.0.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0, told);
        assert_eq!(seen[0].1, EV_NOTIFICATION);
        assert_eq!(seen[0].2["data"][POST_KEY], Uuid::from_u128(7).to_string());
    }

    #[tokio::test]
    async fn no_brand_or_a_zero_cap_tells_nobody() {
        let owner = UserId(Uuid::new_v4());
        let mut repo = MockNotificationRepo::new();
        repo.expect_enqueue_listing_push().never();
        let repo = Arc::new(repo);
        let notifier = Arc::new(Recorder::default());
        let clock = Arc::new(FakeClock::new());
        let on = PushNewListings::new(repo.clone(), notifier.clone(), clock.clone(), 5);
        on.handle(&approved(None, owner)).await.unwrap();
        let off = PushNewListings::new(repo, notifier.clone(), clock, 0);
        off.handle(&approved(Some(Uuid::new_v4()), owner))
            .await
            .unwrap();
        assert!(notifier.0.lock().unwrap().is_empty());
    }
}
