//! Edits of the network by the secretariat: `sql_edits!(Type, Database)`
//! implements [`EditStore`](crate::store::EditStore) for cities, twin
//! links, cluster memberships, evidence and topics. Each write reads what
//! it replaces inside its own transaction, so the audit's "before" is what
//! the write replaced.

macro_rules! sql_edits {
    ($store:ident, $db:ty) => {
        mod edits_impl {
            use super::$store;

            use sqlx::QueryBuilder;

            use $crate::domain::{City, CityId, ClusterMembership, ClusterRole, Evidence, Topic, TopicId, TopicKind, TwinLink, join_list};
            use $crate::store::rows::{
                CITY_COLUMNS, CityRow, EVIDENCE_COLUMNS, EvidenceRow, LINK_COLUMNS, LinkRow, MEMBERSHIP_COLUMNS, MembershipRow,
                TOPIC_COLUMNS, TopicRow,
            };
            use $crate::store::{Actor, Change, EditStore, EvidenceQuery, Page, StoreError, StoreResult};

            /// The kind of evidence a membership in this role is.
            fn evidence_kind(role: ClusterRole) -> &'static str {
                match role {
                    ClusterRole::Coordinator => "cluster_coordinator",
                    ClusterRole::Member => "cluster_member",
                }
            }

            impl $store {
                /// The city, locked until `tx` ends.
                async fn city_in(tx: &mut sqlx::Transaction<'_, $db>, id: CityId) -> StoreResult<City> {
                    sqlx::query_as::<_, CityRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {CITY_COLUMNS} FROM cities c WHERE c.id = $1{}",
                        Self::FOR_UPDATE
                    )))
                    .bind(id.0)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "city", id: id.to_string() })?
                    .into_domain()
                }

                /// The link, locked until `tx` ends.
                async fn link_in(tx: &mut sqlx::Transaction<'_, $db>, id: i64) -> StoreResult<TwinLink> {
                    sqlx::query_as::<_, LinkRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {LINK_COLUMNS} FROM twin_links l WHERE l.id = $1{}",
                        Self::FOR_UPDATE
                    )))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "twin link", id: id.to_string() })?
                    .into_domain()
                }

                /// Adds one piece of evidence inside `tx`; the same facts (city,
                /// topic, kind, year, level, source) are recorded once.
                pub(super) async fn insert_evidence(tx: &mut sqlx::Transaction<'_, $db>, e: &Evidence) -> StoreResult<Evidence> {
                    sqlx::query_as::<_, EvidenceRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO evidence (city_id, topic_id, kind, year, level, source) SELECT $1, $2, $3, $4, $5, $6 \
                         WHERE NOT EXISTS (SELECT 1 FROM evidence WHERE city_id = $1 AND topic_id IS NOT DISTINCT FROM $2 \
                         AND kind = $3 AND year IS NOT DISTINCT FROM $4 AND level IS NOT DISTINCT FROM $5 AND source = $6) \
                         RETURNING {EVIDENCE_COLUMNS}"
                    )))
                    .bind(e.city.0)
                    .bind(e.topic.map(|t| t.0))
                    .bind(e.fact.kind().name())
                    .bind(e.fact.year().map(i64::from))
                    .bind(e.fact.level().map(i64::from))
                    .bind(&e.source)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or_else(|| StoreError::Conflict(format!("the same evidence is recorded already for city {}", e.city)))?
                    .into_domain()
                }
            }

            #[async_trait::async_trait]
            impl EditStore for $store {
                async fn create_city(&self, actor: &Actor, city: &City) -> StoreResult<City> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let languages = if city.languages.is_empty() {
                        sqlx::query_scalar::<_, String>("SELECT languages FROM countries WHERE code = $1")
                            .bind(city.country.as_str())
                            .fetch_optional(&mut *tx)
                            .await?
                            .ok_or_else(|| StoreError::Invalid { field: "country", reason: format!("unknown country {}", city.country) })?
                    } else {
                        join_list(&city.languages)
                    };
                    let row = sqlx::query_as::<_, CityRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO cities (name, name_key, country_code, status, year_joined, languages, population, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {}",
                        CITY_COLUMNS.replace("c.", "")
                    )))
                    .bind(city.name.as_str())
                    .bind(city.name.key())
                    .bind(city.country.as_str())
                    .bind(city.status.name())
                    .bind(city.status.year_joined().map(i64::from))
                    .bind(languages)
                    .bind(city.population)
                    .bind(&city.source)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(format!("{} already has a city named {}", city.country, city.name.as_str())),
                        StoreError::Invalid { .. } => StoreError::Invalid { field: "country", reason: format!("unknown country {}", city.country) },
                        other => other,
                    })?;
                    let created = row.into_domain()?;
                    let change = Change::new("city", created.id, "create", Some(created.id)).after(&created);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_city(&self, actor: &Actor, city: &City) -> StoreResult<City> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = Self::city_in(&mut tx, city.id).await?;
                    let row = sqlx::query_as::<_, CityRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE cities SET name = $1, name_key = $2, status = $3, year_joined = $4, languages = $5, population = $6 \
                         WHERE id = $7 RETURNING {}",
                        CITY_COLUMNS.replace("c.", "")
                    )))
                    .bind(city.name.as_str())
                    .bind(city.name.key())
                    .bind(city.status.name())
                    .bind(city.status.year_joined().map(i64::from))
                    .bind(join_list(&city.languages))
                    .bind(city.population)
                    .bind(city.id.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(format!("{} already has a city named {}", city.country, city.name.as_str())),
                        other => other,
                    })?;
                    let after = row.into_domain()?;
                    let change = Change::new("city", city.id, "update", Some(city.id)).before(&before).after(&after);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn get_link(&self, id: i64) -> StoreResult<TwinLink> {
                    sqlx::query_as::<_, LinkRow>(sqlx::AssertSqlSafe(format!("SELECT {LINK_COLUMNS} FROM twin_links l WHERE l.id = $1")))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound { what: "twin link", id: id.to_string() })?
                        .into_domain()
                }

                async fn create_link(&self, actor: &Actor, link: &TwinLink) -> StoreResult<TwinLink> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    for (field, c) in [("city_a", link.a), ("city_b", link.b)] {
                        Self::city_exists(&mut tx, c).await.map_err(|_| StoreError::Invalid { field, reason: format!("city {c} does not exist") })?;
                    }
                    let row = sqlx::query_as::<_, LinkRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO twin_links (city_a, city_b, kind, year_signed, active, source) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
                        LINK_COLUMNS.replace("l.", "")
                    )))
                    .bind(link.a.0)
                    .bind(link.b.0)
                    .bind(link.kind.name())
                    .bind(link.year_signed.map(i64::from))
                    .bind(link.active)
                    .bind(&link.source)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(format!("cities {} and {} are already linked", link.a, link.b)),
                        other => other,
                    })?;
                    let created = row.into_domain()?;
                    let change = Change::new("twin_link", created.id, "create", Some(created.a)).after(&created);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_link(&self, actor: &Actor, link: &TwinLink) -> StoreResult<TwinLink> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = Self::link_in(&mut tx, link.id).await?;
                    let row = sqlx::query_as::<_, LinkRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE twin_links SET kind = $1, year_signed = $2, active = $3 WHERE id = $4 RETURNING {}",
                        LINK_COLUMNS.replace("l.", "")
                    )))
                    .bind(link.kind.name())
                    .bind(link.year_signed.map(i64::from))
                    .bind(link.active)
                    .bind(link.id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let after = row.into_domain()?;
                    let action = if before.active && !after.active { "retire" } else { "update" };
                    let change = Change::new("twin_link", link.id, action, Some(after.a)).before(&before).after(&after);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn list_memberships(&self, city: Option<CityId>, topic: Option<TopicId>) -> StoreResult<Vec<ClusterMembership>> {
                    sqlx::query_as::<_, MembershipRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {MEMBERSHIP_COLUMNS} FROM cluster_memberships \
                         WHERE ($1 IS NULL OR city_id = $1) AND ($2 IS NULL OR topic_id = $2) ORDER BY id"
                    )))
                    .bind(city.map(|c| c.0))
                    .bind(topic.map(|t| t.0))
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(MembershipRow::into_domain)
                    .collect()
                }

                async fn create_membership(&self, actor: &Actor, m: &ClusterMembership) -> StoreResult<ClusterMembership> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::city_exists(&mut tx, m.city).await.map_err(|_| StoreError::Invalid { field: "city", reason: format!("city {} does not exist", m.city) })?;
                    let row = sqlx::query_as::<_, MembershipRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO cluster_memberships (city_id, topic_id, role, period_start, period_end, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {MEMBERSHIP_COLUMNS}"
                    )))
                    .bind(m.city.0)
                    .bind(m.topic.0)
                    .bind(m.role.name())
                    .bind(i64::from(m.period.start))
                    .bind(i64::from(m.period.end))
                    .bind(&m.source)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(format!("city {} is already in that cluster for {}", m.city, m.period)),
                        other => other,
                    })?;
                    let created = row.into_domain()?;
                    let kind = evidence_kind(m.role);
                    sqlx::query("INSERT INTO evidence (city_id, topic_id, kind, year, level, source) VALUES ($1, $2, $3, $4, NULL, $5)")
                        .bind(m.city.0)
                        .bind(m.topic.0)
                        .bind(kind)
                        .bind(i64::from(m.period.start))
                        .bind(&m.source)
                        .execute(&mut *tx)
                        .await?;
                    let change = Change::new("cluster_membership", created.id, "create", Some(m.city)).after(&created);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_membership(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, MembershipRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {MEMBERSHIP_COLUMNS} FROM cluster_memberships WHERE id = $1{}",
                        Self::FOR_UPDATE
                    )))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "cluster membership", id: id.to_string() })?
                    .into_domain()?;
                    sqlx::query("DELETE FROM cluster_memberships WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    // The evidence the membership wrote goes with it.
                    sqlx::query(
                        "DELETE FROM evidence WHERE id = (SELECT id FROM evidence WHERE city_id = $1 AND topic_id = $2 \
                         AND kind = $3 AND year = $4 AND source = $5 ORDER BY id LIMIT 1)",
                    )
                    .bind(before.city.0)
                    .bind(before.topic.0)
                    .bind(evidence_kind(before.role))
                    .bind(i64::from(before.period.start))
                    .bind(&before.source)
                    .execute(&mut *tx)
                    .await?;
                    let change = Change::new("cluster_membership", id, "retire", Some(before.city)).before(&before);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_evidence(&self, q: &EvidenceQuery) -> StoreResult<Page<Evidence>> {
                    let filters = |qb: &mut QueryBuilder<$db>| {
                        qb.push(" FROM evidence WHERE 1 = 1");
                        if let Some(c) = q.city {
                            qb.push(" AND city_id = ").push_bind(c.0);
                        }
                        if let Some(t) = q.topic {
                            qb.push(" AND topic_id = ").push_bind(t.0);
                        }
                        if let Some(k) = q.kind {
                            qb.push(" AND kind = ").push_bind(k.name());
                        }
                    };
                    self.paged::<EvidenceRow>(&format!("SELECT {EVIDENCE_COLUMNS}"), &filters, "ORDER BY id", q.paging)
                        .await?
                        .try_map(EvidenceRow::into_domain)
                }

                async fn create_evidence(&self, actor: &Actor, e: &Evidence) -> StoreResult<Evidence> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::city_exists(&mut tx, e.city).await.map_err(|_| StoreError::Invalid { field: "city", reason: format!("city {} does not exist", e.city) })?;
                    let created = Self::insert_evidence(&mut tx, e).await?;
                    let change = Change::new("evidence", created.id, "create", Some(e.city)).after(&created);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_evidence(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, EvidenceRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = $1{}",
                        Self::FOR_UPDATE
                    )))
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound { what: "evidence", id: id.to_string() })?
                        .into_domain()?;
                    sqlx::query("DELETE FROM evidence WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let change = Change::new("evidence", id, "retire", Some(before.city)).before(&before);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_topic(&self, actor: &Actor, topic: &Topic) -> StoreResult<Topic> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let stage = match topic.kind {
                        TopicKind::AreaOfAction { stage } => Some(i64::from(stage)),
                        TopicKind::Cluster => None,
                    };
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO topics (slug, name, kind, stage, retired, aliases) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(topic.slug.as_str())
                    .bind(&topic.name)
                    .bind(topic.kind.name())
                    .bind(stage)
                    .bind(topic.retired)
                    .bind(join_list(&topic.aliases))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match StoreError::from(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(format!("a topic '{}' exists already", topic.slug.as_str())),
                        other => other,
                    })?;
                    let created = Topic { id: TopicId(id), ..topic.clone() };
                    let change = Change::new("topic", id, "create", None).after(&created);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_topic(&self, actor: &Actor, topic: &Topic) -> StoreResult<Topic> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, TopicRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOPIC_COLUMNS} FROM topics WHERE id = $1{}",
                        Self::FOR_UPDATE
                    )))
                    .bind(topic.id.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "topic", id: topic.id.to_string() })?
                    .into_domain()?;
                    sqlx::query("UPDATE topics SET name = $1, retired = $2, aliases = $3 WHERE id = $4")
                        .bind(&topic.name)
                        .bind(topic.retired)
                        .bind(join_list(&topic.aliases))
                        .bind(topic.id.0)
                        .execute(&mut *tx)
                        .await?;
                    let change = Change::new("topic", topic.id, "update", None).before(&before).after(topic);
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(topic.clone())
                }
            }
        }
    };
}
