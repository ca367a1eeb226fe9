use actix_web::{HttpResponse, post, web};
use alpha_auth::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::order_place::{NewOrder, OrderPlaced, place_order};
use crate::auth::errors::forbidden;
use crate::auth_user::CurrentUser;
use crate::catalog::plan_create::{NewPlan, PlanCreated, create_plan};
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{JsonObject, object_body};
use crate::state::AppState;

/// The fields only a plan has. An order has none of them and takes no other field, so the two
/// bodies never overlap.
const PLAN_FIELDS: [&str; 5] = ["name", "description", "priority", "price", "color"];

/// A premium order or, from an admin, a new plan. Derived for the document only (`untagged`
/// makes it a `oneOf`); the handler dispatches on the fields itself.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum OrderOrPlan {
    Order(NewOrder),
    Plan(NewPlan),
}

/// Places a premium order, or creates a plan (CONTRACT #99, §3.3 item 2).
///
/// The app sends its order here (`{location, phone, subscriptionId}`), which the old API took
/// for a malformed plan. The body decides: one naming any plan field (`name`, `description`,
/// `priority`, `price`, `color`) is a plan, for admins only (403 otherwise); any other object is
/// an order, as `POST /subscription/order` takes it. Both need a token (the old route was
/// public, S5).
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = [])),
    request_body(content = inline(OrderOrPlan), description = "An order, or a plan (admins)"),
    responses(
        (status = 201, description = "The order was placed (`OrderPlaced`) or the plan created (`PlanCreated`)", body = inline(Created)),
        (status = 400, description = "Order: `INVALID_FIELD`, `INVALID_PHONE`, `INVALID_BODY`. Plan: `INVALID_FIELD`, `INVALID_BODY`. Either: `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: a plan body from someone not an admin", body = ErrorBody),
        (status = 404, description = "`SUBSCRIPTION_NOT_FOUND`: the order names no plan", body = ErrorBody),
        (status = 409, description = "`PRIORITY_TAKEN` (plan)", body = ErrorBody),
    )
)]
#[post("/subscription")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<Map<String, Value>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if !PLAN_FIELDS.iter().any(|field| body.contains_key(*field)) {
        return place_order(&state, object_body(Value::Object(body))?).await;
    }
    if user.0.role != Role::Admin {
        return Err(forbidden());
    }
    create_plan(&state, object_body(Value::Object(body))?).await
}

/// What a created order or plan answers.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Created {
    Order(OrderPlaced),
    Plan(Box<PlanCreated>),
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, Schema};

    use super::*;

    fn properties(schema: RefOr<Schema>) -> BTreeSet<String> {
        match schema {
            RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
            _ => panic!("not an object schema"),
        }
    }

    #[test]
    fn the_dispatch_knows_every_plan_field_and_no_order_field() {
        let plan = properties(NewPlan::schema());
        let listed: BTreeSet<String> = PLAN_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        assert_eq!(plan, listed);
        assert!(properties(NewOrder::schema()).is_disjoint(&plan));
    }
}
