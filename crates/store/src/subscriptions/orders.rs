//! [`OrderRepo`] on PostgreSQL.

use alpha_kernel::{RepoError, iso_millis};
use alpha_subscriptions::{
    NewOrder, OrderQuery, OrderRepo, OrderStatus, OrderView, OrdersPage, StatusChange,
};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::subscription_order as orders;

/// `OrderRepo` on PostgreSQL.
#[derive(Clone)]
pub struct PgOrders {
    pool: PgPool,
}

impl PgOrders {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl std::fmt::Debug for PgOrders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgOrders").finish_non_exhaustive()
    }
}

/// A `subscription_order` row, all columns in table order.
#[derive(Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(Pg))]
struct OrderRow {
    uuid: Uuid,
    location: Option<String>,
    phone: Option<String>,
    status: Option<String>,
    #[diesel(column_name = subscriptionId)]
    subscription_id: Option<Uuid>,
    #[diesel(column_name = createdAt)]
    created_at: DateTime<Utc>,
    #[diesel(column_name = updatedAt)]
    updated_at: DateTime<Utc>,
}

impl OrderRow {
    fn view(self) -> OrderView {
        OrderView {
            uuid: self.uuid,
            location: self.location,
            phone: self.phone,
            status: self.status,
            subscription_id: self.subscription_id,
            created_at: iso_millis(self.created_at),
            updated_at: iso_millis(self.updated_at),
        }
    }
}

/// `LIKE` reads `%`, `_` and `\` in the pattern; a filter matches them as typed.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The orders a query selects. `Pending` also takes what `OrderStatus::from_stored` reads as
/// pending (NULL or unknown legacy text), so every order shows under exactly one status.
fn matching(query: &OrderQuery) -> orders::BoxedQuery<'static, Pg> {
    let decided = [
        OrderStatus::Accepted.as_str(),
        OrderStatus::Declined.as_str(),
    ];
    let mut select = orders::table.into_boxed();
    select = match query.status() {
        OrderStatus::Pending => {
            select.filter(orders::status.is_null().or(orders::status.ne_all(decided)))
        }
        decided => select.filter(orders::status.eq(decided.as_str())),
    };
    if let Some(location) = query.location() {
        select = select.filter(orders::location.ilike(contains_pattern(location)));
    }
    select
}

#[async_trait::async_trait]
impl OrderRepo for PgOrders {
    /// Errors: [`RepoError`]; the plan's foreign key is `None`, never an error.
    async fn insert(
        &self,
        order: &NewOrder,
        at: DateTime<Utc>,
    ) -> Result<Option<OrderView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let inserted = diesel::insert_into(orders::table)
            .values((
                orders::uuid.eq(order.uuid()),
                orders::location.eq(order.location()),
                orders::phone.eq(order.phone().as_str()),
                orders::status.eq(OrderStatus::Pending.as_str()),
                orders::subscriptionId.eq(order.plan()),
                orders::createdAt.eq(at),
                orders::updatedAt.eq(at),
            ))
            .returning(OrderRow::as_returning())
            .get_result::<OrderRow>(&mut conn)
            .await;
        match inserted {
            Ok(row) => Ok(Some(row.view())),
            Err(DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => Ok(None),
            Err(e) => Err(db_error(e)),
        }
    }

    async fn page(&self, query: &OrderQuery) -> Result<OrdersPage, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let count: i64 = matching(query)
            .count()
            .get_result(&mut conn)
            .await
            .map_err(db_error)?;
        let rows = matching(query)
            .order((orders::createdAt.desc(), orders::uuid.desc()))
            .offset(i64::from(query.offset()))
            .limit(i64::from(query.limit()))
            .select(OrderRow::as_select())
            .load::<OrderRow>(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(OrdersPage {
            count: u64::try_from(count).unwrap_or_default(),
            rows: rows.into_iter().map(OrderRow::view).collect(),
        })
    }

    async fn status_of(&self, order: Uuid) -> Result<Option<Option<String>>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        orders::table
            .filter(orders::uuid.eq(order))
            .select(orders::status)
            .first::<Option<String>>(&mut conn)
            .await
            .optional()
            .map_err(db_error)
    }

    /// One conditional `UPDATE`: a change made since the status was read wins over this one.
    async fn set_status(&self, change: &StatusChange) -> Result<Option<OrderView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::update(
            orders::table
                .filter(orders::uuid.eq(change.order))
                .filter(orders::status.is_not_distinct_from(change.expected.as_deref())),
        )
        .set((
            orders::status.eq(change.to.as_str()),
            orders::updatedAt.eq(change.at),
        ))
        .returning(OrderRow::as_returning())
        .get_result::<OrderRow>(&mut conn)
        .await
        .optional()
        .map(|row| row.map(OrderRow::view))
        .map_err(db_error)
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn a_location_filter_matches_wildcards_as_typed() {
        assert_eq!(contains_pattern("Mary"), "%Mary%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
