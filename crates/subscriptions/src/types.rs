//! Orders as the rules see them and as the wire shows them.

use alpha_kernel::{Phone, PhonePolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::errors::OrderError;

/// `subscription_order.location` and `.phone` are `varchar(255)`.
const MAX_TEXT: usize = 255;

/// Where an order stands. The old API wrote only `Pending` and never read it back; these are
/// the moderation words the rest of the contract uses (vlog statuses), spelled the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum OrderStatus {
    /// Placed, not yet handled; every new order starts here.
    Pending,
    /// An admin took it (the plan is being or was given).
    Accepted,
    /// An admin turned it down.
    Declined,
}

impl OrderStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Accepted, Self::Declined];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
        }
    }

    /// The status a stored value means. Legacy rows may hold NULL or any text (the column is a
    /// plain varchar); the old API only ever wrote `Pending`, so anything else unknown is an
    /// order nobody handled yet.
    pub fn from_stored(stored: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| Some(s.as_str()) == stored)
            .unwrap_or(Self::Pending)
    }

    /// Whether an admin may move an order from `self` to `next`: a pending order is accepted or
    /// declined; a decided one can only be reopened (back to `Pending`), so a decision is never
    /// flipped to its opposite in one click. Asking for the current status is a no-op.
    pub fn may_become(self, next: Self) -> bool {
        self == next || self == Self::Pending || next == Self::Pending
    }
}

/// An order as sent: the app's `{location, phone, subscriptionId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderInput {
    pub location: String,
    pub phone: String,
    pub plan: Uuid,
}

/// A checked order, ready to be stored. Once you hold one, it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    uuid: Uuid,
    location: String,
    phone: Phone,
    plan: Uuid,
}

impl NewOrder {
    /// Checks `input`: a location of 1 to 255 characters (trimmed, no NUL) and a phone that
    /// logs in under `policy` (stored in E.164, as users' phones are).
    ///
    /// Errors: [`OrderError::Invalid`] (location), [`OrderError::InvalidPhone`].
    pub fn parse(input: OrderInput, policy: &PhonePolicy) -> Result<Self, OrderError> {
        let OrderInput {
            location,
            phone,
            plan,
        } = input;
        let location = bounded_text("location", &location)?
            .ok_or_else(|| OrderError::invalid("location", "is required"))?;
        let phone = Phone::parse(&phone, policy).map_err(OrderError::InvalidPhone)?;
        Ok(Self {
            uuid: Uuid::new_v4(),
            location,
            phone,
            plan,
        })
    }

    pub fn uuid(&self) -> Uuid {
        self.uuid
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn phone(&self) -> &Phone {
        &self.phone
    }

    /// The premium plan (`subscriptions.uuid`) asked for.
    pub fn plan(&self) -> Uuid {
        self.plan
    }
}

/// Trimmed text; `None` when blank. The length limit, [`MAX_TEXT`] characters, counts the text
/// as sent, spaces included, as the published schema does; NUL cannot be stored.
fn bounded_text(field: &'static str, text: &str) -> Result<Option<String>, OrderError> {
    if text.contains('\0') {
        return Err(OrderError::invalid(field, "must not contain NUL"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(OrderError::invalid(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    }
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// One page of the admins' order list: one status, optionally a location, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderQuery {
    status: OrderStatus,
    location: Option<String>,
    offset: u32,
    limit: u32,
}

impl OrderQuery {
    pub const DEFAULT_LIMIT: u32 = 20;
    pub const MAX_LIMIT: u32 = 100;

    /// The list #102 meant: `status` defaults to `Pending`; `location` matches part of the
    /// order's location, any case (blank means none); `offset` defaults to 0 and `limit` to
    /// [`Self::DEFAULT_LIMIT`], at most [`Self::MAX_LIMIT`].
    ///
    /// Errors: [`OrderError::Invalid`] for a limit out of range or a location filter longer
    /// than a location can be.
    pub fn new(
        status: Option<OrderStatus>,
        location: Option<&str>,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Self, OrderError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(OrderError::invalid(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        let location = match location {
            Some(text) => bounded_text("location", text)?,
            None => None,
        };
        Ok(Self {
            status: status.unwrap_or(OrderStatus::Pending),
            location,
            offset: offset.unwrap_or(0),
            limit,
        })
    }

    pub fn status(&self) -> OrderStatus {
        self.status
    }

    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    pub fn offset(&self) -> u32 {
        self.offset
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }
}

/// A `subscription_order` row as the old API emitted it (CONTRACT §1.16 SubscriptionOrder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrderView {
    pub uuid: Uuid,
    // Always sent, null for legacy rows: required, so an order never reads as a plan.
    #[schema(required = true)]
    pub location: Option<String>,
    /// The contact number left with the order, in E.164 (`+99361234567`).
    #[schema(required = true)]
    pub phone: Option<String>,
    /// `Pending`, `Accepted` or `Declined` (legacy rows may hold other text).
    #[schema(required = true, example = "Pending")]
    pub status: Option<String>,
    /// The premium plan; null once the plan was deleted.
    #[serde(rename = "subscriptionId")]
    #[schema(required = true)]
    pub subscription_id: Option<Uuid>,
    #[serde(rename = "createdAt")]
    pub created_at: String,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
}

/// A page of orders and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrdersPage {
    /// Orders matching the filters, over all pages.
    pub count: u64,
    /// This page, newest first.
    pub rows: Vec<OrderView>,
}
