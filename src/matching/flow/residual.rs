//! Questions about an optimal b-matching answered from the optimum itself:
//! one shortest-path search in its residual graph per question instead of
//! one solve.
//!
//! # The residual graph
//!
//! Write the problem as a min-cost circulation through one outside node `O`
//! (the source and sink merged): `O -> applicant` slots (the `k`-th costs
//! `-g(k)`, `g(1)` the first-slot bonus, else 0), `applicant -> mentor` arcs
//! costing `-score`, `mentor -> O` capacity arcs costing 0. For an optimal
//! solution with loads `k_i`, `l_j` the residual arcs are
//!
//! ```text
//!   O   -> A_i   cost -g(k_i + 1)   if k_i < max_i      (i takes one more mentor)
//!   A_i -> O     cost +g(k_i)       if k_i >= 1         (i gives one up)
//!   A_i -> M_j   cost -score        arc not chosen      (the pair is formed)
//!   M_j -> A_i   cost +score        arc chosen          (the pair is undone)
//!   M_j -> O     cost 0             if l_j < cap_j      (j fills a free slot)
//!   O   -> M_j   cost 0             if l_j >= 1         (j frees a slot)
//! ```
//!
//! and the certificate's prices are potentials for it: with `pi(O) = 0`,
//! `pi(A_i) = u_i` and `pi(M_j) = -v_j` every reduced cost
//! `cost + pi(from) - pi(to)` is `>= 0` (each case is one condition of
//! [`check_certificate`](super::check_certificate)). So Dijkstra runs on the
//! reduced costs, and a path's true cost is its reduced length minus
//! `pi(start)` plus `pi(end)`.
//!
//! # Why one path is the exact answer
//!
//! * **Without a chosen arc** `e = (i, j)`: take its unit of flow away,
//!   leaving one unit too many at `A_i` and one too few at `M_j`. The
//!   residual graph loses only `e`'s own arcs, so the potentials stay valid
//!   and, as in successive shortest paths, sending that unit along a
//!   shortest `A_i -> M_j` path gives an optimal solution of the problem
//!   without `e`. The path `A_i -> O -> M_j` always exists (the applicant
//!   simply loses that mentor).
//! * **One more mentor for applicant `i`, with one more slot at mentor `m`**:
//!   the best solution in which `i` has `k_i + 1` mentors and `m` one more
//!   unit of capacity differs from the optimum by one cycle through `O -> A_i`
//!   and the new slot `M_m -> O` (any other cycle of the difference is a
//!   residual cycle of an optimum, so it costs `>= 0`). Its cost is
//!   `-g(k_i + 1)` plus a shortest `A_i -> M_m` path that does not start by
//!   giving one of `i`'s slots up (`A_i -> O`). One search from `A_i` answers
//!   this for every mentor at once.
//!
//! The tests compare both answers with a fresh solve on random problems.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{ApplicantSlots, BMatchProblem, BMatchSolution};

/// A change of an optimal solution along one residual path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Augmentation {
    /// New optimum minus old (worth: scores plus first-slot bonuses).
    pub worth_delta: i64,
    /// Arcs chosen after the change and not before.
    pub added: Vec<u32>,
    /// Arcs chosen before and not after (the removed arc included).
    pub removed: Vec<u32>,
    /// Applicants with a first mentor after the change.
    pub covered: Vec<u32>,
    /// Applicants left without any mentor by the change.
    pub uncovered: Vec<u32>,
}

impl Augmentation {
    /// Follows the residual arc of problem arc `arc`: a chosen arc is
    /// undone, another one formed.
    fn through_arc(&mut self, r: &Residual, arc: u32) {
        if r.chosen[arc as usize] {
            self.removed.push(arc);
        } else {
            self.added.push(arc);
        }
    }

    /// Follows an arc through `O`: `O -> A_i` takes one more slot (a first
    /// one covers `i`), `A_i -> O` gives one up (the last one uncovers it).
    fn through_outside(&mut self, r: &Residual, from: u32, to: u32) {
        match (r.kind(from), r.kind(to)) {
            (None, Some(Ok(i))) if r.k[i as usize] == 0 => self.covered.push(i),
            (Some(Ok(i)), None) if r.k[i as usize] == 1 => self.uncovered.push(i),
            _ => {}
        }
    }

    fn sorted(mut self) -> Self {
        self.added.sort_unstable();
        self.removed.sort_unstable();
        self.covered.sort_unstable();
        self.uncovered.sort_unstable();
        self
    }
}

/// The residual graph of an optimal solution, ready for searches.
#[derive(Debug, Clone)]
pub struct Residual<'p> {
    problem: &'p BMatchProblem,
    /// Potentials: `O` is node 0, applicant `i` is `1 + i`, mentor `j` is
    /// `1 + na + j`.
    pi: Vec<i64>,
    chosen: Vec<bool>,
    k: Vec<u32>,
    l: Vec<u32>,
    /// Arc indices per applicant.
    applicant_arcs: Vec<Vec<u32>>,
    /// Chosen arc indices per mentor.
    mentor_chosen: Vec<Vec<u32>>,
    /// Every arc index per mentor (the reverse search walks into mentors).
    mentor_arcs: Vec<Vec<u32>>,
}

/// How a node was reached in a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Unreached,
    Start,
    /// From the node `from` through the residual arc of problem arc `arc`.
    Arc {
        from: u32,
        arc: u32,
    },
    /// Through `O -> A_i`, `A_i -> O`, `M_j -> O` or `O -> M_j`.
    Outside {
        from: u32,
    },
}

/// The settled distances of one search.
#[derive(Debug, Clone)]
pub struct Search<'r, 'p> {
    residual: &'r Residual<'p>,
    start: u32,
    /// Reduced distance from the start (`i64::MAX`: unreached).
    dist: Vec<i64>,
    step: Vec<Step>,
}

const O: u32 = 0;

fn gain(a: &ApplicantSlots, k: u32) -> i64 {
    if k == 1 { a.first_slot_bonus } else { 0 }
}

impl<'p> Residual<'p> {
    /// The residual graph of `solution`, an optimal solution of `problem`
    /// with its certificate (as [`solve`](super::solve) returns it).
    pub fn new(problem: &'p BMatchProblem, solution: &BMatchSolution) -> Self {
        let (na, nm) = (problem.applicants.len(), problem.mentor_capacity.len());
        let mut chosen = vec![false; problem.arcs.len()];
        let mut k = vec![0u32; na];
        let mut l = vec![0u32; nm];
        let mut applicant_arcs = vec![Vec::new(); na];
        let mut mentor_chosen = vec![Vec::new(); nm];
        for &e in &solution.chosen {
            let a = &problem.arcs[e as usize];
            chosen[e as usize] = true;
            k[a.applicant as usize] += 1;
            l[a.mentor as usize] += 1;
            mentor_chosen[a.mentor as usize].push(e);
        }
        let mut mentor_arcs = vec![Vec::new(); nm];
        for (e, a) in problem.arcs.iter().enumerate() {
            applicant_arcs[a.applicant as usize].push(e as u32);
            mentor_arcs[a.mentor as usize].push(e as u32);
        }
        let mut pi = Vec::with_capacity(1 + na + nm);
        pi.push(0);
        pi.extend(&solution.applicant_price);
        pi.extend(solution.mentor_price.iter().map(|v| -v));
        Residual {
            problem,
            pi,
            chosen,
            k,
            l,
            applicant_arcs,
            mentor_chosen,
            mentor_arcs,
        }
    }

    fn na(&self) -> u32 {
        self.problem.applicants.len() as u32
    }

    fn applicant_node(&self, i: u32) -> u32 {
        1 + i
    }

    fn mentor_node(&self, j: u32) -> u32 {
        1 + self.na() + j
    }

    /// Mentors `j` and applicants `i` as nodes: `Some(Ok(i))`, `Some(Err(j))`.
    fn kind(&self, node: u32) -> Option<Result<u32, u32>> {
        match node {
            O => None,
            n if n <= self.na() => Some(Ok(n - 1)),
            n => Some(Err(n - 1 - self.na())),
        }
    }

    /// Applicant `i`'s mentors now.
    pub fn load(&self, i: u32) -> u32 {
        self.k[i as usize]
    }

    /// Mentor `j`'s applicants now.
    pub fn mentor_load(&self, j: u32) -> u32 {
        self.l[j as usize]
    }

    /// Every residual arc leaving `node`, with its true cost, except
    /// `skip_arc`'s and (when `no_give_up`) `node -> O`.
    fn edges(
        &self,
        node: u32,
        skip_arc: Option<u32>,
        no_give_up: bool,
        mut f: impl FnMut(u32, i64, Step),
    ) {
        let from = Step::Outside { from: node };
        match self.kind(node) {
            None => {
                for (i, a) in self.problem.applicants.iter().enumerate() {
                    if self.k[i] < a.max {
                        f(self.applicant_node(i as u32), -gain(a, self.k[i] + 1), from);
                    }
                }
                for j in 0..self.l.len() {
                    if self.l[j] > 0 {
                        f(self.mentor_node(j as u32), 0, from);
                    }
                }
            }
            Some(Ok(i)) => {
                let iu = i as usize;
                if self.k[iu] >= 1 && !no_give_up {
                    f(O, gain(&self.problem.applicants[iu], self.k[iu]), from);
                }
                for &e in &self.applicant_arcs[iu] {
                    if !self.chosen[e as usize] && Some(e) != skip_arc {
                        let a = &self.problem.arcs[e as usize];
                        let step = Step::Arc { from: node, arc: e };
                        f(self.mentor_node(a.mentor), -a.score, step);
                    }
                }
            }
            Some(Err(j)) => {
                let ju = j as usize;
                if self.l[ju] < self.problem.mentor_capacity[ju] {
                    f(O, 0, from);
                }
                for &e in &self.mentor_chosen[ju] {
                    if Some(e) != skip_arc {
                        let a = &self.problem.arcs[e as usize];
                        let step = Step::Arc { from: node, arc: e };
                        f(self.applicant_node(a.applicant), a.score, step);
                    }
                }
            }
        }
    }

    /// Dijkstra on reduced costs from `start`, stopping once `target` is
    /// settled (or exploring everything without one).
    fn search(
        &self,
        start: u32,
        target: Option<u32>,
        skip_arc: Option<u32>,
        no_give_up_at_start: bool,
    ) -> Search<'_, 'p> {
        self.bounded_search(start, target, skip_arc, no_give_up_at_start, None)
    }

    /// [`Self::search`], optionally never entering `O` and giving up at
    /// reduced distance `avoid_outside_below`.
    fn bounded_search(
        &self,
        start: u32,
        target: Option<u32>,
        skip_arc: Option<u32>,
        no_give_up_at_start: bool,
        avoid_outside_below: Option<i64>,
    ) -> Search<'_, 'p> {
        let n = self.pi.len();
        let mut dist = vec![i64::MAX; n];
        let mut step = vec![Step::Unreached; n];
        let mut done = vec![false; n];
        let mut heap = BinaryHeap::new();
        dist[start as usize] = 0;
        step[start as usize] = Step::Start;
        heap.push(Reverse((0i64, start)));
        while let Some(Reverse((d, x))) = heap.pop() {
            if done[x as usize] {
                continue;
            }
            done[x as usize] = true;
            if Some(x) == target || avoid_outside_below.is_some_and(|b| d >= b) {
                break;
            }
            let px = self.pi[x as usize];
            let no_give_up = no_give_up_at_start && x == start;
            self.edges(x, skip_arc, no_give_up, |y, cost, how| {
                if y == O && avoid_outside_below.is_some() {
                    return;
                }
                let reduced = cost + px - self.pi[y as usize];
                debug_assert!(reduced >= 0, "negative reduced cost {reduced}: not optimal");
                let dy = d + reduced;
                if !done[y as usize] && dy < dist[y as usize] {
                    dist[y as usize] = dy;
                    step[y as usize] = how;
                    heap.push(Reverse((dy, y)));
                }
            });
            // Every node left is at least `d` away: a target reached within
            // `d` is settled already (this skips plateaus of zero reduced cost).
            if target.is_some_and(|t| dist[t as usize] <= d) {
                break;
            }
        }
        Search {
            residual: self,
            start,
            dist,
            step,
        }
    }

    /// The best solution without the chosen arc `e`: the one path from its
    /// applicant to its mentor. `None` if `e` is not chosen.
    pub fn without(&self, e: u32) -> Option<Augmentation> {
        if !*self.chosen.get(e as usize)? {
            return None;
        }
        let a = &self.problem.arcs[e as usize];
        let (from, to) = (self.applicant_node(a.applicant), self.mentor_node(a.mentor));
        let search = self.search(from, Some(to), Some(e), false);
        // A_i -> O -> M_j is always there.
        let mut change = search.path_to(to)?;
        change.worth_delta -= a.score;
        change.removed.push(e);
        change.removed.sort_unstable();
        Some(change)
    }

    /// Every way to give applicant `i` one more mentor with one more slot at
    /// some mentor: one search, read with [`Search::one_more_slot_at`].
    pub fn one_more_for(&self, i: u32) -> Search<'_, 'p> {
        self.search(self.applicant_node(i), None, None, true)
    }
}

/// Where the one more mentor's slot comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A slot the round already has: nothing added, at the cost stated.
    Existing,
    /// One more slot at this mentor, which is full now.
    AddedAt(u32),
}

/// The best "one more mentor" of every applicant at once
/// ([`Residual::one_more_everywhere`]).
pub struct OneMore<'r, 'p> {
    residual: &'r Residual<'p>,
    /// Reduced distance of each node to the virtual target.
    dist: Vec<i64>,
    /// The next node towards the target, and the problem arc used (if any).
    next: Vec<Option<(u32, Option<u32>)>>,
    /// Potential of the virtual target.
    pi_target: i64,
}

impl<'p> Residual<'p> {
    /// Every residual arc entering `node`, with its true cost and the
    /// problem arc it follows (none for the arcs through `O`).
    fn edges_into(&self, node: u32, mut f: impl FnMut(u32, i64, Option<u32>)) {
        match self.kind(node) {
            None => {
                for (i, &k) in self.k.iter().enumerate() {
                    if k >= 1 {
                        f(
                            self.applicant_node(i as u32),
                            gain(&self.problem.applicants[i], k),
                            None,
                        );
                    }
                }
                for (j, &l) in self.l.iter().enumerate() {
                    if l < self.problem.mentor_capacity[j] {
                        f(self.mentor_node(j as u32), 0, None);
                    }
                }
            }
            Some(Ok(i)) => {
                let iu = i as usize;
                let a = &self.problem.applicants[iu];
                if self.k[iu] < a.max {
                    f(O, -gain(a, self.k[iu] + 1), None);
                }
                for &e in &self.applicant_arcs[iu] {
                    if self.chosen[e as usize] {
                        let arc = &self.problem.arcs[e as usize];
                        f(self.mentor_node(arc.mentor), arc.score, Some(e));
                    }
                }
            }
            Some(Err(j)) => {
                let ju = j as usize;
                if self.l[ju] > 0 {
                    f(O, 0, None);
                }
                for &e in &self.mentor_arcs[ju] {
                    if !self.chosen[e as usize] {
                        let arc = &self.problem.arcs[e as usize];
                        f(self.applicant_node(arc.applicant), -arc.score, Some(e));
                    }
                }
            }
        }
    }

    fn full(&self, j: usize) -> bool {
        self.l[j] >= self.problem.mentor_capacity[j]
    }

    /// One search, backwards from a virtual target reached from `O` (a slot
    /// the round has) and from every full mentor (one more slot there), both
    /// at no cost: the best "one more mentor" of every applicant, read with
    /// [`OneMore::best_for`].
    pub fn one_more_everywhere(&self) -> OneMore<'_, 'p> {
        let full: Vec<u32> = (0..self.l.len())
            .filter(|&j| self.full(j))
            .map(|j| j as u32)
            .collect();
        // The target's potential keeps every arc into it non-negative.
        let pi_target = full
            .iter()
            .map(|&j| self.pi[self.mentor_node(j) as usize])
            .min()
            .unwrap_or(0)
            .min(0);
        let mut seeds = vec![(O, -pi_target)];
        seeds.extend(full.iter().map(|&j| {
            let m = self.mentor_node(j);
            (m, self.pi[m as usize] - pi_target)
        }));
        let Backward { dist, next } = self.backward(&seeds);
        OneMore {
            residual: self,
            dist,
            next,
            pi_target,
        }
    }
}

/// Distances to a set of nodes and the next step towards them.
struct Backward {
    /// Reduced distance of each node to the set (`i64::MAX`: none).
    dist: Vec<i64>,
    /// The next node towards the set and the problem arc used (if any);
    /// `None` at the set itself.
    next: Vec<Option<(u32, Option<u32>)>>,
}

impl Residual<'_> {
    /// Dijkstra backwards from `seeds` (nodes with their reduced distance to
    /// a virtual target): every node's shortest way into the seeds.
    fn backward(&self, seeds: &[(u32, i64)]) -> Backward {
        let n = self.pi.len();
        let mut dist = vec![i64::MAX; n];
        let mut next: Vec<Option<(u32, Option<u32>)>> = vec![None; n];
        let mut done = vec![false; n];
        let mut heap = BinaryHeap::new();
        for &(x, d) in seeds {
            if d < dist[x as usize] {
                dist[x as usize] = d;
                heap.push(Reverse((d, x)));
            }
        }
        while let Some(Reverse((d, y))) = heap.pop() {
            if done[y as usize] {
                continue;
            }
            done[y as usize] = true;
            let py = self.pi[y as usize];
            self.edges_into(y, |x, cost, arc| {
                let reduced = cost + self.pi[x as usize] - py;
                debug_assert!(reduced >= 0, "negative reduced cost {reduced}: not optimal");
                let dx = d + reduced;
                if !done[x as usize] && dx < dist[x as usize] {
                    dist[x as usize] = dx;
                    next[x as usize] = Some((y, arc));
                    heap.push(Reverse((dx, x)));
                }
            });
        }
        Backward { dist, next }
    }

    /// Follows `next` from `at` into the seeds: the change along the way,
    /// the nodes passed (`at` first) and the seed reached.
    fn follow(&self, next: &[Option<(u32, Option<u32>)>], mut at: u32) -> (Augmentation, Vec<u32>) {
        let mut change = Augmentation::default();
        let mut nodes = vec![at];
        while let Some((to, arc)) = next[at as usize] {
            match arc {
                Some(arc) => change.through_arc(self, arc),
                None => change.through_outside(self, at, to),
            }
            at = to;
            nodes.push(at);
        }
        (change, nodes)
    }
}

/// The answers to "the best solution without this chosen arc" for many
/// arcs ([`Residual::removals`]).
pub struct Removals<'r, 'p> {
    residual: &'r Residual<'p>,
    /// From `O` to every node.
    from_outside: Search<'r, 'p>,
    /// From every node to `O`.
    to_outside: Backward,
}

impl<'p> Residual<'p> {
    /// Two searches shared by every removal: from `O` and into `O`. A
    /// removal's path either passes through `O`, and is then the two joined,
    /// or avoids it, and a search from the applicant that never enters `O`
    /// and stops at the cost of the first finds it.
    pub fn removals(&self) -> Removals<'_, 'p> {
        Removals {
            residual: self,
            from_outside: self.search(O, None, None, false),
            to_outside: self.backward(&[(O, 0)]),
        }
    }
}

impl Removals<'_, '_> {
    /// What [`Residual::without`] answers, from the shared searches.
    pub fn without(&self, e: u32) -> Option<Augmentation> {
        let r = self.residual;
        if !*r.chosen.get(e as usize)? {
            return None;
        }
        let a = &r.problem.arcs[e as usize];
        let (from, to) = (r.applicant_node(a.applicant), r.mentor_node(a.mentor));
        // Through O: reduced lengths, into O and from O on.
        let (into, out) = (
            self.to_outside.dist[from as usize],
            self.from_outside.dist[to as usize],
        );
        let via = (into != i64::MAX && out != i64::MAX).then(|| into + out);
        let direct = r.bounded_search(
            from,
            Some(to),
            Some(e),
            false,
            Some(via.unwrap_or(i64::MAX)),
        );
        let mut change = match direct.path_to(to) {
            Some(change) if direct.dist[to as usize] < via.unwrap_or(i64::MAX) => change,
            _ => {
                let (mut change, mut nodes) = r.follow(&self.to_outside.next, from);
                let rest = self.from_outside.path_to(to)?;
                let rest_nodes = self.from_outside.nodes_to(to);
                nodes.pop(); // O, where the second part starts
                nodes.extend(rest_nodes);
                let mut seen = nodes.clone();
                seen.sort_unstable();
                if seen.windows(2).any(|w| w[0] == w[1]) {
                    return r.without(e); // the two parts cross: search alone
                }
                change.worth_delta = -(via? - r.pi[from as usize] + r.pi[to as usize]);
                change.added.extend(rest.added);
                change.removed.extend(rest.removed);
                change.covered.extend(rest.covered);
                change.uncovered.extend(rest.uncovered);
                change.sorted()
            }
        };
        change.worth_delta -= a.score;
        change.removed.push(e);
        change.removed.sort_unstable();
        Some(change)
    }
}

impl OneMore<'_, '_> {
    /// The best solution in which applicant `i` has one more mentor, adding
    /// at most one slot at a full mentor, with where the slot comes from;
    /// `None` if no such change exists. Exact: when the shared search's
    /// route starts by giving one of `i`'s own slots up, `i` gets a search
    /// of its own.
    pub fn best_for(&self, i: u32) -> Option<(Slot, Augmentation)> {
        let r = self.residual;
        let start = r.applicant_node(i);
        let iu = i as usize;
        if r.k[iu] >= r.problem.applicants[iu].max {
            return None;
        }
        if self.dist[start as usize] == i64::MAX {
            return None;
        }
        if matches!(self.next[start as usize], Some((O, None))) {
            return by_search(r, i);
        }
        let mut change = Augmentation {
            worth_delta: gain(&r.problem.applicants[iu], r.k[iu] + 1)
                - (self.dist[start as usize] - r.pi[start as usize] + self.pi_target),
            ..Augmentation::default()
        };
        if r.k[iu] == 0 {
            change.covered.push(i);
        }
        let mut at = start;
        let slot = loop {
            match self.next[at as usize] {
                // Reached the target: from O (a slot the round has) or from
                // a full mentor (one more slot there).
                None => {
                    break match r.kind(at) {
                        Some(Err(j)) if r.full(j as usize) => Slot::AddedAt(j),
                        _ => Slot::Existing,
                    };
                }
                Some((to, Some(arc))) => {
                    change.through_arc(r, arc);
                    at = to;
                }
                Some((to, None)) => {
                    change.through_outside(r, at, to);
                    at = to;
                }
            }
        };
        Some((slot, change.sorted()))
    }
}

/// [`OneMore::best_for`] by a search from `i` alone: the slot the round has,
/// then one more slot at each full mentor, the first best wins.
fn by_search(r: &Residual, i: u32) -> Option<(Slot, Augmentation)> {
    let search = r.one_more_for(i);
    let mut best = search.one_more_now().map(|c| (Slot::Existing, c));
    for j in 0..r.l.len() {
        if !r.full(j) {
            continue;
        }
        if let Some(c) = search.one_more_through(j as u32)
            && best
                .as_ref()
                .is_none_or(|b| c.worth_delta > b.1.worth_delta)
        {
            best = Some((Slot::AddedAt(j as u32), c));
        }
    }
    best
}

impl Residual<'_> {
    /// [`OneMore::best_for`] with a search of its own (what the tests
    /// compare the shared search with).
    pub fn best_one_more_by_search(&self, i: u32) -> Option<(Slot, Augmentation)> {
        if self.k[i as usize] >= self.problem.applicants[i as usize].max {
            return None;
        }
        by_search(self, i)
    }
}

impl Search<'_, '_> {
    /// The nodes of the found path from the start to `node`, start first.
    fn nodes_to(&self, node: u32) -> Vec<u32> {
        let mut nodes = vec![node];
        let mut at = node;
        while let Step::Arc { from, .. } | Step::Outside { from } = self.step[at as usize] {
            at = from;
            nodes.push(at);
        }
        nodes.reverse();
        nodes
    }

    /// The change along the found path from the start to `node`, or `None`
    /// if it was not reached. Its worth is the path's true cost, negated.
    fn path_to(&self, node: u32) -> Option<Augmentation> {
        let r = self.residual;
        let d = self.dist[node as usize];
        if d == i64::MAX {
            return None;
        }
        let mut change = Augmentation {
            worth_delta: -(d - r.pi[self.start as usize] + r.pi[node as usize]),
            ..Augmentation::default()
        };
        let mut at = node;
        loop {
            match self.step[at as usize] {
                Step::Start => break,
                Step::Unreached => unreachable!("a settled path has no gap"),
                Step::Arc { from, arc } => {
                    change.through_arc(r, arc);
                    at = from;
                }
                Step::Outside { from } => {
                    change.through_outside(r, from, at);
                    at = from;
                }
            }
        }
        Some(change.sorted())
    }

    /// For a search from [`Residual::one_more_for`]`(i)`: the best solution
    /// in which `i` has one more mentor and mentor `m` one more slot, or
    /// `None` if no change of that kind reaches `i`. It is the better of
    /// [`Self::one_more_through`]`(m)` and [`Self::one_more_now`].
    pub fn one_more_slot_at(&self, m: u32) -> Option<Augmentation> {
        match (self.one_more_through(m), self.one_more_now()) {
            (Some(via), Some(now)) if now.worth_delta >= via.worth_delta => Some(now),
            (via, now) => via.or(now),
        }
    }

    /// The best solution in which `i` has one more mentor and the new slot
    /// at mentor `m` is used.
    pub fn one_more_through(&self, m: u32) -> Option<Augmentation> {
        self.one_more_ending(self.residual.mentor_node(m))
    }

    /// The best solution in which `i` has one more mentor, no capacity
    /// added: what serving it costs the round as it is.
    pub fn one_more_now(&self) -> Option<Augmentation> {
        self.one_more_ending(O)
    }

    fn one_more_ending(&self, node: u32) -> Option<Augmentation> {
        let r = self.residual;
        let i = self.start - 1;
        let mut change = self.path_to(node)?;
        change.worth_delta += gain(&r.problem.applicants[i as usize], r.k[i as usize] + 1);
        if r.k[i as usize] == 0 {
            change.covered.push(i);
            change.covered.sort_unstable();
        }
        Some(change)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CandidateArc, solve};
    use super::*;
    use crate::matching::r#gen::SplitMix64;

    fn random_problem(rng: &mut SplitMix64) -> BMatchProblem {
        let na = 1 + rng.below(7) as usize;
        let nm = 1 + rng.below(6) as usize;
        let applicants = (0..na)
            .map(|_| ApplicantSlots {
                max: rng.below(4) as u32,
                first_slot_bonus: if rng.below(2) == 0 {
                    0
                } else {
                    rng.below(300) as i64
                },
            })
            .collect();
        let mentor_capacity = (0..nm).map(|_| rng.below(3) as u32).collect();
        let mut arcs = Vec::new();
        for i in 0..na {
            for j in 0..nm {
                if rng.below(100) < 55 {
                    arcs.push(CandidateArc {
                        applicant: i as u32,
                        mentor: j as u32,
                        score: rng.below(120) as i64 - 10,
                    });
                }
            }
        }
        BMatchProblem {
            applicants,
            mentor_capacity,
            arcs,
        }
    }

    /// The chosen arcs after `change`, checked feasible, and their worth.
    fn apply(problem: &BMatchProblem, chosen: &[u32], change: &Augmentation) -> (Vec<u32>, i64) {
        let mut now: Vec<u32> = chosen
            .iter()
            .copied()
            .filter(|e| !change.removed.contains(e))
            .chain(change.added.iter().copied())
            .collect();
        now.sort_unstable();
        let mut k = vec![0u32; problem.applicants.len()];
        let mut l = vec![0u32; problem.mentor_capacity.len()];
        let mut worth = 0;
        for &e in &now {
            let a = &problem.arcs[e as usize];
            k[a.applicant as usize] += 1;
            l[a.mentor as usize] += 1;
            worth += a.score;
        }
        for (i, a) in problem.applicants.iter().enumerate() {
            assert!(k[i] <= a.max, "applicant {i} over its slots");
            if k[i] > 0 {
                worth += a.first_slot_bonus;
            }
        }
        for (j, &c) in problem.mentor_capacity.iter().enumerate() {
            assert!(l[j] <= c, "mentor {j} over capacity");
        }
        (now, worth)
    }

    #[test]
    fn removing_any_chosen_arc_gives_what_a_fresh_solve_gives() {
        let mut rng = SplitMix64::new(11);
        let mut checked = 0;
        for _ in 0..600 {
            let problem = random_problem(&mut rng);
            let solution = solve(&problem).unwrap();
            let residual = Residual::new(&problem, &solution);
            for &e in &solution.chosen {
                let change = residual.without(e).expect("a chosen arc");
                let mut without = problem.clone();
                without.arcs.remove(e as usize);
                let fresh = solve(&without).unwrap();
                assert_eq!(solution.objective + change.worth_delta, fresh.objective);
                let (now, worth) = apply(&problem, &solution.chosen, &change);
                assert!(!now.contains(&e));
                assert_eq!(worth, fresh.objective);
                checked += 1;
            }
        }
        assert!(checked > 500, "only {checked} removals checked");
    }

    #[test]
    fn removals_from_the_shared_searches_equal_one_search_each() {
        let mut rng = SplitMix64::new(15);
        let mut checked = 0;
        for _ in 0..800 {
            let problem = random_problem(&mut rng);
            let solution = solve(&problem).unwrap();
            let residual = Residual::new(&problem, &solution);
            let removals = residual.removals();
            for &e in &solution.chosen {
                let shared = removals.without(e).unwrap();
                let own = residual.without(e).unwrap();
                assert_eq!(shared.worth_delta, own.worth_delta);
                let (now, worth) = apply(&problem, &solution.chosen, &shared);
                assert!(!now.contains(&e));
                assert_eq!(worth, solution.objective + shared.worth_delta);
                checked += 1;
            }
        }
        assert!(checked > 500, "only {checked} removals checked");
    }

    #[test]
    fn one_more_mentor_with_one_more_slot_gives_what_a_constrained_solve_gives() {
        let mut rng = SplitMix64::new(12);
        let mut found = 0;
        for _ in 0..400 {
            let problem = random_problem(&mut rng);
            let solution = solve(&problem).unwrap();
            let residual = Residual::new(&problem, &solution);
            for i in 0..problem.applicants.len() as u32 {
                let k = residual.load(i);
                if k >= problem.applicants[i as usize].max {
                    continue;
                }
                let search = residual.one_more_for(i);
                for m in 0..problem.mentor_capacity.len() as u32 {
                    // The constrained optimum by a fresh solve: `i` may take
                    // exactly k + 1 mentors, each worth a dominating bonus.
                    let mut forced = problem.clone();
                    forced.mentor_capacity[m as usize] += 1;
                    forced.applicants[i as usize].max = k + 1;
                    let big = 1 + 2 * (10 + 120) * 20 + 7 * 300;
                    for a in forced.arcs.iter_mut().filter(|a| a.applicant == i) {
                        a.score += big;
                    }
                    let fresh = solve(&forced).unwrap();
                    let served = fresh
                        .chosen
                        .iter()
                        .filter(|&&e| forced.arcs[e as usize].applicant == i)
                        .count() as u32;
                    match search.one_more_slot_at(m) {
                        None => assert!(served <= k, "a change exists that the search missed"),
                        Some(change) => {
                            assert_eq!(served, k + 1);
                            let constrained = fresh.objective - i64::from(k + 1) * big;
                            assert_eq!(solution.objective + change.worth_delta, constrained);
                            let mut more = problem.clone();
                            more.mentor_capacity[m as usize] += 1;
                            let (now, worth) = apply(&more, &solution.chosen, &change);
                            let mine = now
                                .iter()
                                .filter(|&&e| problem.arcs[e as usize].applicant == i)
                                .count() as u32;
                            assert_eq!((mine, worth), (k + 1, constrained));
                            found += 1;
                        }
                    }
                }
            }
        }
        assert!(found > 500, "only {found} changes checked");
    }

    #[test]
    fn one_shared_search_finds_every_applicants_best_one_more_mentor() {
        let mut rng = SplitMix64::new(14);
        let mut compared = 0;
        for _ in 0..800 {
            let problem = random_problem(&mut rng);
            let solution = solve(&problem).unwrap();
            let residual = Residual::new(&problem, &solution);
            let everywhere = residual.one_more_everywhere();
            for i in 0..problem.applicants.len() as u32 {
                let shared = everywhere.best_for(i);
                let own = residual.best_one_more_by_search(i);
                assert_eq!(shared.is_some(), own.is_some());
                let (Some((slot, change)), Some((_, best))) = (shared, own) else {
                    continue;
                };
                assert_eq!(change.worth_delta, best.worth_delta);
                let mut more = problem.clone();
                if let Slot::AddedAt(j) = slot {
                    assert!(residual.mentor_load(j) >= problem.mentor_capacity[j as usize]);
                    more.mentor_capacity[j as usize] += 1;
                }
                let (now, worth) = apply(&more, &solution.chosen, &change);
                let mine = now
                    .iter()
                    .filter(|&&e| problem.arcs[e as usize].applicant == i)
                    .count() as u32;
                assert_eq!(mine, residual.load(i) + 1);
                assert_eq!(worth, solution.objective + change.worth_delta);
                compared += 1;
            }
        }
        assert!(compared > 500, "only {compared} applicants compared");
    }

    #[test]
    fn coverage_changes_are_the_applicants_that_gain_or_lose_their_first_mentor() {
        let mut rng = SplitMix64::new(13);
        for _ in 0..300 {
            let problem = random_problem(&mut rng);
            let solution = solve(&problem).unwrap();
            let residual = Residual::new(&problem, &solution);
            for &e in &solution.chosen {
                let change = residual.without(e).unwrap();
                let (now, _) = apply(&problem, &solution.chosen, &change);
                let covered = |set: &[u32], i: u32| {
                    set.iter().any(|&x| problem.arcs[x as usize].applicant == i)
                };
                for i in 0..problem.applicants.len() as u32 {
                    let (before, after) = (covered(&solution.chosen, i), covered(&now, i));
                    assert_eq!(change.covered.contains(&i), !before && after);
                    assert_eq!(change.uncovered.contains(&i), before && !after);
                }
            }
        }
    }
}
