//! The files a `photo` row names, shared by every context that deletes its own photo rows
//! (catalog, listings, auth's avatars): a deleted row's files are removed once its change is
//! committed.

use diesel::sql_types::{Jsonb, Nullable, Text};
use diesel::{Queryable, QueryableByName};

/// A deleted row's `path` and `originalPath`, as `RETURNING path, "originalPath"` gives them.
#[derive(Debug, QueryableByName, Queryable)]
pub(crate) struct PhotoFiles {
    #[diesel(sql_type = Nullable<Jsonb>)]
    path: Option<serde_json::Value>,
    #[diesel(sql_type = Nullable<Text>, column_name = "originalPath")]
    original_path: Option<String>,
}

/// Every file the rows named: the variants of each `path` object and each original. Legacy
/// rows may hold anything in `path`; only strings are paths.
pub(crate) fn public_paths(rows: Vec<PhotoFiles>) -> Vec<String> {
    let mut paths = Vec::new();
    for row in rows {
        if let Some(serde_json::Value::Object(variants)) = row.path {
            paths.extend(
                variants
                    .into_iter()
                    .filter_map(|(_, v)| v.as_str().map(str::to_owned)),
            );
        }
        paths.extend(row.original_path);
    }
    paths
}
