//! What a city holds, one at most of each: its support offer and its
//! support request. One implementation for both: [`HeldSql`] says where
//! each lives and what it binds; `sql_held!(Type, Database)` implements
//! [`HeldStore`](crate::store::HeldStore) and the reads and inserts the
//! network's queries and the import share.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::{Held, SupportOffer, SupportRequest, join_list};
use crate::store::StoreResult;
use crate::store::rows::{OfferRow, RequestRow, TopicLinkRow};

/// A value bound into a statement.
pub enum Cell {
    Int(i64),
    Text(Option<String>),
}

/// A row of `offers` or `requests` with its topics, ready to become the
/// domain value.
pub trait HeldRow<H> {
    fn into_held(self, topics: &BTreeMap<i64, Vec<TopicLinkRow>>) -> StoreResult<H>;
}

/// Where a held resource lives and what it binds.
pub trait HeldSql: Held + Serialize + Send + Sync + 'static {
    /// In the audit log and in messages: "offer", "request".
    const KIND: &'static str;
    const TABLE: &'static str;
    /// Its columns besides `id` and `city_id`, as `cells` binds them.
    const COLUMNS: &'static str;
    /// The join table of its topics, and the column naming the owner.
    const TOPICS: &'static str;
    const OWNER: &'static str;
    /// Whether the join table has a `priority` column.
    const PRIORITY: bool;
    /// A partner city that holds one becomes an applicant.
    const MAKES_APPLICANT: bool;
    type Row: HeldRow<Self>;

    /// The values of `COLUMNS`, in order.
    fn cells(&self) -> Vec<Cell>;
    /// (topic, priority) per topic; the priority is 0 without a column.
    fn topic_rows(&self) -> Vec<(i64, i64)>;
}

impl HeldRow<SupportOffer> for OfferRow {
    fn into_held(self, topics: &BTreeMap<i64, Vec<TopicLinkRow>>) -> StoreResult<SupportOffer> {
        self.into_domain(topics)
    }
}

impl HeldRow<SupportRequest> for RequestRow {
    fn into_held(self, topics: &BTreeMap<i64, Vec<TopicLinkRow>>) -> StoreResult<SupportRequest> {
        self.into_domain(topics)
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(Some(s.to_string()))
}

impl HeldSql for SupportOffer {
    const KIND: &'static str = "offer";
    const TABLE: &'static str = "offers";
    const COLUMNS: &'static str =
        "capacity, languages, modalities, available_from, available_until, note, source";
    const TOPICS: &'static str = "offer_topics";
    const OWNER: &'static str = "offer_id";
    const PRIORITY: bool = false;
    const MAKES_APPLICANT: bool = false;
    type Row = OfferRow;

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Int(i64::from(self.capacity.get())),
            text(&join_list(&self.languages)),
            text(&join_list(&self.modalities)),
            Cell::Text(self.available_from.map(|d| d.to_string())),
            Cell::Text(self.available_until.map(|d| d.to_string())),
            text(&self.note),
            text(&self.source),
        ]
    }
    fn topic_rows(&self) -> Vec<(i64, i64)> {
        self.topics.iter().map(|t| (t.0, 0)).collect()
    }
}

impl HeldSql for SupportRequest {
    const KIND: &'static str = "request";
    const TABLE: &'static str = "requests";
    const COLUMNS: &'static str = "max_mentors, languages, modalities, note, source";
    const TOPICS: &'static str = "request_topics";
    const OWNER: &'static str = "request_id";
    const PRIORITY: bool = true;
    const MAKES_APPLICANT: bool = true;
    type Row = RequestRow;

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Int(i64::from(self.max_mentors)),
            text(&join_list(&self.languages)),
            text(&join_list(&self.modalities)),
            text(&self.note),
            text(&self.source),
        ]
    }
    fn topic_rows(&self) -> Vec<(i64, i64)> {
        self.needs
            .iter()
            .map(|n| (n.topic.0, i64::from(n.priority.get())))
            .collect()
    }
}

macro_rules! sql_held {
    ($store:ident, $db:ty) => {
        mod held_impl {
            use super::$store;

            use sqlx::QueryBuilder;

            use $crate::domain::{CityId, SupportOffer, SupportRequest};
            use $crate::store::rows::{TopicLinkRow, group_topics};
            use $crate::store::sql::held::{Cell, HeldRow, HeldSql};
            use $crate::store::{Actor, Change, Expect, HeldStore, StoreError, StoreResult};

            impl $store {
                /// Every `H`, or `city`'s, read inside `tx` (rows and topics
                /// in one snapshot).
                pub(super) async fn held_in<H: HeldSql>(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    city: Option<CityId>,
                ) -> StoreResult<Vec<H>>
                where
                    H::Row: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let city = city.map(|c| c.0);
                    let priority = if H::PRIORITY { "t.priority" } else { "CAST(0 AS BIGINT)" };
                    let topics = group_topics(
                        sqlx::query_as::<_, TopicLinkRow>(sqlx::AssertSqlSafe(format!(
                            "SELECT t.{owner} AS owner_id, t.topic_id, {priority} AS priority FROM {topics} t \
                             JOIN {table} h ON h.id = t.{owner} WHERE $1 IS NULL OR h.city_id = $1 ORDER BY t.topic_id",
                            owner = H::OWNER,
                            topics = H::TOPICS,
                            table = H::TABLE,
                        )))
                        .bind(city)
                        .fetch_all(&mut **tx)
                        .await?,
                    );
                    sqlx::query_as::<_, H::Row>(sqlx::AssertSqlSafe(format!(
                        "SELECT id, city_id, {} FROM {} WHERE $1 IS NULL OR city_id = $1 ORDER BY id",
                        H::COLUMNS,
                        H::TABLE
                    )))
                    .bind(city)
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(|r| r.into_held(&topics))
                    .collect()
                }

                /// Every `H`, or `city`'s, in one read snapshot.
                pub(super) async fn held_where<H: HeldSql>(&self, city: Option<CityId>) -> StoreResult<Vec<H>>
                where
                    H::Row: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let mut tx = self.pool.begin_with(Self::BEGIN_READ).await?;
                    let held = Self::held_in::<H>(&mut tx, city).await?;
                    tx.commit().await?;
                    Ok(held)
                }

                /// Writes `held` for the city with id `city`, with its topics.
                /// `replace` overwrites the city's current one; otherwise an
                /// existing one is kept and the answer is `None`.
                pub(super) async fn insert_held<H: HeldSql>(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    city: i64,
                    held: &H,
                    replace: bool,
                ) -> StoreResult<Option<i64>> {
                    let columns: Vec<&str> = H::COLUMNS.split(", ").collect();
                    let mut qb = QueryBuilder::<$db>::new(format!("INSERT INTO {} (city_id, {}) VALUES (", H::TABLE, H::COLUMNS));
                    qb.push_bind(city);
                    for cell in held.cells() {
                        qb.push(", ");
                        match cell {
                            Cell::Int(i) => qb.push_bind(i),
                            Cell::Text(t) => qb.push_bind(t),
                        };
                    }
                    qb.push(") ON CONFLICT (city_id) DO ");
                    if replace {
                        let set: Vec<String> = columns.iter().map(|c| format!("{c} = excluded.{c}")).collect();
                        qb.push("UPDATE SET ").push(set.join(", "));
                    } else {
                        qb.push("NOTHING");
                    }
                    qb.push(" RETURNING id");
                    let Some(id) = qb.build_query_scalar::<i64>().fetch_optional(&mut **tx).await? else {
                        return Ok(None);
                    };
                    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {} WHERE {} = $1", H::TOPICS, H::OWNER)))
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    for (topic, priority) in held.topic_rows() {
                        let (column, value) = if H::PRIORITY { (", priority", ", $3") } else { ("", "") };
                        let q = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "INSERT INTO {} ({}, topic_id{column}) VALUES ($1, $2{value})",
                            H::TOPICS,
                            H::OWNER
                        )))
                        .bind(id)
                        .bind(topic);
                        let q = if H::PRIORITY { q.bind(priority) } else { q };
                        q.execute(&mut **tx).await?;
                    }
                    if H::MAKES_APPLICANT {
                        sqlx::query("UPDATE cities SET status = 'applicant' WHERE id = $1 AND status = 'partner'")
                            .bind(city)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Ok(Some(id))
                }

                /// The city's current `H`, read and locked inside `tx`.
                async fn current<H: HeldSql>(tx: &mut sqlx::Transaction<'_, $db>, city: CityId) -> StoreResult<Option<H>>
                where
                    H::Row: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    Self::city_exists(tx, city).await?;
                    Ok(Self::held_in::<H>(tx, Some(city)).await?.pop())
                }

                async fn put_held<H: HeldSql>(&self, actor: &Actor, held: &H, expect: Expect) -> StoreResult<H>
                where
                    H::Row: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let city = held.city();
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = Self::current::<H>(&mut tx, city).await?;
                    match (expect, &before) {
                        (Expect::New, Some(b)) => {
                            return Err(StoreError::Conflict(format!("city {city} already has {} {}", H::KIND, b.id())));
                        }
                        (Expect::Id(id), b) if b.as_ref().map(H::id) != Some(id) => {
                            return Err(StoreError::NotFound { what: H::KIND, id: id.to_string() });
                        }
                        _ => {}
                    }
                    let id = Self::insert_held(&mut tx, city.0, held, true)
                        .await?
                        .ok_or_else(|| StoreError::Other(format!("the {} of city {city} was not written", H::KIND)))?;
                    let after = held.with_id(id);
                    let change = match &before {
                        Some(b) => Change::new(H::KIND, id, "update", Some(city)).before(b),
                        None => Change::new(H::KIND, id, "create", Some(city)),
                    };
                    Self::audit(&mut tx, actor, change.after(&after)).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn retire_held<H: HeldSql>(&self, actor: &Actor, city: CityId) -> StoreResult<()>
                where
                    H::Row: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = Self::current::<H>(&mut tx, city)
                        .await?
                        .ok_or(StoreError::NotFound { what: H::KIND, id: format!("of city {city}") })?;
                    sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {} WHERE id = $1", H::TABLE)))
                        .bind(before.id())
                        .execute(&mut *tx)
                        .await?;
                    Self::audit(&mut tx, actor, Change::new(H::KIND, before.id(), "retire", Some(city)).before(&before)).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl HeldStore for $store {
                async fn put_offer(&self, actor: &Actor, offer: &SupportOffer, expect: Expect) -> StoreResult<SupportOffer> {
                    self.put_held(actor, offer, expect).await
                }
                async fn retire_offer(&self, actor: &Actor, city: CityId) -> StoreResult<()> {
                    self.retire_held::<SupportOffer>(actor, city).await
                }
                async fn put_request(&self, actor: &Actor, request: &SupportRequest, expect: Expect) -> StoreResult<SupportRequest> {
                    self.put_held(actor, request, expect).await
                }
                async fn retire_request(&self, actor: &Actor, city: CityId) -> StoreResult<()> {
                    self.retire_held::<SupportRequest>(actor, city).await
                }
            }
        }
    };
}
