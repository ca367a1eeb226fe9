use actix_web::{HttpResponse, post, web};
use alpha_catalog::views::PlanView;
use alpha_catalog::{Entity, PlanInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::errors::not_found;
use super::localized::LocalizedInput;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPlan {
    #[schema(schema_with = super::localized::required_schema)]
    pub name: LocalizedInput,
    #[schema(schema_with = super::localized::optional_schema)]
    pub description: LocalizedInput,
    /// Unique among plans.
    #[serde(default, deserialize_with = "super::params::whole")]
    pub priority: Option<i32>,
    /// At least 0, two decimals kept.
    #[schema(minimum = 0, maximum = 999_999_999_999.99)]
    pub price: Option<f64>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub color: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanCreated {
    pub message: &'static str,
    pub data: PlanView,
}

/// Adds a premium plan (admin; the old API let anyone, S5).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = NewPlan,
    responses(
        (status = 201, description = "Created", body = PlanCreated),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 409, description = "`PRIORITY_TAKEN`", body = ErrorBody),
    )
)]
#[post("/subscription")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: JsonObject<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let uuid = state
        .catalog_admin
        .create_plan(PlanInput {
            name: body.name.into(),
            description: body.description.into(),
            priority: body.priority,
            price: body.price,
            color: body.color,
        })
        .await?;
    let data = state
        .catalog
        .plan(uuid)
        .await?
        .ok_or_else(|| not_found(Entity::Plan))?;
    Ok(HttpResponse::Created().json(PlanCreated {
        message: "Subscription created successfully",
        data,
    }))
}
