use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use uuid::Uuid;

use super::errors::MISSING_FIELDS;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;
use crate::text_schema::UUID;

#[derive(Debug, Deserialize, ToSchema)]
pub struct BrandRef {
    /// The brand. Without it the answer is 406 `MISSING_FIELDS`, as the old API gave.
    #[schema(schema_with = required_uuid, required = true)]
    pub uuid: Option<Uuid>,
}

fn required_uuid() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .pattern(Some(UUID))
        .build()
        .into()
}

/// `uuid` is the caller's, as the old API answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionReply {
    pub message: &'static str,
    pub uuid: Uuid,
}

pub(crate) fn brand_of(body: &BrandRef) -> Result<Uuid, ApiError> {
    body.uuid.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            MISSING_FIELDS,
            "Fill all required fields",
        )
        .with_legacy_fields()
    })
}

/// Follows a brand. Subscribing again changes nothing.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = BrandRef,
    responses(
        (status = 200, description = "Subscribed", body = SubscriptionReply),
        (status = 400, description = "`INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "`BRAND_NOT_FOUND`", body = ErrorBody),
        (status = 406, description = "`MISSING_FIELDS`: no uuid", body = ErrorBody),
    )
)]
#[post("/brands/subscribe")]
pub(crate) async fn subscribe(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<BrandRef>,
) -> Result<HttpResponse, ApiError> {
    let brand = brand_of(&body.into_inner())?;
    state.subscriptions.subscribe(user.0.id, brand).await?;
    Ok(HttpResponse::Ok().json(SubscriptionReply {
        message: "Subscribed",
        uuid: user.0.id.0,
    }))
}
