//! What a round would give without one of its proposals: the secretariat's
//! question before it removes (bans) a pair. The answer is the round with
//! that pair banned (and unlocked), on the same market and parameters: whom
//! the applicant gets instead, how coverage and the total score move, and
//! how many other pairs change.
//!
//! In score and coverage runs it is read from the run's optimum: one
//! shortest path in its residual graph per proposal, helped by two searches
//! all proposals share ([`flow::residual`](super::flow::residual)),
//! exactly the optimum a new
//! solve would reach (the tests compare both; where several rounds are
//! equally good the pairs named may be another of them). Locked proposals
//! and stable runs are solved again.

use serde::Serialize;
use std::collections::BTreeSet;

use super::assign::{AssignError, Assignment, Optimum, Pair, RunParams, assign};
use super::diagnose::{candidates_of, deltas};
use super::flow::residual::Residual;
use super::par;
use super::score::Market;
use crate::domain::CityId;

/// A round's answer to "what if this proposal were removed?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IfRemoved {
    pub mentor: CityId,
    pub applicant: CityId,
    /// The applicant's new mentors in the re-solved round (empty: none).
    pub applicant_gets: Vec<CityId>,
    /// Applicants covered after, minus before (it can rise in score mode,
    /// where the best total need not cover the most applicants).
    pub covered_delta: i64,
    /// The round's total score after, minus before.
    pub total_delta: i64,
    /// Pairs added or removed elsewhere in the round.
    pub other_changes: usize,
}

fn pairs(a: &Assignment) -> BTreeSet<Pair> {
    a.proposals
        .iter()
        .map(|p| Pair {
            mentor: p.mentor,
            applicant: p.applicant,
        })
        .collect()
}

/// For every proposal of `assignment` (solved from `params`, with its
/// `optimum` in score and coverage runs), the round without it.
pub fn if_removed(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
    optimum: Option<&Optimum>,
) -> Result<Vec<IfRemoved>, AssignError> {
    let before = pairs(assignment);
    let residual = optimum.map(|o| (o, Residual::new(&o.prepared.problem, &o.solution)));
    let removals = residual.as_ref().map(|(_, r)| r.removals());
    par::map(&assignment.proposals, |p| {
        let removed = Pair {
            mentor: p.mentor,
            applicant: p.applicant,
        };
        let arc = residual.as_ref().and_then(|(o, _)| {
            let ai = market.applicant_index(p.applicant)?;
            let mi = market.mentor_index(p.mentor)?;
            let base = market.candidates.partition_point(|c| c.applicant < ai);
            let ci = base
                + candidates_of(market, ai)
                    .binary_search_by_key(&mi, |c| c.mentor)
                    .ok()?;
            o.arc_of(ci)
        });
        let (now, covered_delta, total_delta) = match (arc, &residual, &removals) {
            (Some(arc), Some((o, _)), Some(removals)) => {
                let change = removals.without(arc).expect("a proposal's arc is chosen");
                let (total, covered) = deltas(market, o, &change);
                let gone: BTreeSet<Pair> = change
                    .removed
                    .iter()
                    .map(|&a| pair_of(market, o.candidate(a)))
                    .collect();
                let now = before
                    .iter()
                    .filter(|q| !gone.contains(q))
                    .copied()
                    .chain(
                        change
                            .added
                            .iter()
                            .map(|&a| pair_of(market, o.candidate(a))),
                    )
                    .collect();
                (now, covered, total)
            }
            _ => {
                let mut without = params.clone();
                without.locks.retain(|l| *l != removed);
                without.bans.push(removed);
                let after = assign(market, &without)?;
                (
                    pairs(&after),
                    after.applicants_covered as i64 - assignment.applicants_covered as i64,
                    after.total_score - assignment.total_score,
                )
            }
        };
        let applicant_gets: Vec<CityId> = now
            .iter()
            .filter(|q| q.applicant == p.applicant && !before.contains(q))
            .map(|q| q.mentor)
            .collect();
        let other_changes = before
            .symmetric_difference(&now)
            .filter(|q| {
                **q != removed
                    && !(q.applicant == p.applicant && applicant_gets.contains(&q.mentor))
            })
            .count();
        Ok(IfRemoved {
            mentor: p.mentor,
            applicant: p.applicant,
            applicant_gets,
            covered_delta,
            total_delta,
            other_changes,
        })
    })
    .into_iter()
    .collect()
}

fn pair_of(market: &Market, candidate: usize) -> Pair {
    let c = &market.candidates[candidate];
    Pair {
        mentor: c.pair.mentor,
        applicant: c.pair.applicant,
    }
}
