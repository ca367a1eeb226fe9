use actix_web::{HttpResponse, put, web};
use alpha_catalog::PlanPatch;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::localized::LocalizedInput;
use super::replies::Saved;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanChanges {
    #[serde(default, deserialize_with = "crate::text_schema::not_null")]
    #[schema(schema_with = super::localized::required_schema)]
    pub name: Option<LocalizedInput>,
    #[serde(default, deserialize_with = "crate::text_schema::not_null")]
    #[schema(schema_with = super::localized::optional_schema)]
    pub description: Option<LocalizedInput>,
    #[serde(default, deserialize_with = "super::params::whole")]
    pub priority: Option<i32>,
    #[schema(minimum = 0, maximum = 999_999_999_999.99)]
    pub price: Option<f64>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub color: Option<String>,
}

/// Changes a premium plan (admin; the old API let anyone, S5).
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The plan")),
    request_body = PlanChanges,
    responses(
        (status = 200, description = "Changed", body = Saved),
        (status = 400, description = "`INVALID_FIELD`, `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`SUBSCRIPTION_NOT_FOUND`", body = ErrorBody),
        (status = 409, description = "`PRIORITY_TAKEN`", body = ErrorBody),
    )
)]
#[put("/subscription/{uuid}", guard = "super::params::not_a_fixed_plan_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<PlanChanges>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let b = body.into_inner();
    state
        .catalog_admin
        .update_plan(
            uuid,
            PlanPatch {
                name: b.name.map(Into::into),
                description: b.description.map(Into::into),
                priority: b.priority,
                price: b.price,
                color: b.color,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(Saved {
        message: "Subscription updated successfully",
        uuid,
    }))
}
