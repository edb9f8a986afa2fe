//! Trust paths: the most trusted ways one city can be introduced to another.
//!
//! A path's trust is the product of its hops' trusts; searching for the
//! largest product is searching for the least sum of `-ln(trust)`, which
//! [`trust_cost`](super::trust_cost) turns into integer costs. Paths are
//! simple (no city twice) and at most `max_hops` long.
//!
//! # Order of paths
//! Paths are ranked by, in turn:
//! 1. total cost (the most trusted first);
//! 2. number of hops (fewer first: a shorter introduction is easier);
//! 3. the sequence of city ids, compared lexicographically (the smallest
//!    first), which only serves to make the answer unique.
//!
//! This is a total order on simple paths, so every search has exactly one
//! answer, whatever order the data came in.
//!
//! # Why not petgraph's Dijkstra
//! A plain Dijkstra settles each city once, by its cheapest path of any
//! length. Under a hop limit that is not exact: a city reached first by a
//! short but weak path may be the only way on to a target within the limit,
//! or may need a longer but stronger path itself. The searches here run a
//! *layered Bellman-Ford* instead (one layer per hop), which is exact for
//! hop-limited paths, and break ties by the order above, which petgraph's
//! algorithms do not do. The graph itself is petgraph's.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{NetworkGraph, Relation};
use crate::domain::CityId;

/// One hop of a trust path: `from` can introduce `to` through `relation`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Hop {
    pub from: CityId,
    pub to: CityId,
    pub relation: Relation,
    pub trust: f64,
}

/// A simple path between two cities and its trust, the product of its hops'
/// trusts. Part of the public JSON contract (`twinmatch path FROM TO`).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TrustPath {
    pub trust: f64,
    pub hops: Vec<Hop>,
}

impl TrustPath {
    /// The cities along the path, from the first to the last.
    pub fn cities(&self) -> Vec<CityId> {
        let mut cities: Vec<CityId> = self.hops.iter().map(|h| h.from).collect();
        cities.extend(self.hops.last().map(|h| h.to));
        cities
    }

    /// The search cost of the path: the sum of its hops'
    /// [`trust_cost`](super::trust_cost).
    pub fn cost(&self) -> u64 {
        self.hops.iter().map(|h| super::trust_cost(h.trust)).sum()
    }
}

/// The best walk found so far to a node: its cost and its node sequence
/// (source first). Within one layer every sequence has the same length, so
/// the derived order is the path order of the module docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Label {
    cost: u64,
    path: Vec<usize>,
}

/// What a search may not use: the nodes of a root path and the ties already
/// taken after it (Yen's algorithm).
struct Exclusions {
    nodes: Vec<bool>,
    /// Node pairs, smaller index first.
    pairs: BTreeSet<(usize, usize)>,
}

impl Exclusions {
    fn new(node_count: usize) -> Self {
        Self {
            nodes: vec![false; node_count],
            pairs: BTreeSet::new(),
        }
    }

    fn block_pair(&mut self, u: usize, v: usize) {
        self.pairs.insert((u.min(v), u.max(v)));
    }

    fn blocks(&self, u: usize, v: usize) -> bool {
        self.nodes[v] || self.pairs.contains(&(u.min(v), u.max(v)))
    }
}

impl NetworkGraph {
    /// The most trusted simple path from `from` to `to` with at most
    /// `max_hops` hops.
    ///
    /// Ties between equally trusted paths go to the one with fewer hops, then
    /// to the lexicographically smallest sequence of city ids.
    ///
    /// # Arguments
    /// * `from`, `to`: the two cities; their order only orients the hops.
    /// * `max_hops`: the hop limit (see [`DEFAULT_MAX_HOPS`](super::DEFAULT_MAX_HOPS)).
    ///
    /// # Returns
    /// `None` when either city is unknown, when `from == to`, when
    /// `max_hops == 0`, or when no path fits within the limit.
    ///
    /// # Complexity
    /// A layered Bellman-Ford over (city, hops) states: **O(H·(|V| + H·|E|))**
    /// time and **O(H·|V|)** space, for H = `max_hops` (capped at |V| − 1),
    /// since each label carries its path of at most H + 1 cities.
    ///
    /// # Reference
    /// The hop-constrained shortest path recurrence, d_h(v) =
    /// min_u d_{h−1}(u) + w(u, v), is Bellman's (1958, "On a routing
    /// problem"); see also Guérin & Orda, "Computing shortest paths for any
    /// number of hops", IEEE/ACM ToN 10(5), 2002.
    pub fn best_path(&self, from: CityId, to: CityId, max_hops: usize) -> Option<TrustPath> {
        let (s, t) = (self.node(from)?, self.node(to)?);
        if s == t || max_hops == 0 {
            return None;
        }
        let mut best = self.search(s, max_hops, None);
        best.swap_remove(t).map(|l| self.trust_path(&l.path))
    }

    /// The most trusted simple path from `from` to every city it can reach
    /// within `max_hops` hops, found in one search.
    ///
    /// Each path is the one [`best_path`](Self::best_path) returns for that
    /// target (same order, same tie-breaks).
    ///
    /// # Returns
    /// A map from every reachable city (never `from` itself) to its best
    /// path; empty when `from` is unknown or `max_hops == 0`.
    ///
    /// # Complexity
    /// The same single search as `best_path`: **O(H·(|V| + H·|E|))** time,
    /// plus **O(|V|·H)** to build the paths, for all targets together.
    pub fn best_paths_from(&self, from: CityId, max_hops: usize) -> BTreeMap<CityId, TrustPath> {
        let Some(s) = self.node(from) else {
            return BTreeMap::new();
        };
        if max_hops == 0 {
            return BTreeMap::new();
        }
        self.search(s, max_hops, None)
            .into_iter()
            .enumerate()
            .filter_map(|(v, label)| label.map(|l| (self.city(v), self.trust_path(&l.path))))
            .collect()
    }

    /// The best paths from `from` to every city within `max_hops` hops, from
    /// one search as in [`best_paths_from`](Self::best_paths_from), but kept
    /// as node sequences: a path is only built for the cities asked.
    pub fn paths_from(&self, from: CityId, max_hops: usize) -> PathsFrom<'_> {
        let labels = match self.node(from) {
            Some(s) if max_hops > 0 => self.search(s, max_hops, None),
            _ => Vec::new(),
        };
        PathsFrom {
            graph: self,
            labels,
        }
    }

    /// The path through `nodes` (as [`PathsFrom::nodes`] gives them).
    pub fn path_of(&self, nodes: &[u32]) -> TrustPath {
        let nodes: Vec<usize> = nodes.iter().map(|&n| n as usize).collect();
        self.trust_path(&nodes)
    }

    /// The `k` most trusted simple paths from `from` to `to` within
    /// `max_hops` hops, best first: the alternatives to
    /// [`best_path`](Self::best_path), which is always the first.
    ///
    /// Paths are distinct as sequences of cities (two ties between the same
    /// pair of cities make one hop, the strongest). They come in the order of
    /// the module docs: trust, then fewer hops, then city ids.
    ///
    /// # Returns
    /// At most `k` paths; fewer when fewer exist; empty in the cases where
    /// `best_path` returns `None`, or when `k == 0`.
    ///
    /// # Complexity
    /// Yen's algorithm: at most **k·H** spur searches, each a hop-limited
    /// search as in `best_path`, so **O(k·H²·(|V| + H·|E|))** time.
    ///
    /// # Reference
    /// Jin Y. Yen, "Finding the K Shortest Loopless Paths in a Network",
    /// Management Science 17(11), 1971. The hop limit carries over to the
    /// spur searches: a spur from the i-th city of a path may use at most
    /// `max_hops − i` hops.
    pub fn k_best_paths(
        &self,
        from: CityId,
        to: CityId,
        k: usize,
        max_hops: usize,
    ) -> Vec<TrustPath> {
        let (Some(s), Some(t)) = (self.node(from), self.node(to)) else {
            return Vec::new();
        };
        if k == 0 || s == t || max_hops == 0 {
            return Vec::new();
        }
        let max_hops = max_hops.min(self.strongest.len() - 1);
        let Some(first) = self.search(s, max_hops, None).swap_remove(t) else {
            return Vec::new();
        };

        let mut found = vec![first];
        // Candidates ordered as paths are: cost, hops, then city ids.
        let mut candidates: BTreeSet<(u64, usize, Vec<usize>)> = BTreeSet::new();
        while found.len() < k {
            let last = found[found.len() - 1].path.clone();
            for i in 0..last.len() - 1 {
                let root = &last[..=i];
                let spur = root[i];
                let mut excluded = Exclusions::new(self.strongest.len());
                for &n in &root[..i] {
                    excluded.nodes[n] = true;
                }
                // Forbid the next hop of every path already found through
                // this root, so the spur search finds a new path.
                for p in found
                    .iter()
                    .filter(|p| p.path.len() > i + 1 && p.path[..=i] == *root)
                {
                    excluded.block_pair(p.path[i], p.path[i + 1]);
                }
                let spur_label = self
                    .search(spur, max_hops - i, Some(&excluded))
                    .swap_remove(t);
                if let Some(spur_label) = spur_label {
                    let mut path = root[..i].to_vec();
                    path.extend_from_slice(&spur_label.path);
                    let cost = self.path_cost(root) + spur_label.cost;
                    candidates.insert((cost, path.len(), path));
                }
            }
            let Some((cost, _, path)) = candidates.pop_first() else {
                break;
            };
            found.push(Label { cost, path });
        }
        found.iter().map(|l| self.trust_path(&l.path)).collect()
    }

    /// The best walk from `source` to every node within `max_hops` hops,
    /// avoiding `excluded`; `None` for the source and unreachable nodes.
    ///
    /// Layer h holds, for each node, the least (cost, path) over walks of
    /// exactly h hops that extend a label of layer h − 1. A label is kept
    /// only if it costs strictly less than the node's best label of an
    /// earlier layer: otherwise that earlier label, with fewer hops, beats it
    /// and beats every extension of it. So the best walk overall survives,
    /// and it is simple, because cutting a cycle out of a walk never raises
    /// its cost and always lowers its hops. With this pruning, each node's
    /// last label is its best.
    fn search(
        &self,
        source: usize,
        max_hops: usize,
        excluded: Option<&Exclusions>,
    ) -> Vec<Option<Label>> {
        let n = self.strongest.len();
        let mut best: Vec<Option<Label>> = vec![None; n];
        let start = Label {
            cost: 0,
            path: vec![source],
        };
        best[source] = Some(start.clone());
        let mut layer = vec![start];
        for _ in 0..max_hops.min(n.saturating_sub(1)) {
            let mut next: BTreeMap<usize, Label> = BTreeMap::new();
            for label in &layer {
                let u = label.path[label.path.len() - 1];
                for step in &self.strongest[u] {
                    let v = step.to;
                    if excluded.is_some_and(|x| x.blocks(u, v)) {
                        continue;
                    }
                    let cost = label.cost.saturating_add(step.cost);
                    if best[v].as_ref().is_some_and(|b| b.cost <= cost) {
                        continue;
                    }
                    let extend = || {
                        let mut path = Vec::with_capacity(label.path.len() + 1);
                        path.extend_from_slice(&label.path);
                        path.push(v);
                        Label { cost, path }
                    };
                    match next.entry(v) {
                        Entry::Vacant(slot) => {
                            slot.insert(extend());
                        }
                        Entry::Occupied(mut slot) => {
                            let held = slot.get();
                            let held_prefix = &held.path[..held.path.len() - 1];
                            if (cost, label.path.as_slice()) < (held.cost, held_prefix) {
                                slot.insert(extend());
                            }
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            layer = next.into_values().collect();
            for label in &layer {
                best[label.path[label.path.len() - 1]] = Some(label.clone());
            }
        }
        best[source] = None;
        best
    }

    /// The cost of a node path, hop by hop over the strongest ties.
    fn path_cost(&self, path: &[usize]) -> u64 {
        path.windows(2)
            .map(|w| self.step(w[0], w[1]).map_or(u64::MAX, |s| s.cost))
            .fold(0u64, u64::saturating_add)
    }

    /// The public form of a node path found by a search: each hop over the
    /// strongest tie of its pair, the trust their product.
    /// The trust of the path through `nodes`: the product of its ties'
    /// trusts, in order (what [`TrustPath::trust`] holds).
    fn path_trust(&self, nodes: impl Iterator<Item = usize> + Clone) -> f64 {
        nodes
            .clone()
            .zip(nodes.skip(1))
            .map(|(a, b)| {
                let step = self.step(a, b).expect("a search only walks along ties");
                self.graph[step.edge].trust
            })
            .product()
    }

    fn trust_path(&self, path: &[usize]) -> TrustPath {
        let hops: Vec<Hop> = path
            .windows(2)
            .map(|w| {
                let step = self
                    .step(w[0], w[1])
                    .expect("a search only walks along ties");
                let tie = self.graph[step.edge];
                Hop {
                    from: self.city(w[0]),
                    to: self.city(w[1]),
                    relation: tie.relation,
                    trust: tie.trust,
                }
            })
            .collect();
        TrustPath {
            trust: self.path_trust(path.iter().copied()),
            hops,
        }
    }
}

/// The best paths from one city, as [`NetworkGraph::paths_from`] found them.
pub struct PathsFrom<'g> {
    graph: &'g NetworkGraph,
    labels: Vec<Option<Label>>,
}

impl PathsFrom<'_> {
    fn label(&self, to: CityId) -> Option<&Label> {
        self.labels.get(self.graph.node(to)?)?.as_ref()
    }

    /// The nodes of the best path to `to`, for [`NetworkGraph::path_of`].
    pub fn nodes(&self, to: CityId) -> Option<impl Iterator<Item = u32> + '_> {
        Some(self.label(to)?.path.iter().map(|&n| n as u32))
    }

    /// The trust of the best path to `to` (that path's [`TrustPath::trust`]).
    pub fn trust(&self, to: CityId) -> Option<f64> {
        Some(self.graph.path_trust(self.label(to)?.path.iter().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{City, CityName, CityStatus, CountryCode, LinkKind, Snapshot, TwinLink};
    use crate::graph::TrustModel;

    /// A square 1-2-3-4-1 of twinnings plus a diagonal 1-3.
    fn square() -> NetworkGraph {
        let city = |id| {
            City::new(
                CityId(id),
                CityName::parse(&format!("City {id}")).unwrap(),
                CountryCode::parse("PT").unwrap(),
                CityStatus::Partner,
                vec![],
                None,
                String::new(),
            )
            .unwrap()
        };
        let link = |id, a, b| {
            TwinLink::new(
                id,
                CityId(a),
                CityId(b),
                LinkKind::Twinning,
                None,
                true,
                String::new(),
            )
            .unwrap()
        };
        let snapshot = Snapshot {
            cities: (1..=4).map(city).collect(),
            links: vec![
                link(1, 1, 2),
                link(2, 2, 3),
                link(3, 3, 4),
                link(4, 4, 1),
                link(5, 1, 3),
            ],
            ..Snapshot::default()
        };
        NetworkGraph::build(&snapshot, &TrustModel::default())
    }

    fn path_of(labels: &[Option<Label>], node: usize) -> Option<Vec<usize>> {
        labels[node].as_ref().map(|l| l.path.clone())
    }

    #[test]
    fn a_search_labels_every_reachable_node_but_the_source() {
        let g = square();
        let labels = g.search(0, 3, None);
        assert_eq!(labels[0], None);
        assert_eq!(path_of(&labels, 2), Some(vec![0, 2]));
        assert_eq!(path_of(&labels, 1), Some(vec![0, 1]));
    }

    #[test]
    fn a_search_avoids_excluded_cities_and_ties() {
        let g = square();
        let mut excluded = Exclusions::new(4);
        excluded.block_pair(2, 0);
        assert_eq!(
            path_of(&g.search(0, 3, Some(&excluded)), 2),
            Some(vec![0, 1, 2]),
            "the blocked diagonal sends the search round the square"
        );
        excluded.nodes[1] = true;
        assert_eq!(
            path_of(&g.search(0, 3, Some(&excluded)), 2),
            Some(vec![0, 3, 2])
        );
        excluded.nodes[3] = true;
        assert_eq!(path_of(&g.search(0, 3, Some(&excluded)), 2), None);
    }

    #[test]
    fn a_trust_path_lists_its_cities_and_its_cost() {
        let g = square();
        let path = g.trust_path(&[1, 0, 3]);
        assert_eq!(path.cities(), [CityId(2), CityId(1), CityId(4)]);
        assert_eq!(path.cost(), g.path_cost(&[1, 0, 3]));
        assert_eq!(path.cost(), 2 * crate::graph::trust_cost(0.9));
        assert!(
            TrustPath {
                trust: 1.0,
                hops: vec![]
            }
            .cities()
            .is_empty()
        );
    }
}
