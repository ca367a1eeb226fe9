use actix_web::{HttpResponse, get, web};
use alpha_listings::{Actor, Moderation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::schema::PostDoc;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A post's place in moderation.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModerationState {
    Pending,
    Approved,
    Declined,
}

impl From<ModerationState> for Moderation {
    fn from(state: ModerationState) -> Self {
        match state {
            ModerationState::Pending => Self::Pending,
            ModerationState::Approved => Self::Approved,
            ModerationState::Declined => Self::Declined,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    #[param(inline)]
    pub status: Option<ModerationState>,
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A page of the moderation queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    /// Posts in that state over all pages.
    pub count: u64,
    #[schema(value_type = Vec<PostDoc>)]
    pub rows: Vec<alpha_listings::PostView>,
}

/// The moderation queue (admin): posts in one state, oldest first, with the seller's `userId`,
/// brand, model, category, plan and photos.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "A page of posts and how many are in that state", body = QueuePage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type, an unknown status) or `INVALID_FIELD` (`limit` out of 1–100)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/admin/posts")]
pub(crate) async fn queue(
    state: web::Data<AppState>,
    admin: AdminUser,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let actor = Actor {
        user: admin.0.id,
        admin: true,
    };
    let page = state
        .listings
        .moderation_queue(
            actor,
            q.status.map_or(Moderation::Pending, Into::into),
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(20),
        )
        .await?;
    Ok(HttpResponse::Ok().json(QueuePage {
        count: page.count,
        rows: page.rows,
    }))
}
