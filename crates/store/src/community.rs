//! What the comments and blog adapters share. Above all the author of a comment or blog entry
//! as they show them: uuid, name and newest photo (the avatar, as `GET /auth/me` picks it), read
//! from the auth context's `users` and `photo` rows in one correlated subquery. Only these
//! columns are selected, so no e-mail, phone, token or password can reach an answer (S7).

use alpha_community::{AuthorView, AvatarView, ImagePaths};
use alpha_kernel::RepoError;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::RunQueryDsl;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{connection, db_error};
use crate::pool::PgPool;

/// Runs `statement` (one `$1`, the row's uuid); true when it touched a row.
pub(crate) async fn touch_row(pool: &PgPool, statement: &str, id: Uuid) -> Result<bool, RepoError> {
    let mut conn = connection(pool).await?;
    let n = diesel::sql_query(statement)
        .bind::<SqlUuid, _>(id)
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
    Ok(n > 0)
}

/// A `json` expression: the author whose uuid is `user_column`, or NULL.
pub(crate) fn author_json(user_column: &str) -> String {
    format!(
        "(SELECT json_build_object('uuid', u.uuid, 'name', u.name, 'avatar', \
           (SELECT json_build_object('uuid', ph.uuid, 'path', ph.path, \
                                     'originalPath', ph.\"originalPath\") \
            FROM photo ph WHERE ph.\"userId\" = u.uuid \
            ORDER BY ph.\"createdAt\" DESC, ph.uuid DESC LIMIT 1)) \
         FROM users u WHERE u.uuid = {user_column})"
    )
}

/// A stored sender as the public may see it: legacy rows hold the author's e-mail when they had
/// no name, which is not shown (S7).
pub(crate) fn public_sender(column: &str) -> String {
    format!("CASE WHEN strpos({column}, '@') > 0 THEN NULL ELSE {column} END")
}

/// Reads what [`author_json`] built.
pub(crate) fn author(value: Option<Value>) -> Option<AuthorView> {
    let value = value?;
    Some(AuthorView {
        uuid: uuid(&value["uuid"])?,
        name: value["name"].as_str().map(str::to_owned),
        avatar: avatar(&value["avatar"]),
    })
}

fn avatar(value: &Value) -> Option<AvatarView> {
    Some(AvatarView {
        uuid: uuid(&value["uuid"])?,
        path: image_paths(&value["path"]),
        original_path: value["originalPath"].as_str().map(str::to_owned),
    })
}

/// Legacy rows may hold anything in `path`; only the three sizes as strings make paths.
fn image_paths(value: &Value) -> Option<ImagePaths> {
    let size = |key: &str| value[key].as_str().map(str::to_owned);
    Some(ImagePaths {
        small: size("small")?,
        medium: size("medium")?,
        large: size("large")?,
    })
}

fn uuid(value: &Value) -> Option<Uuid> {
    value.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_author_with_and_without_a_usable_avatar() {
        let id = Uuid::from_u128(1);
        let photo = Uuid::from_u128(2);
        let full = author(Some(json!({
            "uuid": id, "name": "Aman",
            "avatar": {"uuid": photo, "originalPath": "uploads/avatars/a.jpg",
                       "path": {"small": "s", "medium": "m", "large": "l"}}
        })))
        .unwrap_or_else(|| panic!("no author"));
        assert_eq!(full.name.as_deref(), Some("Aman"));
        assert_eq!(full.avatar_path().as_deref(), Some("m"));
        let legacy = author(Some(json!({
            "uuid": id, "name": null, "avatar": {"uuid": photo, "path": "junk"}
        })))
        .unwrap_or_else(|| panic!("no author"));
        assert_eq!(legacy.avatar.and_then(|a| a.path), None);
        assert_eq!(author(None), None);
    }
}
