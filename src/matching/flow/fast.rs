//! The production b-matching solver: successive shortest paths from one
//! supply node at a time, Dijkstra with early termination and lazily updated
//! potentials (the augmentation phase of the Hungarian method / Jonker-Volgenant,
//! generalised to capacities and convex slot costs).
//!
//! # What it computes
//!
//! A min-cost flow of the network described in the [parent module](super):
//! supplies on the side `L` with the smaller usable capacity, a sink `T`
//! behind the other side `R`, and "unused unit" arcs `u -> T` so that every
//! unit can always be routed. The chosen pairs are the arcs `u -> v` carrying
//! flow.
//!
//! # How
//!
//! Potentials `p` keep every residual arc's reduced cost
//! `rc(x, y) = cost(x, y) + p(x) - p(y)` non-negative, so the current flow is
//! always optimal for the supply routed so far (Ahuja, Magnanti & Orlin,
//! *Network Flows*, 1993, ch. 9.7). For each remaining unit of supply at `s`
//! (nodes in index order) a Dijkstra search on reduced costs runs from `s`
//! and stops as soon as the sink is the closest unsettled node, at distance
//! `D`; the unit is sent along that path and only the settled nodes' potentials
//! move (`p(x) += d(x) - D`), which keeps all reduced costs non-negative and
//! makes the path tight (Jonker & Volgenant, *Computing* 38, 1987; Ahuja et
//! al. 9.7). Since the smaller side is the supply side, free slots on the
//! other side are plentiful and most searches settle only a handful of nodes.
//!
//! Two devices keep each search small:
//!
//! * residual arcs into `T` are relaxed when their tail gets a tentative
//!   distance, so the sink's tentative distance drops early and nothing at
//!   distance `>= D` is ever queued;
//! * each `L` node's arcs are sorted by a key `>= weight + p(head)` (valid for
//!   the rest of the solve since potentials only decrease), so a scan stops at
//!   the first arc whose lower bound `d(x) + p(x) - key` reaches the sink's
//!   tentative distance. The keys start as `weight + bonus(head)`; when scans
//!   stop pruning well (more than `RESORT_FACTOR * m` arcs examined since the
//!   last refresh, typically after large first-slot bonuses were collected)
//!   they are recomputed from the current potentials and the arcs re-sorted.
//!
//! # Complexity
//!
//! `O(U * (m + n log n))` in the worst case with `U` the smaller side's usable
//! capacity (as for any SSP), plus `O(m log degree)` per key refresh. Measured
//! (2-core machine, 1M arcs, 20,000 x 5,000): 0.07-0.12 s for `large` in both
//! modes, 0.25 s when capacities are loose (`--cap-max 12`), 0.6-0.9 s for a
//! 20,000 x 20,000 assignment, about 3 s when every applicant of `large`
//! carries a dominating tiered coverage bonus (OR-Tools' cost scaling needs
//! 2.7 s there too): every drop to a lower tier makes a search settle most of
//! the covered cluster. Memory: 29 bytes per arc (u32 head,
//! tail and arc id, i64 weight and key, a matched flag) plus O(nodes).
//!
//! # Determinism
//!
//! Sources are processed in index order, each node's arcs are ordered by
//! (key, arc index), and the heap breaks distance ties by node id, so the
//! result depends only on the input.

use super::BMatchProblem;

/// "Infinite" distance; far above any reachable distance (see the parent
/// module's arithmetic section) yet safe to add a reduced cost to.
const INF: i64 = i64::MAX / 4;
/// No predecessor.
const NONE: u32 = u32::MAX;
/// Refresh the scan keys after this many forward-arc examinations per arc.
const RESORT_FACTOR: u64 = 4;

/// Raw output of [`solve`]: chosen arcs and uncanonicalised dual prices.
#[derive(Debug, Clone)]
pub struct FastOutput {
    /// Chosen arc indices, ascending.
    pub chosen: Vec<u32>,
    /// Applicant prices `u_i` derived from the potentials.
    pub applicant_price: Vec<i64>,
    /// Mentor prices `v_j` derived from the potentials.
    pub mentor_price: Vec<i64>,
}

/// The oriented network: `L` (supply side) x `R`, CSR by `L` node.
struct Network {
    n_left: usize,
    n_right: usize,
    /// Usable capacity per `L` node: `min(cap, degree)`.
    left_cap: Vec<u32>,
    /// First-slot bonus per `L` node (0 on the mentor side).
    left_bonus: Vec<i64>,
    right_cap: Vec<u32>,
    right_bonus: Vec<i64>,
    /// `start[u]..start[u + 1]`: positions of `u`'s arcs.
    start: Vec<u32>,
    /// Per position: `R` node, `L` node, weight (score), input arc index.
    head: Vec<u32>,
    tail: Vec<u32>,
    weight: Vec<i64>,
    arc_id: Vec<u32>,
    /// Per position: `weight + bonus(head)`, an upper bound on
    /// `weight + p(head)` for the whole solve (an `R` node's potential starts
    /// at its bonus and only decreases). Positions of one node are sorted by
    /// it, descending, so that a scan can stop early (see `augment_from`).
    key: Vec<i64>,
    applicants_left: bool,
}

impl Network {
    fn build(problem: &BMatchProblem) -> Network {
        let na = problem.applicants.len();
        let nm = problem.mentor_capacity.len();
        let mut deg_a = vec![0u32; na];
        let mut deg_m = vec![0u32; nm];
        // Arcs at a zero-capacity node can never be chosen; leaving them out
        // also keeps every R node in the network able to hold flow, which the
        // potential bounds of the parent module's arithmetic section rely on.
        let usable = |a: &super::CandidateArc| {
            problem.applicants[a.applicant as usize].max > 0
                && problem.mentor_capacity[a.mentor as usize] > 0
        };
        for a in problem.arcs.iter().filter(|a| usable(a)) {
            deg_a[a.applicant as usize] += 1;
            deg_m[a.mentor as usize] += 1;
        }
        let cap_a: Vec<u32> = problem
            .applicants
            .iter()
            .zip(&deg_a)
            .map(|(a, &d)| a.max.min(d))
            .collect();
        let cap_m: Vec<u32> = problem
            .mentor_capacity
            .iter()
            .zip(&deg_m)
            .map(|(&c, &d)| c.min(d))
            .collect();
        let bonus_a: Vec<i64> = problem
            .applicants
            .iter()
            .map(|a| a.first_slot_bonus)
            .collect();
        let sum = |v: &[u32]| v.iter().map(|&c| u64::from(c)).sum::<u64>();
        let applicants_left = sum(&cap_a) <= sum(&cap_m);
        let (n_left, n_right, left_cap, left_bonus, right_cap, right_bonus, left_deg) =
            if applicants_left {
                (na, nm, cap_a, bonus_a, cap_m, vec![0; nm], deg_a)
            } else {
                (nm, na, cap_m, vec![0; nm], cap_a, bonus_a, deg_m)
            };
        let mut start = vec![0u32; n_left + 1];
        for u in 0..n_left {
            start[u + 1] = start[u] + left_deg[u];
        }
        let m = start[n_left] as usize;
        let mut fill = start.clone();
        let mut head = vec![0u32; m];
        let mut tail = vec![0u32; m];
        let mut weight = vec![0i64; m];
        let mut arc_id = vec![0u32; m];
        let mut key = vec![0i64; m];
        // Bucket arc ids by L node, then order each bucket by `key` descending
        // (ties by arc index).
        let left_of = |a: &super::CandidateArc| {
            if applicants_left {
                a.applicant
            } else {
                a.mentor
            }
        };
        for (k, a) in problem.arcs.iter().enumerate().filter(|(_, a)| usable(a)) {
            let u = left_of(a) as usize;
            arc_id[fill[u] as usize] = k as u32;
            fill[u] += 1;
        }
        let key_of = |a: &super::CandidateArc| {
            let v = if applicants_left {
                a.mentor
            } else {
                a.applicant
            };
            a.score + right_bonus[v as usize]
        };
        for u in 0..n_left {
            let bucket = &mut arc_id[start[u] as usize..start[u + 1] as usize];
            bucket.sort_unstable_by_key(|&k| {
                (std::cmp::Reverse(key_of(&problem.arcs[k as usize])), k)
            });
        }
        for (pos, &k) in arc_id.iter().enumerate() {
            let a = &problem.arcs[k as usize];
            let (u, v) = if applicants_left {
                (a.applicant, a.mentor)
            } else {
                (a.mentor, a.applicant)
            };
            head[pos] = v;
            tail[pos] = u;
            weight[pos] = a.score;
            key[pos] = key_of(a);
        }
        Network {
            n_left,
            n_right,
            left_cap,
            left_bonus,
            right_cap,
            right_bonus,
            start,
            head,
            tail,
            weight,
            arc_id,
            key,
            applicants_left,
        }
    }
}

/// Per-node search state, kept together so that a successful relaxation
/// touches one cache line of the head node.
#[derive(Debug, Clone, Copy)]
struct NodeState {
    /// Tentative distance of the current search (reduced costs), or [`INF`].
    dist: i64,
    /// Cost of this node's next unit into the sink (`R`: first slot
    /// `-bonus`, then 0; `L`: unused unit, 0 then `+bonus` for the last),
    /// or [`INF`] when that arc is saturated.
    exit: i64,
    /// Arc position through which the search reached this node.
    pred: u32,
    /// Index in the heap, or [`NONE`].
    heap_pos: u32,
}

/// Mutable search state; node ids are `L` = `0..n_left`, `R` = `n_left..`.
/// The sink is implicit: arcs into it are the nodes' `exit` costs and its
/// potential is 0.
struct Solver {
    net: Network,
    /// Potentials; the sink's is 0. Kept apart from `node` because most
    /// relaxations fail on the `>= best_t` test, which needs `p` only, and a
    /// dense `p` stays in cache.
    p: Vec<i64>,
    node: Vec<NodeState>,
    /// Per arc position: carries flow (chosen).
    matched: Vec<bool>,
    /// Units of each `L` node sent to the sink unused.
    left_unused: Vec<u32>,
    /// Chosen arc positions per `R` node: `rm[rm_start[v]..rm_start[v] + load[v]]`.
    rm_start: Vec<u32>,
    rm: Vec<u32>,
    right_load: Vec<u32>,
    // Search scratch, reset through `touched` only.
    touched: Vec<u32>,
    settled: Vec<u32>,
    /// 4-ary min-heap of `(dist, node)`; ties go to the smaller node id.
    heap: Vec<(i64, u32)>,
    /// Forward arcs examined since `key` was last refreshed.
    scanned_since_sort: u64,
}

impl Solver {
    fn new(net: Network) -> Self {
        let n = net.n_left + net.n_right;
        let mut node = vec![
            NodeState {
                dist: INF,
                exit: INF,
                pred: NONE,
                heap_pos: NONE,
            };
            n
        ];
        // Initial potentials (sink at 0) make every arc's reduced cost >= 0:
        // p(v) >= bonus_v covers v's first sink arc (cost -bonus_v), and
        // p(u) >= max(0, score + p(v)) covers u's arcs and its unused arcs.
        let mut p = vec![0i64; n];
        for v in 0..net.n_right {
            p[net.n_left + v] = net.right_bonus[v];
            let st = &mut node[net.n_left + v];
            st.exit = if net.right_cap[v] > 0 {
                -net.right_bonus[v]
            } else {
                INF
            };
        }
        for u in 0..net.n_left {
            let mut best = 0i64;
            for pos in net.start[u] as usize..net.start[u + 1] as usize {
                best = best.max(net.weight[pos] + p[net.n_left + net.head[pos] as usize]);
            }
            p[u] = best;
            node[u].exit = match net.left_cap[u] {
                0 => INF,
                1 => net.left_bonus[u],
                _ => 0,
            };
        }
        let mut rm_start = vec![0u32; net.n_right + 1];
        for v in 0..net.n_right {
            rm_start[v + 1] = rm_start[v] + net.right_cap[v];
        }
        Solver {
            p,
            node,
            matched: vec![false; net.head.len()],
            left_unused: vec![0; net.n_left],
            rm: vec![0; rm_start[net.n_right] as usize],
            rm_start,
            right_load: vec![0; net.n_right],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: Vec::new(),
            scanned_since_sort: 0,
            net,
        }
    }

    /// Recomputes `exit` of `L` node `u` after its unused count changed.
    fn refresh_left_exit(&mut self, u: usize) {
        let cap = self.net.left_cap[u];
        let unused = self.left_unused[u];
        self.node[u].exit = if unused >= cap {
            INF
        } else if unused + 1 == cap {
            self.net.left_bonus[u]
        } else {
            0
        };
    }

    /// Recomputes `exit` of `R` node `v` (index in `R`) after its load changed.
    fn refresh_right_exit(&mut self, v: usize) {
        let load = self.right_load[v];
        self.node[self.net.n_left + v].exit = if load >= self.net.right_cap[v] {
            INF
        } else if load == 0 {
            -self.net.right_bonus[v]
        } else {
            0
        };
    }

    /// Lowers `y`'s tentative distance to `nd` if that is an improvement below
    /// the sink's tentative distance `best_t`; returns the new sink distance
    /// candidate through `y`'s exit arc (or [`INF`]).
    #[inline(always)]
    fn relax(&mut self, y: usize, nd: i64, pos: u32, best_t: i64) -> i64 {
        if nd >= best_t {
            return INF;
        }
        let st = &mut self.node[y];
        if nd >= st.dist {
            return INF;
        }
        if st.dist == INF {
            self.touched.push(y as u32);
        }
        st.dist = nd;
        st.pred = pos;
        // The sink's potential is 0, so the exit arc's reduced cost is exit + p.
        let through = if st.exit == INF {
            INF
        } else {
            nd + st.exit + self.p[y]
        };
        let hp = st.heap_pos;
        if hp == NONE {
            self.heap.push((nd, y as u32));
            self.sift_up(self.heap.len() - 1);
        } else {
            self.heap[hp as usize].0 = nd;
            self.sift_up(hp as usize);
        }
        through
    }

    #[inline(always)]
    fn sift_up(&mut self, mut i: usize) {
        let item = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 4;
            let pi = self.heap[parent];
            if pi <= item {
                break;
            }
            self.heap[i] = pi;
            self.node[pi.1 as usize].heap_pos = i as u32;
            i = parent;
        }
        self.heap[i] = item;
        self.node[item.1 as usize].heap_pos = i as u32;
    }

    /// Removes the heap's minimum (the heap must not be empty).
    #[inline(always)]
    fn pop_min(&mut self) -> (i64, u32) {
        let top = self.heap[0];
        self.node[top.1 as usize].heap_pos = NONE;
        let last = self.heap.pop().unwrap_or(top);
        let n = self.heap.len();
        if n > 0 {
            let mut i = 0;
            loop {
                let first = 4 * i + 1;
                if first >= n {
                    break;
                }
                let end = (first + 4).min(n);
                let mut best = first;
                let mut best_item = self.heap[first];
                for c in first + 1..end {
                    if self.heap[c] < best_item {
                        best = c;
                        best_item = self.heap[c];
                    }
                }
                if best_item >= last {
                    break;
                }
                self.heap[i] = best_item;
                self.node[best_item.1 as usize].heap_pos = i as u32;
                i = best;
            }
            self.heap[i] = last;
            self.node[last.1 as usize].heap_pos = i as u32;
        }
        top
    }

    /// Routes one unit of supply from `L` node `s` along a shortest path.
    fn augment_from(&mut self, s: usize) {
        let nl = self.net.n_left;
        // Sink's tentative distance and the node whose exit arc achieves it.
        let mut best_t = INF;
        let mut t_pred = NONE;
        let through = self.relax(s, 0, NONE, INF);
        if through < best_t {
            best_t = through;
            t_pred = s as u32;
        }

        while let Some(&(key, _)) = self.heap.first() {
            if key >= best_t {
                break;
            }
            let (dx, x) = self.pop_min();
            let x = x as usize;
            self.settled.push(x as u32);
            let px = self.p[x];
            if x < nl {
                // L node: forward arcs to R nodes not yet paired with it, by
                // decreasing key. As weight + p(y) <= key, the distance through
                // an arc is at least base - key: once that reaches the sink's
                // tentative distance, no later arc can do better.
                let base = dx + px;
                let (from, to) = (self.net.start[x] as usize, self.net.start[x + 1] as usize);
                let mut pos = from;
                while pos < to {
                    if base - self.net.key[pos] >= best_t {
                        break;
                    }
                    pos += 1;
                    if self.matched[pos - 1] {
                        continue;
                    }
                    let pos = pos - 1;
                    let y = nl + self.net.head[pos] as usize;
                    let nd = base - self.net.weight[pos] - self.p[y];
                    let t = self.relax(y, nd, pos as u32, best_t);
                    if t < best_t {
                        best_t = t;
                        t_pred = y as u32;
                    }
                }
                self.scanned_since_sort += (pos - from) as u64;
            } else {
                // R node: reverse arcs of its chosen pairs back to L nodes.
                let v = x - nl;
                let base = self.rm_start[v] as usize;
                for k in base..base + self.right_load[v] as usize {
                    let pos = self.rm[k] as usize;
                    let y = self.net.tail[pos] as usize;
                    let nd = dx + px + self.net.weight[pos] - self.p[y];
                    let t = self.relax(y, nd, pos as u32, best_t);
                    if t < best_t {
                        best_t = t;
                        t_pred = y as u32;
                    }
                }
            }
        }
        debug_assert!(
            t_pred != NONE,
            "the unused arc of the source is always residual"
        );
        let d_sink = best_t;

        // Potentials: settled nodes move by d(x) - D <= 0; the others stay.
        for &x in &self.settled {
            self.p[x as usize] += self.node[x as usize].dist - d_sink;
        }
        self.apply_path(s, t_pred as usize);

        for &x in &self.touched {
            let st = &mut self.node[x as usize];
            st.dist = INF;
            st.pred = NONE;
            st.heap_pos = NONE;
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.clear();
    }

    /// Tightens every `key` to `weight + p(head)` with the current potentials
    /// (still an upper bound for the rest of the solve, potentials only
    /// decrease) and re-sorts each node's arcs by it, remapping the chosen-arc
    /// lists. O(m log degree); triggered when scans stop pruning well, e.g.
    /// once large first-slot bonuses have been collected.
    fn refresh_keys(&mut self) {
        self.scanned_since_sort = 0;
        let nl = self.net.n_left;
        let net = &mut self.net;
        let m = net.head.len();
        for pos in 0..m {
            net.key[pos] = net.weight[pos] + self.p[nl + net.head[pos] as usize];
        }
        // order[new position] = old position.
        let mut order: Vec<u32> = (0..m as u32).collect();
        for u in 0..nl {
            let seg = &mut order[net.start[u] as usize..net.start[u + 1] as usize];
            seg.sort_unstable_by_key(|&q| {
                (
                    std::cmp::Reverse(net.key[q as usize]),
                    net.arc_id[q as usize],
                )
            });
        }
        fn gather<T: Copy>(v: &mut Vec<T>, order: &[u32]) {
            *v = order.iter().map(|&q| v[q as usize]).collect();
        }
        gather(&mut net.head, &order);
        gather(&mut net.weight, &order);
        gather(&mut net.arc_id, &order);
        gather(&mut net.key, &order);
        gather(&mut self.matched, &order);
        // `tail` is constant within a segment. Remap chosen-arc positions.
        let mut new_of_old = vec![0u32; m];
        for (new, &old) in order.iter().enumerate() {
            new_of_old[old as usize] = new as u32;
        }
        for v in 0..net.n_right {
            let base = self.rm_start[v] as usize;
            for q in &mut self.rm[base..base + self.right_load[v] as usize] {
                *q = new_of_old[*q as usize];
            }
        }
    }

    /// Flips the arcs of the path `s -> ... -> last -> sink` found by the search.
    fn apply_path(&mut self, s: usize, last: usize) {
        let nl = self.net.n_left;
        let mut cur_left;
        if last < nl {
            self.left_unused[last] += 1;
            self.refresh_left_exit(last);
            cur_left = last;
        } else {
            let v = last - nl;
            let pos = self.node[last].pred;
            let slot = self.rm_start[v] + self.right_load[v];
            self.rm[slot as usize] = pos;
            self.right_load[v] += 1;
            self.refresh_right_exit(v);
            self.matched[pos as usize] = true;
            cur_left = self.net.tail[pos as usize] as usize;
        }
        while cur_left != s {
            // cur_left was reached through the reverse of chosen arc `old`
            // from R node v; v was reached through the new arc `new`.
            let old = self.node[cur_left].pred;
            let v = self.net.head[old as usize] as usize;
            let new = self.node[nl + v].pred;
            self.matched[old as usize] = false;
            self.matched[new as usize] = true;
            let base = self.rm_start[v] as usize;
            let slots = &mut self.rm[base..base + self.right_load[v] as usize];
            match slots.iter_mut().find(|q| **q == old) {
                Some(q) => *q = new,
                None => unreachable!("reverse arc of an unchosen pair"),
            }
            cur_left = self.net.tail[new as usize] as usize;
        }
    }
}

/// Solves a validated problem; see the module docs.
///
/// `problem` must have passed [`BMatchProblem::validate`] (indices in range,
/// no duplicate pairs, non-negative bonuses, bounded magnitudes).
pub fn solve(problem: &BMatchProblem) -> FastOutput {
    let mut solver = Solver::new(Network::build(problem));
    let m = solver.net.head.len() as u64;
    for s in 0..solver.net.n_left {
        for _ in 0..solver.net.left_cap[s] {
            solver.augment_from(s);
            if solver.scanned_since_sort > RESORT_FACTOR * m {
                solver.refresh_keys();
            }
        }
    }
    let net = &solver.net;

    let mut chosen: Vec<u32> = (0..net.head.len())
        .filter(|&pos| solver.matched[pos])
        .map(|pos| net.arc_id[pos])
        .collect();
    chosen.sort_unstable();

    // Prices from potentials (see `check_certificate`): u_i + v_j equals the
    // arc's p(tail) - p(head), both measured from the sink (potential 0).
    let p = |x: usize| solver.p[x];
    let left: Vec<i64> = (0..net.n_left).map(p).collect();
    let right: Vec<i64> = (0..net.n_right).map(|v| -p(net.n_left + v)).collect();
    let (applicant_price, mentor_price) = if net.applicants_left {
        (left, right)
    } else {
        (right, left)
    };
    FastOutput {
        chosen,
        applicant_price,
        mentor_price,
    }
}
