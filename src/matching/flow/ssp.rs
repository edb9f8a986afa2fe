//! Reference oracle: textbook successive shortest paths on an explicit
//! residual graph, kept simple on purpose so that it can vouch for
//! the fast solver behind [`super::solve`] in tests. Not used in production:
//! it runs a full Dijkstra from the super-source per augmentation (one to two
//! orders of magnitude slower).
//!
//! # What it computes
//!
//! The same optimum as [`super::solve`], on the network of `ref_solve.py`:
//!
//! ```text
//!   S -> i   capacity 1, cost -first_slot_bonus_i;  S -> i  capacity max_i - 1, cost 0
//!   i -> j   capacity 1, cost -score                (one per candidate arc)
//!   j -> T   capacity capacity_j, cost 0
//! ```
//!
//! Starting from zero flow, it repeatedly finds a cheapest `S -> T` path with
//! Dijkstra on reduced costs (full search, no early termination), pushes the
//! bottleneck along it and stops when the cheapest path no longer has a
//! negative cost (this is the "bypass arc" `S -> T` of `ref_solve.py`). Path
//! costs never decrease across iterations, so every prefix is a min-cost flow
//! of its value and the last one is the min-cost flow of any value (Ahuja,
//! Magnanti & Orlin, *Network Flows*, 1993, section 9.7).
//!
//! # Complexity
//!
//! `O(F * (m + n) log n)` with `F` the number of augmentations (at most the
//! number of pairs chosen), plus one DAG pass for the initial potentials.

use super::{BMatchProblem, ProblemError};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const INF: i64 = i64::MAX / 4;

/// One directed residual edge; its reverse is `edges[idx ^ 1]`.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    cap: i64,
    cost: i64,
}

/// Solves `problem` exactly and returns the chosen arc indices, ascending.
///
/// Its potentials are distances from `S` and may reach `nodes * C` in
/// magnitude (`C = max |score| + max bonus`): instances where that exceeds
/// 2^60 are rejected with [`ProblemError::WeightsTooLarge`].
pub fn solve(problem: &BMatchProblem) -> Result<Vec<u32>, ProblemError> {
    problem.validate()?;
    let c = problem
        .arcs
        .iter()
        .map(|a| i128::from(a.score).abs())
        .max()
        .unwrap_or(0)
        + problem
            .applicants
            .iter()
            .map(|a| i128::from(a.first_slot_bonus))
            .max()
            .unwrap_or(0);
    let bound = (problem.applicants.len() + problem.mentor_capacity.len() + 2) as i128 * 4 * c;
    if bound > 1 << 60 {
        return Err(ProblemError::WeightsTooLarge { bound });
    }
    let na = problem.applicants.len();
    let nm = problem.mentor_capacity.len();
    let s = 0usize;
    let t = na + nm + 1;
    let n = t + 1;
    let mut edges: Vec<Edge> = Vec::new();
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut add = |edges: &mut Vec<Edge>, u: usize, v: usize, cap: i64, cost: i64| {
        adj[u].push(edges.len() as u32);
        edges.push(Edge {
            to: v as u32,
            cap,
            cost,
        });
        adj[v].push(edges.len() as u32);
        edges.push(Edge {
            to: u as u32,
            cap: 0,
            cost: -cost,
        });
        edges.len() - 2
    };
    for (i, a) in problem.applicants.iter().enumerate() {
        if a.max >= 1 {
            add(&mut edges, s, 1 + i, 1, -a.first_slot_bonus);
        }
        if a.max >= 2 {
            add(&mut edges, s, 1 + i, i64::from(a.max) - 1, 0);
        }
    }
    let arc_edge: Vec<usize> = problem
        .arcs
        .iter()
        .map(|a| {
            add(
                &mut edges,
                1 + a.applicant as usize,
                1 + na + a.mentor as usize,
                1,
                -a.score,
            )
        })
        .collect();
    for (j, &c) in problem.mentor_capacity.iter().enumerate() {
        add(&mut edges, 1 + na + j, t, i64::from(c), 0);
    }

    // Initial potentials: shortest distances from S in the (acyclic) zero-flow
    // graph, layer by layer: S, applicants, mentors, T. Nodes S cannot reach
    // keep 0; no residual arc enters them from a reachable node.
    let mut p = vec![0i64; n];
    let mut reach = vec![false; n];
    reach[s] = true;
    for layer in [s..s + 1, 1..1 + na, 1 + na..1 + na + nm] {
        for u in layer {
            if !reach[u] {
                continue;
            }
            for &e in &adj[u] {
                let ed = edges[e as usize];
                if ed.cap > 0 {
                    let v = ed.to as usize;
                    let d = p[u] + ed.cost;
                    if !reach[v] || d < p[v] {
                        p[v] = d;
                        reach[v] = true;
                    }
                }
            }
        }
    }

    let mut dist = vec![INF; n];
    let mut pred = vec![u32::MAX; n];
    let mut heap = BinaryHeap::new();
    loop {
        dist.fill(INF);
        dist[s] = 0;
        heap.push(Reverse((0i64, s as u32)));
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if d > dist[u] {
                continue;
            }
            for &e in &adj[u] {
                let ed = edges[e as usize];
                if ed.cap == 0 {
                    continue;
                }
                let v = ed.to as usize;
                let nd = d + ed.cost + p[u] - p[v];
                debug_assert!(ed.cost + p[u] - p[v] >= 0, "negative reduced cost");
                if nd < dist[v] {
                    dist[v] = nd;
                    pred[v] = e;
                    heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        let dt = dist[t];
        if dt >= INF || dt + p[t] - p[s] >= 0 {
            break; // no path left, or no path with negative cost
        }
        for v in 0..n {
            p[v] += dist[v].min(dt);
        }
        let mut push = INF;
        let mut v = t;
        while v != s {
            let e = pred[v] as usize;
            push = push.min(edges[e].cap);
            v = edges[e ^ 1].to as usize;
        }
        let mut v = t;
        while v != s {
            let e = pred[v] as usize;
            edges[e].cap -= push;
            edges[e ^ 1].cap += push;
            v = edges[e ^ 1].to as usize;
        }
    }
    Ok(arc_edge
        .iter()
        .enumerate()
        .filter(|&(_, &e)| edges[e].cap == 0)
        .map(|(k, _)| k as u32)
        .collect())
}
