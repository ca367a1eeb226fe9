//! What the OpenAPI document says about posts. The handlers send `alpha_listings::PostView`
//! (rendered by the store); these types only describe it.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A post's contact details.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalInfoDoc {
    pub name: Option<String>,
    pub location: Option<String>,
    pub phone: Option<String>,
    pub region: Option<String>,
}

/// One post. `userId` only in `GET /posts/me` and `POST /posts/list`; the related rows only when
/// asked for (`brand`, `model`, `photo`, `subscription`, `category`), or always in
/// `GET /posts/{uuid}` (`video`, `file`, `comments`, `category`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Post)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct PostDoc {
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
    /// In TMT.
    pub price: Option<f64>,
    pub original_currency: Option<String>,
    pub currency: Option<String>,
    pub personal_info: Option<PersonalInfoDoc>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub color: Option<String>,
    #[schema(required = false)]
    pub user_id: Option<Uuid>,
    /// `null` pending moderation, `true` approved, `false` declined.
    pub status: Option<bool>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
    pub category_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
    #[schema(required = false)]
    pub brand: Option<serde_json::Value>,
    #[schema(required = false)]
    pub model: Option<serde_json::Value>,
    #[schema(required = false)]
    pub photo: Option<Vec<serde_json::Value>>,
    #[schema(required = false)]
    pub category: Option<serde_json::Value>,
    #[schema(required = false)]
    pub subscription: Option<serde_json::Value>,
    #[schema(required = false)]
    pub video: Option<serde_json::Value>,
    #[schema(required = false)]
    pub file: Option<serde_json::Value>,
    #[schema(required = false)]
    pub comments: Option<Vec<serde_json::Value>>,
}

/// `{count, rows}`, or `{count}` alone with `countOnly`.
#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
pub struct FeedReply {
    /// Distinct posts matching the filters.
    pub count: u64,
    #[schema(required = false)]
    pub rows: Option<Vec<PostDoc>>,
}

/// A create or an edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostSaved {
    pub message: &'static str,
    pub uuid: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostDeleted {
    pub message: &'static str,
}

/// `{message, photos}`: the uuids of the photos added, in the order sent (the old API answered
/// `{message}` alone).
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotosAdded {
    pub message: &'static str,
    pub photos: Vec<Uuid>,
}

/// `{message}` alone.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoDeleted {
    pub message: &'static str,
}

// The form structs only describe the forms in the OpenAPI document: the handlers stream the
// parts (`media::form`), so nothing constructs them.

/// Images under `files` (one part per image) and the post's `uuid`, sent before the files or
/// after them.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct PostPhotosForm {
    /// Up to 10 JPEG, PNG or WebP images of at most 5 MB each.
    #[schema(value_type = Vec<String>, content_media_type = "application/octet-stream")]
    files: Vec<Vec<u8>>,
    uuid: Uuid,
}

/// One image under `file` and the post's `uuid`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct PostPhotoForm {
    /// A JPEG, PNG or WebP image of at most 5 MB.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    uuid: Uuid,
}
