//! What every use-case loads before asking the engine: the network with the
//! ties completed mentorships have made, the pairs in force, the bans, the
//! pairs of a run. The engine runs off the async threads.

use crate::domain::names::name_key;
use crate::domain::{CityId, CountryCode, MessageCode, ProposalStatus, RunStatus};
use crate::engine::{Network, config_now};
use crate::graph::PastMentorship;
use crate::matching::{EngineConfig, Pair};
use crate::store::{
    CityKey, Db, Page, Paging, ProposalQuery, RunQuery, StoreResult, StoredProposal,
};

use super::{App, AppError, AppResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Every item of a paged list, fetched a page of the largest size at a time.
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> StoreResult<Vec<T>>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = StoreResult<Page<T>>>,
{
    let mut out = Vec::new();
    for page in 1.. {
        let got = fetch(Paging {
            page,
            per_page: Paging::MAX_PER_PAGE,
        })
        .await?;
        let done = got.items.len() < Paging::MAX_PER_PAGE as usize;
        out.extend(got.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// Every proposal matching `query` (its paging is ignored).
pub async fn proposals_where(
    db: &dyn Db,
    query: ProposalQuery,
) -> StoreResult<Vec<StoredProposal>> {
    all_pages(|paging| {
        let q = ProposalQuery {
            paging,
            ..query.clone()
        };
        async move { db.list_proposals(&q).await }
    })
    .await
}

/// Every proposal with this status, of this run.
pub async fn proposals_with(
    db: &dyn Db,
    status: Option<ProposalStatus>,
    run: Option<i64>,
) -> StoreResult<Vec<StoredProposal>> {
    proposals_where(
        db,
        ProposalQuery {
            status,
            run,
            ..Default::default()
        },
    )
    .await
}

pub(crate) fn pair(p: &StoredProposal) -> Pair {
    Pair {
        mentor: p.mentor,
        applicant: p.applicant,
    }
}

/// Runs `f` off the async threads; a panic in the engine is an internal error.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("engine task failed: {e}")))?
}

/// The network now, with the ties completed mentorships have made.
pub async fn load_network(db: &dyn Db, config: EngineConfig) -> AppResult<Network> {
    let snapshot = crate::stage::timed_async(
        "snapshot",
        |s: &Result<crate::domain::Snapshot, _>| s.as_ref().map_or(0, |s| s.cities.len()),
        db.snapshot(),
    )
    .await?;
    let mentorships: Vec<PastMentorship> =
        proposals_with(db, Some(ProposalStatus::Completed), None)
            .await?
            .iter()
            .filter_map(|p| {
                let o = p.outcome.as_ref()?;
                let year = p.updated_at.get(..4)?.parse().ok()?;
                PastMentorship::new(p.mentor, p.applicant, o.rating, year).ok()
            })
            .collect();
    blocking(move || {
        Ok(Network::build_with_mentorships(
            snapshot,
            &mentorships,
            config,
        ))
    })
    .await
}

/// This process's network: built once per network version (and year of
/// evidence), shared by every read until a write anywhere moves the
/// version. Each serving process keeps its own and sees the others' writes
/// on its next read, since the version lives in the database.
#[derive(Default)]
pub struct NetworkCache {
    built: tokio::sync::Mutex<Option<Built>>,
    rebuilds: AtomicU64,
}

struct Built {
    version: i64,
    year: i32,
    network: Arc<Network>,
}

impl NetworkCache {
    /// How many times this cache has built the network.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds.load(Ordering::Relaxed)
    }
}

/// The network with today's default settings, from the cache when the
/// network has not changed since it was built. Readers that arrive during a
/// rebuild wait for it rather than building again.
pub async fn network_now(app: &App) -> AppResult<Arc<Network>> {
    let config = config_now();
    let version = app.store.network_version().await?;
    let mut built = app.networks.built.lock().await;
    if let Some(b) = built.as_ref()
        && b.version == version
        && b.year == config.year
    {
        return Ok(b.network.clone());
    }
    let year = config.year;
    let network = Arc::new(load_network(app.store.as_ref(), config).await?);
    app.networks.rebuilds.fetch_add(1, Ordering::Relaxed);
    *built = Some(Built {
        version,
        year,
        network: network.clone(),
    });
    Ok(network)
}

/// Runs `f` on the network as it is now, off the async threads.
pub async fn with_network<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&Network) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let network = network_now(app).await?;
    blocking(move || f(&network)).await
}

/// Pairs in force: accepted by one side or active.
pub async fn committed_pairs(db: &dyn Db) -> StoreResult<Vec<Pair>> {
    let mut pairs = Vec::new();
    for s in ProposalStatus::ALL.iter().filter(|s| s.in_force()) {
        pairs.extend(proposals_with(db, Some(*s), None).await?.iter().map(pair));
    }
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// Every persistent ban (declined proposals, secretariat exclusions).
pub async fn banned_pairs(db: &dyn Db) -> StoreResult<Vec<Pair>> {
    Ok(db
        .list_bans()
        .await?
        .iter()
        .map(|b| Pair {
            mentor: b.mentor,
            applicant: b.applicant,
        })
        .collect())
}

/// The pairs a run put in effect: its proposals (any status) and the
/// pairs that were already in force when it ran.
pub async fn pairs_of_run(db: &dyn Db, run: i64) -> AppResult<Vec<Pair>> {
    let committed = db.get_run(run).await?.summary.committed;
    let mut pairs: Vec<Pair> = proposals_with(db, None, Some(run))
        .await?
        .iter()
        .map(pair)
        .chain(committed)
        .collect();
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// The latest run of all, published or not, but not a discarded one (the
/// one a new run compares with).
pub async fn latest_run(db: &dyn Db) -> StoreResult<Option<i64>> {
    Ok(db
        .list_runs(RunQuery {
            paging: Paging::one(),
            ..Default::default()
        })
        .await?
        .items
        .first()
        .map(|r| r.id))
}

/// Pairs that hold a mentor's slot now: in force, or proposed in the
/// published round in force. `None` before any run has been published.
pub async fn current_pairs(db: &dyn Db) -> StoreResult<Option<Vec<Pair>>> {
    let published = db
        .list_runs(RunQuery {
            published_only: true,
            status: Some(RunStatus::Published),
            paging: Paging::one(),
        })
        .await?;
    let Some(run) = published.items.first() else {
        return Ok(None);
    };
    let mut pairs = committed_pairs(db).await?;
    pairs.extend(
        proposals_with(db, Some(ProposalStatus::Proposed), Some(run.id))
            .await?
            .iter()
            .map(pair),
    );
    pairs.sort();
    pairs.dedup();
    Ok(Some(pairs))
}

/// The city a person names as "Name, CC" (an alias or another spelling
/// of the name too: accents and case do not matter).
pub async fn city_named(db: &dyn Db, field: &str, spec: &str) -> AppResult<CityId> {
    let refuse = |why: String| {
        AppError::invalid(
            field.to_string(),
            MessageCode::UnknownCity,
            vec![("id", spec.to_string())],
            why,
        )
    };
    let (name, cc) = spec
        .rsplit_once(',')
        .ok_or_else(|| refuse(format!("'{spec}' is neither a city id nor \"Name, CC\"")))?;
    let country = CountryCode::parse(cc).map_err(|e| refuse(format!("'{spec}': {}", e.reason)))?;
    let key = CityKey {
        country,
        name_key: name_key(name),
    };
    let index = db.name_index().await?;
    let key = index.aliases.get(&key).unwrap_or(&key);
    index
        .cities
        .get(key)
        .map(|c| c.id)
        .ok_or_else(|| refuse(format!("no city '{}' in {}", name.trim(), key.country)))
}
