//! `/api/runs`: matching rounds. `POST` runs the engine with the
//! secretariat's parameters (mode, tiers, weights, locks and bans with
//! reasons, prefer previous) on the network as it is, on top of the pairs
//! already in force and every stored ban, and stores the proposals.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, AppState, Body, Caller, Id, Params};
use crate::domain::{CityId, required_text};
use crate::matching::assign::AssignError;
use crate::matching::whatif::if_removed;
use crate::matching::{
    Mode, Pair, PriorityTiers, RunParams, ScoreWeights, TierRule, diff, run_round,
};
use crate::service;
use crate::store::{NewProposal, Override, Page, StoredProposal, StoredRun};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub mentor: i64,
    pub applicant: i64,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RunBody {
    /// score, coverage (default) or stable
    #[schema(value_type = Option<crate::matching::Mode>)]
    pub mode: Option<String>,
    /// Priority tiers, highest first (default: ldc_african, ldc_or_african).
    #[schema(value_type = Option<Vec<crate::matching::TierRule>>)]
    pub tiers: Option<Vec<String>>,
    pub weights: Option<ScoreWeights>,
    #[schema(default = json!([]))]
    pub locks: Vec<OverrideBody>,
    #[schema(default = json!([]))]
    pub bans: Vec<OverrideBody>,
    /// Keep as many pairs of the previous run as possible.
    pub prefer_previous: bool,
    /// The run to compare with and prefer (default: the latest).
    pub previous_run: Option<i64>,
}

fn overrides(list: &[OverrideBody], field: &str, action: &str) -> Result<Vec<Override>, ApiError> {
    list.iter()
        .enumerate()
        .map(|(i, o)| {
            Ok(Override {
                action: action.to_string(),
                mentor: CityId(o.mentor),
                applicant: CityId(o.applicant),
                reason: required_text("reason", &o.reason, 500)
                    .map_err(|e| ApiError::invalid(format!("{field}[{i}].reason"), e.reason))?,
            })
        })
        .collect()
}

/// Names the field of an engine refusal where one is to blame.
fn assign_error(e: AssignError, locks: &[Override], bans: &[Override]) -> ApiError {
    let index_of = |list: &[Override], m: CityId, a: CityId| {
        list.iter().position(|o| o.mentor == m && o.applicant == a)
    };
    match &e {
        AssignError::NotAMentor { city } => match locks.iter().position(|o| o.mentor == *city) {
            Some(i) => ApiError::invalid(format!("locks[{i}].mentor"), e.to_string()),
            None => match bans.iter().position(|o| o.mentor == *city) {
                Some(i) => ApiError::invalid(format!("bans[{i}].mentor"), e.to_string()),
                None => ApiError::Conflict(e.to_string()),
            },
        },
        AssignError::NotAnApplicant { city } => {
            match locks.iter().position(|o| o.applicant == *city) {
                Some(i) => ApiError::invalid(format!("locks[{i}].applicant"), e.to_string()),
                None => match bans.iter().position(|o| o.applicant == *city) {
                    Some(i) => ApiError::invalid(format!("bans[{i}].applicant"), e.to_string()),
                    None => ApiError::Conflict(e.to_string()),
                },
            }
        }
        AssignError::LockedAndBanned { mentor, applicant }
        | AssignError::LockNotCandidate {
            mentor, applicant, ..
        } => match index_of(locks, *mentor, *applicant) {
            Some(i) => ApiError::invalid(format!("locks[{i}]"), e.to_string()),
            None => ApiError::Conflict(e.to_string()),
        },
        AssignError::LocksOverCapacity { .. } | AssignError::LocksOverRequest { .. } => {
            ApiError::invalid("locks", e.to_string())
        }
        AssignError::TooLarge(_) => ApiError::Conflict(e.to_string()),
    }
}

/// The stored proposals with names, for people to read.
pub(crate) fn with_names(
    network: &crate::engine::Network,
    proposals: &[StoredProposal],
) -> Vec<Value> {
    proposals
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["mentor_name"] = json!(network.named(p.mentor).map(|n| n.name).unwrap_or_default());
            v["applicant_name"] = json!(
                network
                    .named(p.applicant)
                    .map(|n| n.name)
                    .unwrap_or_default()
            );
            v
        })
        .collect()
}

/// A round solved as `body` asks, on the network as it is, before it is stored.
pub(crate) struct Solved {
    pub network: crate::engine::Network,
    pub round: crate::matching::Round,
    /// Per proposal, the round re-solved without it.
    pub removals: Vec<crate::matching::whatif::IfRemoved>,
    pub mode: Mode,
    pub params: RunParams,
    pub weights: ScoreWeights,
    pub locks: Vec<Override>,
    pub bans: Vec<Override>,
    pub previous_run: Option<i64>,
}

impl Solved {
    /// What the run achieved, as stored in `runs.summary`.
    pub fn summary(&self) -> Value {
        let round = &self.round;
        json!({
            "applicants": round.coverage.total.applicants,
            "applicants_covered": round.assignment.applicants_covered,
            "max_coverable": round.coverage.max_coverable,
            "pairs": round.assignment.pairs,
            "committed": round.assignment.committed,
            "total_score": round.assignment.total_score,
            "blocking_pairs": round.blocking_pairs,
            "coverage": round.coverage,
            "unmatched": round.unmatched,
            "diff": round.diff,
            "previous_run": self.previous_run,
            "if_removed": self.removals,
        })
    }
}

/// Checks `body` and solves the round it asks for (the engine runs off the
/// async threads), on top of the pairs in force and every stored ban. The
/// pages' preview of a default round calls this with `RunBody::default()`.
pub(crate) async fn solve(state: &AppState, body: &RunBody) -> Result<Solved, ApiError> {
    let db = state.store.as_ref();
    let mode = body
        .mode
        .as_deref()
        .map(Mode::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("mode", e))?
        .unwrap_or_default();
    let tiers = match &body.tiers {
        None => PriorityTiers::default(),
        Some(list) => PriorityTiers(
            list.iter()
                .enumerate()
                .map(|(i, t)| {
                    serde_json::from_value::<TierRule>(Value::String(t.clone())).map_err(|_| {
                        ApiError::invalid(format!("tiers[{i}]"), format!("'{t}' is not a tier (ldc_african, ldc, african, ldc_or_african, any)"))
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    let weights = body.weights.unwrap_or_default();
    weights
        .validate()
        .map_err(|e| ApiError::invalid("weights", e))?;
    let locks = overrides(&body.locks, "locks", "lock")?;
    let bans = overrides(&body.bans, "bans", "ban")?;
    let previous_run = match body.previous_run {
        Some(id) => Some(
            db.get_run(id)
                .await
                .map_err(|_| ApiError::invalid("previous_run", format!("run {id} does not exist")))?
                .id,
        ),
        None => service::latest_run(db).await?,
    };
    let previous = match previous_run {
        Some(id) => service::pairs_of_run(db, id).await?,
        None => Vec::new(),
    };
    let mut all_bans: Vec<Pair> = bans
        .iter()
        .map(|o| Pair {
            mentor: o.mentor,
            applicant: o.applicant,
        })
        .collect();
    all_bans.extend(service::banned_pairs(db).await?);
    let params = RunParams {
        mode,
        tiers,
        locks: locks
            .iter()
            .map(|o| Pair {
                mentor: o.mentor,
                applicant: o.applicant,
            })
            .collect(),
        bans: all_bans,
        previous,
        prefer_previous: body.prefer_previous,
        committed: service::committed_pairs(db).await?,
    };
    let config = crate::matching::EngineConfig {
        weights,
        ..crate::engine::config_now()
    };
    let network = service::load_network(db, config).await?;
    let (network, round, removals) = {
        let p = params.clone();
        let (l, b) = (locks.clone(), bans.clone());
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let round = run_round(&network.market, &p).map_err(|e| assign_error(e, &l, &b))?;
            let removals = if round.assignment.proposals.len() <= IF_REMOVED_LIMIT {
                if_removed(&network.market, &p, &round.assignment)
                    .map_err(|e| assign_error(e, &l, &b))?
            } else {
                Vec::new()
            };
            tracing::info!(
                mode = ?p.mode,
                candidates = network.market.candidates.len(),
                pairs = round.assignment.pairs,
                seconds = started.elapsed().as_secs_f64(),
                "run solved"
            );
            Ok::<_, ApiError>((network, round, removals))
        })
        .await
        .map_err(|e| ApiError::Internal(format!("engine task failed: {e}")))??
    };
    Ok(Solved {
        network,
        round,
        removals,
        mode,
        params,
        weights,
        locks,
        bans,
        previous_run,
    })
}

/// A run made and stored: what `POST /api/runs` answers and the round page shows.
pub(crate) struct StartedRun {
    pub run: StoredRun,
    pub proposals: Vec<StoredProposal>,
    pub summary: Value,
    pub network: crate::engine::Network,
}

/// Most proposals for which the round is re-solved once each to say what
/// removing it would change.
const IF_REMOVED_LIMIT: usize = 500;

/// Solves the round `body` asks for and stores it: the one way to start a
/// run, for the JSON API and the round page.
pub(crate) async fn start_run(
    state: &AppState,
    actor: &crate::store::Actor,
    body: &RunBody,
) -> Result<StartedRun, ApiError> {
    let db = state.store.as_ref();
    let solved = solve(state, body).await?;
    let summary = solved.summary();
    let Solved {
        network,
        round,
        mode,
        params,
        weights,
        locks,
        bans,
        previous_run,
        ..
    } = solved;
    let proposals: Vec<NewProposal> = round
        .assignment
        .proposals
        .iter()
        .map(|p| NewProposal {
            mentor: p.mentor,
            applicant: p.applicant,
            score: p.score,
            explanation: serde_json::to_value(&p.pair.explanation).unwrap_or(Value::Null),
            locked: p.locked,
        })
        .collect();
    let params_json = json!({
        "mode": mode, "tiers": params.tiers, "weights": weights, "locks": locks, "bans": bans,
        "prefer_previous": body.prefer_previous, "previous_run": previous_run,
    });
    let mode_name = serde_json::to_value(mode)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let mut overrides_all = locks;
    overrides_all.extend(bans);
    let (run, stored) = db
        .create_run(
            actor,
            &mode_name,
            &params_json,
            &summary,
            &proposals,
            &overrides_all,
        )
        .await?;
    Ok(StartedRun {
        run,
        proposals: stored,
        summary,
        network,
    })
}

#[utoipa::path(
    post,
    path = "/api/runs",
    tag = "runs",
    security(("bearer" = [])),
    request_body = RunBody,
    responses(
        (status = 201, description = "The run, its proposals and its summary", body = crate::http::openapi::CreatedRun),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The engine cannot solve the round as asked", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_run(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<RunBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.secretariat()?;
    let started = start_run(&state, &actor, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "run": started.run,
            "proposals": with_names(&started.network, &started.proposals),
            "summary": started.summary,
        })),
    ))
}

#[utoipa::path(
    get,
    path = "/api/runs",
    tag = "runs",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of runs, latest first (unpublished runs only for the secretariat)", body = Page<StoredRun>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_runs(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Json<Page<StoredRun>>, ApiError> {
    params.only(&["page", "per_page"])?;
    let mut page = state.store.list_runs(params.paging()?).await?;
    if caller.role() != Some(crate::domain::Role::Secretariat) {
        page.items.retain(|r| r.published_at.is_some());
    }
    Ok(Json(page))
}

/// A run as its reader may see it: unpublished runs are the secretariat's.
async fn visible_run(state: &AppState, caller: &Caller, id: i64) -> Result<StoredRun, ApiError> {
    visible_run_for(state.store.as_ref(), caller.role(), id).await
}

/// A run as a reader with `role` may see it (the pages ask with their viewer's role).
pub(crate) async fn visible_run_for(
    db: &dyn crate::store::Db,
    role: Option<crate::domain::Role>,
    id: i64,
) -> Result<StoredRun, ApiError> {
    let run = db.get_run(id).await?;
    if run.published_at.is_none() && role != Some(crate::domain::Role::Secretariat) {
        return Err(ApiError::NotFound(format!(
            "run {id} does not exist or is not published yet"
        )));
    }
    Ok(run)
}

/// The latest run a reader with `role` may see: the latest of all for the
/// secretariat, the latest published one for everybody else.
pub(crate) async fn latest_visible_run(
    db: &dyn crate::store::Db,
    role: Option<crate::domain::Role>,
) -> Result<Option<StoredRun>, ApiError> {
    let runs = db
        .list_runs(crate::store::Paging {
            page: 1,
            per_page: crate::store::Paging::MAX_PER_PAGE,
        })
        .await?;
    Ok(runs
        .items
        .into_iter()
        .find(|r| r.published_at.is_some() || role == Some(crate::domain::Role::Secretariat)))
}

#[utoipa::path(
    get,
    path = "/api/runs/{id}",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The run and its proposals", body = crate::http::openapi::RunDetail),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run, or not published yet", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Value>, ApiError> {
    let run = visible_run(&state, &caller, id).await?;
    let proposals = service::proposals_with(state.store.as_ref(), None, Some(id)).await?;
    let network = service::network_now(state.store.as_ref()).await?;
    Ok(Json(
        json!({ "run": run, "proposals": with_names(&network, &proposals) }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/runs/{id}/diff",
    tag = "runs",
    params(
        ("id" = i64, Path, description = "Run id"),
        ("against" = i64, Query, description = "The run to compare with (required)"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The pairs the run kept, added and removed compared with `against`", body = crate::http::openapi::RunDiffView),
        (status = 400, description = "The id, `against` or another query parameter is wrong", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run, or not published yet", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn diff_runs(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    params.only(&["against"])?;
    let against = params
        .number::<i64>("against")?
        .ok_or_else(|| ApiError::invalid("against", "against (a run id) is required"))?;
    visible_run(&state, &caller, id).await?;
    visible_run(&state, &caller, against)
        .await
        .map_err(|_| ApiError::invalid("against", format!("run {against} does not exist")))?;
    let db = state.store.as_ref();
    let d = diff(
        &service::pairs_of_run(db, against).await?,
        &service::pairs_of_run(db, id).await?,
    );
    Ok(Json(
        json!({ "run": id, "against": against, "kept": d.kept, "added": d.added, "removed": d.removed }),
    ))
}

#[utoipa::path(
    post,
    path = "/api/runs/{id}/publish",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run, published: its proposals go to the cities", body = StoredRun),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The run is already published", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn publish_run(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<StoredRun>, ApiError> {
    let actor = caller.secretariat()?;
    Ok(Json(state.store.publish_run(&actor, id).await?))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/runs", get(list_runs).post(create_run))
        .route("/api/runs/{id}", get(get_run))
        .route("/api/runs/{id}/diff", get(diff_runs))
        .route("/api/runs/{id}/publish", post(publish_run))
}
