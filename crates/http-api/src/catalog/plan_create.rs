use actix_web::HttpResponse;
use alpha_catalog::views::PlanView;
use alpha_catalog::{Entity, PlanInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::errors::not_found;
use super::localized::LocalizedInput;
use crate::error::ApiError;
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

/// Adds a premium plan. `POST /subscription` (`subscriptions::subscription_post`) routes a plan
/// body from an admin here; the old API let anyone (S5).
pub(crate) async fn create_plan(state: &AppState, body: NewPlan) -> Result<HttpResponse, ApiError> {
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
