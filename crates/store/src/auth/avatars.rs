//! [`Avatars`] over `photo`: a user's avatar rows are those with its `userId` whose files sit in
//! the avatars folder. The folder tells them apart from any other image a user's id might be
//! recorded on; the old API kept avatars there too (`./uploads/avatars`), so legacy avatars
//! qualify.

use alpha_auth::{AvatarWrite, Avatars, NewAvatar};
use alpha_kernel::{RepoError, UserId};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::users::PgUserRepo;
use crate::error::{connection, db_error};
use crate::photo_files::{PhotoFiles, public_paths};
use crate::schema::{photo, users};

/// `photo."originalPath"` of every avatar: the avatars folder (`alpha_media::ImageKind::Avatar`)
/// under the public prefix.
pub(super) const AVATAR_FILES: &str = "uploads/avatars/%";

/// Deletes the avatar rows `which` selects, returning the files they named.
async fn delete_avatars(
    conn: &mut AsyncPgConnection,
    which: Which,
) -> Result<Vec<PhotoFiles>, diesel::result::Error> {
    let avatars = photo::table.filter(photo::originalPath.like(AVATAR_FILES));
    let returning = (photo::path, photo::originalPath);
    match which {
        Which::OfUser(user) => {
            diesel::delete(avatars.filter(photo::userId.eq(user)))
                .returning(returning)
                .load(conn)
                .await
        }
        Which::Photo(uuid) => {
            diesel::delete(
                avatars
                    .filter(photo::uuid.eq(uuid))
                    .filter(photo::userId.is_not_null()),
            )
            .returning(returning)
            .load(conn)
            .await
        }
    }
}

#[derive(Clone, Copy)]
enum Which {
    OfUser(Uuid),
    Photo(Uuid),
}

impl PgUserRepo {
    async fn delete_avatars(&self, which: Which) -> Result<Option<Vec<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows = delete_avatars(&mut conn, which).await.map_err(db_error)?;
        Ok((!rows.is_empty()).then(|| public_paths(rows)))
    }
}

#[async_trait::async_trait]
impl Avatars for PgUserRepo {
    async fn replace_avatar(
        &self,
        user: UserId,
        avatar: &NewAvatar,
    ) -> Result<AvatarWrite, RepoError> {
        let path = serde_json::json!({
            "small": avatar.paths.small,
            "medium": avatar.paths.medium,
            "large": avatar.paths.large,
        });
        let mut conn = connection(&self.pool).await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            // Locking the user makes two uploads take turns, so the second replaces the first
            // instead of both rows surviving; a concurrent delete of the user waits too, so the
            // row below never points at a vanished user.
            let found = users::table
                .filter(users::uuid.eq(user.0))
                .select(users::uuid)
                .for_no_key_update()
                .first::<Uuid>(conn)
                .await
                .optional()?;
            if found.is_none() {
                return Ok(AvatarWrite::UserGone);
            }
            let old = delete_avatars(conn, Which::OfUser(user.0)).await?;
            let now = diesel::dsl::now;
            diesel::insert_into(photo::table)
                .values((
                    photo::uuid.eq(avatar.uuid),
                    photo::path.eq(&path),
                    photo::originalPath.eq(&avatar.original_path),
                    photo::userId.eq(user.0),
                    photo::createdAt.eq(now),
                    photo::updatedAt.eq(now),
                ))
                .execute(conn)
                .await?;
            Ok(AvatarWrite::Written {
                replaced: (!old.is_empty()).then(|| public_paths(old)),
            })
        })
        .await
        .map_err(db_error)
    }

    async fn delete_avatar_of(&self, user: UserId) -> Result<Option<Vec<String>>, RepoError> {
        self.delete_avatars(Which::OfUser(user.0)).await
    }

    async fn delete_avatar(&self, photo: Uuid) -> Result<Option<Vec<String>>, RepoError> {
        self.delete_avatars(Which::Photo(photo)).await
    }
}
