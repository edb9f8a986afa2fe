//! Matching runs: `sql_runs!(Type, Database)` implements
//! [`RunStore`](crate::store::RunStore): a run is stored with its proposals
//! and overrides in one transaction, and publishing it supersedes what it
//! replaces in the same transaction.

macro_rules! sql_runs {
    ($store:ident, $db:ty) => {
        mod runs_impl {
            use super::$store;

            use sqlx::QueryBuilder;

            use $crate::domain::RunStatus;
            use $crate::store::rows::{PROPOSAL_COLUMNS, ProposalRow, RUN_COLUMNS, RunRow};
            use $crate::store::sql::now;
            use $crate::store::{
                Actor, Change, NewRun, Page, RunQuery, RunStore, StoreError,
                StoreResult, StoredProposal, StoredRun, Superseded,
            };

            fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
                serde_json::to_string(value).map_err(|e| StoreError::Other(format!("cannot store JSON: {e}")))
            }

            #[async_trait::async_trait]
            impl RunStore for $store {
                async fn create_run(
                    &self,
                    actor: &Actor,
                    new: &NewRun<'_>,
                ) -> StoreResult<(StoredRun, Vec<StoredProposal>)> {
                    let NewRun { name, mode, params, summary, proposals, overrides } = *new;
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let at = now();
                    let run = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO runs (created_at, created_by, mode, params, summary, name) VALUES ($1, $2, $3, $4, $5, $6) \
                         RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(&at)
                    .bind(actor.token_id)
                    .bind(mode)
                    .bind(to_json(params)?)
                    .bind(to_json(summary)?)
                    .bind(name)
                    .fetch_one(&mut *tx)
                    .await?
                    .into_run()?;
                    // One multi-row insert per chunk (7 parameters a row stays
                    // far below either backend's limit), then one read back.
                    for chunk in proposals.chunks(1000) {
                        let mut insert = QueryBuilder::<$db>::new(
                            "INSERT INTO proposals (run_id, mentor_id, applicant_id, score, explanation, locked, status, updated_at) ",
                        );
                        let explained = chunk
                            .iter()
                            .map(|p| Ok((p, to_json(&p.explanation)?)))
                            .collect::<StoreResult<Vec<_>>>()?;
                        insert.push_values(explained, |mut row, (p, explanation)| {
                            row.push_bind(run.id)
                                .push_bind(p.mentor.0)
                                .push_bind(p.applicant.0)
                                .push_bind(p.score)
                                .push_bind(explanation)
                                .push_bind(p.locked)
                                .push_bind("proposed")
                                .push_bind(at.clone());
                        });
                        insert.build().execute(&mut *tx).await?;
                    }
                    let stored = sqlx::query_as::<_, ProposalRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {PROPOSAL_COLUMNS} FROM proposals p WHERE p.run_id = $1 ORDER BY p.id"
                    )))
                    .bind(run.id)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(ProposalRow::into_proposal)
                    .collect::<StoreResult<Vec<_>>>()?;
                    for o in overrides {
                        let ban = o.action == "ban";
                        if ban {
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
                        let action = if ban { "ban" } else { "lock" };
                        let change = Change::new("run", run.id, action, Some(o.applicant)).after(o).because(Some(&o.reason));
                        Self::audit(&mut tx, actor, change).await?;
                    }
                    let made = serde_json::json!({"name": name, "mode": mode, "params": params, "proposals": stored.len()});
                    Self::audit(&mut tx, actor, Change::new("run", run.id, "create", None).after(&made)).await?;
                    tx.commit().await?;
                    Ok((run, stored))
                }

                async fn get_run(&self, id: i64) -> StoreResult<StoredRun> {
                    sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1")))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StoreError::NotFound { what: "run", id: id.to_string() })?
                        .into_run()
                }

                async fn list_runs(&self, q: RunQuery) -> StoreResult<Page<StoredRun>> {
                    let filters = |qb: &mut QueryBuilder<$db>| {
                        qb.push(" FROM runs WHERE 1 = 1");
                        if q.published_only {
                            qb.push(" AND published_at IS NOT NULL");
                        }
                        qb.push(match q.status {
                            None => " AND discarded_at IS NULL",
                            Some(RunStatus::Draft) => " AND published_at IS NULL AND discarded_at IS NULL",
                            Some(RunStatus::Published) => " AND published_at IS NOT NULL AND superseded_by IS NULL",
                            Some(RunStatus::Superseded) => " AND superseded_by IS NOT NULL",
                            Some(RunStatus::Discarded) => " AND discarded_at IS NOT NULL",
                        });
                    };
                    self.paged::<RunRow>(&format!("SELECT {RUN_COLUMNS}"), &filters, "ORDER BY id DESC", q.paging)
                        .await?
                        .try_map(RunRow::into_run)
                }

                async fn publish_run(&self, actor: &Actor, id: i64, superseded: &[Superseded]) -> StoreResult<StoredRun> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    if let Some(lock) = Self::LOCK_PUBLISHING {
                        sqlx::query(lock).execute(&mut *tx).await?;
                    }
                    let updated = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE runs SET published_at = $1 WHERE id = $2 AND published_at IS NULL AND discarded_at IS NULL \
                         RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(now())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(run) = updated else {
                        return Err(Self::not_a_draft(&mut tx, id).await?);
                    };
                    let run = run.into_run()?;
                    // The open proposals of other published runs are the
                    // ones to supersede: another publish since they were
                    // read changes them.
                    let open: Vec<i64> = sqlx::query_scalar(
                        "SELECT p.id FROM proposals p JOIN runs r ON r.id = p.run_id \
                         WHERE r.published_at IS NOT NULL AND p.status = 'proposed' AND p.run_id <> $1",
                    )
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let given: std::collections::HashSet<i64> = superseded.iter().map(|s| s.proposal).collect();
                    if open.iter().any(|p| !given.contains(p)) {
                        return Err(StoreError::Changed(format!("another round was published while run {id} was: publish it again")));
                    }
                    for s in superseded {
                        Self::apply_update(&mut tx, actor, s.proposal, s.version, "supersede", &s.update).await?;
                    }
                    let replaced: Vec<i64> = sqlx::query_scalar(
                        "UPDATE runs SET superseded_by = $1 \
                         WHERE published_at IS NOT NULL AND superseded_by IS NULL AND id <> $1 RETURNING id",
                    )
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let done = serde_json::json!({
                        "published_at": run.published_at,
                        "superseded_runs": replaced,
                        "superseded_proposals": superseded.len(),
                    });
                    Self::audit(&mut tx, actor, Change::new("run", id, "publish", None).after(&done)).await?;
                    tx.commit().await?;
                    Ok(run)
                }

                async fn discard_run(&self, actor: &Actor, id: i64) -> StoreResult<StoredRun> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let updated = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE runs SET discarded_at = $1 WHERE id = $2 AND published_at IS NULL AND discarded_at IS NULL \
                         RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(now())
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(run) = updated else {
                        return Err(Self::not_a_draft(&mut tx, id).await?);
                    };
                    let run = run.into_run()?;
                    let done = serde_json::json!({"discarded_at": run.discarded_at});
                    Self::audit(&mut tx, actor, Change::new("run", id, "discard", None).after(&done)).await?;
                    tx.commit().await?;
                    Ok(run)
                }

                async fn rename_run(&self, actor: &Actor, id: i64, name: Option<&str>) -> StoreResult<StoredRun> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before: Option<Option<String>> =
                        sqlx::query_scalar("SELECT name FROM runs WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
                    let Some(before) = before else {
                        return Err(StoreError::NotFound { what: "run", id: id.to_string() });
                    };
                    let run = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
                        "UPDATE runs SET name = $1 WHERE id = $2 RETURNING {RUN_COLUMNS}"
                    )))
                    .bind(name)
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .into_run()?;
                    let change = Change::new("run", id, "rename", None)
                        .before(&serde_json::json!({"name": before}))
                        .after(&serde_json::json!({"name": name}));
                    Self::audit(&mut tx, actor, change).await?;
                    tx.commit().await?;
                    Ok(run)
                }
            }

            impl $store {
                /// Why run `id` is not a draft to publish or discard.
                async fn not_a_draft(tx: &mut sqlx::Transaction<'_, $db>, id: i64) -> StoreResult<StoreError> {
                    let found: Option<(Option<String>, Option<String>)> =
                        sqlx::query_as("SELECT published_at, discarded_at FROM runs WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut **tx)
                            .await?;
                    Ok(match found {
                        None => StoreError::NotFound { what: "run", id: id.to_string() },
                        Some((Some(_), _)) => StoreError::Conflict(format!("run {id} is already published")),
                        Some((None, _)) => StoreError::Conflict(format!("run {id} was discarded")),
                    })
                }
            }
        }
    };
}
