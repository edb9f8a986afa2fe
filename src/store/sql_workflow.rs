//! The workflow SQL both backends share: `sql_workflow!(Type, Database)`
//! implements [`WorkflowStore`](super::WorkflowStore) for a struct holding
//! `pool: sqlx::Pool<Database>`. See `sql.rs` for why a macro.

/// Now, as stored: RFC 3339 in UTC, seconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

macro_rules! sql_workflow {
    ($store:ident, $db:ty) => {
        mod workflow_impl {
            use super::$store;
            use serde_json::Value;
            use sqlx::QueryBuilder;

            use $crate::domain::{
                City, CityId, ClusterMembership, Evidence, Outcome, ProposalState, ProposalStatus, Role, SupportOffer,
                SupportRequest, TopicId, TwinLink, join_list,
            };
            use $crate::store::rows::{CITY_COLUMNS, CityRow, EvidenceRow, LINK_COLUMNS, LinkRow, MembershipRow};
            use $crate::store::sql_workflow::now;
            use $crate::store::workflow::*;
            use $crate::store::{Page, Store, StoreError, StoreResult};

            fn json(v: &Value) -> String {
                v.to_string()
            }

            fn parse_json(raw: Option<String>) -> Option<Value> {
                raw.and_then(|r| serde_json::from_str(&r).ok())
            }

            fn role_of(name: &str, city: Option<i64>) -> StoreResult<Role> {
                Role::parse(name, city.map(CityId)).map_err(|e| StoreError::Other(format!("corrupt token row: {e}")))
            }

            #[derive(sqlx::FromRow)]
            struct TokenRow {
                id: i64,
                role: String,
                city_id: Option<i64>,
                label: String,
                created_at: String,
                revoked_at: Option<String>,
            }

            impl TokenRow {
                fn into_info(self) -> StoreResult<TokenInfo> {
                    Ok(TokenInfo {
                        id: self.id,
                        role: role_of(&self.role, self.city_id)?,
                        label: self.label,
                        created_at: self.created_at,
                        revoked_at: self.revoked_at,
                    })
                }
            }

            const TOKEN_COLUMNS: &str = "id, role, city_id, label, created_at, revoked_at";

            #[derive(sqlx::FromRow)]
            struct RunRow {
                id: i64,
                created_at: String,
                created_by: Option<i64>,
                mode: String,
                params: String,
                summary: String,
                published_at: Option<String>,
            }

            impl RunRow {
                fn into_run(self) -> StoredRun {
                    StoredRun {
                        id: self.id,
                        created_at: self.created_at,
                        created_by: self.created_by,
                        mode: self.mode,
                        params: parse_json(Some(self.params)).unwrap_or(Value::Null),
                        summary: parse_json(Some(self.summary)).unwrap_or(Value::Null),
                        published_at: self.published_at,
                    }
                }
            }

            const RUN_COLUMNS: &str = "id, created_at, created_by, mode, params, summary, published_at";

            #[derive(sqlx::FromRow)]
            struct ProposalRow {
                id: i64,
                run_id: i64,
                mentor_id: i64,
                applicant_id: i64,
                score: i64,
                explanation: String,
                locked: bool,
                status: String,
                mentor_accepted: bool,
                applicant_accepted: bool,
                reason: Option<String>,
                rating: Option<i64>,
                report: Option<String>,
                version: i64,
                updated_at: String,
            }

            const PROPOSAL_COLUMNS: &str = "p.id, p.run_id, p.mentor_id, p.applicant_id, p.score, p.explanation, p.locked, \
                p.status, p.mentor_accepted, p.applicant_accepted, p.reason, p.rating, p.report, p.version, p.updated_at";

            impl ProposalRow {
                fn into_proposal(self) -> StoreResult<StoredProposal> {
                    let corrupt = |e: $crate::domain::DomainError| StoreError::Other(format!("corrupt proposal {}: {e}", self.id));
                    let status = ProposalStatus::parse(&self.status).map_err(corrupt)?;
                    let outcome = match (self.rating, &self.report) {
                        (Some(r), Some(t)) => Some(Outcome::parse(r, t).map_err(corrupt)?),
                        _ => None,
                    };
                    Ok(StoredProposal {
                        id: self.id,
                        run_id: self.run_id,
                        mentor: CityId(self.mentor_id),
                        applicant: CityId(self.applicant_id),
                        score: self.score,
                        explanation: parse_json(Some(self.explanation)).unwrap_or(Value::Null),
                        locked: self.locked,
                        state: ProposalState {
                            status,
                            mentor_accepted: self.mentor_accepted,
                            applicant_accepted: self.applicant_accepted,
                        },
                        reason: self.reason,
                        outcome,
                        version: self.version,
                        updated_at: self.updated_at,
                    })
                }
            }

            impl $store {
                /// Records one change in the audit log, inside `tx`.
                async fn audit(tx: &mut sqlx::Transaction<'_, $db>, actor: &Actor, change: Change<'_>) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO audit_log (at, token_id, role, actor_city, kind, entity_id, action, city_id, before, after, reason) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(now())
                    .bind(actor.token_id)
                    .bind(actor.role.name())
                    .bind(actor.role.city().map(|c| c.0))
                    .bind(change.kind)
                    .bind(&change.entity_id)
                    .bind(change.action)
                    .bind(change.city.map(|c| c.0))
                    .bind(change.before.as_ref().map(json))
                    .bind(change.after.as_ref().map(json))
                    .bind(change.reason)
                    .execute(&mut **tx)
                    .await?;
                    Ok(())
                }

                async fn proposal_in(tx: &mut sqlx::Transaction<'_, $db>, id: i64) -> StoreResult<StoredProposal> {
                    sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.id = $1"
                    )))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "proposal", id: id.to_string() })?
                    .into_proposal()
                }

                async fn city_exists(tx: &mut sqlx::Transaction<'_, $db>, city: CityId) -> StoreResult<()> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cities WHERE id = $1")
                        .bind(city.0)
                        .fetch_one(&mut **tx)
                        .await?;
                    if n == 0 {
                        return Err(StoreError::NotFound { what: "city", id: city.to_string() });
                    }
                    Ok(())
                }

                /// Moves proposal `id` at `expected_version` as `update` says, with
                /// its ban, evidence and audit row, inside `tx`.
                async fn apply_update(
                    tx: &mut sqlx::Transaction<'_, $db>,
                    actor: &Actor,
                    id: i64,
                    expected_version: i64,
                    action: &'static str,
                    update: &ProposalUpdate,
                ) -> StoreResult<StoredProposal> {
                    let before = Self::proposal_in(tx, id).await?;
                    let at = now();
                    let changed = sqlx::query(
                        "UPDATE proposals SET status = $1, mentor_accepted = $2, applicant_accepted = $3, reason = $4, \
                         rating = $5, report = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
                    )
                    .bind(update.state.status.name())
                    .bind(update.state.mentor_accepted)
                    .bind(update.state.applicant_accepted)
                    .bind(update.reason.as_deref().or(before.reason.as_deref()))
                    .bind(update.outcome.as_ref().map(|o| i64::from(o.rating)))
                    .bind(update.outcome.as_ref().map(|o| o.report.as_str()))
                    .bind(&at)
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut **tx)
                    .await?;
                    if changed.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!(
                            "proposal {id} changed meanwhile: it is now {} at version {} (you answered version {expected_version})",
                            before.state.status.name(),
                            before.version
                        )));
                    }
                    if update.ban {
                        sqlx::query(
                            "INSERT INTO bans (mentor_id, applicant_id, reason, created_at, proposal_id) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (mentor_id, applicant_id) DO NOTHING",
                        )
                        .bind(before.mentor.0)
                        .bind(before.applicant.0)
                        .bind(update.reason.as_deref().unwrap_or("declined"))
                        .bind(&at)
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    }
                    for e in &update.evidence {
                        sqlx::query(
                            "INSERT INTO evidence (city_id, topic_id, kind, year, level, source) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(e.city.0)
                        .bind(e.topic.map(|t| t.0))
                        .bind(e.fact.kind().name())
                        .bind(e.fact.year().map(i64::from))
                        .bind(e.fact.level().map(i64::from))
                        .bind(&e.source)
                        .execute(&mut **tx)
                        .await?;
                    }
                    let after = Self::proposal_in(tx, id).await?;
                    let change = Change {
                        kind: "proposal",
                        entity_id: id.to_string(),
                        action,
                        city: Some(after.applicant),
                        before: Some(serde_json::json!({"status": before.state.status, "version": before.version,
                            "mentor_accepted": before.state.mentor_accepted, "applicant_accepted": before.state.applicant_accepted})),
                        after: Some(serde_json::json!({"status": after.state.status, "version": after.version,
                            "mentor_accepted": after.state.mentor_accepted, "applicant_accepted": after.state.applicant_accepted,
                            "outcome": after.outcome})),
                        reason: update.reason.as_deref(),
                    };
                    Self::audit(tx, actor, change).await?;
                    Ok(after)
                }

                fn push_proposal_filters(qb: &mut QueryBuilder<$db>, q: &ProposalQuery) {
                    qb.push(" FROM proposals p WHERE 1 = 1");
                    if let Some(r) = q.run {
                        qb.push(" AND p.run_id = ").push_bind(r);
                    }
                    if let Some(c) = q.city {
                        qb.push(" AND (p.mentor_id = ").push_bind(c.0);
                        qb.push(" OR p.applicant_id = ").push_bind(c.0).push(")");
                    }
                    if let Some(s) = q.status {
                        qb.push(" AND p.status = ").push_bind(s.name());
                    }
                    if q.published_only {
                        qb.push(" AND EXISTS (SELECT 1 FROM runs r WHERE r.id = p.run_id AND r.published_at IS NOT NULL)");
                    }
                }
            }

            #[async_trait::async_trait]
            impl WorkflowStore for $store {
                async fn create_token(&self, actor: &Actor, role: Role, label: &str, token_hash: &str) -> StoreResult<TokenInfo> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    if let Some(c) = role.city() {
                        Self::city_exists(&mut tx, c).await?;
                    }
                    let row = sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO tokens (role, city_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
                         RETURNING {TOKEN_COLUMNS}"
                    )))
                    .bind(role.name())
                    .bind(role.city().map(|c| c.0))
                    .bind(label)
                    .bind(token_hash)
                    .bind(now())
                    .fetch_one(&mut *tx)
                    .await?;
                    let info = row.into_info()?;
                    let change = Change {
                        kind: "token",
                        entity_id: info.id.to_string(),
                        action: "create",
                        city: role.city(),
                        before: None,
                        after: serde_json::to_value(&info).ok(),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(info)
                }

                async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL"
                    )))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(TokenRow::into_info)
                    .transpose()
                }

                async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id")))
                        .fetch_all(&self.pool)
                        .await?
                        .into_iter()
                        .map(TokenRow::into_info)
                        .collect()
                }

                async fn revoke_token(&self, actor: &Actor, id: i64) -> StoreResult<TokenInfo> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = $1"
                    )))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "token", id: id.to_string() })?
                    .into_info()?;
                    if before.revoked_at.is_some() {
                        return Err(StoreError::Conflict(format!("token {id} is already revoked")));
                    }
                    let after = sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE tokens SET revoked_at = $1 WHERE id = $2 RETURNING {TOKEN_COLUMNS}"
                    )))
                    .bind(now())
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .into_info()?;
                    let change = Change {
                        kind: "token",
                        entity_id: id.to_string(),
                        action: "revoke",
                        city: after.role.city(),
                        before: serde_json::to_value(&before).ok(),
                        after: serde_json::to_value(&after).ok(),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn create_session(&self, session_hash: &str, token_id: i64, expires_at: &str) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO sessions (session_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(session_hash)
                    .bind(token_id)
                    .bind(now())
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session_token(&self, session_hash: &str) -> StoreResult<Option<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE revoked_at IS NULL AND id = \
                         (SELECT token_id FROM sessions WHERE session_hash = $1 AND expires_at > $2)"
                    )))
                    .bind(session_hash)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(TokenRow::into_info)
                    .transpose()
                }

                async fn end_session(&self, session_hash: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE session_hash = $1 OR expires_at <= $2")
                        .bind(session_hash)
                        .bind(now())
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn put_offer(&self, actor: &Actor, offer: &SupportOffer) -> StoreResult<SupportOffer> {
                    let before = self.offer_of(offer.city).await?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::city_exists(&mut tx, offer.city).await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO offers (city_id, capacity, languages, modalities, available_from, available_until, note, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (city_id) DO UPDATE SET capacity = excluded.capacity, languages = excluded.languages, \
                         modalities = excluded.modalities, available_from = excluded.available_from, \
                         available_until = excluded.available_until, note = excluded.note, source = excluded.source \
                         RETURNING id",
                    )
                    .bind(offer.city.0)
                    .bind(i64::from(offer.capacity.get()))
                    .bind(join_list(&offer.languages))
                    .bind(join_list(&offer.modalities))
                    .bind(offer.available_from.map(|d| d.to_string()))
                    .bind(offer.available_until.map(|d| d.to_string()))
                    .bind(&offer.note)
                    .bind(&offer.source)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM offer_topics WHERE offer_id = $1").bind(id).execute(&mut *tx).await?;
                    for t in &offer.topics {
                        sqlx::query("INSERT INTO offer_topics (offer_id, topic_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(t.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let after = SupportOffer { id, ..offer.clone() };
                    let change = Change {
                        kind: "offer",
                        entity_id: id.to_string(),
                        action: if before.is_some() { "update" } else { "create" },
                        city: Some(offer.city),
                        before: before.as_ref().and_then(|b| serde_json::to_value(b).ok()),
                        after: serde_json::to_value(&after).ok(),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn retire_offer(&self, actor: &Actor, city: CityId) -> StoreResult<()> {
                    let before = self
                        .offer_of(city)
                        .await?
                        .ok_or(StoreError::NotFound { what: "offer of city", id: city.to_string() })?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM offers WHERE id = $1").bind(before.id).execute(&mut *tx).await?;
                    let change = Change {
                        kind: "offer",
                        entity_id: before.id.to_string(),
                        action: "retire",
                        city: Some(city),
                        before: serde_json::to_value(&before).ok(),
                        after: None,
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn put_request(&self, actor: &Actor, request: &SupportRequest) -> StoreResult<SupportRequest> {
                    let before = self.request_of(request.city).await?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::city_exists(&mut tx, request.city).await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO requests (city_id, max_mentors, languages, modalities, note, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (city_id) DO UPDATE SET max_mentors = excluded.max_mentors, languages = excluded.languages, \
                         modalities = excluded.modalities, note = excluded.note, source = excluded.source \
                         RETURNING id",
                    )
                    .bind(request.city.0)
                    .bind(i64::from(request.max_mentors))
                    .bind(join_list(&request.languages))
                    .bind(join_list(&request.modalities))
                    .bind(&request.note)
                    .bind(&request.source)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM request_topics WHERE request_id = $1").bind(id).execute(&mut *tx).await?;
                    for n in &request.needs {
                        sqlx::query("INSERT INTO request_topics (request_id, topic_id, priority) VALUES ($1, $2, $3)")
                            .bind(id)
                            .bind(n.topic.0)
                            .bind(i64::from(n.priority.get()))
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("UPDATE cities SET status = 'applicant' WHERE id = $1 AND status = 'partner'")
                        .bind(request.city.0)
                        .execute(&mut *tx)
                        .await?;
                    let after = SupportRequest { id, ..request.clone() };
                    let change = Change {
                        kind: "request",
                        entity_id: id.to_string(),
                        action: if before.is_some() { "update" } else { "create" },
                        city: Some(request.city),
                        before: before.as_ref().and_then(|b| serde_json::to_value(b).ok()),
                        after: serde_json::to_value(&after).ok(),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn retire_request(&self, actor: &Actor, city: CityId) -> StoreResult<()> {
                    let before = self
                        .request_of(city)
                        .await?
                        .ok_or(StoreError::NotFound { what: "request of city", id: city.to_string() })?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM requests WHERE id = $1").bind(before.id).execute(&mut *tx).await?;
                    let change = Change {
                        kind: "request",
                        entity_id: before.id.to_string(),
                        action: "retire",
                        city: Some(city),
                        before: serde_json::to_value(&before).ok(),
                        after: None,
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_run(
                    &self,
                    actor: &Actor,
                    mode: &str,
                    params: &Value,
                    summary: &Value,
                    proposals: &[NewProposal],
                    overrides: &[Override],
                ) -> StoreResult<(StoredRun, Vec<StoredProposal>)> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let at = now();
                    let run = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO runs (created_at, created_by, mode, params, summary) VALUES ($1, $2, $3, $4, $5) \
                         RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(&at)
                    .bind(actor.token_id)
                    .bind(mode)
                    .bind(json(params))
                    .bind(json(summary))
                    .fetch_one(&mut *tx)
                    .await?
                    .into_run();
                    let mut stored = Vec::with_capacity(proposals.len());
                    for p in proposals {
                        let row = sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(format!(
                            "INSERT INTO proposals (run_id, mentor_id, applicant_id, score, explanation, locked, status, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7) RETURNING {}",
                            PROPOSAL_COLUMNS.replace("p.", "")
                        )))
                        .bind(run.id)
                        .bind(p.mentor.0)
                        .bind(p.applicant.0)
                        .bind(p.score)
                        .bind(json(&p.explanation))
                        .bind(p.locked)
                        .bind(&at)
                        .fetch_one(&mut *tx)
                        .await?;
                        stored.push(row.into_proposal()?);
                    }
                    for o in overrides {
                        if o.action == "ban" {
                            sqlx::query(
                                "INSERT INTO bans (mentor_id, applicant_id, reason, created_at) VALUES ($1, $2, $3, $4) \
                                 ON CONFLICT (mentor_id, applicant_id) DO NOTHING",
                            )
                            .bind(o.mentor.0)
                            .bind(o.applicant.0)
                            .bind(&o.reason)
                            .bind(&at)
                            .execute(&mut *tx)
                            .await?;
                        }
                        let change = Change {
                            kind: "run",
                            entity_id: run.id.to_string(),
                            action: if o.action == "ban" { "ban" } else { "lock" },
                            city: Some(o.applicant),
                            before: None,
                            after: serde_json::to_value(o).ok(),
                            reason: Some(&o.reason),
                        };
                        Self::audit(&mut tx, actor, change).await?;
                    }
                    let change = Change {
                        kind: "run",
                        entity_id: run.id.to_string(),
                        action: "create",
                        city: None,
                        before: None,
                        after: Some(serde_json::json!({"mode": mode, "params": params, "proposals": stored.len()})),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok((run, stored))
                }

                async fn get_run(&self, id: i64) -> StoreResult<StoredRun> {
                    Ok(sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1")))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound { what: "run", id: id.to_string() })?
                        .into_run())
                }

                async fn list_runs(&self, q: RunQuery) -> StoreResult<Page<StoredRun>> {
                    let filters = |qb: &mut QueryBuilder<$db>| {
                        qb.push(" FROM runs WHERE 1 = 1");
                        if q.published_only {
                            qb.push(" AND published_at IS NOT NULL");
                        }
                    };
                    Ok(self
                        .paged::<RunRow>(&format!("SELECT {RUN_COLUMNS}"), &filters, "ORDER BY id DESC", q.paging)
                        .await?
                        .map(RunRow::into_run))
                }

                async fn publish_run(&self, actor: &Actor, id: i64, superseded: &[Superseded]) -> StoreResult<StoredRun> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let updated = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE runs SET published_at = $1 WHERE id = $2 AND published_at IS NULL RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(now())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let run = match updated {
                        Some(r) => r.into_run(),
                        None => {
                            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM runs WHERE id = $1")
                                .bind(id)
                                .fetch_one(&mut *tx)
                                .await?;
                            return Err(if exists == 0 {
                                StoreError::NotFound { what: "run", id: id.to_string() }
                            } else {
                                StoreError::Conflict(format!("run {id} is already published"))
                            });
                        }
                    };
                    for s in superseded {
                        Self::apply_update(&mut tx, actor, s.proposal, s.version, "supersede", &s.update).await?;
                    }
                    let change = Change {
                        kind: "run",
                        entity_id: id.to_string(),
                        action: "publish",
                        city: None,
                        before: None,
                        after: Some(serde_json::json!({"published_at": run.published_at, "superseded_proposals": superseded.len()})),
                        reason: None,
                    };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(run)
                }

                async fn get_proposal(&self, id: i64) -> StoreResult<StoredProposal> {
                    sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.id = $1"
                    )))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound { what: "proposal", id: id.to_string() })?
                    .into_proposal()
                }

                async fn list_proposals(&self, q: &ProposalQuery) -> StoreResult<Page<StoredProposal>> {
                    let filters = |qb: &mut QueryBuilder<$db>| Self::push_proposal_filters(qb, q);
                    self.paged::<ProposalRow>(&format!("SELECT {PROPOSAL_COLUMNS}"), &filters, "ORDER BY p.id", q.paging)
                        .await?
                        .try_map(ProposalRow::into_proposal)
                }

                async fn update_proposal(
                    &self,
                    actor: &Actor,
                    id: i64,
                    expected_version: i64,
                    action: &'static str,
                    update: &ProposalUpdate,
                ) -> StoreResult<StoredProposal> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let after = Self::apply_update(&mut tx, actor, id, expected_version, action, update).await?;
                    tx.commit().await?;
                    Ok(after)
                }

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
                    let change = Change { kind: "city", entity_id: created.id.to_string(), action: "create", city: Some(created.id),
                        before: None, after: serde_json::to_value(&created).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_city(&self, actor: &Actor, city: &City) -> StoreResult<City> {
                    let before = self.get_city(city.id).await?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
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
                    let change = Change { kind: "city", entity_id: city.id.to_string(), action: "update", city: Some(city.id),
                        before: serde_json::to_value(&before).ok(), after: serde_json::to_value(&after).ok(), reason: None };
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
                    let change = Change { kind: "twin_link", entity_id: created.id.to_string(), action: "create", city: Some(created.a),
                        before: None, after: serde_json::to_value(&created).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_link(&self, actor: &Actor, link: &TwinLink) -> StoreResult<TwinLink> {
                    let before = self.get_link(link.id).await?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
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
                    let change = Change { kind: "twin_link", entity_id: link.id.to_string(), action, city: Some(after.a),
                        before: serde_json::to_value(&before).ok(), after: serde_json::to_value(&after).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn list_memberships(&self, city: Option<CityId>, topic: Option<TopicId>) -> StoreResult<Vec<ClusterMembership>> {
                    sqlx::query_as::<_, MembershipRow>(
                        "SELECT id, city_id, topic_id, role, period_start, period_end, source FROM cluster_memberships \
                         WHERE ($1 IS NULL OR city_id = $1) AND ($2 IS NULL OR topic_id = $2) ORDER BY id",
                    )
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
                    let row = sqlx::query_as::<_, MembershipRow>(
                        "INSERT INTO cluster_memberships (city_id, topic_id, role, period_start, period_end, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, city_id, topic_id, role, period_start, period_end, source",
                    )
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
                    let kind = match m.role {
                        $crate::domain::ClusterRole::Coordinator => "cluster_coordinator",
                        $crate::domain::ClusterRole::Member => "cluster_member",
                    };
                    sqlx::query("INSERT INTO evidence (city_id, topic_id, kind, year, level, source) VALUES ($1, $2, $3, $4, NULL, $5)")
                        .bind(m.city.0)
                        .bind(m.topic.0)
                        .bind(kind)
                        .bind(i64::from(m.period.start))
                        .bind(&m.source)
                        .execute(&mut *tx)
                        .await?;
                    let change = Change { kind: "cluster_membership", entity_id: created.id.to_string(), action: "create", city: Some(m.city),
                        before: None, after: serde_json::to_value(&created).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_membership(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, MembershipRow>(
                        "SELECT id, city_id, topic_id, role, period_start, period_end, source FROM cluster_memberships WHERE id = $1",
                    )
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound { what: "cluster membership", id: id.to_string() })?
                    .into_domain()?;
                    sqlx::query("DELETE FROM cluster_memberships WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let change = Change { kind: "cluster_membership", entity_id: id.to_string(), action: "retire", city: Some(before.city),
                        before: serde_json::to_value(&before).ok(), after: None, reason: None };
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
                    let select = "SELECT id, city_id, topic_id, kind, year, level, source";
                    self.paged::<EvidenceRow>(select, &filters, "ORDER BY id", q.paging)
                        .await?
                        .try_map(EvidenceRow::into_domain)
                }

                async fn create_evidence(&self, actor: &Actor, e: &Evidence) -> StoreResult<Evidence> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    Self::city_exists(&mut tx, e.city).await.map_err(|_| StoreError::Invalid { field: "city", reason: format!("city {} does not exist", e.city) })?;
                    let row = sqlx::query_as::<_, EvidenceRow>(
                        "INSERT INTO evidence (city_id, topic_id, kind, year, level, source) VALUES ($1, $2, $3, $4, $5, $6) \
                         RETURNING id, city_id, topic_id, kind, year, level, source",
                    )
                    .bind(e.city.0)
                    .bind(e.topic.map(|t| t.0))
                    .bind(e.fact.kind().name())
                    .bind(e.fact.year().map(i64::from))
                    .bind(e.fact.level().map(i64::from))
                    .bind(&e.source)
                    .fetch_one(&mut *tx)
                    .await?;
                    let created = row.into_domain()?;
                    let change = Change { kind: "evidence", entity_id: created.id.to_string(), action: "create", city: Some(e.city),
                        before: None, after: serde_json::to_value(&created).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_evidence(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = sqlx::query_as::<_, EvidenceRow>("SELECT id, city_id, topic_id, kind, year, level, source FROM evidence WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound { what: "evidence", id: id.to_string() })?
                        .into_domain()?;
                    sqlx::query("DELETE FROM evidence WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let change = Change { kind: "evidence", entity_id: id.to_string(), action: "retire", city: Some(before.city),
                        before: serde_json::to_value(&before).ok(), after: None, reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_topic(&self, actor: &Actor, topic: &$crate::domain::Topic) -> StoreResult<$crate::domain::Topic> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let stage = match topic.kind {
                        $crate::domain::TopicKind::AreaOfAction { stage } => Some(i64::from(stage)),
                        $crate::domain::TopicKind::Cluster => None,
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
                    let created = $crate::domain::Topic { id: TopicId(id), ..topic.clone() };
                    let change = Change { kind: "topic", entity_id: id.to_string(), action: "create", city: None,
                        before: None, after: serde_json::to_value(&created).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn update_topic(&self, actor: &Actor, topic: &$crate::domain::Topic) -> StoreResult<$crate::domain::Topic> {
                    let before = self
                        .list_topics()
                        .await?
                        .into_iter()
                        .find(|t| t.id == topic.id)
                        .ok_or(StoreError::NotFound { what: "topic", id: topic.id.to_string() })?;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("UPDATE topics SET name = $1, retired = $2, aliases = $3 WHERE id = $4")
                        .bind(&topic.name)
                        .bind(topic.retired)
                        .bind(join_list(&topic.aliases))
                        .bind(topic.id.0)
                        .execute(&mut *tx)
                        .await?;
                    let change = Change { kind: "topic", entity_id: topic.id.to_string(), action: "update", city: None,
                        before: serde_json::to_value(&before).ok(), after: serde_json::to_value(topic).ok(), reason: None };
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(topic.clone())
                }

                async fn list_bans(&self) -> StoreResult<Vec<Ban>> {
                    let rows: Vec<(i64, i64, String, String, Option<i64>)> = sqlx::query_as(
                        "SELECT mentor_id, applicant_id, reason, created_at, proposal_id FROM bans ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(m, a, reason, created_at, proposal)| Ban {
                            mentor: CityId(m),
                            applicant: CityId(a),
                            reason,
                            created_at,
                            proposal,
                        })
                        .collect())
                }

                async fn mentor_loads(&self) -> StoreResult<Vec<MentorLoad>> {
                    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                        "SELECT mentor_id, \
                                COALESCE(SUM(CASE WHEN status IN ('accepted', 'active') THEN 1 ELSE 0 END), 0), \
                                COUNT(*) \
                         FROM proposals GROUP BY mentor_id ORDER BY mentor_id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows.into_iter().map(|(m, now, all)| MentorLoad { mentor: CityId(m), now, all_runs: all }).collect())
                }

                async fn list_audit(&self, q: &AuditQuery) -> StoreResult<Page<AuditEntry>> {
                    let filters = |qb: &mut QueryBuilder<$db>| {
                        qb.push(" FROM audit_log WHERE 1 = 1");
                        if let Some(c) = q.city {
                            qb.push(" AND (city_id = ").push_bind(c.0);
                            qb.push(" OR actor_city = ").push_bind(c.0).push(")");
                        }
                        if let Some(k) = &q.kind {
                            qb.push(" AND kind = ").push_bind(k.clone());
                        }
                    };
                    type Row = (
                        i64, String, Option<i64>, String, Option<i64>, String, String, String, Option<i64>,
                        Option<String>, Option<String>, Option<String>,
                    );
                    let select = "SELECT id, at, token_id, role, actor_city, kind, entity_id, action, city_id, before, after, reason";
                    Ok(self.paged::<Row>(select, &filters, "ORDER BY id DESC", q.paging).await?.map(|r| AuditEntry {
                        id: r.0,
                        at: r.1,
                        token_id: r.2,
                        role: r.3,
                        actor_city: r.4.map(CityId),
                        kind: r.5,
                        entity_id: r.6,
                        action: r.7,
                        city: r.8.map(CityId),
                        before: parse_json(r.9),
                        after: parse_json(r.10),
                        reason: r.11,
                    }))
                }
            }
        }
    };
}
