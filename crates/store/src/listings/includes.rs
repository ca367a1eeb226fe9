//! The related rows a read asked for, in their wire shape (CONTRACT §1.16), attached to each
//! post's `includes`: one query for the whole page and every kind of row, keyed by post uuid.

use std::collections::HashMap;

use alpha_kernel::RepoError;
use alpha_listings::{FeedIncludes, PostView};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Json, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use crate::error::db_error;

/// Which related rows to attach.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Wanted {
    pub brand: bool,
    pub model: bool,
    pub photo: bool,
    pub category: bool,
    pub subscription: bool,
    pub video: bool,
    pub file: bool,
    pub comments: bool,
}

impl From<FeedIncludes> for Wanted {
    fn from(i: FeedIncludes) -> Self {
        Self {
            brand: i.brand,
            model: i.model,
            photo: i.photo,
            category: i.category,
            subscription: i.subscription,
            ..Self::default()
        }
    }
}

/// A timestamp column as `iso_millis` writes it.
fn ts(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
}

fn photo_object(alias: &str) -> String {
    format!(
        "'uuid', {a}.uuid, 'path', {a}.path, 'originalPath', {a}.\"originalPath\", \
         'bannerId', {a}.\"bannerId\", 'categoryId', {a}.\"categoryId\", \
         'subscriptionId', {a}.\"subscriptionId\", 'brandsId', {a}.\"brandsId\", \
         'modelsId', {a}.\"modelsId\", 'userId', {a}.\"userId\", 'createdAt', {c}, \
         'updatedAt', {u}",
        a = alias,
        c = ts(&format!("{alias}.\"createdAt\"")),
        u = ts(&format!("{alias}.\"updatedAt\"")),
    )
}

#[derive(QueryableByName)]
struct Related {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = SqlUuid)]
    post: Uuid,
    #[diesel(sql_type = Json)]
    value: Value,
}

/// One include: its key, the SQL giving `(post, value)` for the posts in `$1`, and whether it
/// is a list (absent: `[]`) or one row (absent: `null`).
fn sql_of(key: &str) -> (String, bool) {
    match key {
        "brand" => (
            format!(
                "SELECT p.uuid AS post, json_build_object('uuid', b.uuid, 'name', b.name, \
                 'location', b.location, 'createdAt', {}, 'updatedAt', {}) AS value \
                 FROM posts p JOIN brands b ON b.uuid = p.\"brandsId\" WHERE p.uuid = ANY($1)",
                ts("b.\"createdAt\""),
                ts("b.\"updatedAt\"")
            ),
            false,
        ),
        "model" => (
            format!(
                "SELECT p.uuid AS post, json_build_object('uuid', m.uuid, 'name', m.name, \
                 'brandId', m.\"brandId\", 'yearstart', m.yearstart, 'yearend', m.yearend, \
                 'createdAt', {}, 'updatedAt', {}) AS value \
                 FROM posts p JOIN models m ON m.uuid = p.\"modelsId\" WHERE p.uuid = ANY($1)",
                ts("m.\"createdAt\""),
                ts("m.\"updatedAt\"")
            ),
            false,
        ),
        "category" => (
            format!(
                "SELECT p.uuid AS post, json_build_object('uuid', c.uuid, 'name', c.name, \
                 'creator', c.creator, 'priority', c.priority, 'createdAt', {}, \
                 'updatedAt', {}) AS value \
                 FROM posts p JOIN categories c ON c.uuid = p.\"categoryId\" \
                 WHERE p.uuid = ANY($1)",
                ts("c.\"createdAt\""),
                ts("c.\"updatedAt\"")
            ),
            false,
        ),
        "subscription" => (
            format!(
                "SELECT p.uuid AS post, json_build_object('uuid', s.uuid, 'name', s.name, \
                 'photo', (SELECT json_build_object({}) FROM photo sp \
                           WHERE sp.\"subscriptionId\" = s.uuid \
                           ORDER BY (sp.path IS NULL), sp.\"createdAt\" DESC, sp.uuid LIMIT 1)) \
                 AS value FROM posts p JOIN subscriptions s ON s.uuid = p.\"subscriptionId\" \
                 WHERE p.uuid = ANY($1)",
                photo_object("sp")
            ),
            false,
        ),
        "photo" => (
            format!(
                "SELECT pp.\"postId\" AS post, json_agg(json_build_object({}, 'PhotoPosts', \
                 json_build_object('id', pp.id::text, 'postId', pp.\"postId\", \
                 'photoUuid', pp.\"photoUuid\")) ORDER BY ph.\"createdAt\", ph.uuid) AS value \
                 FROM photo_posts pp JOIN photo ph ON ph.uuid = pp.\"photoUuid\" \
                 WHERE pp.\"postId\" = ANY($1) GROUP BY pp.\"postId\"",
                photo_object("ph")
            ),
            true,
        ),
        "video" => (
            format!(
                "SELECT DISTINCT ON (v.\"postId\") v.\"postId\" AS post, \
                 json_build_object('id', v.id::text, \
                 'url', regexp_replace(v.url, '^/?(uploads/)?', ''), 'postId', v.\"postId\", \
                 'createdAt', {}, 'updatedAt', {}) AS value \
                 FROM video v WHERE v.\"postId\" = ANY($1) \
                 ORDER BY v.\"postId\", v.\"createdAt\" DESC, v.id DESC",
                ts("v.\"createdAt\""),
                ts("v.\"updatedAt\"")
            ),
            false,
        ),
        "file" => (
            format!(
                "SELECT DISTINCT ON (f.\"postId\") f.\"postId\" AS post, \
                 json_build_object('uuid', f.uuid, 'path', f.path, 'postId', f.\"postId\", \
                 'createdAt', {}, 'updatedAt', {}) AS value \
                 FROM file f WHERE f.\"postId\" = ANY($1) \
                 ORDER BY f.\"postId\", f.\"createdAt\" DESC, f.uuid",
                ts("f.\"createdAt\""),
                ts("f.\"updatedAt\"")
            ),
            false,
        ),
        // "comments"
        _ => (
            // The comments context's rendering: its sender is never an e-mail (S7).
            format!(
                "SELECT c.\"postId\" AS post, json_agg({} ORDER BY c.\"createdAt\", c.uuid) \
                 AS value FROM comments c WHERE c.\"postId\" = ANY($1) GROUP BY c.\"postId\"",
                crate::comments::comment_json(ts)
            ),
            true,
        ),
    }
}

/// A video with a url also carries `publicUrl` (`/media/<url>`), which the app prefers.
fn with_public_url(mut video: Value) -> Value {
    if let Some(object) = video.as_object_mut()
        && let Some(url) = object.get("url").and_then(Value::as_str)
    {
        let public = format!("/media/{url}");
        object.insert("publicUrl".to_owned(), Value::String(public));
    }
    video
}

/// Attaches the wanted related rows to every view.
pub(crate) async fn attach(
    conn: &mut AsyncPgConnection,
    views: &mut [PostView],
    wanted: Wanted,
) -> Result<(), RepoError> {
    if views.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = views.iter().map(|v| v.uuid).collect();
    let keys = [
        ("brand", wanted.brand),
        ("model", wanted.model),
        ("photo", wanted.photo),
        ("category", wanted.category),
        ("subscription", wanted.subscription),
        ("video", wanted.video),
        ("file", wanted.file),
        ("comments", wanted.comments),
    ];
    let wanted: Vec<(&str, bool)> = keys
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(key, _)| (key, sql_of(key).1))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    // One round trip for every kind of row: each query tagged with its key, in one UNION ALL.
    let sql = wanted
        .iter()
        .map(|(key, _)| {
            format!(
                "SELECT '{key}' AS key, post, value FROM ({}) AS {key}_rows",
                sql_of(key).0
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows: Vec<Related> = diesel::sql_query(sql)
        .bind::<Array<SqlUuid>, _>(&ids)
        .load(conn)
        .await
        .map_err(db_error)?;
    let mut found: HashMap<(&str, Uuid), Value> = HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some((key, _)) = wanted.iter().find(|(key, _)| *key == row.key) {
            found.insert((key, row.post), row.value);
        }
    }
    for view in views.iter_mut() {
        for (key, list) in &wanted {
            let value = found.remove(&(*key, view.uuid)).unwrap_or(if *list {
                Value::Array(Vec::new())
            } else {
                Value::Null
            });
            let value = if *key == "video" {
                with_public_url(value)
            } else {
                value
            };
            view.includes.insert((*key).to_owned(), value);
        }
    }
    Ok(())
}
