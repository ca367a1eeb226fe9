//! What the admin routes show: history rows, pages of them, and the totals.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::errors::NotificationError;
use crate::types::{NotificationStatus, NotificationType};

/// Who sent a notification, as admins may see it: never a token, hash or password (S7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SenderView {
    pub uuid: Uuid,
    pub name: Option<String>,
}

/// A `notification_history` row (CONTRACT §2.15), with its sender.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    pub uuid: Uuid,
    pub title: String,
    pub body: String,
    #[serde(rename = "type")]
    pub kind: NotificationType,
    pub status: NotificationStatus,
    #[schema(value_type = Option<Object>)]
    pub target_data: Option<Value>,
    /// Outbox rows of the send (a topic counts as one).
    pub total_recipients: i32,
    /// Rows FCM accepted.
    pub successful_deliveries: i32,
    /// Rows that failed for good.
    pub failed_deliveries: i32,
    #[schema(value_type = Option<Object>)]
    pub delivery_details: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Value>,
    pub sent_by: Option<Uuid>,
    /// ISO 8601 with milliseconds, UTC.
    pub scheduled_for: Option<String>,
    pub is_scheduled: bool,
    pub topic: Option<String>,
    /// Why deliveries failed (the last reason seen), when some did.
    pub error_message: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sender: Option<SenderView>,
}

/// The columns a history listing may sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    CreatedAt,
    UpdatedAt,
    ScheduledFor,
    Title,
    Type,
    Status,
    TotalRecipients,
}

impl SortColumn {
    pub const ALL: [(Self, &'static str); 7] = [
        (Self::CreatedAt, "createdAt"),
        (Self::UpdatedAt, "updatedAt"),
        (Self::ScheduledFor, "scheduledFor"),
        (Self::Title, "title"),
        (Self::Type, "type"),
        (Self::Status, "status"),
        (Self::TotalRecipients, "totalRecipients"),
    ];
}

/// A checked history listing (`GET /notifications/admin/history`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    pub kind: Option<NotificationType>,
    pub status: Option<NotificationStatus>,
    /// Title or body contains this, any case.
    pub search: Option<String>,
    pub sort: SortColumn,
    pub descending: bool,
    /// From 1.
    pub page: u32,
    pub limit: u32,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// The listing as asked, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub kind: Option<NotificationType>,
    pub status: Option<NotificationStatus>,
    pub search: Option<String>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub page: Option<u32>,
    pub limit: Option<u32>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

const MAX_LIMIT: u32 = 100;
const MAX_PAGE: u32 = 1_000_000;

impl HistoryQuery {
    /// Defaults: page 1, 10 a page, newest first (as the old API).
    ///
    /// Errors: [`NotificationError::Query`] naming the field out of range.
    pub fn new(filter: HistoryFilter) -> Result<Self, NotificationError> {
        let invalid = |field, reason: &str| NotificationError::Query {
            field,
            reason: reason.to_owned(),
        };
        let sort = match filter.sort_by.as_deref().map(str::trim) {
            None | Some("") => SortColumn::CreatedAt,
            Some(name) => SortColumn::ALL
                .into_iter()
                .find(|(_, label)| label.eq_ignore_ascii_case(name))
                .map(|(column, _)| column)
                .ok_or_else(|| {
                    invalid(
                        "sortBy",
                        "must be createdAt, updatedAt, scheduledFor, title, type, status or totalRecipients",
                    )
                })?,
        };
        let descending = match filter.sort_order.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(order) if order.eq_ignore_ascii_case("desc") => true,
            Some(order) if order.eq_ignore_ascii_case("asc") => false,
            Some(_) => return Err(invalid("sortOrder", "must be ASC or DESC")),
        };
        let page = filter.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(invalid("page", "must be 1 to 1000000"));
        }
        let limit = filter.limit.unwrap_or(10);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(invalid("limit", "must be 1 to 100"));
        }
        let search = filter.search.map(|s| s.trim().to_owned());
        if search
            .as_deref()
            .is_some_and(|s| s.chars().count() > 255 || s.contains('\0'))
        {
            return Err(invalid("search", "must be at most 255 characters, no NUL"));
        }
        // A startDate after the endDate is a range nothing falls in: an empty page, not an error.
        Ok(Self {
            kind: filter.kind,
            status: filter.status,
            search: search.filter(|s| !s.is_empty()),
            sort,
            descending,
            page,
            limit,
            start: filter.start,
            end: filter.end,
        })
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }
}

/// One page of history, as the old API answered it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub total: u64,
    pub page: u32,
    pub limit: u32,
    pub total_pages: u64,
    pub data: Vec<NotificationView>,
}

impl HistoryPage {
    pub fn new(query: &HistoryQuery, total: u64, data: Vec<NotificationView>) -> Self {
        Self {
            total,
            page: query.page,
            limit: query.limit,
            total_pages: total.div_ceil(u64::from(query.limit)),
            data,
        }
    }
}

/// The totals of `GET /notifications/admin/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationStats {
    pub total_notifications: u64,
    pub total_recipients: u64,
    pub total_successful_deliveries: u64,
    pub total_failed_deliveries: u64,
    /// Successful over all recipients, in whole percent (0 when there were none).
    pub success_rate: u64,
    pub notifications_by_type: BTreeMap<String, u64>,
    pub notifications_by_status: BTreeMap<String, u64>,
}

impl NotificationStats {
    /// Fills `success_rate` from the totals.
    #[must_use]
    pub fn with_rate(mut self) -> Self {
        self.success_rate = match self.total_recipients {
            0 => 0,
            all => (self.total_successful_deliveries * 100 + all / 2) / all,
        };
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn history_defaults_to_newest_first_ten_a_page() {
        let q = HistoryQuery::new(HistoryFilter::default()).unwrap();
        assert_eq!(
            (q.sort, q.descending, q.page, q.limit),
            (SortColumn::CreatedAt, true, 1, 10)
        );
        assert_eq!(q.offset(), 0);
    }

    #[test]
    fn history_refuses_unknown_sorts_and_out_of_range_pages() {
        let with = |f: HistoryFilter| HistoryQuery::new(f).unwrap_err().to_string();
        let bad_sort = HistoryFilter {
            sort_by: Some("password".into()),
            ..HistoryFilter::default()
        };
        assert!(with(bad_sort).starts_with("sortBy"));
        let zero = HistoryFilter {
            page: Some(0),
            ..HistoryFilter::default()
        };
        assert!(with(zero).starts_with("page"));
        let big = HistoryFilter {
            limit: Some(101),
            ..HistoryFilter::default()
        };
        assert!(with(big).starts_with("limit"));
        let order = HistoryFilter {
            sort_order: Some("sideways".into()),
            ..HistoryFilter::default()
        };
        assert!(with(order).starts_with("sortOrder"));
    }

    #[test]
    fn pages_and_rates_round() {
        let q = HistoryQuery::new(HistoryFilter {
            page: Some(3),
            limit: Some(4),
            sort_by: Some("TITLE".into()),
            sort_order: Some("asc".into()),
            ..HistoryFilter::default()
        })
        .unwrap();
        assert_eq!(
            (q.sort, q.descending, q.offset()),
            (SortColumn::Title, false, 8)
        );
        assert_eq!(HistoryPage::new(&q, 9, vec![]).total_pages, 3);
        let stats = NotificationStats {
            total_recipients: 3,
            total_successful_deliveries: 2,
            ..NotificationStats::default()
        };
        assert_eq!(stats.with_rate().success_rate, 67);
    }
}
