//! Auth domain: JWT access/refresh tokens, one session per login, refresh rotation by
//! compare-and-swap with reuse detection, adoption of the old backend's refresh tokens, and the
//! user's own profile. Ports: [`UserRepo`], [`SessionRepo`], [`TokenSigner`], plus the kernel's
//! `Clock`. The user's avatar ([`AvatarService`] over [`Avatars`] and `alpha_media`'s
//! `ImageService`) belongs here too: its `photo` rows are the user's.

mod admin;
mod avatar;
mod claims;
mod errors;
mod hash;
mod jwt;
mod ports;
mod reactions;
mod service;
mod types;

pub use admin::{
    DeletedContent, EditOutcome, ManagedUser, UserAdmin, UserAdminError, UserContent,
    UserDirectory, UserEdit, UserPage, UserQuery,
};
pub use avatar::{AvatarError, AvatarSaved, AvatarService, AvatarWrite, Avatars, NewAvatar};
pub use claims::{Claims, TokenKind};
pub use errors::{AuthError, LoginError, ProfileError, RefreshError, TokenError};
pub use hash::refresh_token_hash;
pub use jwt::JwtTokenSigner;
pub use ports::{SessionRepo, TokenSigner, UpdateOutcome, UserRepo};
pub use reactions::{EV_OTP_DELIVERED, TellUserCodeDelivered};
pub use service::{AuthConfig, AuthService};
pub use types::{
    AuthRecord, AuthUser, CheckedProfile, LegacyRefresh, NewSession, Profile, ProfileChanges, Role,
    SessionRecord, TokenPair, UserRecord,
};
