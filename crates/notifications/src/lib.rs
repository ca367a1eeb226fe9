//! Push notifications (CONTRACT §2.15, issue 13): what a valid send is and who it reaches
//! ([`CheckedSend`], checked before anything is written), sends and drafts over the
//! [`NotificationRepo`] port ([`NotificationService`]), delivery of the outbox through the
//! [`PushSender`] port with retries and backoff ([`OutboxWorker`]), and the new-listing push to
//! a brand's subscribers when a post is approved ([`PushNewListings`]).
//!
//! Nothing here talks to FCM or the database: the FCM HTTP v1 adapter is `alpha-push-fcm`, the
//! tables are the store's. Who may call what (admins only) is the HTTP edge's guard.

mod errors;
mod ports;
mod reactions;
mod send;
mod service;
mod types;
mod views;
mod worker;

pub use errors::{InvalidSend, NotificationError};
pub use ports::{
    Delivery, DeliveryResult, ListingPush, NewNotification, NotificationRepo, Outbox, OutboxRepo,
    PushOutcome, PushSender, StoredDraft,
};
pub use reactions::{EV_NOTIFICATION, POST_KEY, PushNewListings, listing_text};
pub use send::{Audience, CheckedSend, SendInput, push_data};
pub use service::{DraftPatch, NO_SUBSCRIBER_TOKENS, NotificationService};
pub use types::{
    ALL_USERS_TOPIC, NotificationStatus, NotificationType, PushMessage, PushTarget, Recipient,
    Topic,
};
pub use views::{
    HistoryFilter, HistoryPage, HistoryQuery, NotificationStats, NotificationView, SenderView,
    SortColumn,
};
pub use worker::{KEEP_DONE, OutboxWorker, RunSummary, WorkerConfig, backoff, decide};
