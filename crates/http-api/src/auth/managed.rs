//! The back office's view of a user and its edit body, shared by `/auth/{uuid}` and `/admins`.

use alpha_auth::{ManagedUser, Role, UserAdminError, UserEdit, UserPage};
use alpha_kernel::{Email, Phone, PhonePolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::errors::{INVALID_EMAIL, VALUE_TOO_LONG};
use crate::catalog::errors::INVALID_FIELD;
use crate::error::ApiError;
use crate::extractors::INVALID_BODY;

pub(crate) const USER_NOT_FOUND: &str = "USER_NOT_FOUND";
pub(crate) const ADMIN_NOT_FOUND: &str = "ADMIN_NOT_FOUND";
pub(crate) const PHONE_TAKEN: &str = "PHONE_TAKEN";
pub(crate) const OWN_ADMIN_ROLE: &str = "OWN_ADMIN_ROLE";
pub(crate) const OWN_ACCOUNT: &str = "OWN_ACCOUNT";
pub(crate) const LAST_ADMIN: &str = "LAST_ADMIN";

/// A user as operators see them. Never the password, refresh-token hash or push token (S7).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedUserView {
    pub uuid: uuid::Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub access: Vec<String>,
    #[schema(inline)]
    pub role: RoleName,
    pub status: bool,
    /// Whether the app registered a device for push notifications.
    pub push_enabled: bool,
    /// The avatar's photo row (CONTRACT §1.16 Photo), or `null`.
    #[schema(value_type = Option<Object>)]
    pub avatar: Option<serde_json::Value>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<ManagedUser> for ManagedUserView {
    fn from(user: ManagedUser) -> Self {
        Self {
            uuid: user.id.0,
            name: user.name,
            email: user.email,
            phone: user.phone,
            location: user.location,
            access: user.access,
            role: user.role.into(),
            status: user.status,
            push_enabled: user.push_enabled,
            avatar: user.avatar,
            created_at: alpha_kernel::iso_millis(user.created_at),
            updated_at: alpha_kernel::iso_millis(user.updated_at),
        }
    }
}

/// A page of users and how many match over all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManagedUsersPage {
    pub count: u64,
    pub rows: Vec<ManagedUserView>,
}

impl From<UserPage> for ManagedUsersPage {
    fn from(page: UserPage) -> Self {
        Self {
            count: page.count,
            rows: page.rows.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Admin,
    Owner,
    User,
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => Self::Admin,
            Role::Owner => Self::Owner,
            Role::User => Self::User,
        }
    }
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Admin => Self::Admin,
            RoleName::Owner => Self::Owner,
            RoleName::User => Self::User,
        }
    }
}

/// Absent: leave the field alone. `null` (name, location, email): clear it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ManageUserBody {
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<Option<String>>,
    /// An address; `null` clears it.
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, format = Email, max_length = 255)]
    pub email: Option<Option<String>>,
    /// A mobile number the OTP login accepts; stored in E.164.
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    /// The admin's permissions; replaces the list.
    #[schema(max_items = 64)]
    pub access: Option<Vec<String>>,
    #[schema(inline)]
    pub role: Option<RoleName>,
    pub status: Option<bool>,
    // Other fields (the old admin panel's `password`) are ignored, as before.
}

/// Columns are varchar(255).
const MAX_LEN: usize = 255;

impl ManageUserBody {
    /// Errors: 400 `VALUE_TOO_LONG`, `INVALID_BODY` (NUL), `INVALID_EMAIL`, `INVALID_PHONE`.
    pub(crate) fn into_edit(self, phones: &PhonePolicy) -> Result<UserEdit, ApiError> {
        for (field, value) in [
            ("name", self.name.as_ref().and_then(Option::as_ref)),
            ("location", self.location.as_ref().and_then(Option::as_ref)),
            ("email", self.email.as_ref().and_then(Option::as_ref)),
        ] {
            let Some(text) = value else { continue };
            if text.chars().count() > MAX_LEN {
                return Err(ApiError::bad_request(
                    VALUE_TOO_LONG,
                    format!("{field} must be at most {MAX_LEN} characters"),
                ));
            }
            if text.contains('\0') {
                return Err(ApiError::bad_request(
                    INVALID_BODY,
                    format!("{field} must not contain NUL characters"),
                ));
            }
        }
        let email = match self.email {
            Some(Some(text)) if !text.trim().is_empty() => {
                Some(Some(Email::parse(&text).map_err(|_| {
                    ApiError::bad_request(INVALID_EMAIL, "Invalid email address")
                })?))
            }
            Some(_) => Some(None),
            None => None,
        };
        let phone = match self.phone {
            Some(text) => Some(Phone::parse(&text, phones).map_err(|err| {
                ApiError::bad_request(
                    crate::subscriptions::errors::INVALID_PHONE,
                    crate::otp::phone_problem(&err),
                )
            })?),
            None => None,
        };
        Ok(UserEdit {
            name: self.name,
            location: self.location,
            email,
            phone,
            access: self.access,
            role: self.role.map(Into::into),
            status: self.status,
        })
    }
}

impl From<UserAdminError> for ApiError {
    fn from(err: UserAdminError) -> Self {
        use actix_web::http::StatusCode;
        let conflict = |code, message: &str| ApiError::new(StatusCode::CONFLICT, code, message);
        match err {
            UserAdminError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, USER_NOT_FOUND, "User Not Found")
                    .with_legacy_fields()
            }
            UserAdminError::Invalid { field, reason } => {
                ApiError::bad_request(INVALID_FIELD, format!("{field} {reason}"))
            }
            UserAdminError::OwnRole => conflict(
                OWN_ADMIN_ROLE,
                "You cannot remove your own admin role; ask another admin",
            ),
            UserAdminError::OwnAccount => conflict(
                OWN_ACCOUNT,
                "You cannot delete your own account here; ask another admin",
            ),
            UserAdminError::LastAdmin => conflict(
                LAST_ADMIN,
                "The last admin keeps the admin role; make another admin first",
            ),
            UserAdminError::EmailTaken => conflict(
                crate::auth::errors::EMAIL_TAKEN,
                "This email is already used by another account",
            ),
            UserAdminError::PhoneTaken => conflict(
                PHONE_TAKEN,
                "This phone number is already used by another account",
            ),
            UserAdminError::Repo(repo) => ApiError::from_repo(&repo),
        }
    }
}

/// `NotFound` worded for `/admins`: the user may exist but is not an admin.
pub(crate) fn as_admin(err: UserAdminError) -> ApiError {
    match err {
        UserAdminError::NotFound => ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            ADMIN_NOT_FOUND,
            "Admin Not Found",
        )
        .with_legacy_fields(),
        other => other.into(),
    }
}
