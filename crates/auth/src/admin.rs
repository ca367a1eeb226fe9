//! The back office's user administration: operators list, read, edit and delete accounts.
//!
//! The rules kept here: an admin cannot take away their own admin role or delete their own
//! account (the one mistake nobody could undo from the back office), the last admin keeps the
//! role, emails and phones stay unique, and a deleted user is gone at once: their sessions end
//! with the row, their live connections close through [`DomainEvent::UserDeleted`], and their
//! content is kept (ownerless, as the old backend's foreign keys left it) or removed, as
//! configured.

use std::sync::Arc;

use alpha_kernel::{Clock, DomainEvent, Email, EventPublisher, Phone, RepoError, UserId};
use chrono::{DateTime, Utc};

use crate::types::Role;

/// A user as operators see them: no password, refresh-token hash or push token (S7).
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedUser {
    pub id: UserId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub access: Vec<String>,
    pub role: Role,
    pub status: bool,
    /// Whether the app registered a device for pushes; the token itself stays private.
    pub push_enabled: bool,
    /// The avatar's photo row as the old API rendered it, or `None`.
    pub avatar: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which users a page lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    /// Part of the phone number or of the name, any case.
    pub search: Option<String>,
    pub role: Option<Role>,
    pub offset: u32,
    pub limit: u32,
}

impl UserQuery {
    pub const DEFAULT_LIMIT: u32 = 20;
    pub const MAX_LIMIT: u32 = 100;
    /// Longer searches match nothing a phone or a name could hold.
    pub const MAX_SEARCH: usize = 255;

    /// A blank search lists everyone.
    ///
    /// Errors: `Invalid` for a limit outside 1–100 or a search too long or holding NUL.
    pub fn new(
        search: Option<&str>,
        role: Option<Role>,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Self, UserAdminError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(UserAdminError::invalid(
                "limit",
                "must be between 1 and 100",
            ));
        }
        // Measured as sent, as the schema's `maxLength` counts it.
        if let Some(text) = search {
            if text.chars().count() > Self::MAX_SEARCH {
                return Err(UserAdminError::invalid(
                    "search",
                    "must be at most 255 characters",
                ));
            }
            if text.contains('\0') {
                return Err(UserAdminError::invalid(
                    "search",
                    "must not contain NUL characters",
                ));
            }
        }
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        Ok(Self {
            search: search.map(str::to_owned),
            role,
            offset: offset.unwrap_or(0),
            limit,
        })
    }
}

/// One page of users, and how many match over all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPage {
    pub count: u64,
    pub rows: Vec<ManagedUser>,
}

/// An operator's edit: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserEdit {
    pub name: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Phone>,
    pub access: Option<Vec<String>>,
    pub role: Option<Role>,
    pub status: Option<bool>,
}

impl UserEdit {
    /// `access` holds at most this many entries of at most [`UserEdit::MAX_ACCESS_LEN`] characters.
    pub const MAX_ACCESS: usize = 64;
    pub const MAX_ACCESS_LEN: usize = 255;

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    Updated,
    NotFound,
    EmailTaken,
    PhoneTaken,
    /// The edit would have left no admin (decided by the store, so two operators demoting the
    /// last two admins at once cannot both succeed).
    LastAdmin,
}

/// What happens to a deleted user's listings, comments and blog entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeletedContent {
    /// They stay, without an owner, as the old backend's foreign keys left them.
    #[default]
    Keep,
    /// They are deleted, with their photos, videos and files.
    Remove,
}

#[derive(Debug, thiserror::Error)]
pub enum UserAdminError {
    #[error("user not found")]
    NotFound,
    #[error("invalid {field}: {reason}")]
    Invalid {
        field: &'static str,
        reason: &'static str,
    },
    #[error("an admin cannot remove their own admin role")]
    OwnRole,
    #[error("an admin cannot delete their own account here")]
    OwnAccount,
    #[error("the last admin keeps the admin role")]
    LastAdmin,
    #[error("email taken")]
    EmailTaken,
    #[error("phone taken")]
    PhoneTaken,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl UserAdminError {
    pub fn invalid(field: &'static str, reason: &'static str) -> Self {
        Self::Invalid { field, reason }
    }
}

/// Port: the users table as the back office reads and writes it.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait UserDirectory: Send + Sync {
    /// Newest first.
    async fn page(&self, query: &UserQuery) -> Result<UserPage, RepoError>;
    async fn get(&self, id: UserId) -> Result<Option<ManagedUser>, RepoError>;
    /// Applies `edit` in one statement; refuses (`LastAdmin`) a role change that would leave no
    /// admin.
    async fn edit(
        &self,
        id: UserId,
        edit: &UserEdit,
        now: DateTime<Utc>,
    ) -> Result<EditOutcome, RepoError>;
    /// Deletes the row (sessions go with it); `false` when there was none.
    async fn delete(&self, id: UserId) -> Result<bool, RepoError>;
}

/// Port: what goes before the account does.
#[cfg_attr(test, mockall::automock)]
#[async_trait::async_trait]
pub trait UserContent: Send + Sync {
    /// What is personal whatever the content policy: the avatar (rows and files), and the
    /// pushes still waiting for the user's devices.
    async fn remove_personal(&self, user: UserId) -> Result<(), RepoError>;
    /// Every listing (with its media), comment and blog entry of the user.
    async fn remove_all(&self, user: UserId) -> Result<(), RepoError>;
}

pub struct UserAdmin {
    users: Arc<dyn UserDirectory>,
    content: Arc<dyn UserContent>,
    events: Arc<dyn EventPublisher>,
    clock: Arc<dyn Clock>,
    deleted_content: DeletedContent,
}

impl UserAdmin {
    pub fn new(
        users: Arc<dyn UserDirectory>,
        content: Arc<dyn UserContent>,
        events: Arc<dyn EventPublisher>,
        clock: Arc<dyn Clock>,
        deleted_content: DeletedContent,
    ) -> Self {
        Self {
            users,
            content,
            events,
            clock,
            deleted_content,
        }
    }

    /// Errors: `Repo`.
    pub async fn list(&self, query: &UserQuery) -> Result<UserPage, UserAdminError> {
        Ok(self.users.page(query).await?)
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn get(&self, id: UserId) -> Result<ManagedUser, UserAdminError> {
        self.users.get(id).await?.ok_or(UserAdminError::NotFound)
    }

    /// The user if they are an admin.
    ///
    /// Errors: `NotFound` for a user who is not an admin too; `Repo`.
    pub async fn get_admin(&self, id: UserId) -> Result<ManagedUser, UserAdminError> {
        let user = self.get(id).await?;
        if user.role == Role::Admin {
            Ok(user)
        } else {
            Err(UserAdminError::NotFound)
        }
    }

    /// Edits `id` as the admin `actor`, and returns the user as they are now.
    ///
    /// Errors: `NotFound`; `Invalid` for an `access` list too long; `OwnRole` when `actor`
    /// would drop their own admin role; `LastAdmin`; `EmailTaken`, `PhoneTaken`; `Repo`.
    pub async fn edit(
        &self,
        actor: UserId,
        id: UserId,
        edit: &UserEdit,
    ) -> Result<ManagedUser, UserAdminError> {
        if let Some(access) = &edit.access {
            if access.len() > UserEdit::MAX_ACCESS {
                return Err(UserAdminError::invalid(
                    "access",
                    "holds at most 64 entries",
                ));
            }
            if access
                .iter()
                .any(|a| a.chars().count() > UserEdit::MAX_ACCESS_LEN || a.contains('\0'))
            {
                return Err(UserAdminError::invalid(
                    "access",
                    "entries must be at most 255 characters, without NUL",
                ));
            }
        }
        if actor == id && edit.role.is_some_and(|role| role != Role::Admin) {
            return Err(UserAdminError::OwnRole);
        }
        if !edit.is_empty() {
            match self.users.edit(id, edit, self.clock.now()).await? {
                EditOutcome::Updated => {}
                EditOutcome::NotFound => return Err(UserAdminError::NotFound),
                EditOutcome::EmailTaken => return Err(UserAdminError::EmailTaken),
                EditOutcome::PhoneTaken => return Err(UserAdminError::PhoneTaken),
                EditOutcome::LastAdmin => return Err(UserAdminError::LastAdmin),
            }
        }
        self.get(id).await
    }

    /// Edits an admin's own fields (not the role): `NotFound` for a user who is not an admin.
    ///
    /// Errors: as [`UserAdmin::edit`].
    pub async fn edit_admin(
        &self,
        actor: UserId,
        id: UserId,
        edit: &UserEdit,
    ) -> Result<ManagedUser, UserAdminError> {
        self.get_admin(id).await?;
        self.edit(actor, id, edit).await
    }

    /// Deletes `id` as the admin `actor`: their content first when configured to remove it,
    /// then the account with its sessions; their live connections are then closed. The avatar and pending
    /// pushes go first, whatever the policy.
    ///
    /// Errors: `OwnAccount`; `NotFound`; `Repo` (the account stays when content removal fails,
    /// so the delete can be retried).
    pub async fn delete(&self, actor: UserId, id: UserId) -> Result<(), UserAdminError> {
        if actor == id {
            return Err(UserAdminError::OwnAccount);
        }
        self.get(id).await?;
        self.content.remove_personal(id).await?;
        if self.deleted_content == DeletedContent::Remove {
            self.content.remove_all(id).await?;
        }
        if !self.users.delete(id).await? {
            return Err(UserAdminError::NotFound);
        }
        self.events.publish(DomainEvent::UserDeleted { user: id });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
