//! PostgreSQL backend, chosen by a `postgres://` URL.

use sqlx::postgres::PgPoolOptions;

pub struct PgStore {
    pool: sqlx::PgPool,
}

impl PgStore {
    const BACKEND: crate::store::Backend = crate::store::Backend::Postgres;
    const BEGIN_WRITE: &'static str = "BEGIN";
    /// A read of one snapshot across its statements.
    const BEGIN_READ: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    /// What locks a row read inside a write until the transaction ends.
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    /// What makes publishes wait for each other (reads go on).
    const LOCK_PUBLISHING: Option<&'static str> =
        Some("LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE");

    /// Connects and applies `migrations/postgres`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

sql_backend!(PgStore, sqlx::Postgres);
