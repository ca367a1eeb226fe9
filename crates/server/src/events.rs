//! The in-process event bus: the one place where reactions across contexts are registered
//! ([`crate::application::Application::build`]), each run on the tokio runtime so a publisher never
//! waits for a subscriber.

use std::sync::Arc;

use alpha_kernel::{DomainEvent, EventPublisher, EventSubscriber};

pub struct EventBus {
    subscribers: Vec<Arc<dyn EventSubscriber>>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("subscribers", &self.subscribers.len())
            .finish()
    }
}

impl EventBus {
    pub fn new(subscribers: Vec<Arc<dyn EventSubscriber>>) -> Self {
        Self { subscribers }
    }
}

impl EventPublisher for EventBus {
    fn publish(&self, event: DomainEvent) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(
                event = event.name(),
                "event bus: no tokio runtime, event dropped"
            );
            return;
        };
        let event = Arc::new(event);
        for subscriber in &self.subscribers {
            let subscriber = subscriber.clone();
            let event = event.clone();
            runtime.spawn(async move {
                if let Err(err) = subscriber.handle(&event).await {
                    tracing::warn!(event = event.name(), error = %err, "event bus: a reaction failed");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use alpha_kernel::{ReactionError, SessionId};
    use uuid::Uuid;

    use super::*;

    struct Seen(Mutex<Vec<DomainEvent>>, bool);

    #[async_trait::async_trait]
    impl EventSubscriber for Seen {
        async fn handle(&self, event: &DomainEvent) -> Result<(), ReactionError> {
            self.0.lock().unwrap().push(event.clone());
            if self.1 {
                Err("this one fails".into())
            } else {
                Ok(())
            }
        }
    }

    #[tokio::test]
    async fn every_subscriber_hears_every_event_even_when_another_fails() {
        let failing = Arc::new(Seen(Mutex::default(), true));
        let working = Arc::new(Seen(Mutex::default(), false));
        let bus = EventBus::new(vec![failing.clone(), working.clone()]);
        let event = DomainEvent::SessionRevoked {
            session: SessionId(Uuid::new_v4()),
        };
        bus.publish(event.clone());
        bus.publish(event.clone());
        for _ in 0..100 {
            if working.0.lock().unwrap().len() == 2 && failing.0.lock().unwrap().len() == 2 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(
            *working.0.lock().unwrap(),
            vec![event.clone(), event.clone()]
        );
        assert_eq!(failing.0.lock().unwrap().len(), 2);
    }
}
