//! Values bound to a query whose text is assembled at run time (the feed's filters): each value
//! is numbered `$n` in the order it is pushed, and never spliced into the SQL text.

use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, Bool, Float8, Int4, Int8, Text, Uuid as SqlUuid};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Uuid(Uuid),
    Uuids(Vec<Uuid>),
    Text(String),
    Texts(Vec<String>),
    Int(i32),
    BigInt(i64),
    Float(f64),
    Bool(bool),
}

/// The binds of one statement, numbered as they are pushed.
#[derive(Debug, Default)]
pub(crate) struct Binds(Vec<Bind>);

impl Binds {
    /// Adds a value and returns its placeholder (`$3`).
    pub(crate) fn push(&mut self, value: Bind) -> String {
        self.0.push(value);
        format!("${}", self.0.len())
    }

    /// The statement `sql` with every value bound in order.
    pub(crate) fn query(&self, sql: String) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let mut query = diesel::sql_query(sql).into_boxed::<Pg>();
        for value in &self.0 {
            query = match value.clone() {
                Bind::Uuid(v) => query.bind::<SqlUuid, _>(v),
                Bind::Uuids(v) => query.bind::<Array<SqlUuid>, _>(v),
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Texts(v) => query.bind::<Array<Text>, _>(v),
                Bind::Int(v) => query.bind::<Int4, _>(v),
                Bind::BigInt(v) => query.bind::<Int8, _>(v),
                Bind::Float(v) => query.bind::<Float8, _>(v),
                Bind::Bool(v) => query.bind::<Bool, _>(v),
            };
        }
        query
    }
}
