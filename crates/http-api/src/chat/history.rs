use actix_web::{HttpResponse, get, web};
use alpha_chat::{MessageId, Page};
use alpha_kernel::UserId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use alpha_kernel::iso_millis;

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Only messages older than this id (the `id` of the oldest message already shown).
    pub before: Option<i64>,
    /// Page size; default 50. Any value up to 4294967295 is taken and brought into 1 to 100.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatMessageView {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub text: String,
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResponse {
    /// Newest first.
    pub messages: Vec<ChatMessageView>,
    /// Pass the last message's `id` as `before` to read further back.
    #[serde(rename = "hasMore")]
    pub has_more: bool,
}

/// The conversation between the caller and `peerId`, newest first, in pages.
#[utoipa::path(
    tag = "chat",
    security(("bearer" = [])),
    params(("peerId" = Uuid, Path, description = "The other user's uuid"), HistoryQuery),
    responses(
        (status = 200, description = "A page of messages", body = HistoryResponse),
        (status = 400, description = "`INVALID_PATH_PARAMETER` or `INVALID_QUERY`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[get("/chat/{peerId}/messages")]
pub(crate) async fn history(
    state: web::Data<AppState>,
    user: CurrentUser,
    peer: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = Page::new(query.before.map(MessageId), query.limit);
    let page = state
        .chat
        .history(user.0.id, UserId(peer.into_inner()), page)
        .await?;
    Ok(HttpResponse::Ok().json(HistoryResponse {
        messages: page
            .items
            .into_iter()
            .map(|m| ChatMessageView {
                id: m.id.0,
                from: m.from.to_string(),
                to: m.to.to_string(),
                text: m.text,
                created_at: iso_millis(m.created_at),
            })
            .collect(),
        has_more: page.has_more,
    }))
}
