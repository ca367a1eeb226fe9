use actix_web::{HttpResponse, put, web};
use alpha_listings::{Moderation, PostChanges, PostChangesInput, PostId};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actor;
use super::body::PostFieldsBody;
use super::schema::PostSaved;
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PostChangesBody {
    #[serde(flatten)]
    pub fields: PostFieldsBody,
    /// Admins only: `true` approves, `false` declines, `null` sends back to pending.
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<bool>)]
    pub status: Option<Option<bool>>,
}

/// Edits a post (its owner or an admin); only an admin sets `status`. The owner's edit of a
/// moderated post sends it back to pending. Fields left out stay as they are.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The post")),
    request_body = PostChangesBody,
    responses(
        (status = 200, description = "Changed", body = PostSaved),
        (status = 400, description = "`INVALID_FIELD`, `UNKNOWN_CURRENCY`, `UNKNOWN_REFERENCE` (each naming the field), `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the owner nor an admin, or `status` from a non-admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[put("/posts/{uuid}", guard = "super::not_a_fixed_post_path")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<PostChangesBody>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let body = body.into_inner();
    let changes = PostChanges::new(PostChangesInput {
        fields: body.fields.fields(),
        price: body.fields.price,
        currency: body.fields.currency,
        phone: body.fields.phone,
        personal_info: body.fields.personal_info,
        status: body.status.map(Moderation::from_status),
    })?;
    state
        .listings
        .update(actor(&user), PostId(uuid), changes)
        .await?;
    Ok(HttpResponse::Ok().json(PostSaved {
        message: "Successfully changed",
        uuid,
    }))
}
