use actix_web::{HttpResponse, post, web};
use alpha_subscriptions::{OrderInput, OrderView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// The app's order: where the buyer is, how to reach them, and the plan. Nothing else is taken
/// (an unknown field is a 400), so an order cannot be created with another status or id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// 1 to 255 characters, not blank.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$",
        example = "Aşgabat"
    )]
    pub location: String,
    /// A Turkmen mobile number, checked as `POST /otp/send` checks it (the pattern is its plain
    /// form; `+993 61 999999` and `8 61 999999` are accepted too); stored in E.164.
    #[schema(pattern = r"^\+?993(6[0-9]|7[12])[0-9]{6}$", example = "99361999999")]
    pub phone: String,
    /// The premium plan (`GET /subscription`).
    #[serde(rename = "subscriptionId")]
    #[schema(
        value_type = String,
        format = Uuid,
        pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    )]
    pub subscription_id: Uuid,
}

/// `{message, data}` as the old order route answered (CONTRACT #101).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPlaced {
    /// `Subscription order placed successfully`.
    pub message: &'static str,
    /// The order, `Pending`.
    pub data: OrderView,
}

/// Records a `Pending` order; both order routes answer with this.
pub(crate) async fn place_order(
    state: &AppState,
    body: NewOrder,
) -> Result<HttpResponse, ApiError> {
    let data = state
        .orders
        .place(OrderInput {
            location: body.location,
            phone: body.phone,
            plan: body.subscription_id,
        })
        .await?;
    Ok(HttpResponse::Created().json(OrderPlaced {
        message: "Subscription order placed successfully",
        data,
    }))
}

/// Orders a premium plan (CONTRACT #101; the old route was public). The same as the order form
/// of `POST /subscription`, which the app uses.
#[utoipa::path(
    tag = "subscriptions",
    security(("bearer" = [])),
    request_body = NewOrder,
    responses(
        (status = 201, description = "Placed", body = OrderPlaced),
        (status = 400, description = "`INVALID_FIELD` (location), `INVALID_PHONE`, `INVALID_BODY` (missing or unknown field, wrong type, `subscriptionId` not a UUID) or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED` or `USER_DELETED`", body = ErrorBody),
        (status = 404, description = "`SUBSCRIPTION_NOT_FOUND`: no such plan", body = ErrorBody),
    )
)]
#[post("/subscription/order")]
pub(crate) async fn place(
    state: web::Data<AppState>,
    _user: CurrentUser,
    body: JsonObject<NewOrder>,
) -> Result<HttpResponse, ApiError> {
    place_order(&state, body.into_inner()).await
}
