//! Reactions across contexts: a context publishes what happened, and subscribers registered in
//! one place (the composition root) react. Publishing never waits for a subscriber.
//!
//! In-process and best effort: a crash loses what was not handled yet. Delivery that must
//! survive one (pushes, SMS) goes through an outbox table instead.

use uuid::Uuid;

use crate::{SessionId, UserId};

/// Something that happened, as other contexts may care about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainEvent {
    /// An SMS device acknowledged a login code for the first time (`otp_id`, E.164 `phone`).
    CodeDelivered { otp_id: Uuid, phone: String },
    /// A session ended (logout, refresh-token reuse): its live connections must close.
    SessionRevoked { session: SessionId },
    /// A user was deleted: every live connection of theirs must close.
    UserDeleted { user: UserId },
    /// An admin approved a post: the subscribers of its brand may hear of it. The names are
    /// those of the catalog at approval time, for the message text.
    PostApproved {
        post: Uuid,
        owner: Option<UserId>,
        brand: Option<Uuid>,
        brand_name: Option<String>,
        model_name: Option<String>,
    },
}

impl DomainEvent {
    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Self::CodeDelivered { .. } => "code_delivered",
            Self::SessionRevoked { .. } => "session_revoked",
            Self::UserDeleted { .. } => "user_deleted",
            Self::PostApproved { .. } => "post_approved",
        }
    }
}

/// Port: where contexts publish events. Returns at once.
pub trait EventPublisher: Send + Sync {
    fn publish(&self, event: DomainEvent);
}

/// Why a reaction failed; the bus logs it with the event's name.
pub type ReactionError = Box<dyn std::error::Error + Send + Sync>;

/// A reaction to events; it ignores the kinds it does not handle.
#[async_trait::async_trait]
pub trait EventSubscriber: Send + Sync {
    /// Errors: whatever kept the reaction from happening.
    async fn handle(&self, event: &DomainEvent) -> Result<(), ReactionError>;
}

/// Publishes nowhere: for services built without reactions (tests, tools).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl EventPublisher for NoEvents {
    fn publish(&self, _event: DomainEvent) {}
}

/// "Session revoked" / "user deleted" → close their live connections.
pub struct DisconnectEndedSessions(pub std::sync::Arc<dyn crate::UserNotifier>);

#[async_trait::async_trait]
impl EventSubscriber for DisconnectEndedSessions {
    async fn handle(&self, event: &DomainEvent) -> Result<(), ReactionError> {
        match event {
            DomainEvent::SessionRevoked { session } => self.0.disconnect_session(*session).await,
            DomainEvent::UserDeleted { user } => self.0.disconnect_user(*user).await,
            DomainEvent::CodeDelivered { .. } | DomainEvent::PostApproved { .. } => {}
        }
        Ok(())
    }
}
