use actix_web::{HttpResponse, patch, web};
use alpha_notifications::{DraftPatch, NotificationType, NotificationView};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::errors::with_verb;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// The fields to change; the result must still be a valid send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DraftChanges {
    #[schema(min_length = 1, max_length = 255)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 4000)]
    pub body: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<NotificationType>)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<Object>)]
    pub target_data: Option<Option<Value>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<Object>)]
    pub additional_data: Option<Option<Value>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, max_length = 255)]
    pub topic: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub scheduled_for: Option<Option<DateTime<Utc>>>,
    pub is_scheduled: Option<bool>,
}

/// Edits a draft (admin; CONTRACT #110); sent and queued notifications cannot change.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("uuid" = Uuid, Path, description = "The draft")),
    request_body = DraftChanges,
    responses(
        (status = 200, description = "The draft as it is now", body = NotificationView),
        (status = 400, description = "`NOTIFICATION_ALREADY_SENT`, `INVALID_PATH_PARAMETER`, the send checks of `POST /notifications/admin/send`, `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
        (status = 404, description = "`NOTIFICATION_NOT_FOUND`", body = ErrorBody),
    )
)]
#[patch("/notifications/admin/history/{uuid}")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    uuid: web::Path<Uuid>,
    body: JsonObject<DraftChanges>,
) -> Result<HttpResponse, ApiError> {
    let c = body.into_inner();
    let patch = DraftPatch {
        title: c.title,
        body: c.body,
        kind: c.kind,
        target_data: c.target_data,
        additional_data: c.additional_data,
        topic: c.topic,
        scheduled_for: c.scheduled_for,
        is_scheduled: c.is_scheduled,
    };
    let view = state
        .notifications
        .update_draft(uuid.into_inner(), patch)
        .await
        .map_err(|e| with_verb(e, "update"))?;
    Ok(HttpResponse::Ok().json(view))
}
