use actix_web::{HttpResponse, post, web};
use alpha_catalog::views::BrandBrief;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use uuid::Uuid;

use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;
use crate::text_schema::UUID;

/// Most uuids one call may ask for.
const MAX_UUIDS: usize = 500;

#[derive(Debug, Deserialize, ToSchema)]
pub struct BrandsByUuidsBody {
    /// The brands to return (at most 500); unknown ones are left out.
    #[schema(schema_with = uuid_list)]
    pub uuids: Vec<Uuid>,
    /// Include each brand's approved `posts`, each with its `brand` and `model` name.
    pub post: Option<bool>,
}

fn uuid_list() -> Schema {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                .pattern(Some(UUID)),
        )
        .max_items(Some(MAX_UUIDS))
        .build()
        .into()
}

/// The brands among `uuids` with their photo (the app's subscribed brands), newest first.
#[utoipa::path(
    tag = "catalog",
    request_body = BrandsByUuidsBody,
    responses(
        (status = 200, description = "The brands found", body = [BrandBrief]),
        (status = 400, description = "`INVALID_BODY`, `INVALID_JSON` or `INVALID_FIELD` (too many uuids)", body = ErrorBody),
    )
)]
#[post("/brands/list")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    body: JsonObject<BrandsByUuidsBody>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, body.into_inner()).await
}

/// The same as `POST /brands/list` (the old API's second name for it).
#[utoipa::path(
    tag = "catalog",
    request_body = BrandsByUuidsBody,
    responses(
        (status = 200, description = "The brands found", body = [BrandBrief]),
        (status = 400, description = "`INVALID_BODY`, `INVALID_JSON` or `INVALID_FIELD` (too many uuids)", body = ErrorBody),
    )
)]
#[post("/brands/history")]
pub(crate) async fn history(
    state: web::Data<AppState>,
    body: JsonObject<BrandsByUuidsBody>,
) -> Result<HttpResponse, ApiError> {
    respond(&state, body.into_inner()).await
}

async fn respond(state: &AppState, body: BrandsByUuidsBody) -> Result<HttpResponse, ApiError> {
    if body.uuids.len() > MAX_UUIDS {
        return Err(ApiError::bad_request(
            super::errors::INVALID_FIELD,
            format!("uuids may hold at most {MAX_UUIDS} entries"),
        ));
    }
    let brands = state
        .catalog
        .brands_by_uuids(&body.uuids, body.post.unwrap_or(false))
        .await?;
    Ok(HttpResponse::Ok().json(brands))
}
