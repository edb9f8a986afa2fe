//! Persistence: the [`Store`] trait, its SQLite and PostgreSQL
//! implementations (chosen from the URL scheme), and the CSV import.
//!
//! Both backends share their SQL through the `sql_backend!` macro in
//! [`sql`], one file per aggregate: the statements are portable (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`), the schemas live in `migrations/sqlite` and
//! `migrations/postgres`, and the one contract test runs on both.

pub mod import;
mod model;
pub(crate) mod rows;
#[macro_use]
pub(crate) mod sql;
mod postgres;
mod sqlite;
pub mod workflow;

use async_trait::async_trait;
use std::sync::Arc;

pub use crate::domain::Snapshot;
use crate::domain::{
    City, CityId, ClusterMembership, Country, Evidence, SupportOffer, SupportRequest, Topic,
};
pub use model::*;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use workflow::*;

/// The whole database: the network and the service's own records.
pub trait Db:
    Store + TokenStore + HeldStore + RunStore + ProposalStore + EditStore + AuditStore
{
}

impl<T> Db for T where
    T: Store + TokenStore + HeldStore + RunStore + ProposalStore + EditStore + AuditStore
{
}

/// Small semantic errors; sqlx errors are converted in one place ([`sql`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },
    #[error("conflict: {0}")]
    Conflict(String),
    /// What the write was computed from changed before its transaction
    /// began (another writer came first): compute it again and retry.
    #[error("changed meanwhile: {0}")]
    Changed(String),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything the service and the CLI read from or write to the database.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    /// Highest applied migration version.
    async fn schema_version(&self) -> StoreResult<i64>;
    /// True when no country has been loaded yet (a fresh database).
    async fn is_empty(&self) -> StoreResult<bool>;

    /// Applies a resolved import in one transaction: all of it, or nothing.
    async fn apply_import(&self, plan: &ImportPlan) -> StoreResult<ImportApplied>;
    /// Cities and aliases by country and name key, for name resolution.
    async fn name_index(&self) -> StoreResult<NameIndex>;

    async fn list_countries(&self) -> StoreResult<Vec<Country>>;
    async fn list_topics(&self) -> StoreResult<Vec<Topic>>;
    async fn list_cities(&self, query: &CityQuery) -> StoreResult<Page<City>>;
    async fn get_city(&self, id: CityId) -> StoreResult<City>;
    async fn list_twin_links(&self, query: &LinkQuery) -> StoreResult<Page<LinkView>>;
    async fn memberships_of(&self, city: CityId) -> StoreResult<Vec<ClusterMembership>>;
    async fn evidence_of(&self, city: CityId) -> StoreResult<Vec<Evidence>>;
    async fn offer_of(&self, city: CityId) -> StoreResult<Option<SupportOffer>>;
    /// Every offer, by id.
    async fn list_offers(&self) -> StoreResult<Vec<SupportOffer>>;
    /// Every request, by id.
    async fn list_requests(&self) -> StoreResult<Vec<SupportRequest>>;
    async fn request_of(&self, city: CityId) -> StoreResult<Option<SupportRequest>>;
    async fn stats(&self) -> StoreResult<Stats>;
    /// The whole network at once, for the engine and for exports.
    async fn snapshot(&self) -> StoreResult<Snapshot>;
    /// The network's version: it moves with every committed write to what
    /// [`Self::snapshot`] reads (and to completed mentorships), in the
    /// writing transaction. Read it before the snapshot it keys.
    async fn network_version(&self) -> StoreResult<i64>;
}

/// Opens (and migrates) the store a URL names: `sqlite://FILE` (created if
/// missing, WAL mode) or `postgres://...` / `postgresql://...`.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Db>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        anyhow::bail!(
            "unsupported database URL '{url}': use sqlite://FILE or postgres://USER@HOST/DB"
        )
    }
}
