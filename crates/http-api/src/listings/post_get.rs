use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_listings::{FeedIncludes, PostId};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::schema::PostDoc;
use crate::catalog::params;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostQuery {
    /// Include the post's `brand`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub brand: Option<bool>,
    /// Include the post's `model`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub model: Option<bool>,
    /// Include the post's `photo` array.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub photo: Option<bool>,
    /// Include the post's premium plan as `subscription`.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<String>, pattern = r"^(true|false|1|0)?$")]
    pub subscription: Option<bool>,
}

/// One post, whatever its moderation status, always with `video`, `file`, `comments` and
/// `category`. Rendered once and reused until a post changes (up to 5 s, 10 s at worst, for changes made
/// through another server instance), with an `ETag` and `Cache-Control: no-cache`.
#[utoipa::path(
    tag = "posts",
    params(("uuid" = Uuid, Path, description = "The post"), PostQuery),
    responses(
        (status = 200, description = "The post", body = PostDoc),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_PATH_PARAMETER` or `INVALID_QUERY`", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[get("/posts/{uuid}", guard = "super::not_a_fixed_post_path")]
pub(crate) async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    uuid: web::Path<Uuid>,
    query: web::Query<PostQuery>,
) -> Result<HttpResponse, ApiError> {
    let includes = FeedIncludes {
        brand: query.brand.unwrap_or(false),
        model: query.model.unwrap_or(false),
        photo: query.photo.unwrap_or(false),
        category: true,
        subscription: query.subscription.unwrap_or(false),
    };
    let id = PostId(uuid.into_inner());
    state
        .listings_cache
        .respond(&req, || state.listings.get(id, includes))
        .await
}
