//! Why an applicant got fewer mentors than it asked for, in data the API
//! and pages can show, and the smallest change that would match it.
//!
//! Reasons, from the most to the least fundamental: no mentor shares its
//! languages; mentors share a language but none offers its topics; every
//! candidate is banned; candidates exist but are full (the best ones are
//! named with who holds their slots). The smallest change is computed
//! exactly: for each of the applicant's best candidate mentors, the round
//! is solved again with one more slot at that mentor; the change that
//! serves the applicant with the best total is reported.

use serde::Serialize;
use std::collections::BTreeSet;

use super::assign::{AssignError, Assignment, Pair, RunParams, choose};
use super::score::{Exclusion, Market, exclusion};
use crate::domain::{CityId, Language};

/// How many of an applicant's best candidates are tried for the smallest change.
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

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SmallestChange {
    pub mentor: CityId,
    pub name: String,
    /// The mentor the applicant gets after the change (may differ when the
    /// extra slot lets the round rearrange).
    pub paired_with: CityId,
    /// Change of the round's total score.
    pub total_delta: i64,
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

/// Explains every applicant of `assignment` with fewer mentors than asked.
/// Cost: up to [`WHAT_IF_CANDIDATES`] extra solves per such applicant.
pub fn unmatched(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
) -> Result<Vec<Unmatched>, AssignError> {
    let bans: BTreeSet<Pair> = params.bans.iter().copied().collect();
    let mut out = Vec::new();
    for (ai, a) in market.applicants.iter().enumerate() {
        let got = assignment
            .proposals
            .iter()
            .filter(|p| p.applicant == a.place.city)
            .count()
            + params
                .committed
                .iter()
                .filter(|p| p.applicant == a.place.city)
                .count();
        if got >= usize::from(a.request.max_mentors) {
            continue;
        }
        let mine: Vec<_> = market
            .candidates
            .iter()
            .filter(|c| c.applicant == ai)
            .collect();
        let open: Vec<_> = mine
            .iter()
            .filter(|c| {
                !bans.contains(&Pair {
                    mentor: c.pair.mentor,
                    applicant: c.pair.applicant,
                })
            })
            .filter(|c| {
                !assignment
                    .proposals
                    .iter()
                    .any(|p| p.applicant == c.pair.applicant && p.mentor == c.pair.mentor)
            })
            .copied()
            .collect();
        let reason = if mine.is_empty() {
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
                candidates: mine.len(),
            }
        } else {
            let mut best = open.clone();
            best.sort_by(|x, y| {
                y.pair
                    .score
                    .cmp(&x.pair.score)
                    .then(x.pair.mentor.cmp(&y.pair.mentor))
            });
            let best = best
                .iter()
                .take(3)
                .map(|c| {
                    let m = &market.mentors[c.mentor];
                    FullCandidate {
                        mentor: m.place.city,
                        name: m.place.name.clone(),
                        score: c.pair.score,
                        capacity: m.offer.capacity.get(),
                        holders: assignment
                            .proposals
                            .iter()
                            .filter(|p| p.mentor == m.place.city)
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
        let smallest_change = if open.is_empty() {
            None
        } else {
            what_if(market, params, assignment, ai, got, &open)?
        };
        out.push(Unmatched {
            applicant: a.place.city,
            name: a.place.name.clone(),
            asked: a.request.max_mentors,
            got,
            reason,
            smallest_change,
        });
    }
    Ok(out)
}

fn what_if(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
    ai: usize,
    got: usize,
    open: &[&super::score::Candidate],
) -> Result<Option<SmallestChange>, AssignError> {
    let mut tries: Vec<_> = open.to_vec();
    tries.sort_by(|x, y| {
        y.pair
            .score
            .cmp(&x.pair.score)
            .then(x.pair.mentor.cmp(&y.pair.mentor))
    });
    let mut best: Option<SmallestChange> = None;
    for c in tries.into_iter().take(WHAT_IF_CANDIDATES) {
        let chosen = choose(market, params, Some(c.mentor))?;
        let mine: Vec<CityId> = chosen
            .iter()
            .filter(|&&ci| market.candidates[ci].applicant == ai)
            .map(|&ci| market.candidates[ci].pair.mentor)
            .collect();
        if mine.len() <= got {
            continue;
        }
        let total: i64 = chosen
            .iter()
            .map(|&ci| market.candidates[ci].pair.score)
            .sum();
        let delta = total - assignment.total_score;
        let m = &market.mentors[c.mentor];
        let paired_with = if mine.contains(&m.place.city) {
            m.place.city
        } else {
            *mine
                .iter()
                .find(|id| {
                    !assignment.proposals.iter().any(|p| {
                        p.applicant == market.applicants[ai].place.city && p.mentor == **id
                    })
                })
                .unwrap_or(&mine[0])
        };
        let description = if paired_with == m.place.city {
            format!(
                "one more slot at {} adds this pair, {:+} points to the total",
                m.place.name, delta
            )
        } else {
            format!(
                "one more slot at {} lets the round serve this applicant, {:+} points to the total",
                m.place.name, delta
            )
        };
        if best.as_ref().is_none_or(|b| delta > b.total_delta) {
            best = Some(SmallestChange {
                mentor: m.place.city,
                name: m.place.name.clone(),
                paired_with,
                total_delta: delta,
                description,
            });
        }
    }
    Ok(best)
}
