//! PostgreSQL adapter: schema, migrations, connection pool, seeds.

pub mod migrate;
pub mod pool;
pub mod repos;
pub mod schema;
pub mod seed;
