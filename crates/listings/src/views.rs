//! What the reads return. [`PostView`] is the post row as the app reads it (CONTRACT §1.16,
//! keys in the old order); the related rows a query asked for (`brand`, `model`, `photo`,
//! `subscription`, `category`, `video`, `file`, `comments`) are rendered by the store in their
//! wire shape into `includes`, since no rule here looks at them.

use alpha_kernel::UserId;
use serde::Serialize;
use uuid::Uuid;

use crate::types::{Moderation, PersonalInfo, PostId};

/// One post as `GET /posts`, `GET /posts/:uuid`, `GET /posts/me` and `POST /posts/list` send it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    pub uuid: Uuid,
    pub brands_id: Option<Uuid>,
    pub models_id: Option<Uuid>,
    pub condition: Option<String>,
    pub transmission: Option<String>,
    pub engine_type: Option<String>,
    pub engine_power: Option<f64>,
    pub year: Option<i32>,
    pub milleage: Option<f64>,
    pub vin: Option<String>,
    pub original_price: Option<f64>,
    pub price: Option<f64>,
    pub original_currency: Option<String>,
    pub currency: Option<String>,
    pub personal_info: Option<PersonalInfo>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub color: Option<String>,
    /// Left out of the public feed and detail (`None` there), sent by `me` and `list`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Uuid>,
    pub status: Option<bool>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
    pub category_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    /// `iso_millis` strings.
    pub created_at: String,
    pub updated_at: String,
    #[serde(flatten)]
    pub includes: serde_json::Map<String, serde_json::Value>,
}

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedPage {
    /// Distinct posts matching the filters, whatever the includes (B7).
    pub count: u64,
    pub rows: Vec<PostView>,
}

/// What the update and delete rules need to know about a stored post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSnapshot {
    pub id: PostId,
    /// `None` once the owner's account is gone: then only admins may change it.
    pub owner: Option<UserId>,
    pub moderation: Moderation,
    pub original_price: Option<f64>,
    /// As stored; older rows may hold labels that no longer have a rate.
    pub original_currency: Option<String>,
    pub personal_info: Option<PersonalInfo>,
}
