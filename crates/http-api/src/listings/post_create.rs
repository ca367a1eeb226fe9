use actix_web::{HttpResponse, post, web};
use alpha_listings::{NewPost, NewPostInput};

use super::body::PostFieldsBody;
use super::schema::PostSaved;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Puts a car up for sale: pending moderation, its price converted to TMT. `price` is required.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    request_body = PostFieldsBody,
    responses(
        (status = 201, description = "Created", body = PostSaved),
        (status = 400, description = "`INVALID_FIELD`, `UNKNOWN_CURRENCY`, `UNKNOWN_REFERENCE` (each naming the field), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[post("/posts")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<PostFieldsBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let post = NewPost::new(NewPostInput {
        fields: body.fields(),
        price: body.price,
        currency: body.currency,
        phone: body.phone,
        personal_info: body.personal_info,
    })?;
    let id = state.listings.create(user.0.id, post).await?;
    Ok(HttpResponse::Created().json(PostSaved {
        message: "New Post successfully created",
        uuid: id.0,
    }))
}
