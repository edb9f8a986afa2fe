//! PostgreSQL backend, chosen by a `postgres://` URL.

use sqlx::postgres::PgPoolOptions;

pub struct PgStore {
    pool: sqlx::PgPool,
}

impl PgStore {
    const BACKEND: crate::store::Backend = crate::store::Backend::Postgres;
    const BEGIN_WRITE: &'static str = "BEGIN";

    /// Connects and applies `migrations/postgres`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

sql_store!(PgStore, sqlx::Postgres);
sql_workflow!(PgStore, sqlx::Postgres);
