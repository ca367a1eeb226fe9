use actix_web::{HttpResponse, post, web};
use alpha_listings::{Actor, Moderation, PostId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::moderation_queue::ModerationState;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// `status`: `approved` shows the post in the feed (and tells the brand's subscribers),
/// `declined` hides it, `pending` puts it back in the queue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[schema(inline)]
    pub status: ModerationState,
    /// Why, for the record (and the seller); at most 1000 characters.
    #[schema(max_length = 1000, pattern = r"^[^\u0000]*$")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Decided {
    pub uuid: Uuid,
    /// The post's `status` now: `true` approved, `false` declined, `null` pending.
    pub status: Option<bool>,
    pub moderated_by: Uuid,
}

/// Decides a post (admin): approve, decline or send back to pending. The decision is recorded
/// with who made it, when and why; an approval tells the brand's subscribers.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The post")),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Decided", body = Decided),
        (status = 400, description = "`INVALID_PATH_PARAMETER`, `INVALID_BODY` (an unknown status, other fields), `INVALID_JSON` or `INVALID_FIELD` (`reason` too long or with NUL)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`POST_NOT_FOUND`", body = ErrorBody),
    )
)]
#[post("/admin/posts/{uuid}/moderation")]
pub(crate) async fn decide(
    state: web::Data<AppState>,
    admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let uuid = uuid.into_inner();
    let body = body.into_inner();
    let status: Moderation = body.status.into();
    let actor = Actor {
        user: admin.0.id,
        admin: true,
    };
    state
        .listings
        .moderate(actor, PostId(uuid), status, body.reason)
        .await?;
    Ok(HttpResponse::Ok().json(Decided {
        uuid,
        status: status.status(),
        moderated_by: admin.0.id.0,
    }))
}
