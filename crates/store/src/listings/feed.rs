//! `GET /posts`: the filters of a [`FeedQuery`] as one WHERE clause with bound values, the page
//! sorted by a whitelisted column with the uuid breaking ties, and the number of distinct posts
//! matching (B7: not of joined photo rows), computed without the related rows; those the
//! query asks for are attached to the page afterwards.

use alpha_kernel::RepoError;
use alpha_listings::{FeedQuery, PostView, SortBy, SortDir};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::binds::{Bind, Binds};
use super::includes::attach;
use super::reads::Count;
use super::rows::{POST_COLUMNS, PostRow};
use crate::catalog::like_pattern;
use crate::error::db_error;

/// `FROM … WHERE …` for the query's filters. Brands and models are joined (one row each, by
/// primary key) only when the search needs their names.
fn from_where(query: &FeedQuery, binds: &mut Binds) -> String {
    let mut conditions: Vec<String> = Vec::new();
    if let Some(moderation) = query.status {
        conditions.push(match moderation.status() {
            None => "p.status IS NULL".to_owned(),
            Some(true) => "p.status IS TRUE".to_owned(),
            Some(false) => "p.status IS FALSE".to_owned(),
        });
    }
    if !query.subscriptions.is_empty() {
        let n = binds.push(Bind::Uuids(query.subscriptions.clone()));
        // The old inner join: the plan must exist too.
        conditions.push(format!(
            "p.\"subscriptionId\" = ANY({n}) AND EXISTS \
             (SELECT 1 FROM subscriptions s WHERE s.uuid = p.\"subscriptionId\")"
        ));
    }
    if !query.brands.is_empty() {
        let n = binds.push(Bind::Uuids(query.brands.clone()));
        conditions.push(format!("p.\"brandsId\" = ANY({n})"));
    }
    if !query.models.is_empty() {
        let n = binds.push(Bind::Uuids(query.models.clone()));
        conditions.push(format!("p.\"modelsId\" = ANY({n})"));
    }
    if let Some(category) = query.category {
        let n = binds.push(Bind::Uuid(category));
        conditions.push(format!("p.\"categoryId\" = {n}"));
    }
    if !query.colors.is_empty() {
        let n = binds.push(Bind::Texts(query.colors.clone()));
        conditions.push(format!("p.color = ANY({n})"));
    }
    if let Some(year) = query.year {
        let lo = binds.push(Bind::Int(year.min));
        let hi = binds.push(Bind::Int(year.max));
        conditions.push(format!("p.year BETWEEN {lo} AND {hi}"));
    }
    if let Some(price) = query.price {
        let lo = binds.push(Bind::Float(price.min));
        let hi = binds.push(Bind::Float(price.max));
        conditions.push(format!("p.price BETWEEN {lo} AND {hi}"));
    }
    if let Some(power) = query.min_engine_power {
        let n = binds.push(Bind::Float(power));
        conditions.push(format!("p.\"enginePower\" >= {n}"));
    }
    if let Some(milleage) = query.max_milleage {
        let n = binds.push(Bind::Float(milleage));
        conditions.push(format!("p.milleage <= {n}"));
    }
    for (column, value) in [("credit", query.credit), ("exchange", query.exchange)] {
        if let Some(value) = value {
            let n = binds.push(Bind::Bool(value));
            conditions.push(format!("p.{column} = {n}"));
        }
    }
    for (column, value) in [
        ("transmission", &query.transmission),
        ("condition", &query.condition),
        ("\"engineType\"", &query.engine_type),
    ] {
        if let Some(value) = value {
            let n = binds.push(Bind::Text(value.clone()));
            conditions.push(format!("p.{column} = {n}"));
        }
    }
    if let Some(location) = &query.location {
        let n = binds.push(Bind::Text(like_pattern(location)));
        conditions.push(format!("p.location ILIKE {n}"));
    }
    if let Some(region) = &query.region {
        let n = binds.push(Bind::Text(like_pattern(region)));
        conditions.push(format!("p.\"personalInfo\"->>'region' ILIKE {n}"));
    }
    let mut from = "FROM posts p".to_owned();
    if let Some(search) = &query.search {
        from.push_str(
            " LEFT JOIN brands b ON b.uuid = p.\"brandsId\" \
             LEFT JOIN models m ON m.uuid = p.\"modelsId\"",
        );
        let n = binds.push(Bind::Text(like_pattern(search)));
        conditions.push(format!(
            "(p.description ILIKE {n} OR b.name ILIKE {n} OR m.name ILIKE {n})"
        ));
    }
    if conditions.is_empty() {
        from
    } else {
        format!("{from} WHERE {}", conditions.join(" AND "))
    }
}

/// The distinct posts matching the filters: the FROM joins at most one brand and one model
/// row per post, so counting rows counts posts, without the sort a DISTINCT would cost.
pub(crate) async fn count(
    conn: &mut AsyncPgConnection,
    query: &FeedQuery,
) -> Result<u64, RepoError> {
    let mut binds = Binds::default();
    let from_where = from_where(query, &mut binds);
    let row: Count = binds
        .query(format!("SELECT count(*) AS count {from_where}"))
        .get_result(conn)
        .await
        .map_err(db_error)?;
    Ok(row.get())
}

/// One page of the feed, without `userId`.
pub(crate) async fn page(
    conn: &mut AsyncPgConnection,
    query: &FeedQuery,
) -> Result<Vec<PostView>, RepoError> {
    let mut binds = Binds::default();
    let from_where = from_where(query, &mut binds);
    // Both come from the enums, never from input.
    let column = match query.sort_by {
        SortBy::CreatedAt => "\"createdAt\"",
        SortBy::Price => "price",
        SortBy::Year => "year",
        SortBy::Milleage => "milleage",
    };
    let dir = match query.sort_dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    let offset = binds.push(Bind::BigInt(i64::from(query.offset)));
    let limit = binds.push(Bind::BigInt(i64::from(query.limit)));
    let rows: Vec<PostRow> = binds
        .query(format!(
            "SELECT {POST_COLUMNS} {from_where} ORDER BY p.{column} {dir}, p.uuid {dir} \
             OFFSET {offset} LIMIT {limit}"
        ))
        .load(conn)
        .await
        .map_err(db_error)?;
    let mut rows: Vec<_> = rows.into_iter().map(|r| r.view(false)).collect();
    attach(conn, &mut rows, query.includes.into()).await?;
    Ok(rows)
}
