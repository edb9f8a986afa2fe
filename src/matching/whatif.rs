//! What a round would give without one of its proposals: the secretariat's
//! question before it removes (bans) a pair. For each proposal the round
//! is solved again with that pair banned (and unlocked), on the same market
//! and parameters, and the difference is reported: whom the applicant gets
//! instead, how coverage and the total score move, and how many other
//! pairs change. One exact solve per proposal.

use serde::Serialize;
use std::collections::BTreeSet;

use super::assign::{AssignError, Assignment, Pair, RunParams, assign};
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

/// For every proposal of `assignment` (solved from `params`), the round
/// without it.
pub fn if_removed(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
) -> Result<Vec<IfRemoved>, AssignError> {
    let before = pairs(assignment);
    assignment
        .proposals
        .iter()
        .map(|p| {
            let removed = Pair {
                mentor: p.mentor,
                applicant: p.applicant,
            };
            let mut without = params.clone();
            without.locks.retain(|l| *l != removed);
            without.bans.push(removed);
            let after = assign(market, &without)?;
            let now = pairs(&after);
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
                covered_delta: after.applicants_covered as i64
                    - assignment.applicants_covered as i64,
                total_delta: after.total_score - assignment.total_score,
                other_changes,
            })
        })
        .collect()
}
