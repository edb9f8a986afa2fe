//! Why an applicant got fewer mentors than it asked for, in data the API
//! and pages can show, and the smallest change that would match it.
//!
//! Reasons, from the most to the least fundamental: no mentor shares its
//! languages; mentors share a language but none offers its topics; every
//! candidate is banned; candidates exist but are full (the best ones are
//! named with who holds their slots).
//!
//! For an applicant with candidates, the smallest change is exact: among
//! "one more slot at mentor M", for
//! every mentor that is full, and "nothing added" (the round can serve it
//! at a cost), the best round in which the applicant gets one more mentor.
//! In score and coverage runs it is read from the optimum: one search in its
//! residual graph for every applicant together (see
//! [`flow::residual`](super::flow::residual)), and the tests compare it with
//! exhaustive solves; where several changes are equally good, one is named. Stable runs have no such optimum: there the round is
//! solved again with one more slot at each of the applicant's
//! [`WHAT_IF_CANDIDATES`] best candidates.
//!
//! An applicant no open candidate can serve gets the change of its request
//! or of the bans that opens the most mentors with a free slot: another
//! language, another topic, or a lifted ban (the last measured by solving
//! the round again without it).

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::assign::{AssignError, Assignment, Optimum, Pair, Proposal, RunParams, choose};
use super::flow::residual::{Augmentation, OneMore, Residual, Slot};
use super::par;
use super::score::{Candidate, Exclusion, Market, exclusion};
use crate::domain::{CityId, Language, TopicId};

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
    /// Lift the ban on the pair with `mentor` (measured: the round solved
    /// again without it).
    LiftBan,
    /// The applicant also accepts `language`: the mentors offering its
    /// topics in it become candidates (`mentor` is one with a free slot).
    AddLanguage,
    /// The applicant also asks for `topic`: mentors sharing its languages
    /// offer it (`mentor` is one with a free slot).
    AddTopic,
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
    /// Change of the round's total score; `None` where it was not
    /// measured (a new language or topic changes the candidates, not the
    /// round solved).
    pub total_delta: Option<i64>,
    /// Change of the number of applicants covered (this one included), as
    /// `total_delta`.
    #[serde(default)]
    pub covered_delta: Option<i64>,
    /// The language or topic to add (`AddLanguage`, `AddTopic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<TopicId>,
    /// How many mentors the change makes candidates, and how many of them
    /// have a free slot in this round (`AddLanguage`, `AddTopic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentors: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_free_slot: Option<usize>,
    /// The change in English, for logs and the command line; pages say it
    /// from the fields above in the reader's language.
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
            _ if open.is_empty() => relaxation(market, params, assignment, ai, got, &reason)?,
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

/// For an applicant no open candidate can serve: the change of its
/// request or of the bans that opens the most mentors with a free slot.
/// All banned: lift the ban on the best candidate that the round, solved
/// again, then gives it. No shared language: the language most mentors
/// offering its topics speak. No topic offered: the topic most mentors
/// sharing its languages offer.
fn relaxation(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
    ai: usize,
    got: usize,
    reason: &Reason,
) -> Result<Option<SmallestChange>, AssignError> {
    let a = &market.applicants[ai];
    let mut load: BTreeMap<CityId, usize> = BTreeMap::new();
    for p in assignment
        .proposals
        .iter()
        .map(|p| p.mentor)
        .chain(params.committed.iter().map(|p| p.mentor))
    {
        *load.entry(p).or_default() += 1;
    }
    let free = |mi: usize| {
        let m = &market.mentors[mi];
        usize::from(m.offer.capacity.get())
            .saturating_sub(load.get(&m.place.city).copied().unwrap_or(0))
    };
    let banned = |mi: usize| {
        params.bans.contains(&Pair {
            mentor: market.mentors[mi].place.city,
            applicant: a.place.city,
        })
    };
    let change = |kind, mi: usize, description: String| SmallestChange {
        kind,
        mentor: market.mentors[mi].place.city,
        name: market.mentors[mi].place.name.clone(),
        paired_with: market.mentors[mi].place.city,
        total_delta: None,
        covered_delta: None,
        language: None,
        topic: None,
        mentors: None,
        with_free_slot: None,
        description,
    };
    Ok(match reason {
        Reason::AllCandidatesBanned { .. } => {
            let mut banned_candidates: Vec<&Candidate> = candidates_of(market, ai)
                .iter()
                .filter(|c| banned(c.mentor))
                .collect();
            banned_candidates.sort_by(|x, y| {
                y.pair
                    .score
                    .cmp(&x.pair.score)
                    .then(x.mentor.cmp(&y.mentor))
            });
            let mut found = None;
            for c in banned_candidates.into_iter().take(WHAT_IF_CANDIDATES) {
                let lifted = RunParams {
                    bans: params
                        .bans
                        .iter()
                        .copied()
                        .filter(|b| b.mentor != c.pair.mentor || b.applicant != a.place.city)
                        .collect(),
                    ..params.clone()
                };
                let chosen = choose(market, &lifted, None)?;
                let mine = chosen
                    .iter()
                    .filter(|&&ci| market.candidates[ci].applicant == ai)
                    .count();
                if mine
                    + params
                        .committed
                        .iter()
                        .filter(|p| p.applicant == a.place.city)
                        .count()
                    <= got
                {
                    continue;
                }
                let after = super::assign::assignment_of(market, &lifted, chosen);
                let total = after.total_score - assignment.total_score;
                let m = &market.mentors[c.mentor].place;
                found = Some(SmallestChange {
                    total_delta: Some(total),
                    covered_delta: Some(
                        after.applicants_covered as i64 - assignment.applicants_covered as i64,
                    ),
                    ..change(
                        ChangeKind::LiftBan,
                        c.mentor,
                        format!(
                            "lifting the ban on the pair with {} lets the round serve this applicant, {total:+} points to the total",
                            m.name
                        ),
                    )
                });
                break;
            }
            found
        }
        Reason::NoSharedLanguage { .. } => {
            let mut by_language: BTreeMap<Language, Vec<usize>> = BTreeMap::new();
            for (mi, m) in market.mentors.iter().enumerate() {
                let offers_a_need = a
                    .request
                    .needs
                    .iter()
                    .any(|n| m.offer.topics.contains(&n.topic));
                if m.place.city == a.place.city || !offers_a_need || banned(mi) {
                    continue;
                }
                for l in &m.offer.languages {
                    by_language.entry(l.clone()).or_default().push(mi);
                }
            }
            most_open(by_language, free).map(|(language, n, with_free, mi)| {
                let code = language.as_str().to_string();
                SmallestChange {
                    language: Some(language),
                    mentors: Some(n),
                    with_free_slot: Some(with_free),
                    ..change(
                        ChangeKind::AddLanguage,
                        mi,
                        format!(
                            "accepting {code} too makes {n} mentors offering its topics candidates, {with_free} with a free slot (such as {})",
                            market.mentors[mi].place.name
                        ),
                    )
                }
            })
        }
        Reason::NoTopicOffered { .. } => {
            let mut by_topic: BTreeMap<TopicId, Vec<usize>> = BTreeMap::new();
            for (mi, m) in market.mentors.iter().enumerate() {
                if !matches!(exclusion(m, a), Some(Exclusion::NoSharedTopic)) || banned(mi) {
                    continue;
                }
                for t in &m.offer.topics {
                    by_topic.entry(*t).or_default().push(mi);
                }
            }
            most_open(by_topic, free).map(|(topic, n, with_free, mi)| {
                let slug = market.topics.get(&topic).map(|t| t.slug.as_str().to_string()).unwrap_or_default();
                SmallestChange {
                    topic: Some(topic),
                    mentors: Some(n),
                    with_free_slot: Some(with_free),
                    ..change(
                        ChangeKind::AddTopic,
                        mi,
                        format!(
                            "asking for {slug} too makes {n} mentors sharing its languages candidates, {with_free} with a free slot (such as {})",
                            market.mentors[mi].place.name
                        ),
                    )
                }
            })
        }
        Reason::CandidatesFull { .. } => None,
    })
}

/// Of the options (a language or a topic, and the mentors it would make
/// candidates), the one that opens the most mentors with a free slot
/// (`free` of a mentor), then the most mentors, then the first key: the
/// key, how many mentors, how many with a free slot, and the mentor to
/// name (one with the most free slots, else the first).
fn most_open<K: Ord>(
    options: BTreeMap<K, Vec<usize>>,
    free: impl Fn(usize) -> usize,
) -> Option<(K, usize, usize, usize)> {
    options
        .into_iter()
        .filter_map(|(key, ms)| {
            let with_free: Vec<usize> = ms.iter().copied().filter(|&m| free(m) > 0).collect();
            let named = with_free
                .iter()
                .copied()
                .max_by_key(|&m| (free(m), std::cmp::Reverse(m)))
                .or(ms.first().copied())?;
            Some((key, ms.len(), with_free.len(), named))
        })
        .max_by(|x, y| (x.2, x.1).cmp(&(y.2, y.1)).then(y.0.cmp(&x.0)))
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
        total_delta: Some(total_delta),
        covered_delta: Some(covered_delta),
        language: None,
        topic: None,
        mentors: None,
        with_free_slot: None,
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
        if best.as_ref().is_none_or(|b| Some(delta) > b.total_delta) {
            best = Some(SmallestChange {
                kind: ChangeKind::ExtraSlot,
                mentor: m.city,
                name: m.name.clone(),
                paired_with,
                total_delta: Some(delta),
                covered_delta: Some(
                    after.applicants_covered as i64 - assignment.applicants_covered as i64,
                ),
                language: None,
                topic: None,
                mentors: None,
                with_free_slot: None,
                description: describe(market, ChangeKind::ExtraSlot, c.mentor, paired_with, delta),
            });
        }
    }
    Ok(best)
}
