//! Stable matching: applicant-proposing deferred acceptance with
//! capacities (Gale and Shapley 1962; Roth 1984 for many-to-many quotas),
//! and a blocking-pair audit for any assignment.
//!
//! Both sides rank candidates by pair score (ties: the smaller city id
//! first). Locks are fixed before proposals start and consume capacity;
//! banned pairs never propose. Result: no candidate pair would both rather
//! be together than with (one of) what they got.
//! Complexity: O(candidates x log(capacity)) proposals and rejections.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::assign::{AssignError, Pair, RunParams, prepare_with};
use super::score::Market;
use crate::domain::CityId;

/// Ranking key: higher score first, then smaller id (smaller key = preferred).
type Rank = (Reverse<i64>, CityId);

fn key(score: i64, other: CityId) -> Rank {
    (Reverse(score), other)
}

/// Chosen candidate indices of the applicant-optimal stable assignment.
/// `extra_slot` gives one more slot to the mentor of that index (what-if).
pub fn deferred_acceptance(
    market: &Market,
    params: &RunParams,
    extra_slot: Option<usize>,
) -> Result<Vec<usize>, AssignError> {
    // Reuse the locks, bans and remaining capacities of the flow model.
    let prepared = prepare_with(
        market,
        &RunParams {
            mode: super::Mode::Score,
            ..params.clone()
        },
        extra_slot,
    )?;
    let caps = &prepared.problem.mentor_capacity;
    let quota: Vec<u32> = prepared.problem.applicants.iter().map(|a| a.max).collect();

    // Each applicant's candidate list, best first.
    let mut prefs: Vec<Vec<usize>> = vec![Vec::new(); market.applicants.len()];
    for &ci in &prepared.arc_candidate {
        prefs[market.candidates[ci].applicant].push(ci);
    }
    for list in &mut prefs {
        list.sort_by_key(|&ci| {
            let c = &market.candidates[ci];
            key(c.pair.score, c.pair.mentor)
        });
    }
    let mut next = vec![0usize; prefs.len()];
    let mut held_by_applicant = vec![0u32; prefs.len()];
    // Per mentor, the proposals it holds, worst last.
    let mut held: Vec<BTreeSet<(Rank, usize)>> = vec![BTreeSet::new(); market.mentors.len()];
    let mut queue: Vec<usize> = (0..prefs.len()).rev().collect();
    while let Some(ai) = queue.pop() {
        while held_by_applicant[ai] < quota[ai] && next[ai] < prefs[ai].len() {
            let ci = prefs[ai][next[ai]];
            next[ai] += 1;
            let c = &market.candidates[ci];
            let slot = &mut held[c.mentor];
            if caps[c.mentor] == 0 {
                continue;
            }
            slot.insert((key(c.pair.score, c.pair.applicant), ci));
            held_by_applicant[ai] += 1;
            if slot.len() > caps[c.mentor] as usize {
                let worst = *slot
                    .iter()
                    .next_back()
                    .expect("over capacity means non-empty");
                slot.remove(&worst);
                let loser = market.candidates[worst.1].applicant;
                held_by_applicant[loser] -= 1;
                if loser != ai {
                    queue.push(loser);
                }
            }
        }
    }
    let mut chosen = prepared.locked.clone();
    chosen.extend(held.iter().flat_map(|s| s.iter().map(|(_, ci)| *ci)));
    chosen.sort_unstable();
    Ok(chosen)
}

/// A pair that would both rather be together than with what they got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BlockingPair {
    pub mentor: CityId,
    pub applicant: CityId,
    pub score: i64,
}

/// Every blocking pair of `pairs` among the market's unbanned candidates:
/// the applicant has a free slot or prefers this mentor to its worst one,
/// and the mentor has a free slot or prefers this applicant to its worst.
pub fn blocking_pairs(market: &Market, params: &RunParams, pairs: &[Pair]) -> Vec<BlockingPair> {
    let bans: BTreeSet<Pair> = params.bans.iter().copied().collect();
    let assigned: BTreeSet<Pair> = pairs.iter().copied().collect();
    let score_of: BTreeMap<Pair, i64> = market
        .candidates
        .iter()
        .map(|c| {
            (
                Pair {
                    mentor: c.pair.mentor,
                    applicant: c.pair.applicant,
                },
                c.pair.score,
            )
        })
        .collect();
    // worst held partner per side, as a ranking key (larger = worse)
    let mut worst_of_applicant: BTreeMap<CityId, (Rank, u32)> = BTreeMap::new();
    let mut worst_of_mentor: BTreeMap<CityId, (Rank, u32)> = BTreeMap::new();
    for p in pairs {
        let s = score_of.get(p).copied().unwrap_or(0);
        let a = worst_of_applicant
            .entry(p.applicant)
            .or_insert((key(i64::MAX, CityId(i64::MIN)), 0));
        a.0 = a.0.max(key(s, p.mentor));
        a.1 += 1;
        let m = worst_of_mentor
            .entry(p.mentor)
            .or_insert((key(i64::MAX, CityId(i64::MIN)), 0));
        m.0 = m.0.max(key(s, p.applicant));
        m.1 += 1;
    }
    let mut out = Vec::new();
    for c in &market.candidates {
        let p = Pair {
            mentor: c.pair.mentor,
            applicant: c.pair.applicant,
        };
        if assigned.contains(&p) || bans.contains(&p) {
            continue;
        }
        let quota = u32::from(market.applicants[c.applicant].request.max_mentors);
        let cap = u32::from(market.mentors[c.mentor].offer.capacity.get());
        let a_wants = match worst_of_applicant.get(&p.applicant) {
            Some((worst, n)) => *n < quota || key(c.pair.score, p.mentor) < *worst,
            None => quota > 0,
        };
        let m_wants = match worst_of_mentor.get(&p.mentor) {
            Some((worst, n)) => *n < cap || key(c.pair.score, p.applicant) < *worst,
            None => cap > 0,
        };
        if a_wants && m_wants {
            out.push(BlockingPair {
                mentor: p.mentor,
                applicant: p.applicant,
                score: c.pair.score,
            });
        }
    }
    out
}
