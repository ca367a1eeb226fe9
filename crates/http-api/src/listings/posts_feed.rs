use actix_web::{HttpRequest, HttpResponse, get, web};
use alpha_listings::{FeedAnswer, FeedPage, FeedQuery, RawFeedQuery};
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};

use super::schema::FeedReply;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::text_schema::UUID;

/// The feed's query parameters, for the document only: the handler reads the raw pairs, so
/// arrays may be sent as repeated keys with or without `[]`. Empty values count as absent; a
/// scalar given twice, or a minimum above its maximum, is 400 `INVALID_FIELD`.
#[derive(Debug, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct FeedParams {
    /// Default 0.
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?[0-9]{1,9})?\s*$")]
    offset: Option<String>,
    /// Default 50, at most 100 (larger values read 100).
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?[0-9]{1,9})?\s*$")]
    limit: Option<String>,
    /// Include each post's `brand`.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    brand: Option<String>,
    /// Include each post's `model`.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    model: Option<String>,
    /// Include each post's `photo` array.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    photo: Option<String>,
    /// Include each post's `category`.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    category: Option<String>,
    /// Include each post's premium plan as `subscription`.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    subscription: Option<String>,
    /// `true`: approved posts only; `false`: declined only; absent: every status.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    status: Option<String>,
    /// Answer `{count}` only.
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    count_only: Option<String>,
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    credit: Option<String>,
    #[param(value_type = Option<String>, pattern = r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)?\s*$")]
    exchange: Option<String>,
    /// Between 0 and 2100.
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?0*([0-9]{1,3}|1[0-9]{3}|20[0-9]{2}|2100))?\s*$")]
    min_year: Option<String>,
    /// Between 0 and 2100.
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?0*([0-9]{1,3}|1[0-9]{3}|20[0-9]{2}|2100))?\s*$")]
    max_year: Option<String>,
    /// On the price in TMT; alone it ranges up to 2,000,000,000 (hence at most 9 digits here).
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?([0-9]{1,9}(\.[0-9]*)?|\.[0-9]+))?\s*$")]
    min_price: Option<String>,
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+))?\s*$")]
    max_price: Option<String>,
    /// At least this engine power.
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+))?\s*$")]
    engine_power: Option<String>,
    /// At most this mileage.
    #[param(value_type = Option<String>, pattern = r"^\s*(\+?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+))?\s*$")]
    milleage: Option<String>,
    /// Exact match.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    transmission: Option<String>,
    /// Exact match.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    condition: Option<String>,
    /// Exact match.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    engine_type: Option<String>,
    /// Substring of the post's location, any case.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    location: Option<String>,
    /// Substring of the seller's region, any case.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    region: Option<String>,
    /// Substring of the description, brand or model name, any case.
    #[param(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    search: Option<String>,
    /// The category's uuid.
    #[param(value_type = Option<String>, pattern = r"^\s*(([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}))?\s*$")]
    category_filter: Option<String>,
    /// Brands (at most 100).
    #[serde(rename = "brandFilter[]")]
    #[param(schema_with = uuid_array)]
    brand_filter: Option<Vec<String>>,
    /// Models (at most 100).
    #[serde(rename = "modelFilter[]")]
    #[param(schema_with = uuid_array)]
    model_filter: Option<Vec<String>>,
    /// Premium plans (at most 100): only posts with one of them.
    #[serde(rename = "subFilter[]")]
    #[param(schema_with = uuid_array)]
    sub_filter: Option<Vec<String>>,
    /// Colours, exact (at most 100).
    #[serde(rename = "color[]")]
    #[param(schema_with = text_array)]
    color: Option<Vec<String>>,
    /// Default `createdAt`.
    #[param(value_type = Option<String>, pattern = r"^\s*(createdAt|price|year|milleage)?\s*$")]
    sort_by: Option<String>,
    /// Default `desc`.
    #[param(value_type = Option<String>, pattern = r"^\s*([Aa][Ss][Cc]|[Dd][Ee][Ss][Cc])?\s*$")]
    sort_as: Option<String>,
}

fn uuid_array() -> Schema {
    // Values are trimmed and blank ones skipped, as for the single-valued filters.
    let uuid = UUID.trim_start_matches('^').trim_end_matches('$');
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(format!(r"^\s*({uuid})?\s*$"))),
        )
        .max_items(Some(100))
        .build()
        .into()
}

fn text_array() -> Schema {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(255))
                .pattern(Some(r"^[^\u0000]*$")),
        )
        .max_items(Some(100))
        .build()
        .into()
}

/// What the feed answers, as sent.
#[derive(Serialize)]
#[serde(untagged)]
enum Reply {
    Count { count: u64 },
    Page(FeedPage),
}

/// The feed (public): a page of posts with the asked related rows, or their count alone. An
/// answer is rendered once and reused until a post changes (up to 5 s, 10 s at worst, for changes made through
/// another server instance); it carries an `ETag`, and `Cache-Control: no-cache` so clients
/// revalidate.
#[utoipa::path(
    tag = "posts",
    params(FeedParams),
    responses(
        (status = 200, description = "`{count, rows}`, or `{count}` with `countOnly`", body = FeedReply),
        (status = 304, description = "Unchanged since the `ETag` in `If-None-Match`"),
        (status = 400, description = "`INVALID_FIELD` naming the parameter, or `INVALID_QUERY`", body = ErrorBody),
    )
)]
#[get("/posts")]
pub(crate) async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    pairs: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let raw = RawFeedQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let query = FeedQuery::parse(raw)?;
    state
        .listings_cache
        .respond(&req, || async {
            state
                .listings
                .feed(&query)
                .await
                .map(|answer| match answer {
                    FeedAnswer::Count(count) => Reply::Count { count },
                    FeedAnswer::Page(page) => Reply::Page(page),
                })
        })
        .await
}
