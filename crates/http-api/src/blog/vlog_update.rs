use actix_web::{HttpResponse, patch, web};
use alpha_community::blog::{VlogChanges, VlogId, VlogStatus, VlogView};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::body::VlogFieldsBody;
use super::vlogs_list::StatusParam;
use crate::auth_user::CurrentUser;
use crate::comments::actor;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// Fields left out (or `null`) stay as they are; other keys (`userId`, ...) are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VlogChangesBody {
    #[schema(max_length = 10000, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub fields: VlogFieldsBody,
    /// Admins only: moderation.
    #[schema(inline)]
    pub status: Option<StatusParam>,
    /// Admins only: why the entry was declined.
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub decline_message: Option<String>,
}

/// Edits a blog entry (its author or an admin; CONTRACT #91, where anyone could). Only an admin
/// sets `status` or `declineMessage` (others get 403); accepting or sending back to review
/// clears the decline message. The author's edit of a moderated entry sends it back to review.
#[utoipa::path(
    tag = "blog",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The entry")),
    request_body = VlogChangesBody,
    responses(
        (status = 200, description = "Changed", body = VlogView),
        (status = 400, description = "`INVALID_FIELD` naming the field, `INVALID_BODY`, `INVALID_JSON` or `INVALID_PATH_PARAMETER`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: neither the author nor an admin, or `status`/`declineMessage` from a non-admin", body = ErrorBody),
        (status = 404, description = "`VLOG_NOT_FOUND`", body = ErrorBody),
    )
)]
#[patch("/vlog/{id}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: JsonObject<VlogChangesBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let changes = VlogChanges::new(
        body.fields.fields(body.description),
        body.status.map(VlogStatus::from),
        body.decline_message,
    )?;
    let view: VlogView = state
        .blog
        .update(actor(&user), VlogId(id.into_inner()), changes)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
