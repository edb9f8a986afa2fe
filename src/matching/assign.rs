//! The global assignment: every applicant gets up to `max_mentors` mentors,
//! every mentor at most its offer's capacity, each pair at most once,
//! solved exactly as a b-matching by [`flow::solve`](super::flow::solve).
//!
//! Modes and rules, all expressed as integer arc scores and first-slot
//! bonuses so that one exact min-cost-flow solve gives a lexicographic
//! optimum:
//! - `score`: maximise the total score;
//! - `coverage`: first cover as many applicants as possible, tier by tier
//!   (by default LDC-and-African cities, then LDC-or-African, then the
//!   rest; strictly: one more covered city of a higher tier outweighs any
//!   number of a lower one), then the total score;
//! - `stable`: applicant-proposing deferred acceptance ([`super::stable`]);
//! - **locks** are fixed first and consume capacity; **bans** remove pairs;
//! - **prefer previous**: after coverage, keep as many of the previous
//!   run's pairs as possible, then maximise the score, so that a re-run
//!   after one decline changes as little as possible.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::flow::{self, ApplicantSlots, BMatchProblem, BMatchSolution, CandidateArc};
use super::score::{Exclusion, Market, PairScore, exclusion};
use crate::domain::CityId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Score,
    /// The default: the secretariat wants every applicant covered, LDC and
    /// African cities first.
    #[default]
    Coverage,
    Stable,
}

impl Mode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "score" => Ok(Mode::Score),
            "coverage" => Ok(Mode::Coverage),
            "stable" => Ok(Mode::Stable),
            _ => Err(format!("'{raw}' is not a mode (score, coverage, stable)")),
        }
    }
}

/// Which applicants a priority tier holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierRule {
    /// In a least developed country in Africa.
    LdcAfrican,
    Ldc,
    African,
    LdcOrAfrican,
    Any,
}

impl TierRule {
    /// Its name in JSON and in forms.
    pub fn name(self) -> &'static str {
        match self {
            TierRule::LdcAfrican => "ldc_african",
            TierRule::Ldc => "ldc",
            TierRule::African => "african",
            TierRule::LdcOrAfrican => "ldc_or_african",
            TierRule::Any => "any",
        }
    }

    fn holds(self, ldc: bool, african: bool) -> bool {
        match self {
            TierRule::LdcAfrican => ldc && african,
            TierRule::Ldc => ldc,
            TierRule::African => african,
            TierRule::LdcOrAfrican => ldc || african,
            TierRule::Any => true,
        }
    }
}

/// Ordered tier rules; an applicant belongs to the first that holds, or to
/// the implicit last tier ("the rest").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriorityTiers(pub Vec<TierRule>);

impl Default for PriorityTiers {
    fn default() -> Self {
        Self(vec![TierRule::LdcAfrican, TierRule::LdcOrAfrican])
    }
}

impl PriorityTiers {
    /// Tier of an applicant: 0 is served first; `len()` is "the rest".
    pub fn tier(&self, ldc: bool, african: bool) -> usize {
        self.0
            .iter()
            .position(|r| r.holds(ldc, african))
            .unwrap_or(self.0.len())
    }

    pub fn count(&self) -> usize {
        self.0.len() + 1
    }
}

/// A mentor city and an applicant city.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub struct Pair {
    pub mentor: CityId,
    pub applicant: CityId,
}

/// The parameters of one matching run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunParams {
    pub mode: Mode,
    pub tiers: PriorityTiers,
    pub locks: Vec<Pair>,
    pub bans: Vec<Pair>,
    /// The previous run's pairs (for `prefer_previous` and the diff).
    pub previous: Vec<Pair>,
    pub prefer_previous: bool,
    /// Pairs already in force (accepted or active mentorships): they hold
    /// a slot on both sides and cover their applicant, but are not proposed
    /// again and need not be candidates any more.
    pub committed: Vec<Pair>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AssignError {
    #[error("city {city} has no support offer: it cannot be a mentor")]
    NotAMentor { city: CityId },
    #[error("city {city} has no support request: it cannot be an applicant")]
    NotAnApplicant { city: CityId },
    #[error("the pair {mentor} -> {applicant} is both locked and banned")]
    LockedAndBanned { mentor: CityId, applicant: CityId },
    #[error("the pair {mentor} -> {applicant} cannot be locked: {reason:?}")]
    LockNotCandidate {
        mentor: CityId,
        applicant: CityId,
        reason: Exclusion,
    },
    #[error("mentor {mentor} has {locks} locked pairs but a capacity of {capacity}")]
    LocksOverCapacity {
        mentor: CityId,
        locks: usize,
        capacity: u32,
    },
    #[error("applicant {applicant} has {locks} locked pairs but asks for {max_mentors} mentor(s)")]
    LocksOverRequest {
        applicant: CityId,
        locks: usize,
        max_mentors: u32,
    },
    #[error("the problem is too large for exact lexicographic weights: {0}")]
    TooLarge(String),
}

/// One proposed pairing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub mentor: CityId,
    pub applicant: CityId,
    pub score: i64,
    /// Fixed by the secretariat.
    pub locked: bool,
    /// Also in the previous run.
    pub kept: bool,
    #[serde(flatten)]
    pub pair: PairScore,
}

/// The outcome of a run: proposals ordered by (applicant, mentor).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub mode: Mode,
    /// Pairs already in force before the run (not proposals).
    pub committed: Vec<Pair>,
    pub proposals: Vec<Proposal>,
    pub total_score: i64,
    pub pairs: usize,
    pub applicants_covered: usize,
    /// Covered applicants per tier (index 0 first).
    pub covered_per_tier: Vec<usize>,
    pub applicants_per_tier: Vec<usize>,
}

/// The problem after locks and bans: what the solver sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Candidate index of each locked pair.
    pub locked: Vec<usize>,
    /// Candidate index of each solver arc.
    pub arc_candidate: Vec<usize>,
    pub problem: BMatchProblem,
    /// Bonus added to each arc's score (stability); subtract to report scores.
    pub arc_bonus: Vec<i64>,
    /// Applicants covered before the solver: by a lock or a pair in force.
    pub covered_outside: BTreeSet<usize>,
}

fn find_candidate(market: &Market, p: &Pair) -> Result<usize, AssignError> {
    let mi = market
        .mentor_index(p.mentor)
        .ok_or(AssignError::NotAMentor { city: p.mentor })?;
    let ai = market
        .applicant_index(p.applicant)
        .ok_or(AssignError::NotAnApplicant { city: p.applicant })?;
    market
        .candidates
        .binary_search_by(|c| (c.applicant, c.mentor).cmp(&(ai, mi)))
        .map_err(|_| AssignError::LockNotCandidate {
            mentor: p.mentor,
            applicant: p.applicant,
            reason: exclusion(&market.mentors[mi], &market.applicants[ai])
                .unwrap_or(Exclusion::NoSharedTopic),
        })
}

/// Applies locks and bans and turns the market into a b-matching problem
/// with the mode's lexicographic weights. Errors on inconsistent locks.
pub fn prepare(market: &Market, params: &RunParams) -> Result<Prepared, AssignError> {
    prepare_with(market, params, None)
}

/// [`prepare`] with one more slot at the mentor of index `extra_slot`
/// (what-if analysis for unmatched applicants).
pub fn prepare_with(
    market: &Market,
    params: &RunParams,
    extra_slot: Option<usize>,
) -> Result<Prepared, AssignError> {
    let bans: BTreeSet<Pair> = params.bans.iter().copied().collect();
    let previous: BTreeSet<Pair> = params.previous.iter().copied().collect();
    let mut caps: Vec<u32> = market
        .mentors
        .iter()
        .map(|m| u32::from(m.offer.capacity.get()))
        .collect();
    if let Some(m) = extra_slot {
        caps[m] += 1;
    }
    let mut slots: Vec<u32> = market
        .applicants
        .iter()
        .map(|a| u32::from(a.request.max_mentors))
        .collect();
    let mut covered_before: BTreeSet<usize> = BTreeSet::new();
    for p in &params.committed {
        if let Some(mi) = market.mentor_index(p.mentor) {
            caps[mi] = caps[mi].saturating_sub(1);
        }
        if let Some(ai) = market.applicant_index(p.applicant) {
            slots[ai] = slots[ai].saturating_sub(1);
            covered_before.insert(ai);
        }
    }
    let committed: BTreeSet<Pair> = params.committed.iter().copied().collect();
    let mut locked = Vec::new();
    let mut lock_set = BTreeSet::new();
    for p in &params.locks {
        if committed.contains(p) {
            continue; // already in force
        }
        if bans.contains(p) {
            return Err(AssignError::LockedAndBanned {
                mentor: p.mentor,
                applicant: p.applicant,
            });
        }
        let ci = find_candidate(market, p)?;
        if !lock_set.insert(ci) {
            continue; // the same lock twice is one lock
        }
        let c = &market.candidates[ci];
        if caps[c.mentor] == 0 {
            let capacity = u32::from(market.mentors[c.mentor].offer.capacity.get());
            let locks = params.locks.iter().filter(|l| l.mentor == p.mentor).count();
            return Err(AssignError::LocksOverCapacity {
                mentor: p.mentor,
                locks,
                capacity,
            });
        }
        if slots[c.applicant] == 0 {
            let max_mentors = u32::from(market.applicants[c.applicant].request.max_mentors);
            let locks = params
                .locks
                .iter()
                .filter(|l| l.applicant == p.applicant)
                .count();
            return Err(AssignError::LocksOverRequest {
                applicant: p.applicant,
                locks,
                max_mentors,
            });
        }
        caps[c.mentor] -= 1;
        slots[c.applicant] -= 1;
        locked.push(ci);
    }

    let mut arcs = Vec::new();
    let mut arc_candidate = Vec::new();
    let mut arc_bonus = Vec::new();
    // One more than a round can hold, so that the weights stay
    // lexicographic with one more slot anywhere (the diagnostics ask that).
    let max_pairs: i64 =
        i64::from(slots.iter().sum::<u32>()).min(i64::from(caps.iter().sum::<u32>())) + 1;
    // Keeping a previous pair is worth more than any score difference.
    let stability = if params.prefer_previous {
        10_000 * max_pairs + 1
    } else {
        0
    };
    for (ci, c) in market.candidates.iter().enumerate() {
        let pair = Pair {
            mentor: c.pair.mentor,
            applicant: c.pair.applicant,
        };
        if bans.contains(&pair) || committed.contains(&pair) || lock_set.contains(&ci) {
            continue;
        }
        let bonus = if previous.contains(&pair) {
            stability
        } else {
            0
        };
        arcs.push(CandidateArc {
            applicant: c.applicant as u32,
            mentor: c.mentor as u32,
            score: c.pair.score + bonus,
        });
        arc_candidate.push(ci);
        arc_bonus.push(bonus);
    }

    // Coverage: a strict order of tiers. An applicant already covered by a
    // lock needs no bonus.
    let mut covered_by_lock: BTreeSet<usize> = locked
        .iter()
        .map(|ci| market.candidates[*ci].applicant)
        .collect();
    covered_by_lock.extend(covered_before);
    let n_tiers = params.tiers.count() as u32;
    let arc_total = (10_000 + stability)
        .checked_mul(max_pairs)
        .ok_or_else(|| AssignError::TooLarge("score total overflows".into()))?;
    let applicants = slots
        .iter()
        .enumerate()
        .map(|(ai, &max)| {
            let bonus =
                if params.mode == Mode::Coverage && max > 0 && !covered_by_lock.contains(&ai) {
                    let a = &market.applicants[ai].place;
                    let tier = params.tiers.tier(a.is_ldc, a.is_african) as u32;
                    (market.applicants.len() as i64 + 1)
                        .checked_pow(n_tiers - 1 - tier)
                        .and_then(|f| f.checked_mul(arc_total + 1))
                        .filter(|b| *b < (1 << 52))
                        .ok_or_else(|| AssignError::TooLarge("tier bonuses exceed 2^52".into()))?
                } else {
                    0
                };
            Ok(ApplicantSlots {
                max,
                first_slot_bonus: bonus,
            })
        })
        .collect::<Result<Vec<_>, AssignError>>()?;
    Ok(Prepared {
        covered_outside: covered_by_lock,
        locked,
        arc_candidate,
        problem: BMatchProblem {
            applicants,
            mentor_capacity: caps,
            arcs,
        },
        arc_bonus,
    })
}

/// Runs the assignment in `params.mode`. Deterministic.
pub fn assign(market: &Market, params: &RunParams) -> Result<Assignment, AssignError> {
    Ok(assignment_of(market, params, choose(market, params, None)?))
}

/// Chosen candidate indices, with an optional extra slot at one mentor.
pub fn choose(
    market: &Market,
    params: &RunParams,
    extra_slot: Option<usize>,
) -> Result<Vec<usize>, AssignError> {
    Ok(if params.mode == Mode::Stable {
        super::stable::deferred_acceptance(market, params, extra_slot)?
    } else {
        Optimum::solve_with(market, params, extra_slot)?.chosen()
    })
}

/// The optimum of a score or coverage run with the prices that prove it:
/// what the diagnostics search instead of solving again
/// ([`flow::residual`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    pub prepared: Prepared,
    pub solution: BMatchSolution,
}

impl Optimum {
    /// Solves a score or coverage run (stable runs have no such optimum).
    pub fn solve(market: &Market, params: &RunParams) -> Result<Self, AssignError> {
        Self::solve_with(market, params, None)
    }

    fn solve_with(
        market: &Market,
        params: &RunParams,
        extra_slot: Option<usize>,
    ) -> Result<Self, AssignError> {
        let prepared = prepare_with(market, params, extra_slot)?;
        let solution =
            flow::solve(&prepared.problem).map_err(|e| AssignError::TooLarge(e.to_string()))?;
        Ok(Optimum { prepared, solution })
    }

    /// Candidate indices of the locked and the chosen pairs.
    pub fn chosen(&self) -> Vec<usize> {
        let mut chosen = self.prepared.locked.clone();
        chosen.extend(
            self.solution
                .chosen
                .iter()
                .map(|&arc| self.prepared.arc_candidate[arc as usize]),
        );
        chosen
    }

    /// Candidate index of a solver arc.
    pub fn candidate(&self, arc: u32) -> usize {
        self.prepared.arc_candidate[arc as usize]
    }

    /// Solver arc of a candidate, if it is one (not banned, locked or in force).
    pub fn arc_of(&self, candidate: usize) -> Option<u32> {
        self.prepared
            .arc_candidate
            .binary_search(&candidate)
            .ok()
            .map(|a| a as u32)
    }
}

/// Builds the reported assignment from chosen candidate indices.
pub fn assignment_of(market: &Market, params: &RunParams, mut chosen: Vec<usize>) -> Assignment {
    chosen.sort_unstable();
    chosen.dedup();
    let locks: BTreeSet<Pair> = params.locks.iter().copied().collect();
    let previous: BTreeSet<Pair> = params.previous.iter().copied().collect();
    let proposals: Vec<Proposal> = super::par::map(&chosen, |&ci| {
        let c = &market.candidates[ci];
        let pair = Pair {
            mentor: c.pair.mentor,
            applicant: c.pair.applicant,
        };
        Proposal {
            mentor: pair.mentor,
            applicant: pair.applicant,
            score: c.pair.score,
            locked: locks.contains(&pair),
            kept: previous.contains(&pair),
            pair: market.explain(ci),
        }
    });
    let mut covered: BTreeSet<usize> = chosen
        .iter()
        .map(|&ci| market.candidates[ci].applicant)
        .collect();
    covered.extend(
        params
            .committed
            .iter()
            .filter_map(|p| market.applicant_index(p.applicant)),
    );
    let mut covered_per_tier = vec![0; params.tiers.count()];
    let mut applicants_per_tier = vec![0; params.tiers.count()];
    for (ai, a) in market.applicants.iter().enumerate() {
        let t = params.tiers.tier(a.place.is_ldc, a.place.is_african);
        applicants_per_tier[t] += 1;
        if covered.contains(&ai) {
            covered_per_tier[t] += 1;
        }
    }
    Assignment {
        mode: params.mode,
        committed: params.committed.clone(),
        total_score: proposals.iter().map(|p| p.score).sum(),
        pairs: proposals.len(),
        applicants_covered: covered.len(),
        covered_per_tier,
        applicants_per_tier,
        proposals,
    }
}

/// Pairs kept, added and removed between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct RunDiff {
    pub kept: Vec<Pair>,
    pub added: Vec<Pair>,
    pub removed: Vec<Pair>,
}

/// Compares the pairs of a run (`now`) with an earlier one (`before`).
pub fn diff(before: &[Pair], now: &[Pair]) -> RunDiff {
    let b: BTreeSet<Pair> = before.iter().copied().collect();
    let n: BTreeSet<Pair> = now.iter().copied().collect();
    RunDiff {
        kept: b.intersection(&n).copied().collect(),
        added: n.difference(&b).copied().collect(),
        removed: b.difference(&n).copied().collect(),
    }
}
