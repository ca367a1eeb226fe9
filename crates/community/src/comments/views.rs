//! A comment as the app reads it: the row's columns (CONTRACT §1.16), the old `user` and `parent`
//! includes with public fields only (S7), and `personalInfo`, where the app looks for the
//! author's name and avatar (§3.3.7).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::author::AuthorView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentView {
    pub uuid: Uuid,
    pub message: String,
    pub status: Option<bool>,
    pub user_id: Option<Uuid>,
    /// The author's name when they commented; never an e-mail.
    pub sender: Option<String>,
    pub post_id: Option<Uuid>,
    /// `null` for a top-level comment, and once the comment replied to is deleted.
    pub reply_to: Option<Uuid>,
    /// `iso_millis` strings.
    pub created_at: String,
    pub updated_at: String,
    /// The author, `null` once their account is gone.
    pub user: Option<AuthorView>,
    /// The comment replied to.
    pub parent: Option<ParentView>,
    pub personal_info: PersonalInfoView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParentView {
    pub uuid: Uuid,
    pub sender: Option<String>,
    pub user: Option<AuthorView>,
}

/// The author as the app reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonalInfoView {
    /// The author's current name, else the name stored with the comment.
    pub name: Option<String>,
    /// Public path of the author's avatar (medium size), `null` without one.
    pub avatar: Option<String>,
}

impl PersonalInfoView {
    pub fn of(user: Option<&AuthorView>, sender: Option<&str>) -> Self {
        Self {
            name: user
                .and_then(|u| u.name.clone())
                .or_else(|| sender.map(str::to_owned)),
            avatar: user.and_then(AuthorView::avatar_path),
        }
    }
}
