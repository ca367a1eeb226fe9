//! The bodies the send routes share, and their answers.

use alpha_notifications::{NotificationStatus, NotificationType, NotificationView, SendInput};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// A notification as an admin writes it (`/admin/send`, `/admin/create`). Nothing else is taken.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SendBody {
    /// 1 to 255 characters.
    #[schema(min_length = 1, max_length = 255, example = "Weekend sale")]
    pub title: String,
    /// 1 to 4000 characters.
    #[schema(
        min_length = 1,
        max_length = 4000,
        example = "All premium listings -20% until Sunday"
    )]
    pub body: String,
    /// Who receives it: `all_users` (topic `all`), `brand_subscribers` (`targetData.brandId`),
    /// `specific_user` (`targetData.userId`, who must have a push token) or `topic` (`topic`).
    #[serde(rename = "type")]
    #[schema(value_type = NotificationType)]
    pub kind: String,
    /// `{"brandId": uuid}` or `{"userId": uuid}`, by type.
    #[schema(value_type = Option<Object>)]
    pub target_data: Option<Value>,
    /// Handed to the app with the push: an object of at most 50 keys (values sent as text).
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
    /// The FCM topic for type `topic`: 1 to 255 of `a-z A-Z 0-9 - _ . ~ %`.
    #[schema(max_length = 255, example = "offers")]
    pub topic: Option<String>,
    /// Not before this time (RFC 3339); now when absent or past.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// Whether the send is a scheduled one; default: whether `scheduledFor` is given.
    pub is_scheduled: Option<bool>,
}

impl From<SendBody> for SendInput {
    fn from(body: SendBody) -> Self {
        SendInput {
            title: body.title,
            body: body.body,
            kind: body.kind,
            target_data: body.target_data,
            additional_data: body.additional_data,
            topic: body.topic,
            scheduled_for: body.scheduled_for,
            is_scheduled: body.is_scheduled,
        }
    }
}

/// Where a queued send stands. The counters are the history row's: they grow as the worker
/// delivers, so right after queueing they are 0.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryResult {
    /// Outbox rows (device tokens, or 1 for a topic).
    pub total_recipients: i32,
    pub successful_deliveries: i32,
    pub failed_deliveries: i32,
    /// When it goes out, if scheduled.
    pub scheduled_for: Option<String>,
}

/// The answer of `/admin/send` and `/admin/send-draft/{uuid}` (CONTRACT #106 and #113).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// `Notification queued for delivery`.
    pub message: &'static str,
    pub notification_id: Uuid,
    /// `sending` (queued), or `failed` when nobody could be reached.
    pub status: NotificationStatus,
    pub delivery_result: DeliveryResult,
}

impl Queued {
    pub fn of(view: NotificationView) -> Self {
        Self {
            message: "Notification queued for delivery",
            notification_id: view.uuid,
            status: view.status,
            delivery_result: DeliveryResult {
                total_recipients: view.total_recipients,
                successful_deliveries: view.successful_deliveries,
                failed_deliveries: view.failed_deliveries,
                scheduled_for: view.scheduled_for,
            },
        }
    }
}
