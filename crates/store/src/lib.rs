//! PostgreSQL adapter: schema, migrations, connection pool, embedded cluster, seeds.

pub mod device_token;
pub mod embedded;
pub mod migrate;
pub mod pool;
pub mod repos;
pub mod schema;
pub mod seed;
