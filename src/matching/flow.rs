//! Exact weighted bipartite b-matching between applicants and mentors, solved
//! as a min-cost flow.
//!
//! This module owns the solver's problem and solution types
//! ([`BMatchProblem`], [`BMatchSolution`]), their validation, the optimality
//! certificate ([`check_certificate`]) and the public entry point [`solve`].
//! The algorithms live in submodules: `fast` (the production solver, private:
//! call [`solve`]) and [`ssp`] (a deliberately plain successive-shortest-path
//! oracle kept for tests).
//!
//! # The problem
//!
//! Applicant `i` may take up to `applicants[i].max` mentors, mentor `j` up to
//! `mentor_capacity[j]` applicants, and each candidate arc `(i, j, score)` is
//! used at most once. A set of chosen arcs is worth
//!
//! ```text
//!   sum of chosen scores  +  sum over applicants with >= 1 chosen arc of first_slot_bonus
//! ```
//!
//! and [`solve`] returns a set of maximum worth. The first-slot bonus is what
//! lets the caller express lexicographic goals: a bonus larger than any
//! possible score total makes "number of applicants covered" dominate, tiers
//! are bonuses of different magnitudes, and "card" mode (most pairs first) is a
//! uniform per-arc bonus, see [`BMatchProblem::dominating_pair_bonus`].
//!
//! Locks and bans are the caller's business and fit this model directly: a
//! lock pre-consumes one unit of both capacities (and is left out of `arcs`), a
//! ban removes the arc. The solver takes capacities exactly as given.
//!
//! # The flow model and why the bonus stays exact
//!
//! Let `L` be the side (applicants or mentors) whose total usable capacity is
//! smaller and `R` the other one. Every `u` in `L` is a supply node with
//! `min(cap_u, degree_u)` units, `R` nodes drain into a sink `T`:
//!
//! ```text
//!   u -> v   capacity 1,  cost -score         (one per candidate arc)
//!   v -> T   capacity 1,  cost -bonus_v       (v's first unit)
//!   v -> T   capacity cap_v - 1, cost 0       (v's further units)
//!   u -> T   capacity cap_u - 1, cost 0       ("u leaves a unit unused")
//!   u -> T   capacity 1,  cost +bonus_u       (u leaves ALL its units unused)
//! ```
//!
//! Min cost = constant - max worth. The slot costs of a node form a convex
//! piecewise-linear function of its load (marginal costs `-bonus, 0, 0, ...`
//! for `R`, `0, ..., 0, +bonus` for unused units of `L`), which is exactly why
//! bonuses must be non-negative: a min-cost flow fills the cheaper of two
//! parallel arcs first, so convex costs are represented exactly, while a
//! negative bonus would be concave and is rejected
//! ([`ProblemError::NegativeBonus`]).
//!
//! # Arithmetic
//!
//! Everything is `i64`, and no bound depends on the instance size except the
//! objective's. With `C = max |score| + max bonus`, the fast solver's
//! potentials stay in `[-3C, 2C]`: they start in `[0, 2C]` and never increase,
//! and a node can only fall as far as a residual arc towards the sink allows
//! (an `L` node still using a unit keeps its "unused" arc: `p >= -C`; an `R`
//! node either has room, `p >= 0`, or holds a pair with such an `L` node,
//! `p >= -2C`; an `L` node with every unit unused sits above its `R`
//! neighbours, `p >= -3C`; zero-capacity nodes are left out of the network so
//! that nothing else can be reached). Distances are below `3C` (the source's
//! own unused arc) and every intermediate sum below `16C`.
//! [`BMatchProblem::validate`] requires `16C` and the objective bound
//! `min(total capacity, arcs) * max |score| + sum of bonuses` to stay below
//! 2^62 ([`ProblemError::WeightsTooLarge`]), so any bonus up to about 2^57
//! is fine. For scale: card mode on the 1,000,000-arc `large` instance uses a
//! pair bonus of about 1.8e8 and an objective below 4e12.

mod fast;
pub mod residual;
pub mod ssp;

use thiserror::Error;

/// Slots of one applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicantSlots {
    /// Maximum number of mentors this applicant may receive.
    pub max: u32,
    /// Worth added once when the applicant receives at least one mentor
    /// (must be `>= 0`). Extra mentors earn nothing beyond their arc scores.
    pub first_slot_bonus: i64,
}

/// One candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateArc {
    /// Applicant index into [`BMatchProblem::applicants`].
    pub applicant: u32,
    /// Mentor index into [`BMatchProblem::mentor_capacity`].
    pub mentor: u32,
    /// Worth of choosing this pair (any sign; scores are usually `0..=10_000`).
    pub score: i64,
}

/// A weighted bipartite b-matching instance; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BMatchProblem {
    /// Per applicant: how many mentors, and the first-slot bonus.
    pub applicants: Vec<ApplicantSlots>,
    /// Per mentor: how many applicants (remaining capacity, after locks).
    pub mentor_capacity: Vec<u32>,
    /// Candidate arcs; each `(applicant, mentor)` pair at most once.
    pub arcs: Vec<CandidateArc>,
}

/// An optimal solution and the dual prices proving it optimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BMatchSolution {
    /// Indices into [`BMatchProblem::arcs`] of the chosen pairs, ascending.
    pub chosen: Vec<u32>,
    /// Maximum worth: `score_total + bonus_total`.
    pub objective: i64,
    /// Sum of the scores of the chosen arcs.
    pub score_total: i64,
    /// Sum of `first_slot_bonus` over covered applicants.
    pub bonus_total: i64,
    /// Number of chosen pairs (`chosen.len()`).
    pub pairs: usize,
    /// Number of applicants with at least one chosen pair.
    pub applicants_matched: usize,
    /// Dual price `u_i` of every applicant, see [`check_certificate`].
    pub applicant_price: Vec<i64>,
    /// Dual price `v_j >= 0` of every mentor, see [`check_certificate`].
    pub mentor_price: Vec<i64>,
}

/// Why a [`BMatchProblem`] cannot be solved.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProblemError {
    /// An arc names an applicant or mentor that does not exist.
    #[error(
        "arc {arc} ({applicant}, {mentor}) is out of range: {n_applicants} applicants, {n_mentors} mentors"
    )]
    ArcOutOfRange {
        arc: usize,
        applicant: u32,
        mentor: u32,
        n_applicants: usize,
        n_mentors: usize,
    },
    /// The same (applicant, mentor) pair appears twice.
    #[error("arcs {first} and {second} both join applicant {applicant} and mentor {mentor}")]
    DuplicateArc {
        first: usize,
        second: usize,
        applicant: u32,
        mentor: u32,
    },
    /// A negative first-slot bonus would make the slot costs concave.
    #[error("applicant {applicant} has a negative first_slot_bonus ({bonus})")]
    NegativeBonus { applicant: usize, bonus: i64 },
    /// Scores or bonuses so large that i64 arithmetic could overflow.
    #[error("scores/bonuses too large for exact i64 arithmetic (bound {bound} > 2^62)")]
    WeightsTooLarge { bound: i128 },
    /// More than `u32::MAX` arcs or nodes.
    #[error("instance too large: {what} = {count} exceeds u32 indexing")]
    TooLarge { what: &'static str, count: usize },
}

/// A violated optimality or feasibility condition (a solver bug if it comes
/// from [`solve`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("certificate check failed: {0}")]
pub struct CertificateError(pub String);

/// Largest magnitude bound accepted by [`BMatchProblem::validate`].
const MAGNITUDE_LIMIT: i128 = 1 << 62;

impl BMatchProblem {
    /// Number of (applicant, mentor) pairs any feasible solution can have at
    /// most: `min(sum max, sum capacity, arcs)`.
    pub fn max_pairs_bound(&self) -> u64 {
        let demand: u64 = self.applicants.iter().map(|a| u64::from(a.max)).sum();
        let supply: u64 = self.mentor_capacity.iter().map(|&c| u64::from(c)).sum();
        demand.min(supply).min(self.arcs.len() as u64)
    }

    /// A per-arc bonus `B` such that adding `B` to every score makes the
    /// number of pairs dominate: any solution with more pairs is worth more,
    /// whatever the scores and first-slot bonuses.
    ///
    /// Proof: with `P` = [`Self::max_pairs_bound`], the score total of any
    /// feasible set lies in `[P * min(0, min score), P * max(0, max score)]`
    /// and its bonus total in `[0, sum of bonuses]`, so one extra pair (worth
    /// `B` more) outweighs any difference when
    /// `B = 1 + P * (max(0, max) - min(0, min)) + sum of bonuses`.
    /// Saturates at `i64::MAX`, which [`Self::validate`] then rejects.
    pub fn dominating_pair_bonus(&self) -> i64 {
        let max_s = self.arcs.iter().map(|a| a.score).max().unwrap_or(0).max(0);
        let min_s = self.arcs.iter().map(|a| a.score).min().unwrap_or(0).min(0);
        let bonus: i128 = self
            .applicants
            .iter()
            .map(|a| i128::from(a.first_slot_bonus.max(0)))
            .sum();
        let b = 1
            + i128::from(self.max_pairs_bound()) * (i128::from(max_s) - i128::from(min_s))
            + bonus;
        i64::try_from(b).unwrap_or(i64::MAX)
    }

    /// The same problem with `bonus` added to every arc score (saturating).
    pub fn with_pair_bonus(&self, bonus: i64) -> BMatchProblem {
        let mut p = self.clone();
        for a in &mut p.arcs {
            a.score = a.score.saturating_add(bonus);
        }
        p
    }

    /// Checks indices, duplicates, bonus signs and magnitudes. O(arcs + nodes).
    pub fn validate(&self) -> Result<(), ProblemError> {
        let (na, nm) = (self.applicants.len(), self.mentor_capacity.len());
        for (what, count) in [
            ("arcs", self.arcs.len()),
            ("applicants + mentors + 2", na + nm + 2),
        ] {
            if count >= u32::MAX as usize {
                return Err(ProblemError::TooLarge { what, count });
            }
        }
        for (applicant, a) in self.applicants.iter().enumerate() {
            if a.first_slot_bonus < 0 {
                return Err(ProblemError::NegativeBonus {
                    applicant,
                    bonus: a.first_slot_bonus,
                });
            }
        }
        for (k, a) in self.arcs.iter().enumerate() {
            if a.applicant as usize >= na || a.mentor as usize >= nm {
                return Err(ProblemError::ArcOutOfRange {
                    arc: k,
                    applicant: a.applicant,
                    mentor: a.mentor,
                    n_applicants: na,
                    n_mentors: nm,
                });
            }
        }
        // Duplicates: bucket arcs by applicant, then stamp mentors per bucket.
        let mut start = vec![0u32; na + 1];
        for a in &self.arcs {
            start[a.applicant as usize + 1] += 1;
        }
        for i in 0..na {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut by_applicant = vec![0u32; self.arcs.len()];
        for (k, a) in self.arcs.iter().enumerate() {
            let slot = &mut fill[a.applicant as usize];
            by_applicant[*slot as usize] = k as u32;
            *slot += 1;
        }
        let mut seen_by = vec![u32::MAX; nm]; // mentor -> arc index seen for the current applicant
        for i in 0..na {
            for &k in &by_applicant[start[i] as usize..start[i + 1] as usize] {
                let m = self.arcs[k as usize].mentor as usize;
                let prev = seen_by[m];
                if prev != u32::MAX && self.arcs[prev as usize].applicant as usize == i {
                    return Err(ProblemError::DuplicateArc {
                        first: prev as usize,
                        second: k as usize,
                        applicant: i as u32,
                        mentor: m as u32,
                    });
                }
                seen_by[m] = k;
            }
        }
        let max_abs = self
            .arcs
            .iter()
            .map(|a| i128::from(a.score).abs())
            .max()
            .unwrap_or(0);
        let max_bonus = self
            .applicants
            .iter()
            .map(|a| i128::from(a.first_slot_bonus))
            .max()
            .unwrap_or(0);
        let sum_bonus: i128 = self
            .applicants
            .iter()
            .map(|a| i128::from(a.first_slot_bonus))
            .sum();
        let bound = (16 * (max_abs + max_bonus))
            .max(i128::from(self.max_pairs_bound()) * max_abs + sum_bonus);
        if bound > MAGNITUDE_LIMIT {
            return Err(ProblemError::WeightsTooLarge { bound });
        }
        Ok(())
    }
}

/// Solves `problem` exactly with the fast solver (module `fast`: single-source
/// successive shortest paths with early-terminating Dijkstra searches).
///
/// Returns the chosen arcs (sorted), the objective and dual prices that prove
/// optimality (in debug builds the proof is checked with [`check_certificate`]
/// before returning). Deterministic: the same input gives the same pairs.
///
/// Complexity: one Dijkstra search per unit of the smaller side's capacity,
/// each stopping at the first free slot; in practice a small fraction of the
/// graph per search (see the `fast` module docs for measured times). Memory: about 30 bytes
/// per arc on top of the problem itself.
pub fn solve(problem: &BMatchProblem) -> Result<BMatchSolution, ProblemError> {
    problem.validate()?;
    let raw = fast::solve(problem);
    let solution = finish(problem, raw.chosen, raw.applicant_price, raw.mentor_price);
    debug_assert_eq!(check_certificate(problem, &solution), Ok(()));
    Ok(solution)
}

/// Builds a [`BMatchSolution`] from sorted chosen arcs and raw flow prices,
/// canonicalising the prices (see [`check_certificate`]) where the flow model
/// leaves them free: unloaded mentors and nodes saturated by their degree.
pub(crate) fn finish(
    problem: &BMatchProblem,
    chosen: Vec<u32>,
    mut applicant_price: Vec<i64>,
    mut mentor_price: Vec<i64>,
) -> BMatchSolution {
    let (k, l, deg_a) = loads(problem, &chosen);
    let mut score_total = 0i64;
    for &e in &chosen {
        score_total += problem.arcs[e as usize].score;
    }
    let mut bonus_total = 0i64;
    let mut applicants_matched = 0usize;
    for (i, a) in problem.applicants.iter().enumerate() {
        if k[i] > 0 {
            applicants_matched += 1;
            bonus_total += a.first_slot_bonus;
        }
        // Saturated by its degree but not by `max`: the flow never priced the
        // missing slots. Every arc to a mentor with capacity is chosen (arcs
        // to zero-capacity mentors are priced by those mentors below), so
        // lowering u_i is harmless.
        if k[i] == deg_a[i] && k[i] < a.max {
            applicant_price[i] = applicant_price[i].min(-slot_gain(a, k[i] + 1));
        }
    }
    for (j, &c) in problem.mentor_capacity.iter().enumerate() {
        if l[j] < c {
            // Either unloaded (all arcs unchosen: raising to 0 is harmless) or
            // saturated by its degree (all arcs to applicants with slots are
            // chosen, the others are priced by their applicants below:
            // lowering is harmless).
            mentor_price[j] = 0;
        }
    }
    // Zero-capacity nodes are left out of the flow network: price them just
    // high enough for their (never chosen) arcs, applicants first, then
    // mentors, which also covers arcs between two such nodes.
    for a in &problem.arcs {
        let (i, j) = (a.applicant as usize, a.mentor as usize);
        if problem.applicants[i].max == 0 && problem.mentor_capacity[j] > 0 {
            applicant_price[i] = applicant_price[i].max(a.score - mentor_price[j]);
        }
    }
    for a in &problem.arcs {
        let (i, j) = (a.applicant as usize, a.mentor as usize);
        if problem.mentor_capacity[j] == 0 {
            mentor_price[j] = mentor_price[j].max(a.score - applicant_price[i]);
        }
    }
    BMatchSolution {
        pairs: chosen.len(),
        chosen,
        objective: score_total + bonus_total,
        score_total,
        bonus_total,
        applicants_matched,
        applicant_price,
        mentor_price,
    }
}

/// Worth of applicant `a`'s `k`-th slot (1-based): the bonus for the first.
fn slot_gain(a: &ApplicantSlots, k: u32) -> i64 {
    if k == 1 { a.first_slot_bonus } else { 0 }
}

/// Per-applicant loads, per-mentor loads and per-applicant degrees counting
/// only arcs to mentors with capacity (the others are not in the network).
fn loads(problem: &BMatchProblem, chosen: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut k = vec![0u32; problem.applicants.len()];
    let mut l = vec![0u32; problem.mentor_capacity.len()];
    let mut deg = vec![0u32; problem.applicants.len()];
    for a in &problem.arcs {
        if problem.mentor_capacity[a.mentor as usize] > 0 {
            deg[a.applicant as usize] += 1;
        }
    }
    for &e in chosen {
        let a = &problem.arcs[e as usize];
        k[a.applicant as usize] += 1;
        l[a.mentor as usize] += 1;
    }
    (k, l, deg)
}

/// Verifies that `solution` is feasible, that its totals are right, and that
/// its prices prove it optimal. O(arcs + nodes).
///
/// With `k_i` / `l_j` the loads and `g_i(k)` the worth of applicant `i`'s
/// `k`-th slot (`first_slot_bonus` for `k = 1`, else 0), the conditions are
///
/// * arcs: chosen => `u_i + v_j <= score`, not chosen => `u_i + v_j >= score`;
/// * mentors: `v_j >= 0`, and `v_j = 0` when `l_j < capacity_j`;
/// * applicants: `u_i <= -g_i(k_i + 1)` when `k_i < max_i`, and
///   `u_i >= -g_i(k_i)` when `k_i >= 1`.
///
/// They say that every arc, mentor and applicant maximises its own term of the
/// Lagrangian `L(u, v) = max_x sum_e (score_e - u_i - v_j) x_e +
/// sum_i max_k (G_i(k) + u_i k) + sum_j v_j capacity_j` (with `G_i` the concave
/// slot worth), hence the solution's worth equals the upper bound `L(u, v)`.
pub fn check_certificate(
    problem: &BMatchProblem,
    solution: &BMatchSolution,
) -> Result<(), CertificateError> {
    let fail = |msg: String| Err(CertificateError(msg));
    let (na, nm) = (problem.applicants.len(), problem.mentor_capacity.len());
    if solution.applicant_price.len() != na || solution.mentor_price.len() != nm {
        return fail("price vectors have the wrong length".into());
    }
    let mut is_chosen = vec![false; problem.arcs.len()];
    for w in solution.chosen.windows(2) {
        if w[0] >= w[1] {
            return fail(format!("chosen arcs not strictly ascending at {}", w[1]));
        }
    }
    for &e in &solution.chosen {
        match is_chosen.get_mut(e as usize) {
            Some(c) => *c = true,
            None => return fail(format!("chosen arc {e} does not exist")),
        }
    }
    let (k, l, _) = loads(problem, &solution.chosen);
    let mut score_total = 0i64;
    let mut bonus_total = 0i64;
    let mut matched = 0usize;
    for (i, a) in problem.applicants.iter().enumerate() {
        if k[i] > a.max {
            return fail(format!("applicant {i} has {} > {} mentors", k[i], a.max));
        }
        let u = solution.applicant_price[i];
        if k[i] < a.max && u > -slot_gain(a, k[i] + 1) {
            return fail(format!("applicant {i}: price {u} but load {} < max", k[i]));
        }
        if k[i] >= 1 {
            matched += 1;
            bonus_total += a.first_slot_bonus;
            if u < -slot_gain(a, k[i]) {
                return fail(format!(
                    "applicant {i}: price {u} too low for load {}",
                    k[i]
                ));
            }
        }
    }
    for (j, &c) in problem.mentor_capacity.iter().enumerate() {
        let v = solution.mentor_price[j];
        if l[j] > c {
            return fail(format!("mentor {j} has {} > {c} applicants", l[j]));
        }
        if v < 0 || (l[j] < c && v != 0) {
            return fail(format!("mentor {j}: price {v} with load {}/{c}", l[j]));
        }
    }
    for (e, a) in problem.arcs.iter().enumerate() {
        let sum = solution.applicant_price[a.applicant as usize]
            + solution.mentor_price[a.mentor as usize];
        if is_chosen[e] {
            score_total += a.score;
            if sum > a.score {
                return fail(format!("chosen arc {e}: u + v = {sum} > score {}", a.score));
            }
        } else if sum < a.score {
            return fail(format!("free arc {e}: u + v = {sum} < score {}", a.score));
        }
    }
    let s = solution;
    if (
        s.score_total,
        s.bonus_total,
        s.objective,
        s.pairs,
        s.applicants_matched,
    ) != (
        score_total,
        bonus_total,
        score_total + bonus_total,
        s.chosen.len(),
        matched,
    ) {
        return fail("totals do not match the chosen arcs".into());
    }
    Ok(())
}
