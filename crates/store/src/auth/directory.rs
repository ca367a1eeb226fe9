//! [`UserDirectory`] over `users`: the back office's reads and edits of accounts.

use alpha_auth::{EditOutcome, ManagedUser, Role, UserDirectory, UserEdit, UserPage, UserQuery};
use alpha_kernel::{Email, RepoError, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

use super::avatars::AVATAR_FILES;
use super::users::{PgUserRepo, PhotoRow, access_list};
use crate::catalog::like_pattern;
use crate::enums::RoleLabel;
use crate::error::{connection, db_error};
use crate::schema::{photo, users};

/// The columns operators see.
#[diesel::dsl::auto_type]
fn managed() -> _ {
    (
        users::uuid,
        users::name,
        users::email,
        users::phone,
        users::location,
        users::access,
        users::role,
        users::status,
        // Whether there is one, never the token (S7).
        users::firebaseToken.is_not_null(),
        users::createdAt,
        users::updatedAt,
    )
}

#[derive(Queryable)]
struct ManagedRow {
    uuid: Uuid,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    location: Option<String>,
    access: Option<Vec<Option<String>>>,
    role: RoleLabel,
    status: Option<bool>,
    push_enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ManagedRow {
    fn into_user(self, avatar: Option<serde_json::Value>) -> ManagedUser {
        ManagedUser {
            id: UserId(self.uuid),
            name: self.name,
            email: self.email,
            phone: self.phone,
            location: self.location,
            access: access_list(self.access),
            role: self.role.0,
            status: self.status.unwrap_or(false),
            push_enabled: self.push_enabled,
            avatar,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = users)]
struct Changes<'a> {
    name: Option<Option<&'a str>>,
    location: Option<Option<&'a str>>,
    email: Option<Option<&'a str>>,
    phone: Option<&'a str>,
    access: Option<Vec<Option<&'a str>>>,
    role: Option<RoleLabel>,
    status: Option<bool>,
    #[diesel(column_name = updatedAt)]
    updated_at: DateTime<Utc>,
}

/// Why an edit stopped inside its transaction.
enum Stop {
    NotFound,
    LastAdmin,
    Db(DieselError),
}

impl From<DieselError> for Stop {
    fn from(err: DieselError) -> Self {
        Self::Db(err)
    }
}

impl PgUserRepo {
    /// The newest avatar row of each of `ids`, as the old API rendered photos.
    async fn avatars(
        conn: &mut diesel_async::AsyncPgConnection,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, serde_json::Value>, DieselError> {
        let rows: Vec<PhotoRow> = photo::table
            .filter(photo::userId.eq_any(ids))
            .filter(photo::originalPath.like(AVATAR_FILES))
            .order((photo::createdAt.desc(), photo::uuid.desc()))
            .load(conn)
            .await?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            if let Some(user) = row.user_id() {
                out.entry(user).or_insert_with(|| row.into_json());
            }
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl UserDirectory for PgUserRepo {
    async fn page(&self, query: &UserQuery) -> Result<UserPage, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let filtered = || {
            let mut q = users::table.into_boxed();
            if let Some(role) = query.role {
                q = q.filter(users::role.eq(RoleLabel(role)));
            }
            if let Some(text) = &query.search {
                let pattern = like_pattern(text);
                q = q.filter(
                    users::phone
                        .ilike(pattern.clone())
                        .or(users::name.ilike(pattern)),
                );
            }
            q
        };
        let count: i64 = filtered()
            .count()
            .get_result(&mut conn)
            .await
            .map_err(db_error)?;
        let rows: Vec<ManagedRow> = filtered()
            .order((users::createdAt.desc(), users::uuid.desc()))
            .offset(i64::from(query.offset))
            .limit(i64::from(query.limit))
            .select(managed())
            .load(&mut conn)
            .await
            .map_err(db_error)?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.uuid).collect();
        let mut avatars = Self::avatars(&mut conn, &ids).await.map_err(db_error)?;
        Ok(UserPage {
            count: u64::try_from(count).unwrap_or(0),
            rows: rows
                .into_iter()
                .map(|row| {
                    let avatar = avatars.remove(&row.uuid);
                    row.into_user(avatar)
                })
                .collect(),
        })
    }

    async fn get(&self, id: UserId) -> Result<Option<ManagedUser>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let Some(row) = users::table
            .filter(users::uuid.eq(id.0))
            .select(managed())
            .first::<ManagedRow>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let mut avatars = Self::avatars(&mut conn, &[row.uuid])
            .await
            .map_err(db_error)?;
        let avatar = avatars.remove(&row.uuid);
        Ok(Some(row.into_user(avatar)))
    }

    /// One transaction: the admins are locked while a role changes, so two operators demoting
    /// the last two admins at once cannot both succeed. The unique constraints decide taken
    /// emails and phones, not a prior read.
    async fn edit(
        &self,
        id: UserId,
        edit: &UserEdit,
        now: DateTime<Utc>,
    ) -> Result<EditOutcome, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let changes = Changes {
            name: edit.name.as_ref().map(Option::as_deref),
            location: edit.location.as_ref().map(Option::as_deref),
            email: edit.email.as_ref().map(|e| e.as_ref().map(Email::as_str)),
            phone: edit.phone.as_ref().map(|p| p.as_str()),
            access: edit
                .access
                .as_ref()
                .map(|a| a.iter().map(|s| Some(s.as_str())).collect()),
            role: edit.role.map(RoleLabel),
            status: edit.status,
            updated_at: now,
        };
        let demotes = edit.role.is_some_and(|r| r != Role::Admin);
        let result = conn
            .transaction::<_, Stop, _>(async |conn| {
                if demotes {
                    let admins: Vec<Uuid> = users::table
                        .filter(users::role.eq(RoleLabel(Role::Admin)))
                        .select(users::uuid)
                        .for_update()
                        .load(conn)
                        .await?;
                    if admins == [id.0] {
                        return Err(Stop::LastAdmin);
                    }
                }
                let changed = diesel::update(users::table.filter(users::uuid.eq(id.0)))
                    .set(&changes)
                    .execute(conn)
                    .await?;
                if changed == 0 {
                    return Err(Stop::NotFound);
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(EditOutcome::Updated),
            Err(Stop::NotFound) => Ok(EditOutcome::NotFound),
            Err(Stop::LastAdmin) => Ok(EditOutcome::LastAdmin),
            Err(Stop::Db(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info))) => {
                if info.constraint_name().is_some_and(|c| c.contains("phone")) {
                    Ok(EditOutcome::PhoneTaken)
                } else {
                    Ok(EditOutcome::EmailTaken)
                }
            }
            Err(Stop::Db(err)) => Err(db_error(err)),
        }
    }

    async fn delete(&self, id: UserId) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let deleted = diesel::delete(users::table.filter(users::uuid.eq(id.0)))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(deleted > 0)
    }
}
