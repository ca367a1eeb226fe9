//! What the avatar endpoints share: the form as documented, the upload itself, the photo JSON
//! `GET /auth/me` shows, and the avatar errors.

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use alpha_auth::{AvatarError, AvatarSaved};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth_user::CurrentUser;
use crate::catalog::errors::PHOTO_NOT_FOUND;
use crate::error::ApiError;
use crate::media::cleanup::settled;
use crate::media::form::read_upload;
use crate::state::AppState;

/// `DELETE /auth/avatar` when the caller has none (CONTRACT #10: `Avatar not found`).
pub(crate) const AVATAR_NOT_FOUND: &str = "AVATAR_NOT_FOUND";

// The form struct only describes the form in the OpenAPI document: the handlers stream the
// parts (`media::form`), so nothing constructs it.

/// One image under `file`. Other fields (the app also sends `uuid`) are ignored: the avatar is
/// always the caller's.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct AvatarForm {
    /// A JPEG, PNG or WebP image of at most 5 MB.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The three sizes of an avatar, as public paths starting with `uploads/avatars/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvatarPaths {
    pub small: String,
    pub medium: String,
    pub large: String,
}

/// An avatar as `GET /auth/me` shows it: the user's `photo` row (CONTRACT §1.16 Photo). Only
/// `userId` is set among the owner columns.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct AvatarPhoto {
    uuid: Uuid,
    path: Option<AvatarPaths>,
    #[schema(rename = "originalPath")]
    original_path: Option<String>,
    #[schema(rename = "bannerId")]
    banner_id: Option<Uuid>,
    #[schema(rename = "categoryId")]
    category_id: Option<Uuid>,
    #[schema(rename = "subscriptionId")]
    subscription_id: Option<Uuid>,
    #[schema(rename = "brandsId")]
    brands_id: Option<Uuid>,
    #[schema(rename = "modelsId")]
    models_id: Option<Uuid>,
    #[schema(rename = "userId")]
    user_id: Option<Uuid>,
    #[schema(rename = "createdAt")]
    created_at: String,
    #[schema(rename = "updatedAt")]
    updated_at: String,
}

/// Reads the form's `file` and stores it as the caller's avatar, in place of the one it had.
pub(crate) async fn upload_avatar(
    state: &AppState,
    user: &CurrentUser,
    req: &HttpRequest,
    form: Multipart,
) -> Result<AvatarSaved, ApiError> {
    let upload = read_upload(req, form, "file").await?;
    Ok(settled(state.avatars.upload(user.0.id, upload.file).await?))
}

impl From<AvatarSaved> for AvatarPaths {
    fn from(saved: AvatarSaved) -> Self {
        Self {
            small: saved.paths.small,
            medium: saved.paths.medium,
            large: saved.paths.large,
        }
    }
}

impl From<AvatarError> for ApiError {
    fn from(err: AvatarError) -> Self {
        match err {
            AvatarError::NoAvatar => {
                ApiError::new(StatusCode::NOT_FOUND, AVATAR_NOT_FOUND, "Avatar not found")
                    .with_legacy_fields()
            }
            AvatarError::PhotoNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, PHOTO_NOT_FOUND, "Photo Not Found")
                    .with_legacy_fields()
            }
            // The guard saw the user a moment ago: it was deleted in between.
            AvatarError::UserGone => super::errors::user_deleted(),
            AvatarError::Media(media) => media.into(),
            AvatarError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}
