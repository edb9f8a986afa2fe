//! The SQL both backends share. `sql_backend!(Type, Database)` implements
//! every store trait for a struct holding `pool: sqlx::Pool<Database>`, one
//! file per aggregate: the network and its import ([`network`]), tokens and
//! sessions ([`tokens`]), what cities hold ([`held`]), runs ([`runs`]),
//! proposals and bans ([`proposals`]), edits of the network ([`edits`]) and
//! the audit trail ([`audit`]). Macros rather than generics because sqlx's
//! generic bounds for "any database that can bind these types" are longer
//! than the code itself.
//!
//! The backend struct also names `BEGIN_WRITE` (a transaction that writes:
//! SQLite takes the write lock at once) and `BEGIN_READ` (a read that sees
//! one snapshot across its statements: PostgreSQL's repeatable read).

use super::StoreError;

#[macro_use]
pub(crate) mod network;
#[macro_use]
pub(crate) mod tokens;
#[macro_use]
pub(crate) mod held;
#[macro_use]
pub(crate) mod runs;
#[macro_use]
pub(crate) mod proposals;
#[macro_use]
pub(crate) mod edits;
#[macro_use]
pub(crate) mod audit;

/// Now, as stored: RFC 3339 in UTC, seconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The one place sqlx errors become store errors.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound {
                what: "row",
                id: String::new(),
            },
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_string())
            }
            sqlx::Error::Database(db)
                if db.is_foreign_key_violation() || db.is_check_violation() =>
            {
                StoreError::Invalid {
                    field: "body",
                    reason: db.message().to_string(),
                }
            }
            _ => StoreError::Other(e.to_string()),
        }
    }
}

/// Every store trait for `$store`, and the helpers the aggregates share.
macro_rules! sql_backend {
    ($store:ident, $db:ty) => {
        impl $store {
            /// One page of rows: `filters` pushes the FROM and WHERE that the
            /// count and the page share, `order` the ORDER BY; both run in one
            /// snapshot so the total and the items agree.
            pub(crate) async fn paged<R>(
                &self,
                select: &str,
                filters: &(dyn Fn(&mut sqlx::QueryBuilder<$db>) + Sync),
                order: &str,
                paging: $crate::store::Paging,
            ) -> $crate::store::StoreResult<$crate::store::Page<R>>
            where
                R: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let mut tx = self.pool.begin_with(Self::BEGIN_READ).await?;
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*)");
                filters(&mut count);
                let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(select);
                filters(&mut qb);
                qb.push(" ").push(order);
                qb.push(" LIMIT ").push_bind(i64::from(paging.per_page));
                qb.push(" OFFSET ").push_bind(paging.offset());
                let items = qb.build_query_as::<R>().fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok($crate::store::Page { items, total, page: paging.page, per_page: paging.per_page })
            }

            /// NotFound unless `city` exists; on PostgreSQL the row stays
            /// locked until `tx` ends, so writes about one city queue up.
            async fn city_exists(
                tx: &mut sqlx::Transaction<'_, $db>,
                city: $crate::domain::CityId,
            ) -> $crate::store::StoreResult<()> {
                let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT id FROM cities WHERE id = $1{}",
                    Self::FOR_UPDATE
                )))
                .bind(city.0)
                .fetch_optional(&mut **tx)
                .await?;
                found.map(|_| ()).ok_or($crate::store::StoreError::NotFound { what: "city", id: city.to_string() })
            }

            /// Records one change in the audit log, inside `tx`.
            async fn audit(
                tx: &mut sqlx::Transaction<'_, $db>,
                actor: &$crate::store::Actor,
                change: $crate::store::Change<'_>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, token_id, role, actor_city, kind, entity_id, action, city_id, before, after, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind($crate::store::sql::now())
                .bind(actor.token_id)
                .bind(actor.role.name())
                .bind(actor.role.city().map(|c| c.0))
                .bind(change.kind)
                .bind(&change.entity_id)
                .bind(change.action)
                .bind(change.city.map(|c| c.0))
                .bind(change.before.as_ref().map(|v| v.to_string()))
                .bind(change.after.as_ref().map(|v| v.to_string()))
                .bind(change.reason)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        sql_network!($store, $db);
        sql_tokens!($store, $db);
        sql_held!($store, $db);
        sql_runs!($store, $db);
        sql_proposals!($store, $db);
        sql_edits!($store, $db);
        sql_audit!($store, $db);
    };
}
