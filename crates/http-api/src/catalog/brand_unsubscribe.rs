use actix_web::{HttpResponse, post, web};

use super::brand_subscribe::{BrandRef, SubscriptionReply, brand_of};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Stops following a brand; only the caller's own subscription is removed. Not following it is
/// not an error.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    request_body = BrandRef,
    responses(
        (status = 200, description = "Unsubscribed (the old API's spelling, `Unubscribed`, is kept)", body = SubscriptionReply),
        (status = 400, description = "`INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "`BRAND_NOT_FOUND`", body = ErrorBody),
        (status = 406, description = "`MISSING_FIELDS`: no uuid", body = ErrorBody),
    )
)]
#[post("/brands/unsubscribe")]
pub(crate) async fn unsubscribe(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<BrandRef>,
) -> Result<HttpResponse, ApiError> {
    let brand = brand_of(&body.into_inner())?;
    state.subscriptions.unsubscribe(user.0.id, brand).await?;
    Ok(HttpResponse::Ok().json(SubscriptionReply {
        message: "Unubscribed",
        uuid: user.0.id.0,
    }))
}
