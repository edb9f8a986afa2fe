//! Why an applicant got fewer mentors than it asked for, in data the API
//! and pages can show, and the smallest change that would match it.
//!
//! Reasons, from the most to the least fundamental: no mentor shares its
//! languages; mentors share a language but none offers its topics; every
//! candidate is banned; candidates exist but are full (the best ones are
//! named with who holds their slots).
//!
//! The smallest change is exact: among "one more slot at mentor M", for
//! every mentor that is full, and "nothing added" (the round can serve it
//! at a cost), the best round in which the applicant gets one more mentor.
//! In score and coverage runs it is read from the optimum: one search in its
//! residual graph for every applicant together (see
//! [`flow::residual`](super::flow::residual)), and the tests compare it with
//! exhaustive solves; where several changes are equally good, one is named. Stable runs have no such optimum: there the round is
//! solved again with one more slot at each of the applicant's
//! [`WHAT_IF_CANDIDATES`] best candidates.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::assign::{AssignError, Assignment, Optimum, Pair, Proposal, RunParams, choose};
use super::flow::residual::{Augmentation, OneMore, Residual, Slot};
use super::par;
use super::score::{Candidate, Exclusion, Market, exclusion};
use crate::domain::{CityId, Language};

/// How many of an applicant's best candidates a stable run tries.
pub const WHAT_IF_CANDIDATES: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Holder {
    pub applicant: CityId,
    pub name: String,
    pub score: i64,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FullCandidate {
    pub mentor: CityId,
    pub name: String,
    /// Score of the pair with the unmatched applicant.
    pub score: i64,
    pub capacity: u8,
    /// Who holds the mentor's slots, with their scores.
    pub holders: Vec<Holder>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// No mentor offers any of the applicant's languages.
    NoSharedLanguage { languages: Vec<Language> },
    /// Mentors share a language, but none offers a needed topic.
    NoTopicOffered { mentors_sharing_a_language: usize },
    /// Every candidate pair is banned.
    AllCandidatesBanned { candidates: usize },
    /// Candidates exist but their slots went to others.
    CandidatesFull {
        candidates: usize,
        best: Vec<FullCandidate>,
    },
}

/// What the smallest change changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// One more slot at `mentor`.
    #[default]
    ExtraSlot,
    /// Nothing to add: the round can serve the applicant as it is, at the
    /// cost stated (others ranked higher), e.g. by locking the pair with
    /// `mentor`.
    ServeNow,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SmallestChange {
    #[serde(default)]
    pub kind: ChangeKind,
    pub mentor: CityId,
    pub name: String,
    /// The mentor the applicant gets after the change (may differ when the
    /// extra slot lets the round rearrange).
    pub paired_with: CityId,
    /// Change of the round's total score.
    pub total_delta: i64,
    /// Change of the number of applicants covered (this one included).
    #[serde(default)]
    pub covered_delta: i64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Unmatched {
    pub applicant: CityId,
    pub name: String,
    pub asked: u8,
    pub got: usize,
    pub reason: Reason,
    pub smallest_change: Option<SmallestChange>,
}

/// The candidates of applicant `ai` (the market keeps them sorted).
pub fn candidates_of(market: &Market, ai: usize) -> &[Candidate] {
    let from = market.candidates.partition_point(|c| c.applicant < ai);
    let to = market.candidates.partition_point(|c| c.applicant <= ai);
    &market.candidates[from..to]
}

/// Explains every applicant of `assignment` with fewer mentors than asked.
/// `optimum` is the run's own (score and coverage runs); without it each
/// such applicant costs up to [`WHAT_IF_CANDIDATES`] solves.
pub fn unmatched(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
    optimum: Option<&Optimum>,
) -> Result<Vec<Unmatched>, AssignError> {
    let bans: BTreeSet<Pair> = params.bans.iter().copied().collect();
    let mut held: BTreeMap<CityId, Vec<&Proposal>> = BTreeMap::new();
    let mut mine: BTreeMap<CityId, BTreeSet<CityId>> = BTreeMap::new();
    for p in &assignment.proposals {
        held.entry(p.mentor).or_default().push(p);
        mine.entry(p.applicant).or_default().insert(p.mentor);
    }
    let mut committed: BTreeMap<CityId, usize> = BTreeMap::new();
    for p in &params.committed {
        *committed.entry(p.applicant).or_default() += 1;
    }
    let residual = optimum.map(|o| Residual::new(&o.prepared.problem, &o.solution));
    let mut out = Vec::new();
    // (index in `out`, applicant) of the searches to run, all at once below.
    let mut searches = Vec::new();
    for (ai, a) in market.applicants.iter().enumerate() {
        let city = a.place.city;
        let got =
            mine.get(&city).map_or(0, BTreeSet::len) + committed.get(&city).copied().unwrap_or(0);
        if got >= usize::from(a.request.max_mentors) {
            continue;
        }
        let all = candidates_of(market, ai);
        let mut open: Vec<&Candidate> = all
            .iter()
            .filter(|c| {
                let pair = Pair {
                    mentor: c.pair.mentor,
                    applicant: city,
                };
                !bans.contains(&pair) && !mine.get(&city).is_some_and(|m| m.contains(&pair.mentor))
            })
            .collect();
        open.sort_by(|x, y| {
            y.pair
                .score
                .cmp(&x.pair.score)
                .then(x.pair.mentor.cmp(&y.pair.mentor))
        });
        let reason = if all.is_empty() {
            let sharing = market
                .mentors
                .iter()
                .filter(|m| {
                    !matches!(
                        exclusion(m, a),
                        Some(Exclusion::NoSharedLanguage | Exclusion::SameCity)
                    )
                })
                .count();
            if sharing == 0 {
                Reason::NoSharedLanguage {
                    languages: a.request.languages.clone(),
                }
            } else {
                Reason::NoTopicOffered {
                    mentors_sharing_a_language: sharing,
                }
            }
        } else if open.is_empty() && got == 0 {
            Reason::AllCandidatesBanned {
                candidates: all.len(),
            }
        } else {
            let best = open
                .iter()
                .take(3)
                .map(|c| {
                    let m = &market.mentors[c.mentor];
                    FullCandidate {
                        mentor: m.place.city,
                        name: m.place.name.clone(),
                        score: c.pair.score,
                        capacity: m.offer.capacity.get(),
                        holders: held
                            .get(&m.place.city)
                            .into_iter()
                            .flatten()
                            .map(|p| Holder {
                                applicant: p.applicant,
                                name: market
                                    .applicant_index(p.applicant)
                                    .map(|i| market.applicants[i].place.name.clone())
                                    .unwrap_or_default(),
                                score: p.score,
                                locked: p.locked,
                            })
                            .collect(),
                    }
                })
                .collect();
            Reason::CandidatesFull {
                candidates: open.len(),
                best,
            }
        };
        let smallest_change = match (&residual, optimum) {
            _ if open.is_empty() => None,
            (Some(_), Some(_)) => {
                searches.push((out.len(), ai));
                None
            }
            _ => by_resolving(market, params, assignment, ai, got, &open)?,
        };
        out.push(Unmatched {
            applicant: city,
            name: a.place.name.clone(),
            asked: a.request.max_mentors,
            got,
            reason,
            smallest_change,
        });
    }
    if let (Some(r), Some(o)) = (&residual, optimum) {
        let everywhere = r.one_more_everywhere();
        let found = par::map(&searches, |&(_, ai)| {
            from_optimum(market, o, &everywhere, ai)
        });
        for ((at, _), change) in searches.iter().zip(found) {
            out[*at].smallest_change = change;
        }
    }
    Ok(out)
}

fn describe(
    market: &Market,
    kind: ChangeKind,
    mentor: usize,
    paired_with: CityId,
    total_delta: i64,
) -> String {
    let m = &market.mentors[mentor].place;
    if kind == ChangeKind::ServeNow {
        format!(
            "the round can serve this applicant with {} as it is (lock the pair), {:+} points to the total",
            m.name, total_delta
        )
    } else if paired_with == m.city {
        format!(
            "one more slot at {} adds this pair, {:+} points to the total",
            m.name, total_delta
        )
    } else {
        format!(
            "one more slot at {} lets the round serve this applicant, {:+} points to the total",
            m.name, total_delta
        )
    }
}

/// Score and coverage changes of an augmentation, in market terms.
pub fn deltas(market: &Market, optimum: &Optimum, change: &Augmentation) -> (i64, i64) {
    let score = |arc: &u32| market.candidates[optimum.candidate(*arc)].pair.score;
    let total =
        change.added.iter().map(score).sum::<i64>() - change.removed.iter().map(score).sum::<i64>();
    let outside = |i: &&u32| !optimum.prepared.covered_outside.contains(&(**i as usize));
    let covered = change.covered.iter().filter(outside).count() as i64
        - change.uncovered.iter().filter(outside).count() as i64;
    (total, covered)
}

/// The best "one more slot at a full mentor, or none" for applicant `ai`,
/// from the search shared by every applicant.
fn from_optimum(
    market: &Market,
    optimum: &Optimum,
    everywhere: &OneMore,
    ai: usize,
) -> Option<SmallestChange> {
    let (slot, change) = everywhere.best_for(ai as u32)?;
    let gets = change
        .added
        .iter()
        .map(|&arc| &market.candidates[optimum.candidate(arc)])
        .find(|c| c.applicant == ai)?;
    let (kind, mentor) = match slot {
        Slot::Existing => (ChangeKind::ServeNow, gets.mentor),
        Slot::AddedAt(m) => (ChangeKind::ExtraSlot, m as usize),
    };
    let (total_delta, covered_delta) = deltas(market, optimum, &change);
    Some(SmallestChange {
        kind,
        mentor: market.mentors[mentor].place.city,
        name: market.mentors[mentor].place.name.clone(),
        paired_with: gets.pair.mentor,
        total_delta,
        covered_delta,
        description: describe(market, kind, mentor, gets.pair.mentor, total_delta),
    })
}

/// The smallest change by solving again, one extra slot at each of the
/// applicant's best open candidates (stable runs).
fn by_resolving(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
    ai: usize,
    got: usize,
    open: &[&Candidate],
) -> Result<Option<SmallestChange>, AssignError> {
    let city = market.applicants[ai].place.city;
    let before: BTreeSet<CityId> = assignment
        .proposals
        .iter()
        .filter(|p| p.applicant == city)
        .map(|p| p.mentor)
        .collect();
    let mut best: Option<SmallestChange> = None;
    for c in open.iter().take(WHAT_IF_CANDIDATES) {
        let chosen = choose(market, params, Some(c.mentor))?;
        let mine: Vec<CityId> = chosen
            .iter()
            .filter(|&&ci| market.candidates[ci].applicant == ai)
            .map(|&ci| market.candidates[ci].pair.mentor)
            .collect();
        if mine.len()
            + params
                .committed
                .iter()
                .filter(|p| p.applicant == city)
                .count()
            <= got
        {
            continue;
        }
        let after = super::assign::assignment_of(market, params, chosen);
        let delta = after.total_score - assignment.total_score;
        let m = &market.mentors[c.mentor].place;
        let paired_with = if mine.contains(&m.city) {
            m.city
        } else {
            *mine
                .iter()
                .find(|id| !before.contains(id))
                .unwrap_or(&mine[0])
        };
        if best.as_ref().is_none_or(|b| delta > b.total_delta) {
            best = Some(SmallestChange {
                kind: ChangeKind::ExtraSlot,
                mentor: m.city,
                name: m.name.clone(),
                paired_with,
                total_delta: delta,
                covered_delta: after.applicants_covered as i64
                    - assignment.applicants_covered as i64,
                description: describe(market, ChangeKind::ExtraSlot, c.mentor, paired_with, delta),
            });
        }
    }
    Ok(best)
}
