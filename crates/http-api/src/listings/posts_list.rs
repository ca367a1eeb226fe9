use actix_web::{HttpResponse, post, web};
use alpha_listings::FeedIncludes;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::schema::PostDoc;
use crate::catalog::params;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

const MAX_UUIDS: usize = 200;

/// The app's favourites.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PostIds {
    /// At most 200 entries.
    #[schema(max_items = 200)]
    pub uuids: Vec<Uuid>,
    /// Include each post's `brand` (the app sends `"true"`).
    #[serde(default, deserialize_with = "params::flag")]
    #[schema(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub brand: Option<bool>,
    #[serde(default, deserialize_with = "params::flag")]
    #[schema(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub model: Option<bool>,
    #[serde(default, deserialize_with = "params::flag")]
    #[schema(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub photo: Option<bool>,
}

/// The posts among `uuids` that exist, every status, newest first, with `userId`. 201, as the
/// old API answered.
#[utoipa::path(
    tag = "posts",
    request_body = PostIds,
    responses(
        (status = 201, description = "The posts", body = Vec<PostDoc>),
        (status = 400, description = "`INVALID_FIELD` (too many uuids), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
    )
)]
#[post("/posts/list")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    body: JsonObject<PostIds>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // The schema's limit counts the list as sent, duplicates included.
    if body.uuids.len() > MAX_UUIDS {
        return Err(ApiError::bad_request(
            super::errors::INVALID_FIELD,
            format!("uuids may hold at most {MAX_UUIDS} entries"),
        ));
    }
    let includes = FeedIncludes {
        brand: body.brand.unwrap_or(false),
        model: body.model.unwrap_or(false),
        photo: body.photo.unwrap_or(false),
        ..FeedIncludes::default()
    };
    let posts = state.listings.by_ids(&body.uuids, includes).await?;
    Ok(HttpResponse::Created().json(posts))
}
