//! Notifications as the rules see them: kinds, statuses, topics, targets and messages.

use std::collections::BTreeMap;

use alpha_kernel::UserId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::errors::InvalidSend;

/// The topic every app device subscribes to (`main.dart`); `all_users` sends to it.
pub const ALL_USERS_TOPIC: &str = "all";

/// FCM takes topic names of up to 900 of `[a-zA-Z0-9-_.~%]`; the history keeps the name in
/// `notification_history.topic`, a varchar(255).
pub(crate) const MAX_TOPIC: usize = 255;

/// `notification_history.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationType {
    /// The topic `all`, which every app device subscribes to.
    AllUsers,
    /// The device tokens of the users subscribed to `targetData.brandId`.
    BrandSubscribers,
    /// The device token of `targetData.userId`.
    SpecificUser,
    /// The topic named by `topic`.
    Topic,
}

impl NotificationType {
    pub const ALL: [Self; 4] = [
        Self::AllUsers,
        Self::BrandSubscribers,
        Self::SpecificUser,
        Self::Topic,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AllUsers => "all_users",
            Self::BrandSubscribers => "brand_subscribers",
            Self::SpecificUser => "specific_user",
            Self::Topic => "topic",
        }
    }

    /// The kind a label names.
    ///
    /// Errors: [`InvalidSend::Type`] for anything else.
    pub fn parse(label: &str) -> Result<Self, InvalidSend> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == label)
            .ok_or(InvalidSend::Type)
    }
}

/// `notification_history.status`. Only `pending` rows are drafts (editable, deletable);
/// `sending` ones are queued or going out; the other three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationStatus {
    Pending,
    Sending,
    Sent,
    Failed,
    Partial,
}

impl NotificationStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Sending,
        Self::Sent,
        Self::Failed,
        Self::Partial,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Partial => "partial",
        }
    }

    /// The status a stored label means; `None` for a label this server does not know.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == label)
    }

    /// The final status of a send from its delivery counts: everything delivered is `sent`,
    /// nothing delivered is `failed`, anything between is `partial`.
    pub fn settled(delivered: u32, failed: u32) -> Self {
        match (delivered, failed) {
            (_, 0) if delivered > 0 => Self::Sent,
            (0, _) => Self::Failed,
            _ => Self::Partial,
        }
    }
}

/// An FCM topic name. Once you hold one, FCM accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic(String);

impl Topic {
    /// Errors: [`InvalidSend::Topic`] unless 1 to 255 of `a-z A-Z 0-9 - _ . ~ %`.
    pub fn parse(name: &str) -> Result<Self, InvalidSend> {
        let name = name.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.~%".contains(c);
        if name.is_empty() || name.len() > MAX_TOPIC || !name.chars().all(allowed) {
            return Err(InvalidSend::Topic);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where one push goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushTarget {
    /// One device's registration token.
    Token(String),
    /// Every device subscribed to the topic.
    Topic(String),
}

/// One recipient of a send: a target, and for device tokens the user it belongs to (so an
/// unregistered token is cleared from exactly that user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user: Option<UserId>,
    pub target: PushTarget,
}

impl Recipient {
    pub fn topic(topic: &Topic) -> Self {
        Self {
            user: None,
            target: PushTarget::Topic(topic.as_str().to_owned()),
        }
    }
}

/// What a device shows, plus the app's data (FCM wants every data value as a string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    pub data: BTreeMap<String, String>,
}
