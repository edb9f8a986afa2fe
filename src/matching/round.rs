//! One matching round, end to end: assignment, coverage, unmatched
//! applicants with reasons, the stability audit and the diff against the
//! previous round. What `twinmatch match` prints and `/api/runs` returns.

use serde::Serialize;

use super::assign::{
    AssignError, Assignment, Mode, Optimum, Pair, RunDiff, RunParams, assign, assignment_of, diff,
};
use super::diagnose::{Unmatched, unmatched};
use super::report::{Coverage, coverage};
use super::score::Market;
use super::stable::blocking_pairs;
use crate::stage::timed;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub assignment: Assignment,
    pub coverage: Coverage,
    pub unmatched: Vec<Unmatched>,
    /// Candidate pairs that would both rather be together (0 in stable mode).
    pub blocking_pairs: usize,
    /// Against `params.previous`, when it is given.
    pub diff: Option<RunDiff>,
    /// The optimum with its prices (score and coverage runs), which the
    /// diagnostics search ([`super::whatif::if_removed`] takes it too).
    #[serde(skip)]
    pub optimum: Option<Optimum>,
}

/// Runs a round. Deterministic. In score and coverage runs the
/// diagnostics cost one residual search per unmatched applicant (see
/// [`super::diagnose`]); stable runs solve again per tried change.
pub fn run_round(market: &Market, params: &RunParams) -> Result<Round, AssignError> {
    let (assignment, optimum) = timed(
        "assign",
        |r: &Result<(Assignment, _), _>| r.as_ref().map_or(0, |(a, _)| a.pairs),
        || {
            Ok::<_, AssignError>(if params.mode == Mode::Stable {
                (assign(market, params)?, None)
            } else {
                let optimum = Optimum::solve(market, params)?;
                (
                    assignment_of(market, params, optimum.chosen()),
                    Some(optimum),
                )
            })
        },
    )?;
    let pairs: Vec<Pair> = assignment
        .proposals
        .iter()
        .map(|p| Pair {
            mentor: p.mentor,
            applicant: p.applicant,
        })
        .collect();
    // What is in effect after the round: its proposals and the pairs in force.
    let in_effect: Vec<Pair> = pairs.iter().chain(&params.committed).copied().collect();
    let unmatched = timed(
        "unmatched",
        |r: &Result<Vec<_>, _>| r.as_ref().map_or(0, Vec::len),
        || unmatched(market, params, &assignment, optimum.as_ref()),
    )?;
    Ok(Round {
        coverage: timed(
            "coverage",
            |_| market.applicants.len(),
            || coverage(market, params, &assignment),
        )?,
        unmatched,
        blocking_pairs: timed(
            "blocking_pairs",
            |n| *n,
            || blocking_pairs(market, params, &pairs).len(),
        ),
        diff: (!params.previous.is_empty()).then(|| diff(&params.previous, &in_effect)),
        assignment,
        optimum,
    })
}
