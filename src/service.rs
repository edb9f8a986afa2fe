//! What the command line and the HTTP service both load from the database
//! before asking the engine: the network with the mentorships it has
//! completed, the pairs in force, the bans, the previous round's pairs.

use crate::domain::{CityId, ProposalStatus};
use crate::engine::{Network, config_now};
use crate::graph::PastMentorship;
use crate::matching::{EngineConfig, Pair};
use crate::store::{Db, Paging, ProposalQuery, StoreResult, StoredProposal};

/// Every proposal with this status (all pages).
pub async fn proposals_with(
    db: &dyn Db,
    status: Option<ProposalStatus>,
    run: Option<i64>,
) -> StoreResult<Vec<StoredProposal>> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let q = ProposalQuery {
            status,
            run,
            paging: Paging {
                page,
                per_page: Paging::MAX_PER_PAGE,
            },
            ..Default::default()
        };
        let got = db.list_proposals(&q).await?;
        let done = got.items.len() < Paging::MAX_PER_PAGE as usize;
        out.extend(got.items);
        if done {
            return Ok(out);
        }
        page += 1;
    }
}

fn pair(p: &StoredProposal) -> Pair {
    Pair {
        mentor: p.mentor,
        applicant: p.applicant,
    }
}

/// The network now, with the ties completed mentorships have made.
pub async fn load_network(db: &dyn Db, config: EngineConfig) -> StoreResult<Network> {
    let snapshot = db.snapshot().await?;
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
    Ok(tokio::task::spawn_blocking(move || {
        Network::build_with_mentorships(snapshot, &mentorships, config)
    })
    .await
    .expect("the engine does not panic"))
}

/// The network with today's default settings.
pub async fn network_now(db: &dyn Db) -> StoreResult<Network> {
    load_network(db, config_now()).await
}

/// Pairs in force: accepted by one side or active.
pub async fn committed_pairs(db: &dyn Db) -> StoreResult<Vec<Pair>> {
    let mut pairs = Vec::new();
    for s in [ProposalStatus::Accepted, ProposalStatus::Active] {
        pairs.extend(proposals_with(db, Some(s), None).await?.iter().map(pair));
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
pub async fn pairs_of_run(db: &dyn Db, run: i64) -> StoreResult<Vec<Pair>> {
    let committed: Vec<Pair> =
        serde_json::from_value(db.get_run(run).await?.summary["committed"].clone())
            .unwrap_or_default();
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

/// The latest run's id, if any.
pub async fn latest_run(db: &dyn Db) -> StoreResult<Option<i64>> {
    Ok(db
        .list_runs(Paging {
            page: 1,
            per_page: 1,
        })
        .await?
        .items
        .first()
        .map(|r| r.id))
}

/// Who a city is to a proposal.
pub fn side_of(p: &StoredProposal, city: CityId) -> Option<crate::domain::Side> {
    if p.mentor == city {
        Some(crate::domain::Side::Mentor)
    } else if p.applicant == city {
        Some(crate::domain::Side::Applicant)
    } else {
        None
    }
}

/// Pairs that hold a mentor's slot now: in force, or proposed in the
/// latest published run. `None` before any run has been published.
pub async fn current_pairs(db: &dyn Db) -> StoreResult<Option<Vec<Pair>>> {
    let runs = db
        .list_runs(Paging {
            page: 1,
            per_page: Paging::MAX_PER_PAGE,
        })
        .await?;
    let Some(run) = runs.items.iter().find(|r| r.published_at.is_some()) else {
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
