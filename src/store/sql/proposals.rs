//! Proposals and the bans their declines leave: `sql_proposals!(Type,
//! Database)` implements [`ProposalStore`](crate::store::ProposalStore).
//! Every move of a proposal is guarded by its version and brings its ban,
//! evidence and audit row along in the same transaction.

macro_rules! sql_proposals {
    ($store:ident, $db:ty) => {
        mod proposals_impl {
            use super::$store;

            use sqlx::QueryBuilder;

            use $crate::domain::CityId;
            use $crate::store::rows::{PROPOSAL_COLUMNS, ProposalRow};
            use $crate::store::sql::now;
            use $crate::store::{
                Actor, Ban, Change, MentorLoad, Page, ProposalQuery, ProposalStore, ProposalUpdate, StoreError, StoreResult,
                StoredProposal,
            };

            /// What the audit log keeps of a proposal's state.
            fn state_of(p: &StoredProposal) -> serde_json::Value {
                serde_json::json!({"status": p.state.status, "version": p.version,
                    "mentor_accepted": p.state.mentor_accepted, "applicant_accepted": p.state.applicant_accepted})
            }

            impl $store {
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

                /// Moves proposal `id` at `expected_version` as `update` says, with
                /// its ban, evidence and audit row, inside `tx`.
                pub(super) async fn apply_update(
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
                        Self::insert_evidence(tx, e).await?;
                    }
                    let after = Self::proposal_in(tx, id).await?;
                    let mut now_state = state_of(&after);
                    now_state["outcome"] = serde_json::to_value(&after.outcome).unwrap_or_default();
                    let change = Change::new("proposal", id, action, Some(after.applicant))
                        .before(&state_of(&before))
                        .after(&now_state)
                        .because(update.reason.as_deref());
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
            impl ProposalStore for $store {
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

                async fn list_bans(&self) -> StoreResult<Vec<Ban>> {
                    let rows: Vec<(i64, i64, String, String, Option<i64>)> =
                        sqlx::query_as("SELECT mentor_id, applicant_id, reason, created_at, proposal_id FROM bans ORDER BY id")
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
            }
        }
    };
}
