//! [`UserRepo`] over `users` (the old backend's table, camelCase columns), with `sessions` and
//! `photo` read alongside.

use alpha_auth::{
    AuthRecord, CheckedProfile, LegacyRefresh, Profile, ProfileChanges, Role, UpdateOutcome,
    UserRecord, UserRepo,
};
use alpha_kernel::{Email, Phone, RepoError, SessionId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::avatars::AVATAR_FILES;
use crate::enums::RoleLabel;
use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::{photo, sessions, users};

/// Where a user created by a first login lives, as the old backend set it (CONTRACT §5.5).
const DEFAULT_LOCATION: &str = "Aşgabat";

/// `UserRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgUserRepo {
    pub(super) pool: PgPool,
}

impl PgUserRepo {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// A user as the operator's `admin list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRow {
    pub id: UserId,
    pub phone: Option<String>,
    pub name: Option<String>,
}

/// Operator changes to roles (`alpha-motors admin ...`).
impl PgUserRepo {
    /// Sets the role of the user whose phone is `e164`; `false` when there is none.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    pub async fn set_role_by_phone(&self, e164: &str, role: Role) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let changed = diesel::update(users::table.filter(users::phone.eq(e164)))
            .set((
                users::role.eq(RoleLabel(role)),
                users::updatedAt.eq(diesel::dsl::now),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(changed > 0)
    }

    /// Users with the admin role, oldest first.
    ///
    /// Errors: as [`PgUserRepo::set_role_by_phone`].
    pub async fn admins(&self) -> Result<Vec<AdminRow>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows = users::table
            .filter(users::role.eq(RoleLabel(Role::Admin)))
            .order((users::createdAt, users::uuid))
            .select((users::uuid, users::phone, users::name))
            .load::<(Uuid, Option<String>, Option<String>)>(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, phone, name)| AdminRow {
                id: UserId(id),
                phone,
                name,
            })
            .collect())
    }
}

impl std::fmt::Debug for PgUserRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgUserRepo").finish_non_exhaustive()
    }
}

/// The per-request lookup with a session: users LEFT JOIN sessions, so a missing, foreign or
/// dead session still returns the user (with NULL session columns) in the same round trip.
/// Built only from the DSL with binds, so its SQL is fixed and diesel-async prepares it once per
/// connection and reuses it.
#[diesel::dsl::auto_type]
fn auth_with_session_query(user: Uuid, session: Uuid) -> _ {
    users::table
        .left_join(
            sessions::table.on(sessions::id
                .eq(session)
                .and(sessions::user_id.eq(users::uuid))),
        )
        .filter(users::uuid.eq(user))
        .select((
            users::uuid,
            users::phone,
            users::role,
            sessions::id.nullable(),
            // Every column of the LEFT JOINed side must be marked nullable, even a NULL-able one.
            sessions::revoked_at.nullable(),
            sessions::expires_at.nullable(),
        ))
}

/// `GET /auth/me` in one statement: the user, its session's state and its avatar (the newest
/// one, should legacy data hold several). A missing session or avatar leaves NULL columns, never
/// a missing row.
#[diesel::dsl::auto_type]
fn profile_with_session_query(user: Uuid, session: Uuid, avatar_files: &'static str) -> _ {
    users::table
        .left_join(
            sessions::table.on(sessions::id
                .eq(session)
                .and(sessions::user_id.eq(users::uuid))),
        )
        .left_join(
            photo::table.on(photo::userId
                .eq(users::uuid.nullable())
                .and(photo::originalPath.like(avatar_files))),
        )
        .filter(users::uuid.eq(user))
        // uuid breaks ties so the same avatar is shown on every call.
        .order((photo::createdAt.desc(), photo::uuid.desc()))
        .select((
            (
                users::uuid,
                users::name,
                users::email,
                users::phone,
                users::location,
                users::access,
                users::role,
                users::createdAt,
            ),
            (
                sessions::id.nullable(),
                sessions::revoked_at.nullable(),
                sessions::expires_at.nullable(),
            ),
            (
                photo::uuid,
                photo::path,
                photo::originalPath,
                photo::bannerId,
                photo::categoryId,
                photo::subscriptionId,
                photo::brandsId,
                photo::modelsId,
                photo::userId,
                photo::createdAt,
                photo::updatedAt,
            )
                .nullable(),
        ))
}

type SessionState = (Option<Uuid>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Whether the joined session columns describe a live session at `now`. The join already
/// required the session to belong to the user.
fn session_live(state: SessionState, now: DateTime<Utc>) -> bool {
    let (id, revoked_at, expires_at) = state;
    id.is_some() && revoked_at.is_none() && expires_at.is_some_and(|expires| expires > now)
}

type AuthRow = (
    Uuid,
    Option<String>,
    RoleLabel,
    Option<Uuid>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// `users` columns of `GET /auth/me`.
#[derive(Queryable)]
struct ProfileRow {
    uuid: Uuid,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    location: Option<String>,
    access: Option<Vec<Option<String>>>,
    role: RoleLabel,
    created_at: DateTime<Utc>,
}

impl ProfileRow {
    fn into_profile(self, avatar: Option<PhotoRow>) -> Profile {
        Profile {
            id: UserId(self.uuid),
            name: self.name,
            email: self.email,
            phone: self.phone,
            location: self.location,
            access: access_list(self.access),
            role: self.role.0,
            avatar: avatar.map(PhotoRow::into_json),
            created_at: self.created_at,
        }
    }
}

/// `users.access`: NULL (never set) and NULL elements both read as "no entry".
pub(super) fn access_list(access: Option<Vec<Option<String>>>) -> Vec<String> {
    access.unwrap_or_default().into_iter().flatten().collect()
}

/// A `photo` row, all columns in table order.
#[derive(Queryable)]
pub(super) struct PhotoRow {
    uuid: Uuid,
    path: Option<serde_json::Value>,
    original_path: Option<String>,
    banner_id: Option<Uuid>,
    category_id: Option<Uuid>,
    subscription_id: Option<Uuid>,
    brands_id: Option<Uuid>,
    models_id: Option<Uuid>,
    user_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl PhotoRow {
    pub(super) fn user_id(&self) -> Option<Uuid> {
        self.user_id
    }

    /// The old API's Photo JSON (CONTRACT §1.16): camelCase keys, timestamps as JavaScript's
    /// `toISOString` writes them (UTC, milliseconds, `Z`).
    pub(super) fn into_json(self) -> serde_json::Value {
        let iso = alpha_kernel::iso_millis;
        serde_json::json!({
            "uuid": self.uuid,
            "path": self.path,
            "originalPath": self.original_path,
            "bannerId": self.banner_id,
            "categoryId": self.category_id,
            "subscriptionId": self.subscription_id,
            "brandsId": self.brands_id,
            "modelsId": self.models_id,
            "userId": self.user_id,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        })
    }
}

/// `PUT /auth` as a changeset: a `None` field is left out of the SET, `Some(None)` writes NULL.
#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct UserChanges<'a> {
    name: Option<Option<&'a str>>,
    location: Option<Option<&'a str>>,
    email: Option<Option<&'a str>>,
    // Always present, which also keeps the SET from being empty (diesel refuses that).
    #[diesel(column_name = updatedAt)]
    updated_at: DateTime<Utc>,
}

#[async_trait::async_trait]
impl UserRepo for PgUserRepo {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn id_by_phone(&self, e164: &str) -> Result<Option<UserId>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        users::table
            .filter(users::phone.eq(e164))
            .select(users::uuid)
            .first::<Uuid>(&mut conn)
            .await
            .optional()
            .map(|id| id.map(UserId))
            .map_err(db_error)
    }

    /// One `INSERT ... ON CONFLICT (phone) DO UPDATE`: PostgreSQL resolves concurrent first
    /// logins of one phone to one row, and every caller gets that row back.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn login_by_phone(
        &self,
        phone: &Phone,
        new_name: &str,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let (id, stored_phone) = diesel::insert_into(users::table)
            .values((
                users::uuid.eq(Uuid::new_v4()),
                users::name.eq(new_name),
                users::phone.eq(phone.as_str()),
                users::location.eq(DEFAULT_LOCATION),
                users::status.eq(true),
                users::role.eq(RoleLabel(Role::User)),
                users::createdAt.eq(now),
                users::updatedAt.eq(now),
            ))
            .on_conflict(users::phone)
            .do_update()
            .set((users::status.eq(true), users::updatedAt.eq(now)))
            .returning((users::uuid, users::phone))
            .get_result::<(Uuid, Option<String>)>(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(UserRecord {
            id: UserId(id),
            // The row was matched on this phone, so it cannot be NULL; fall back regardless.
            phone: stored_phone.map_or_else(|| phone.clone(), Phone::from_stored),
        })
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn auth_record(
        &self,
        user: UserId,
        session: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<Option<AuthRecord>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let Some(session) = session else {
            let row = users::table
                .filter(users::uuid.eq(user.0))
                .select((users::uuid, users::phone, users::role))
                .first::<(Uuid, Option<String>, RoleLabel)>(&mut conn)
                .await
                .optional()
                .map_err(db_error)?;
            return Ok(row.map(|(id, phone, role)| AuthRecord {
                id: UserId(id),
                phone,
                role: role.0,
                session_active: None,
            }));
        };
        let row = auth_with_session_query(user.0, session.0)
            .first::<AuthRow>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(
            |(id, phone, role, session_id, revoked_at, expires_at)| AuthRecord {
                id: UserId(id),
                phone,
                role: role.0,
                session_active: Some(session_live((session_id, revoked_at, expires_at), now)),
            },
        ))
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn profile_with_session(
        &self,
        user: UserId,
        session: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<Option<CheckedProfile>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // One fixed statement for both cases keeps it prepared once per connection; the nil
        // uuid matches no session, and its columns are then ignored.
        let asked = session.map_or(Uuid::nil(), |s| s.0);
        let row = profile_with_session_query(user.0, asked, AVATAR_FILES)
            .first::<(ProfileRow, SessionState, Option<PhotoRow>)>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(|(profile, state, avatar)| CheckedProfile {
            session_active: session.map(|_| session_live(state, now)),
            profile: profile.into_profile(avatar),
        }))
    }

    /// The avatar is the user's newest avatar `photo` row (`super::avatars`).
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when a query fails.
    async fn profile(&self, user: UserId) -> Result<Option<Profile>, RepoError> {
        // The same statement as `profile_with_session`, asked about no session.
        Ok(self
            .profile_with_session(user, None, chrono::Utc::now())
            .await?
            .map(|checked| checked.profile))
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails for any reason but the email's unique
    /// constraint (that one is [`UpdateOutcome::EmailTaken`]).
    async fn update_profile(
        &self,
        user: UserId,
        changes: ProfileChanges,
        now: DateTime<Utc>,
    ) -> Result<UpdateOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let set = UserChanges {
            name: changes.name.as_ref().map(Option::as_deref),
            location: changes.location.as_ref().map(Option::as_deref),
            email: changes
                .email
                .as_ref()
                .map(|e| e.as_ref().map(Email::as_str)),
            updated_at: now,
        };
        match diesel::update(users::table.filter(users::uuid.eq(user.0)))
            .set(set)
            .execute(&mut conn)
            .await
        {
            Ok(0) => Ok(UpdateOutcome::UserNotFound),
            Ok(_) => Ok(UpdateOutcome::Updated),
            // email is the only unique column this statement can write; the constraint (not
            // a prior SELECT) decides, so two users racing for one address cannot both win.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
                if changes.email.is_some() =>
            {
                Ok(UpdateOutcome::EmailTaken)
            }
            Err(e) => Err(db_error(e)),
        }
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails (e.g. a token over 255 characters).
    async fn set_firebase_token(
        &self,
        user: UserId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let updated = diesel::update(users::table.filter(users::uuid.eq(user.0)))
            .set((users::firebaseToken.eq(token), users::updatedAt.eq(now)))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(updated > 0)
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn legacy_refresh(&self, user: UserId) -> Result<Option<LegacyRefresh>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = users::table
            .filter(users::uuid.eq(user.0))
            .select((users::phone, users::refreshTokenHash))
            .first::<(Option<String>, Option<String>)>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(|(phone, hash)| LegacyRefresh { phone, hash }))
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn take_legacy_refresh(&self, user: UserId, expected: &str) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        // Compare-and-swap: of two requests presenting the same old token, only the one whose
        // UPDATE still sees the expected hash clears it.
        let cleared = diesel::update(
            users::table
                .filter(users::uuid.eq(user.0))
                .filter(users::refreshTokenHash.eq(expected)),
        )
        .set(users::refreshTokenHash.eq(None::<String>))
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(cleared > 0)
    }
}

#[cfg(test)]
mod tests {
    use diesel::query_builder::QueryId;

    fn has_static_query_id<T: QueryId>(_: &T) -> bool {
        T::HAS_STATIC_QUERY_ID
    }

    /// diesel-async keys its prepared-statement cache on a static query id; losing it would
    /// re-prepare the hot-path query on every request.
    #[test]
    fn auth_query_is_cacheable() {
        let query = super::auth_with_session_query(uuid::Uuid::nil(), uuid::Uuid::nil());
        assert!(has_static_query_id(&query));
    }
}
