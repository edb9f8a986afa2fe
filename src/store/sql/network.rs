//! The network's SQL: `sql_network!(Type, Database)` implements
//! [`Store`](crate::store::Store) (the reads of the network and the import).

macro_rules! sql_network {
    ($store:ident, $db:ty) => {
        mod network_impl {
        use super::$store;
        use std::collections::BTreeMap;

        use sqlx::QueryBuilder;

        use $crate::domain::{Snapshot,
            City, CityId, CityStatus, ClusterMembership, Country, Evidence, SupportOffer, SupportRequest, Topic,
            TwinLink, join_list,
        };
        use $crate::store::rows::*;
        use $crate::store::{
            CityKey, CityQuery, CitySort, ImportApplied, ImportPlan, LinkQuery, LinkView, NameIndex, Page, Stats,
            Store, StoreError, StoreResult,
        };

        impl $store {
            /// Id of the city with this key, or its alias; inserts nothing.
            async fn city_id_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                cache: &mut BTreeMap<CityKey, i64>,
                key: &CityKey,
            ) -> StoreResult<i64> {
                if let Some(id) = cache.get(key) {
                    return Ok(*id);
                }
                let id: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM cities WHERE country_code = $1 AND name_key = $2 \
                     UNION SELECT city_id FROM city_aliases WHERE country_code = $1 AND alias_key = $2",
                )
                .bind(key.country.as_str())
                .bind(&key.name_key)
                .fetch_optional(&mut **tx)
                .await?;
                let id = id.ok_or_else(|| StoreError::Invalid {
                    field: "city",
                    reason: format!("no city '{}' in {}", key.name_key, key.country),
                })?;
                cache.insert(key.clone(), id);
                Ok(id)
            }

            fn push_city_filters(qb: &mut QueryBuilder<$db>, q: &CityQuery) {
                qb.push(" FROM cities c JOIN countries k ON k.code = c.country_code WHERE 1 = 1");
                if let Some(s) = q.status {
                    qb.push(" AND c.status = ").push_bind(s);
                }
                if let Some(cc) = &q.country {
                    qb.push(" AND c.country_code = ").push_bind(cc.as_str().to_string());
                }
                if let Some(r) = q.region {
                    qb.push(" AND k.region = ").push_bind(r.label());
                }
                if let Some(ldc) = q.ldc {
                    qb.push(" AND k.is_ldc = ").push_bind(ldc);
                }
                if let Some(af) = q.african {
                    qb.push(" AND k.is_african = ").push_bind(af);
                }
                if let Some(n) = &q.name_contains {
                    // other spellings count too: "fes" finds Fez
                    qb.push(" AND (c.name_key LIKE ").push_bind(format!("%{n}%"));
                    qb.push(" OR EXISTS (SELECT 1 FROM city_aliases a WHERE a.city_id = c.id AND a.alias_key LIKE ")
                        .push_bind(format!("%{n}%"))
                        .push("))");
                }
            }

            fn push_link_filters(qb: &mut QueryBuilder<$db>, q: &LinkQuery) {
                qb.push(" FROM twin_links l JOIN cities ca ON ca.id = l.city_a JOIN cities cb ON cb.id = l.city_b WHERE 1 = 1");
                if let Some(c) = q.city {
                    qb.push(" AND (l.city_a = ").push_bind(c.0);
                    qb.push(" OR l.city_b = ").push_bind(c.0).push(")");
                }
                if let Some(cc) = &q.country {
                    qb.push(" AND (ca.country_code = ").push_bind(cc.as_str().to_string());
                    qb.push(" OR cb.country_code = ").push_bind(cc.as_str().to_string()).push(")");
                }
                if let Some(k) = q.kind {
                    qb.push(" AND l.kind = ").push_bind(k.name());
                }
                if let Some(a) = q.active {
                    qb.push(" AND l.active = ").push_bind(a);
                }
            }

        }

        #[async_trait::async_trait]
        impl Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                Self::BACKEND
            }

            async fn schema_version(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                    .fetch_one(&self.pool)
                    .await?
                    .unwrap_or(0))
            }

            async fn is_empty(&self) -> StoreResult<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM countries").fetch_one(&self.pool).await?;
                Ok(n == 0)
            }

            async fn apply_import(&self, plan: &ImportPlan) -> StoreResult<ImportApplied> {
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                let mut done = ImportApplied::default();
                let mut ids: BTreeMap<CityKey, i64> = BTreeMap::new();

                for c in &plan.countries {
                    let r = sqlx::query(
                        "INSERT INTO countries (code, name, region, is_african, is_ldc, languages, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(c.code.as_str())
                    .bind(&c.name)
                    .bind(c.region.label())
                    .bind(c.is_african)
                    .bind(c.is_ldc)
                    .bind(join_list(&c.languages))
                    .bind(&c.source)
                    .execute(&mut *tx)
                    .await?;
                    if r.rows_affected() == 1 { done.countries += 1 } else { done.already_present += 1 }
                }

                for c in &plan.cities {
                    let languages: Option<String> = match &c.languages {
                        Some(l) => Some(join_list(l)),
                        None => sqlx::query_scalar("SELECT languages FROM countries WHERE code = $1")
                            .bind(c.key.country.as_str())
                            .fetch_optional(&mut *tx)
                            .await?,
                    };
                    let languages = languages.ok_or_else(|| StoreError::Invalid {
                        field: "country",
                        reason: format!("unknown country {}", c.key.country),
                    })?;
                    let inserted: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO cities (name, name_key, country_code, status, year_joined, languages, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (country_code, name_key) DO NOTHING RETURNING id",
                    )
                    .bind(c.name.as_str())
                    .bind(&c.key.name_key)
                    .bind(c.key.country.as_str())
                    .bind(c.status.name())
                    .bind(c.status.year_joined().map(i64::from))
                    .bind(languages)
                    .bind(&c.source)
                    .fetch_optional(&mut *tx)
                    .await?;
                    match inserted {
                        Some(id) => {
                            done.cities += 1;
                            if c.status == CityStatus::Partner {
                                done.partners += 1;
                            }
                            ids.insert(c.key.clone(), id);
                        }
                        None => {
                            let (id, status, year): (i64, String, Option<i64>) = sqlx::query_as(
                                "SELECT id, status, year_joined FROM cities WHERE country_code = $1 AND name_key = $2",
                            )
                            .bind(c.key.country.as_str())
                            .bind(&c.key.name_key)
                            .fetch_one(&mut *tx)
                            .await?;
                            let old = CityStatus::parse(&status, year.map(|y| y as i32)).map_err(|e| StoreError::Other(e.to_string()))?;
                            let year_news = old.year_joined().is_none() && c.status.year_joined().is_some();
                            if c.status.rank() > old.rank() || (c.status.rank() == old.rank() && year_news) {
                                sqlx::query("UPDATE cities SET status = $1, year_joined = $2 WHERE id = $3")
                                    .bind(c.status.name())
                                    .bind(c.status.year_joined().map(i64::from))
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                                done.promoted += 1;
                            } else {
                                done.already_present += 1;
                            }
                            ids.insert(c.key.clone(), id);
                        }
                    }
                }

                for a in &plan.aliases {
                    let city = Self::city_id_in(&mut tx, &mut ids, &a.city).await?;
                    let r = sqlx::query(
                        "INSERT INTO city_aliases (country_code, alias_key, city_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (country_code, alias_key) DO NOTHING",
                    )
                    .bind(a.alias.country.as_str())
                    .bind(&a.alias.name_key)
                    .bind(city)
                    .execute(&mut *tx)
                    .await?;
                    if r.rows_affected() == 1 { done.aliases += 1 } else { done.already_present += 1 }
                }

                for l in &plan.links {
                    let a = Self::city_id_in(&mut tx, &mut ids, &l.a).await?;
                    let b = Self::city_id_in(&mut tx, &mut ids, &l.b).await?;
                    let link = TwinLink::new(0, CityId(a), CityId(b), l.kind, l.year_signed, l.active, l.source.clone())
                        .map_err(|e| StoreError::Invalid { field: e.field, reason: e.reason })?;
                    let r = sqlx::query(
                        "INSERT INTO twin_links (city_a, city_b, kind, year_signed, active, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (city_a, city_b) DO NOTHING",
                    )
                    .bind(link.a.0)
                    .bind(link.b.0)
                    .bind(link.kind.name())
                    .bind(link.year_signed.map(i64::from))
                    .bind(link.active)
                    .bind(&link.source)
                    .execute(&mut *tx)
                    .await?;
                    if r.rows_affected() == 1 { done.links += 1 } else { done.already_present += 1 }
                }

                for m in &plan.memberships {
                    let city = Self::city_id_in(&mut tx, &mut ids, &m.city).await?;
                    let r = sqlx::query(
                        "INSERT INTO cluster_memberships (city_id, topic_id, role, period_start, period_end, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (city_id, topic_id, period_start) DO NOTHING",
                    )
                    .bind(city)
                    .bind(m.topic.0)
                    .bind(m.role.name())
                    .bind(i64::from(m.period.start))
                    .bind(i64::from(m.period.end))
                    .bind(&m.source)
                    .execute(&mut *tx)
                    .await?;
                    if r.rows_affected() == 1 { done.memberships += 1 } else { done.already_present += 1 }
                }

                for e in &plan.evidence {
                    let city = Self::city_id_in(&mut tx, &mut ids, &e.city).await?;
                    let topic = e.topic.map(|t| t.0);
                    let year = e.fact.year().map(i64::from);
                    let level = e.fact.level().map(i64::from);
                    let exists: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM evidence WHERE city_id = $1 AND kind = $2 AND topic_id IS NOT DISTINCT FROM $3 \
                         AND year IS NOT DISTINCT FROM $4 AND level IS NOT DISTINCT FROM $5",
                    )
                    .bind(city)
                    .bind(e.fact.kind().name())
                    .bind(topic)
                    .bind(year)
                    .bind(level)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if exists.is_some() {
                        done.already_present += 1;
                        continue;
                    }
                    sqlx::query(
                        "INSERT INTO evidence (city_id, topic_id, kind, year, level, source) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(city)
                    .bind(topic)
                    .bind(e.fact.kind().name())
                    .bind(year)
                    .bind(level)
                    .bind(&e.source)
                    .execute(&mut *tx)
                    .await?;
                    done.evidence += 1;
                }

                for o in &plan.offers {
                    let city = Self::city_id_in(&mut tx, &mut ids, &o.city).await?;
                    match Self::insert_held(&mut tx, city, &o.offer, false).await? {
                        Some(_) => done.offers += 1,
                        None => done.already_present += 1,
                    }
                }

                for r in &plan.requests {
                    let city = Self::city_id_in(&mut tx, &mut ids, &r.city).await?;
                    match Self::insert_held(&mut tx, city, &r.request, false).await? {
                        Some(_) => done.requests += 1,
                        None => done.already_present += 1,
                    }
                }

                tx.commit().await?;
                Ok(done)
            }

            async fn name_index(&self) -> StoreResult<NameIndex> {
                let mut index = NameIndex::default();
                let cities: Vec<(i64, String, String, String, Option<i64>, String)> =
                    sqlx::query_as("SELECT id, country_code, name_key, status, year_joined, name FROM cities")
                        .fetch_all(&self.pool)
                        .await?;
                let key = |cc: &str, k: String| -> StoreResult<CityKey> {
                    Ok(CityKey {
                        country: $crate::domain::CountryCode::parse(cc).map_err(|e| StoreError::Other(e.to_string()))?,
                        name_key: k,
                    })
                };
                for (id, cc, k, status, year, name) in cities {
                    let status =
                        CityStatus::parse(&status, year.map(|y| y as i32)).map_err(|e| StoreError::Other(e.to_string()))?;
                    index.cities.insert(key(&cc, k)?, $crate::store::KnownCity { id: CityId(id), name, status });
                }
                let aliases: Vec<(String, String, String, String)> = sqlx::query_as(
                    "SELECT a.country_code, a.alias_key, c.country_code, c.name_key \
                     FROM city_aliases a JOIN cities c ON c.id = a.city_id",
                )
                .fetch_all(&self.pool)
                .await?;
                for (acc, ak, cc, ck) in aliases {
                    index.aliases.insert(key(&acc, ak)?, key(&cc, ck)?);
                }
                for c in self.list_countries().await? {
                    index.countries.insert(c.code, c.languages);
                }
                index.topics = self.list_topics().await?;
                Ok(index)
            }

            async fn list_countries(&self) -> StoreResult<Vec<Country>> {
                sqlx::query_as::<_, CountryRow>(
                    "SELECT code, name, region, is_african, is_ldc, languages, source FROM countries ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(CountryRow::into_domain)
                .collect()
            }

            async fn list_topics(&self) -> StoreResult<Vec<Topic>> {
                sqlx::query_as::<_, TopicRow>(
                    sqlx::AssertSqlSafe(format!("SELECT {TOPIC_COLUMNS} FROM topics ORDER BY id")),
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(TopicRow::into_domain)
                .collect()
            }

            async fn list_cities(&self, q: &CityQuery) -> StoreResult<Page<City>> {
                let dir = if q.descending { "DESC" } else { "ASC" };
                let order = match q.sort {
                    CitySort::Name => format!("ORDER BY c.name_key {dir}, c.id {dir}"),
                    CitySort::Id => format!("ORDER BY c.id {dir}"),
                    CitySort::Country => format!("ORDER BY c.country_code {dir}, c.name_key {dir}, c.id {dir}"),
                };
                let filters = |qb: &mut QueryBuilder<$db>| Self::push_city_filters(qb, q);
                self.paged::<CityRow>(&format!("SELECT {CITY_COLUMNS}"), &filters, &order, q.paging)
                    .await?
                    .try_map(CityRow::into_domain)
            }

            async fn get_city(&self, id: CityId) -> StoreResult<City> {
                sqlx::query_as::<_, CityRow>(sqlx::AssertSqlSafe(format!("SELECT {CITY_COLUMNS} FROM cities c WHERE c.id = $1")))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound { what: "city", id: id.to_string() })?
                    .into_domain()
            }

            async fn list_twin_links(&self, q: &LinkQuery) -> StoreResult<Page<LinkView>> {
                let select = format!(
                    "SELECT {LINK_COLUMNS}, ca.name AS name_a, ca.country_code AS country_a, \
                     cb.name AS name_b, cb.country_code AS country_b"
                );
                let filters = |qb: &mut QueryBuilder<$db>| Self::push_link_filters(qb, q);
                self.paged::<LinkViewRow>(&select, &filters, "ORDER BY l.id", q.paging)
                    .await?
                    .try_map(LinkViewRow::into_domain)
            }

            async fn memberships_of(&self, city: CityId) -> StoreResult<Vec<ClusterMembership>> {
                sqlx::query_as::<_, MembershipRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {MEMBERSHIP_COLUMNS} FROM cluster_memberships WHERE city_id = $1 ORDER BY period_start, topic_id"
                )))
                .bind(city.0)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(MembershipRow::into_domain)
                .collect()
            }

            async fn evidence_of(&self, city: CityId) -> StoreResult<Vec<Evidence>> {
                sqlx::query_as::<_, EvidenceRow>(
                    sqlx::AssertSqlSafe(format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE city_id = $1 ORDER BY id")),
                )
                .bind(city.0)
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(EvidenceRow::into_domain)
                .collect()
            }

            async fn offer_of(&self, city: CityId) -> StoreResult<Option<SupportOffer>> {
                Ok(self.held_where(Some(city)).await?.pop())
            }

            async fn list_offers(&self) -> StoreResult<Vec<SupportOffer>> {
                self.held_where(None).await
            }

            async fn list_requests(&self) -> StoreResult<Vec<SupportRequest>> {
                self.held_where(None).await
            }

            async fn request_of(&self, city: CityId) -> StoreResult<Option<SupportRequest>> {
                Ok(self.held_where(Some(city)).await?.pop())
            }

            async fn network_version(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT version FROM network_version WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn stats(&self) -> StoreResult<Stats> {
                let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM cities), \
                            (SELECT COUNT(*) FROM cities WHERE status = 'member'), \
                            (SELECT COUNT(*) FROM cities WHERE status = 'applicant'), \
                            (SELECT COUNT(*) FROM cities WHERE status = 'partner'), \
                            (SELECT COUNT(*) FROM countries), \
                            (SELECT COUNT(*) FROM twin_links), \
                            (SELECT COUNT(*) FROM topics), \
                            (SELECT COUNT(*) FROM cluster_memberships), \
                            (SELECT COUNT(*) FROM offers), \
                            (SELECT COUNT(*) FROM requests), \
                            (SELECT COUNT(*) FROM evidence)",
                )
                .fetch_one(&self.pool)
                .await?;
                Ok(Stats {
                    cities: row.0,
                    members: row.1,
                    applicants: row.2,
                    partners: row.3,
                    countries: row.4,
                    twin_links: row.5,
                    topics: row.6,
                    cluster_memberships: row.7,
                    offers: row.8,
                    requests: row.9,
                    evidence: row.10,
                })
            }

            async fn snapshot(&self) -> StoreResult<Snapshot> {
                let cities = sqlx::query_as::<_, CityRow>(sqlx::AssertSqlSafe(format!("SELECT {CITY_COLUMNS} FROM cities c ORDER BY c.id")))
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(CityRow::into_domain)
                    .collect::<StoreResult<Vec<_>>>()?;
                let links = sqlx::query_as::<_, LinkRow>(sqlx::AssertSqlSafe(format!("SELECT {LINK_COLUMNS} FROM twin_links l ORDER BY l.id")))
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(LinkRow::into_domain)
                    .collect::<StoreResult<Vec<_>>>()?;
                let memberships = sqlx::query_as::<_, MembershipRow>(
                    sqlx::AssertSqlSafe(format!("SELECT {MEMBERSHIP_COLUMNS} FROM cluster_memberships ORDER BY id")),
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(MembershipRow::into_domain)
                .collect::<StoreResult<Vec<_>>>()?;
                let evidence = sqlx::query_as::<_, EvidenceRow>(
                    sqlx::AssertSqlSafe(format!("SELECT {EVIDENCE_COLUMNS} FROM evidence ORDER BY id")),
                )
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(EvidenceRow::into_domain)
                .collect::<StoreResult<Vec<_>>>()?;
                Ok(Snapshot {
                    countries: self.list_countries().await?,
                    topics: self.list_topics().await?,
                    cities,
                    links,
                    memberships,
                    evidence,
                    offers: self.held_where(None).await?,
                    requests: self.held_where(None).await?,
                })
            }
        }
        }
    };
}
