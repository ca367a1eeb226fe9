//! Why a notification use case failed.

use alpha_kernel::RepoError;

/// A send (or draft) the rules refuse. Found before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSend {
    #[error("title must be 1 to 255 characters")]
    Title,
    #[error("body must be 1 to 4000 characters")]
    Body,
    #[error(
        "Invalid notification type: expected all_users, brand_subscribers, specific_user or topic"
    )]
    Type,
    #[error("Brand ID is required: targetData.brandId must be a UUID")]
    BrandIdRequired,
    #[error("User ID is required: targetData.userId must be a UUID")]
    UserIdRequired,
    #[error("Topic is required")]
    TopicRequired,
    #[error("topic must be 1 to 255 of a-z A-Z 0-9 - _ . ~ %")]
    Topic,
    #[error("targetData must be an object")]
    TargetData,
    #[error(
        "additionalData must be an object of at most 50 keys, none reserved by FCM (from, \
         notification, message_type, collapse_key, google.*, gcm.*), in all under 3000 bytes"
    )]
    AdditionalData,
    #[error("token must be 1 to 4096 characters without spaces or control characters")]
    Token,
    #[error("No brand has this brandId")]
    BrandNotFound,
    #[error("No user has this userId")]
    UserNotFound,
    #[error("This user has no push token (the app has not registered one)")]
    UserHasNoToken,
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// The send is refused; nothing was written.
    #[error(transparent)]
    Invalid(#[from] InvalidSend),
    /// A history listing asks for something out of range; the message names it.
    #[error("{field} {reason}")]
    Query { field: &'static str, reason: String },
    /// No history row has this uuid.
    #[error("Notification not found")]
    NotFound,
    /// The row is not a draft (`pending`) any more: it was sent or is being sent.
    #[error("Notification has already been sent")]
    AlreadySent,
    #[error(transparent)]
    Repo(#[from] RepoError),
}
