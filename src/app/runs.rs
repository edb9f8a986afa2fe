//! Matching rounds: start one (solve the secretariat's parameters on the
//! network as it is, on top of the pairs in force and every stored ban,
//! and store its proposals), read them as the reader may, compare two,
//! and publish one (its proposals go to the cities; the open proposals of
//! earlier published rounds are superseded through the workflow).

use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

use super::network::{self, all_pages, blocking, proposals_where};
use super::policy::Reader;
use super::{App, AppError, AppResult};
use crate::domain::{CityId, MessageCode, ProposalStatus, RunStatus, required_text};
use crate::engine::Network;
use crate::matching::assign::AssignError;
use crate::matching::whatif::{IfRemoved, if_removed};
use crate::matching::{
    Mode, Pair, PriorityTiers, Round, RunDiff, RunParams, ScoreWeights, TierRule, diff, run_round,
};
use crate::store::{
    Actor, NewProposal, NewRun, Override, Page, Paging, ProposalQuery, ProposalUpdate, RunQuery,
    RunSettings, RunSummary, StoreError, StoredProposal, StoredRun, Superseded,
};

/// What the secretariat asks of a round, parsed.
#[derive(Debug, Clone, Default)]
pub struct StartRun {
    /// The round's name (`None`: "Round {id}").
    pub name: Option<String>,
    pub mode: Mode,
    pub tiers: PriorityTiers,
    pub weights: ScoreWeights,
    pub locks: Vec<Override>,
    pub bans: Vec<Override>,
    /// Keep as many pairs of the previous round as possible.
    pub prefer_previous: bool,
    /// The round to compare with and prefer.
    pub previous: Previous,
    /// Leave out "what removing each proposal would change" (the command
    /// line's `match`, which stores nothing).
    pub skip_removals: bool,
}

/// Which earlier round a new one compares with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Previous {
    /// The latest stored run, if any.
    #[default]
    Latest,
    /// A stored run.
    Run(i64),
    /// Pairs given directly (a round saved by `twinmatch match --out`).
    Pairs(Vec<Pair>),
}

/// A mode by name; the refusal names `field`.
pub fn parse_mode(field: &str, raw: &str) -> AppResult<Mode> {
    Mode::parse(raw).map_err(|e| {
        AppError::invalid(
            field,
            MessageCode::UnknownMode,
            vec![("value", raw.into())],
            e,
        )
    })
}

/// The longest name a round may have.
pub const NAME_MAX: usize = 100;

/// A round's name: blank is no name; the refusal names `field`.
pub fn parse_name(field: &str, raw: &str) -> AppResult<Option<String>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    required_text("name", raw, NAME_MAX)
        .map(Some)
        .map_err(|e| AppError::at(field.to_string(), e))
}

/// A priority tier by name (`ldc_african`...); the refusal names `field`.
pub fn parse_tier(field: &str, raw: &str) -> AppResult<TierRule> {
    serde_json::from_value::<TierRule>(Value::String(raw.to_string())).map_err(|_| {
        AppError::invalid(
            field,
            MessageCode::UnknownTier,
            vec![("value", raw.into())],
            format!("'{raw}' is not a tier (ldc_african, ldc, african, ldc_or_african, any)"),
        )
    })
}

/// One lock or ban (`action`) with its reason; the refusal names `field`.
pub fn parse_override(
    field: &str,
    action: &str,
    mentor: i64,
    applicant: i64,
    reason: &str,
) -> AppResult<Override> {
    Ok(Override {
        action: action.to_string(),
        mentor: CityId(mentor),
        applicant: CityId(applicant),
        reason: required_text("reason", reason, 500)
            .map_err(|e| AppError::at(format!("{field}.reason"), e))?,
    })
}

/// Names the field of an engine refusal where one is to blame.
fn assign_error(e: AssignError, locks: &[Override], bans: &[Override]) -> AppError {
    let position = |list: &[Override], f: &dyn Fn(&Override) -> bool| list.iter().position(f);
    let message = e.to_string();
    let at = |field: String, code: MessageCode, args: Vec<(&'static str, String)>| {
        AppError::invalid(field, code, args, message.clone())
    };
    match &e {
        AssignError::NotAMentor { city } | AssignError::NotAnApplicant { city } => {
            let (side, code) = match &e {
                AssignError::NotAMentor { .. } => ("mentor", MessageCode::LockNotMentor),
                _ => ("applicant", MessageCode::LockNotApplicant),
            };
            let is = |o: &Override| {
                if side == "mentor" {
                    o.mentor == *city
                } else {
                    o.applicant == *city
                }
            };
            let args = vec![("city", city.to_string())];
            match (position(locks, &is), position(bans, &is)) {
                (Some(i), _) => at(format!("locks[{i}].{side}"), code, args),
                (None, Some(i)) => at(format!("bans[{i}].{side}"), code, args),
                (None, None) => AppError::Conflict(message),
            }
        }
        AssignError::LockedAndBanned { mentor, applicant }
        | AssignError::LockNotCandidate {
            mentor, applicant, ..
        } => {
            let code = match &e {
                AssignError::LockedAndBanned { .. } => MessageCode::LockedAndBanned,
                _ => MessageCode::LockNotCandidate,
            };
            let args = vec![
                ("mentor", mentor.to_string()),
                ("applicant", applicant.to_string()),
            ];
            match position(locks, &|o| o.mentor == *mentor && o.applicant == *applicant) {
                Some(i) => at(format!("locks[{i}]"), code, args),
                None => AppError::Conflict(message),
            }
        }
        AssignError::LocksOverCapacity {
            mentor, capacity, ..
        } => at(
            "locks".into(),
            MessageCode::LocksOverCapacity,
            vec![
                ("mentor", mentor.to_string()),
                ("capacity", capacity.to_string()),
            ],
        ),
        AssignError::LocksOverRequest {
            applicant,
            max_mentors,
            ..
        } => at(
            "locks".into(),
            MessageCode::LocksOverRequest,
            vec![
                ("applicant", applicant.to_string()),
                ("max", max_mentors.to_string()),
            ],
        ),
        AssignError::TooLarge(_) => AppError::Conflict(message),
    }
}

/// A stored proposal with its cities' names, for people to read.
#[derive(Debug, Clone, Serialize)]
pub struct NamedProposal {
    #[serde(flatten)]
    pub proposal: StoredProposal,
    pub mentor_name: String,
    pub applicant_name: String,
}

/// `proposals` with the names `network` knows them by.
pub fn named(network: &Network, proposals: &[StoredProposal]) -> Vec<NamedProposal> {
    let name = |c: CityId| network.named(c).map(|n| n.name).unwrap_or_default();
    proposals
        .iter()
        .map(|p| NamedProposal {
            mentor_name: name(p.mentor),
            applicant_name: name(p.applicant),
            proposal: p.clone(),
        })
        .collect()
}

/// A round solved as asked, on the network as it is, before it is stored.
pub struct Solved {
    pub network: Arc<Network>,
    pub round: Round,
    /// Per proposal, the round re-solved without it.
    pub removals: Vec<IfRemoved>,
    pub command: StartRun,
    pub params: RunParams,
    pub previous_run: Option<i64>,
}

impl Solved {
    /// What the run achieved, as stored in `runs.summary`.
    pub fn summary(&self) -> RunSummary {
        let round = &self.round;
        RunSummary {
            applicants: round.coverage.total.applicants,
            applicants_covered: round.assignment.applicants_covered,
            max_coverable: round.coverage.max_coverable,
            pairs: round.assignment.pairs,
            committed: round.assignment.committed.clone(),
            total_score: round.assignment.total_score,
            blocking_pairs: round.blocking_pairs,
            coverage: round.coverage.clone(),
            unmatched: round.unmatched.clone(),
            diff: round.diff.clone(),
            previous_run: self.previous_run,
            if_removed: self.removals.clone(),
        }
    }

    /// The parameters as run, as stored in `runs.params`.
    pub fn settings(&self) -> RunSettings {
        let c = &self.command;
        RunSettings {
            mode: c.mode,
            tiers: c.tiers.clone(),
            weights: c.weights,
            locks: c.locks.clone(),
            bans: c.bans.clone(),
            prefer_previous: c.prefer_previous,
            previous_run: self.previous_run,
        }
    }
}

/// Solves the round `command` asks for (the engine runs off the async
/// threads), on top of the pairs in force and every stored ban. The pages'
/// preview of a default round calls this with `StartRun::default()` and
/// `skip_removals`.
pub async fn solve(app: &App, command: &StartRun) -> AppResult<Solved> {
    let db = app.store.as_ref();
    command.weights.validate().map_err(|e| {
        AppError::invalid(
            "weights",
            MessageCode::BadWeights,
            vec![("detail", e.clone())],
            e,
        )
    })?;
    let previous_run = match &command.previous {
        Previous::Run(id) => Some(
            db.get_run(*id)
                .await
                .map_err(|_| {
                    AppError::invalid(
                        "previous_run",
                        MessageCode::UnknownRun,
                        vec![("id", id.to_string())],
                        format!("run {id} does not exist"),
                    )
                })?
                .id,
        ),
        Previous::Latest => network::latest_run(db).await?,
        Previous::Pairs(_) => None,
    };
    let previous = match (&command.previous, previous_run) {
        (Previous::Pairs(pairs), _) => pairs.clone(),
        (_, Some(id)) => network::pairs_of_run(db, id).await?,
        (_, None) => Vec::new(),
    };
    let as_pair = |o: &Override| Pair {
        mentor: o.mentor,
        applicant: o.applicant,
    };
    let mut bans: Vec<Pair> = command.bans.iter().map(as_pair).collect();
    bans.extend(network::banned_pairs(db).await?);
    let params = RunParams {
        mode: command.mode,
        tiers: command.tiers.clone(),
        locks: command.locks.iter().map(as_pair).collect(),
        bans,
        previous,
        prefer_previous: command.prefer_previous,
        committed: network::committed_pairs(db).await?,
    };
    // The default weights are the cached network's; others build their own.
    let network = if command.weights == ScoreWeights::default() {
        network::network_now(app).await?
    } else {
        let config = crate::matching::EngineConfig {
            weights: command.weights,
            ..crate::engine::config_now()
        };
        Arc::new(network::load_network(db, config).await?)
    };
    let (p, c) = (params.clone(), command.clone());
    let (network, round, removals) = blocking(move || {
        let started = std::time::Instant::now();
        let refused = |e| assign_error(e, &c.locks, &c.bans);
        let round = run_round(&network.market, &p).map_err(refused)?;
        let removals = if !c.skip_removals {
            crate::stage::timed(
                "if_removed",
                |r: &Result<Vec<_>, _>| r.as_ref().map_or(0, Vec::len),
                || {
                    if_removed(
                        &network.market,
                        &p,
                        &round.assignment,
                        round.optimum.as_ref(),
                    )
                },
            )
            .map_err(refused)?
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
        Ok((network, round, removals))
    })
    .await?;
    Ok(Solved {
        network,
        round,
        removals,
        command: command.clone(),
        params,
        previous_run,
    })
}

/// A run made and stored.
pub struct StartedRun {
    pub run: StoredRun,
    pub proposals: Vec<StoredProposal>,
    pub summary: RunSummary,
    pub network: Arc<Network>,
}

/// Solves the round `command` asks for and stores it: the one way to
/// start a run, for the JSON API, the round page and the command line.
pub async fn start(app: &App, actor: &Actor, command: &StartRun) -> AppResult<StartedRun> {
    let solved = solve(app, command).await?;
    let summary = solved.summary();
    let params = solved.settings();
    let proposals: Vec<NewProposal> = solved
        .round
        .assignment
        .proposals
        .iter()
        .map(|p| NewProposal {
            mentor: p.mentor,
            applicant: p.applicant,
            score: p.score,
            explanation: p.pair.explanation.clone(),
            locked: p.locked,
        })
        .collect();
    let mode_name = serde_json::to_value(command.mode)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let overrides: Vec<Override> = command.locks.iter().chain(&command.bans).cloned().collect();
    let (run, stored) = crate::stage::timed_async(
        "store",
        |r: &Result<(_, Vec<_>), _>| r.as_ref().map_or(0, |(_, p)| p.len()),
        app.store.create_run(
            actor,
            &NewRun {
                name: command.name.as_deref(),
                mode: &mode_name,
                params: &params,
                summary: &summary,
                proposals: &proposals,
                overrides: &overrides,
            },
        ),
    )
    .await?;
    Ok(StartedRun {
        run,
        proposals: stored,
        summary,
        network: solved.network,
    })
}

/// One page of the runs `reader` may see, latest first: those in `status`
/// (`None`: all but the discarded).
pub async fn list(
    app: &App,
    reader: Reader,
    status: Option<RunStatus>,
    paging: Paging,
) -> AppResult<Page<StoredRun>> {
    Ok(app
        .store
        .list_runs(RunQuery {
            published_only: !reader.sees_drafts(),
            status,
            paging,
        })
        .await?)
}

/// Every run `reader` may see, latest first.
pub async fn all(app: &App, reader: Reader) -> AppResult<Vec<StoredRun>> {
    let db = app.store.as_ref();
    let published_only = !reader.sees_drafts();
    Ok(network::all_pages(|paging| async move {
        db.list_runs(RunQuery {
            published_only,
            status: None,
            paging,
        })
        .await
    })
    .await?)
}

/// Run `id` as `reader` may see it: a draft is unknown to all but the secretariat.
pub async fn visible(app: &App, reader: Reader, id: i64) -> AppResult<StoredRun> {
    let run = app.store.get_run(id).await?;
    if !reader.sees_run(&run) {
        return Err(AppError::NotFound(format!(
            "run {id} does not exist or is not published yet"
        )));
    }
    Ok(run)
}

/// The round every page shows unless asked for another: the published
/// round in force; before the first is published, the secretariat's
/// latest draft.
pub async fn current(app: &App, reader: Reader) -> AppResult<Option<StoredRun>> {
    let first = |status| async move {
        AppResult::Ok(
            list(app, reader, Some(status), Paging::one())
                .await?
                .items
                .into_iter()
                .next(),
        )
    };
    match first(RunStatus::Published).await? {
        Some(run) => Ok(Some(run)),
        None if reader.sees_drafts() => first(RunStatus::Draft).await,
        None => Ok(None),
    }
}

/// Does any run exist, seen or not (a page says "a round is being prepared")?
pub async fn any_exists(app: &App) -> AppResult<bool> {
    Ok(network::latest_run(app.store.as_ref()).await?.is_some())
}

/// The proposals of run `id`, as `reader` may see them.
pub async fn proposals_of(app: &App, reader: Reader, id: i64) -> AppResult<Vec<StoredProposal>> {
    visible(app, reader, id).await?;
    Ok(network::proposals_with(app.store.as_ref(), None, Some(id)).await?)
}

/// The pairs run `id` kept, added and removed compared with run `against`.
pub async fn compare(app: &App, reader: Reader, id: i64, against: i64) -> AppResult<RunDiff> {
    visible(app, reader, id).await?;
    visible(app, reader, against).await.map_err(|_| {
        AppError::invalid(
            "against",
            MessageCode::UnknownRun,
            vec![("id", against.to_string())],
            format!("run {against} does not exist"),
        )
    })?;
    let db = app.store.as_ref();
    Ok(diff(
        &network::pairs_of_run(db, against).await?,
        &network::pairs_of_run(db, id).await?,
    ))
}

/// Publishes run `id`: its proposals go to the cities. The round in
/// force is superseded: its open proposals are cancelled, each through the
/// workflow's own cancellation and with its audit row, in the same
/// transaction; what either side accepted stays in force. Only a draft can
/// be published.
pub async fn publish(app: &App, actor: &Actor, id: i64) -> AppResult<StoredRun> {
    // Two publishes at once: the second finds what it read superseded by
    // the first and reads again.
    let mut tries = 3;
    loop {
        let (_, open) = open_elsewhere(app, id).await?;
        let superseded = superseding(id, &open)?;
        match app.store.publish_run(actor, id, &superseded).await {
            Err(StoreError::Changed(_)) if tries > 1 => tries -= 1,
            done => return Ok(done?),
        }
    }
}

/// Sets draft `id` aside: it stays on record but is never published.
pub async fn discard(app: &App, actor: &Actor, id: i64) -> AppResult<StoredRun> {
    Ok(app.store.discard_run(actor, id).await?)
}

/// Names run `id` (`None` or blank: back to "Round {id}").
pub async fn rename(
    app: &App,
    actor: &Actor,
    id: i64,
    name: Option<String>,
) -> AppResult<StoredRun> {
    Ok(app.store.rename_run(actor, id, name.as_deref()).await?)
}

/// What publishing a draft would do, for the secretariat to confirm.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Publication {
    pub run: StoredRun,
    /// The rounds in force now, which publishing replaces.
    pub supersedes: Vec<SupersededRun>,
}

/// A round in force that a publication replaces.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupersededRun {
    pub run: i64,
    pub name: Option<String>,
    /// Its proposals nobody answered yet: they are cancelled.
    pub open_proposals: usize,
    /// Its proposals accepted by a side or active: they stay in force.
    pub kept_in_force: usize,
}

/// What publishing draft `id` would supersede, or why it cannot be published.
pub async fn publication(app: &App, id: i64) -> AppResult<Publication> {
    let (run, open) = open_elsewhere(app, id).await?;
    let db = app.store.as_ref();
    let in_force = all_pages(|paging| async move {
        db.list_runs(RunQuery {
            published_only: true,
            status: Some(RunStatus::Published),
            paging,
        })
        .await
    })
    .await?;
    let mut supersedes = Vec::new();
    for r in in_force.into_iter().filter(|r| r.id != id) {
        let kept = network::proposals_with(db, None, Some(r.id))
            .await?
            .iter()
            .filter(|p| p.state.status.in_force())
            .count();
        supersedes.push(SupersededRun {
            run: r.id,
            name: r.name,
            open_proposals: open.iter().filter(|p| p.run_id == r.id).count(),
            kept_in_force: kept,
        });
    }
    Ok(Publication { run, supersedes })
}

/// Draft `id` and the open proposals of the published rounds other than
/// it, or why `id` cannot be published.
async fn open_elsewhere(app: &App, id: i64) -> AppResult<(StoredRun, Vec<StoredProposal>)> {
    let db = app.store.as_ref();
    let run = db.get_run(id).await?;
    let refuse = |why: &str| Err(AppError::Conflict(format!("run {id} {why}")));
    match run.status {
        RunStatus::Draft => {}
        RunStatus::Published => return refuse("is already published"),
        RunStatus::Superseded => {
            return refuse("was published and superseded since: start a new run instead");
        }
        RunStatus::Discarded => return refuse("was discarded: start a new run instead"),
    }
    let open = proposals_where(
        db,
        ProposalQuery {
            status: Some(ProposalStatus::Proposed),
            published_only: true,
            ..Default::default()
        },
    )
    .await?;
    Ok((run, open.into_iter().filter(|p| p.run_id != id).collect()))
}

/// The cancellations that supersede `open` when run `id` is published.
fn superseding(id: i64, open: &[StoredProposal]) -> AppResult<Vec<Superseded>> {
    let reason = format!("{SUPERSEDED_BY} {id}");
    open.iter()
        .map(|p| {
            let next = p.state.cancel().map_err(|e| {
                AppError::Internal(format!("proposal {} cannot be superseded: {e}", p.id))
            })?;
            Ok(Superseded {
                proposal: p.id,
                version: p.version,
                update: ProposalUpdate {
                    reason: Some(reason.clone()),
                    ..ProposalUpdate::to(next)
                },
            })
        })
        .collect()
}

/// The reason a superseded proposal carries, before the run's id.
const SUPERSEDED_BY: &str = "superseded by run";
