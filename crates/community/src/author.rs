//! The author of a comment or blog entry as the public sees them: uuid, name and avatar, never
//! the e-mail, phone or any token (S7).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Public paths of an image's three sizes (`uploads/avatars/small_<uuid>.jpg`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImagePaths {
    pub small: String,
    pub medium: String,
    pub large: String,
}

/// The author's avatar: their newest photo, as the old include sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AvatarView {
    pub uuid: Uuid,
    /// `null` for legacy rows whose paths are not the three sizes.
    pub path: Option<ImagePaths>,
    #[serde(rename = "originalPath")]
    pub original_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuthorView {
    pub uuid: Uuid,
    pub name: Option<String>,
    pub avatar: Option<AvatarView>,
}

impl AuthorView {
    /// The path the app shows for an avatar: the medium size.
    pub fn avatar_path(&self) -> Option<String> {
        self.avatar
            .as_ref()
            .and_then(|a| a.path.as_ref())
            .map(|p| p.medium.clone())
    }
}
