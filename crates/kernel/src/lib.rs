//! Value types and ports shared by every domain crate. Pure: no I/O beyond reading the clock.

mod audit;
mod clock;
mod email;
mod events;
mod health;
mod ids;
mod mask;
mod notify;
mod page;
mod phone;
mod rate_limit;
mod repo_error;
mod version;
mod wire_time;

pub use audit::{AuditEntry, AuditLog, AuditQuery, AuditRecord};
pub use clock::{Clock, FakeClock, SystemClock};
pub use email::{Email, InvalidEmail};
pub use events::{
    DisconnectEndedSessions, DomainEvent, EventPublisher, EventSubscriber, NoEvents, ReactionError,
};
pub use health::{Health, NotReady};
pub use ids::{SessionId, UserId};
pub use mask::mask_phone;
pub use notify::UserNotifier;
pub use page::{PageRequest, Paged};
pub use phone::{DEFAULT_EXTRA_MOBILE_PREFIXES, Phone, PhoneError, PhonePolicy};
pub use rate_limit::{RateDecision, RateLimiter};
pub use repo_error::RepoError;
pub use version::Version;
pub use wire_time::iso_millis;
