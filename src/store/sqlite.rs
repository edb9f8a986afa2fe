//! SQLite backend: the default, a single file in WAL mode, created if missing.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::str::FromStr;

pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    const BACKEND: crate::store::Backend = crate::store::Backend::Sqlite;
    /// Write transactions take the write lock up front: a deferred one that
    /// reads first fails with SQLITE_BUSY when another writer got there
    /// between its read and its write, instead of waiting its turn.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    /// A read of one snapshot across its statements.
    const BEGIN_READ: &'static str = "BEGIN";
    /// What locks a row read inside a write until the transaction ends.
    const FOR_UPDATE: &'static str = "";
    /// BEGIN IMMEDIATE already makes writers wait for each other.
    const LOCK_PUBLISHING: Option<&'static str> = None;

    /// Opens `sqlite://FILE` (or `sqlite::memory:`), creating the file if
    /// needed, and applies `migrations/sqlite`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        // An in-memory database lives in one connection only.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

sql_backend!(SqliteStore, sqlx::Sqlite);
