//! `notification_history` rows as read, and what they become.

use alpha_kernel::{UserId, iso_millis};
use alpha_notifications::{
    NotificationStatus, NotificationType, NotificationView, SendInput, SenderView, StoredDraft,
};
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Bool, Int4, Json, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use serde_json::Value;
use uuid::Uuid;

/// The columns [`HistoryRow`] reads, from `notification_history n LEFT JOIN users u`. Enums are
/// read as their labels; the sender is reduced to its uuid and name (S7).
pub(super) const VIEW_COLUMNS: &str = "n.uuid, n.title, n.body, n.type::text AS kind, \
     n.status::text AS status, n.\"targetData\" AS target_data, \
     COALESCE(n.\"totalRecipients\", 0) AS total_recipients, \
     COALESCE(n.\"successfulDeliveries\", 0) AS successful_deliveries, \
     COALESCE(n.\"failedDeliveries\", 0) AS failed_deliveries, \
     n.\"deliveryDetails\" AS delivery_details, n.\"additionalData\" AS additional_data, \
     n.\"sentBy\" AS sent_by, n.\"scheduledFor\" AS scheduled_for, \
     COALESCE(n.\"isScheduled\", false) AS is_scheduled, n.topic, \
     n.\"errorMessage\" AS error_message, n.\"createdAt\" AS created_at, \
     n.\"updatedAt\" AS updated_at, u.uuid AS sender_uuid, u.name AS sender_name";

pub(super) const VIEW_FROM: &str =
    "notification_history n LEFT JOIN users u ON u.uuid = n.\"sentBy\"";

#[derive(QueryableByName)]
pub(super) struct HistoryRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Json>)]
    target_data: Option<Value>,
    #[diesel(sql_type = Int4)]
    total_recipients: i32,
    #[diesel(sql_type = Int4)]
    successful_deliveries: i32,
    #[diesel(sql_type = Int4)]
    failed_deliveries: i32,
    #[diesel(sql_type = Nullable<Json>)]
    delivery_details: Option<Value>,
    #[diesel(sql_type = Nullable<Json>)]
    additional_data: Option<Value>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    sent_by: Option<Uuid>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    scheduled_for: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    is_scheduled: bool,
    #[diesel(sql_type = Nullable<Text>)]
    topic: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    error_message: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    sender_uuid: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    sender_name: Option<String>,
}

/// The enum's labels always parse; should a later migration add one this build does not know,
/// the row shows as failed rather than breaking the listing.
fn status(label: &str) -> NotificationStatus {
    NotificationStatus::from_label(label).unwrap_or(NotificationStatus::Failed)
}

fn kind(label: &str) -> NotificationType {
    NotificationType::parse(label).unwrap_or(NotificationType::AllUsers)
}

impl HistoryRow {
    pub(super) fn view(self) -> NotificationView {
        NotificationView {
            uuid: self.uuid,
            title: self.title,
            body: self.body,
            kind: kind(&self.kind),
            status: status(&self.status),
            target_data: self.target_data,
            total_recipients: self.total_recipients,
            successful_deliveries: self.successful_deliveries,
            failed_deliveries: self.failed_deliveries,
            delivery_details: self.delivery_details,
            additional_data: self.additional_data,
            sent_by: self.sent_by,
            scheduled_for: self.scheduled_for.map(iso_millis),
            is_scheduled: self.is_scheduled,
            topic: self.topic,
            error_message: self.error_message,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
            sender: self.sender_uuid.map(|uuid| SenderView {
                uuid,
                name: self.sender_name,
            }),
        }
    }

    /// The row as the draft an admin wrote, to check again and send or edit.
    pub(super) fn draft(self) -> StoredDraft {
        StoredDraft {
            status: status(&self.status),
            sent_by: self.sent_by.map(UserId),
            input: SendInput {
                title: self.title,
                body: self.body,
                kind: self.kind,
                target_data: self.target_data,
                additional_data: self.additional_data,
                topic: self.topic,
                scheduled_for: self.scheduled_for,
                is_scheduled: Some(self.is_scheduled),
            },
        }
    }
}
