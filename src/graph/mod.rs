//! The network as a graph, and the trust paths through it.
//!
//! [`NetworkGraph`] is a [`petgraph`] undirected graph built from a
//! [`Snapshot`]: every city is a node; every tie between two cities is an
//! edge carrying a [`Tie`] (a [`Relation`] and its trust):
//!
//! - one edge per **twin link** of the snapshot;
//! - one edge per pair of cities and **cluster** when both were in that
//!   cluster in overlapping periods (however many periods overlap; the tie is
//!   a coordinator tie if either city coordinated the cluster in a period
//!   overlapping the other's);
//! - one edge per **past mentorship** passed to
//!   [`NetworkGraph::build_with_mentorships`] (the snapshot has none yet).
//!
//! How much each tie is trusted is decided in one place, [`TrustModel`]. A
//! path's trust is the product of its hops' trusts, and the searches in
//! [`NetworkGraph::best_path`], [`NetworkGraph::best_paths_from`] and
//! [`NetworkGraph::k_best_paths`] find the most trusted simple paths within a
//! hop limit, exactly, with ties broken deterministically.
//!
//! Only the strongest tie between two cities matters to a path: two paths
//! through the same cities are the same introduction, so paths are distinct
//! when their city sequences are, and each hop names the strongest tie of
//! its pair (on equal trust: twin links, then past mentorships, then shared
//! clusters, each in id order).
//!
//! The graph is immutable once built, and building it is linear in the size
//! of the snapshot (plus the pairs within each cluster): rebuild it when the
//! network changes. This module is pure: no storage, no I/O, no clock.
//!
//! # Example
//! ```
//! use twinmatch::domain::*;
//! use twinmatch::graph::{NetworkGraph, TrustModel};
//!
//! let city = |id, name: &str, cc: &str| {
//!     City::new(CityId(id), CityName::parse(name).unwrap(), CountryCode::parse(cc).unwrap(),
//!               CityStatus::Partner, vec![], None, String::new()).unwrap()
//! };
//! let link = |id, a, b| {
//!     TwinLink::new(id, CityId(a), CityId(b), LinkKind::Twinning, None, true, String::new()).unwrap()
//! };
//! let snapshot = Snapshot {
//!     cities: vec![city(1, "Beira", "MZ"), city(2, "Bristol", "GB"), city(3, "Coimbra", "PT")],
//!     links: vec![link(10, 1, 2), link(11, 1, 3)],
//!     ..Snapshot::default()
//! };
//! let graph = NetworkGraph::build(&snapshot, &TrustModel::default());
//!
//! // Bristol reaches Coimbra through Beira: 0.9 × 0.9.
//! let path = graph.best_path(CityId(2), CityId(3), 3).unwrap();
//! assert_eq!(path.hops.len(), 2);
//! assert_eq!(path.hops[0].to, CityId(1));
//! assert!((path.trust - 0.81).abs() < 1e-12);
//! ```

mod paths;
mod trust;

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use crate::domain::{CityId, ClusterMembership, ClusterRole, Period, Snapshot, TopicId};

pub use paths::{Hop, PathsFrom, TrustPath};
pub use trust::{COST_UNITS, MIN_TRUST, PastMentorship, Relation, Tie, TrustModel, trust_cost};

/// The hop limit the service uses unless told otherwise: an introduction
/// through more than two intermediaries is rarely worth much.
pub const DEFAULT_MAX_HOPS: usize = 3;

/// The strongest tie from one city to one neighbour, as the searches see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    /// The neighbour's node index.
    to: usize,
    /// The edge holding the strongest tie of the pair.
    edge: EdgeIndex,
    cost: u64,
}

/// The network of cities and their ties, ready for trust-path searches.
///
/// Node indices follow city ids (the smallest id is node 0), so comparing
/// node sequences compares city-id sequences: the searches rely on it for
/// their tie-breaks.
#[derive(Debug, Clone)]
pub struct NetworkGraph {
    graph: UnGraph<CityId, Tie>,
    index: BTreeMap<CityId, NodeIndex>,
    /// For every node, the strongest tie to each neighbour, sorted by
    /// neighbour. Parallel edges are collapsed once here rather than in
    /// every relaxation of every search.
    strongest: Vec<Vec<Step>>,
}

impl NetworkGraph {
    /// Builds the graph of a snapshot: its cities, twin links and shared
    /// cluster memberships, with trusts from `trust`.
    ///
    /// Links and memberships naming a city absent from `snapshot.cities` are
    /// left out. Time and space are **O(|V| log |V| + |L| + Σ c²)** for |V|
    /// cities, |L| links and clusters of c members.
    pub fn build(snapshot: &Snapshot, trust: &TrustModel) -> Self {
        Self::build_with_mentorships(snapshot, trust, &[])
    }

    /// [`build`](Self::build), plus one tie per completed mentorship.
    ///
    /// Mentorships are added in sorted order, so the graph does not depend on
    /// the order of `mentorships`; one naming an unknown city is left out.
    pub fn build_with_mentorships(
        snapshot: &Snapshot,
        trust: &TrustModel,
        mentorships: &[PastMentorship],
    ) -> Self {
        let mut ids: Vec<CityId> = snapshot.cities.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();

        let mut graph = UnGraph::with_capacity(ids.len(), snapshot.links.len());
        let index: BTreeMap<CityId, NodeIndex> =
            ids.iter().map(|&id| (id, graph.add_node(id))).collect();
        let pair = |a: CityId, b: CityId| match (index.get(&a), index.get(&b)) {
            (Some(&x), Some(&y)) if x != y => Some((x, y)),
            _ => None,
        };

        // Insertion order is the tie-break among parallel ties of equal
        // trust: twin links first (the named, public relation), in id order.
        let mut links: Vec<_> = snapshot.links.iter().collect();
        links.sort_by_key(|l| l.id);
        for link in links {
            if let Some((a, b)) = pair(link.a, link.b) {
                let relation = Relation::TwinLink {
                    link_id: link.id,
                    kind: link.kind,
                    active: link.active,
                };
                let trust = trust.link(link.kind, link.active);
                graph.add_edge(a, b, Tie { relation, trust });
            }
        }

        let mut mentorships = mentorships.to_vec();
        mentorships.sort_unstable();
        for m in mentorships {
            if let Some((a, b)) = pair(m.mentor, m.mentee) {
                let relation = Relation::PastMentorship {
                    rating: m.rating,
                    year: m.year,
                };
                let trust = trust.mentorship(m.rating);
                graph.add_edge(a, b, Tie { relation, trust });
            }
        }

        for ((topic, x, y), with_coordinator) in shared_clusters(&snapshot.memberships) {
            if let Some((a, b)) = pair(x, y) {
                let relation = Relation::SharedCluster { topic };
                let trust = trust.cluster(with_coordinator);
                graph.add_edge(a, b, Tie { relation, trust });
            }
        }

        let strongest = strongest_ties(&graph);
        tracing::debug!(
            cities = graph.node_count(),
            ties = graph.edge_count(),
            "network graph built"
        );
        Self {
            graph,
            index,
            strongest,
        }
    }

    /// The underlying petgraph graph: one node per city (its weight is the
    /// city id), one edge per tie.
    pub fn graph(&self) -> &UnGraph<CityId, Tie> {
        &self.graph
    }

    /// Whether the city is a node of the graph.
    pub fn contains(&self, city: CityId) -> bool {
        self.index.contains_key(&city)
    }

    pub fn city_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn tie_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every tie between two cities, strongest first (on equal trust, in the
    /// order they were added: twin links, mentorships, shared clusters).
    /// Empty for unknown cities or cities without a direct tie.
    pub fn ties_between(&self, a: CityId, b: CityId) -> Vec<Tie> {
        let (Some(&x), Some(&y)) = (self.index.get(&a), self.index.get(&b)) else {
            return Vec::new();
        };
        let mut ties: Vec<(u64, usize, Tie)> = self
            .graph
            .edges_connecting(x, y)
            .map(|e| (e.weight().cost(), e.id().index(), *e.weight()))
            .collect();
        ties.sort_by_key(|&(cost, edge, _)| (cost, edge));
        ties.into_iter().map(|(_, _, tie)| tie).collect()
    }

    fn node(&self, city: CityId) -> Option<usize> {
        self.index.get(&city).map(|n| n.index())
    }

    fn city(&self, node: usize) -> CityId {
        self.graph[NodeIndex::new(node)]
    }

    /// The strongest tie from node `u` to node `v`, if they are neighbours.
    fn step(&self, u: usize, v: usize) -> Option<&Step> {
        let steps = &self.strongest[u];
        steps
            .binary_search_by_key(&v, |s| s.to)
            .ok()
            .map(|i| &steps[i])
    }
}

/// Whether two periods share at least one year (periods are inclusive).
fn overlaps(p: Period, q: Period) -> bool {
    p.start <= q.end && q.start <= p.end
}

/// The shared-cluster ties of a set of memberships: for every cluster and
/// pair of cities (smaller id first) in overlapping periods, whether either
/// coordinated it in a period overlapping the other's. Ordered by cluster
/// then pair, so the edges are added in a fixed order.
fn shared_clusters(memberships: &[ClusterMembership]) -> BTreeMap<(TopicId, CityId, CityId), bool> {
    let mut by_topic: BTreeMap<TopicId, Vec<&ClusterMembership>> = BTreeMap::new();
    for m in memberships {
        by_topic.entry(m.topic).or_default().push(m);
    }
    let mut ties = BTreeMap::new();
    for (topic, members) in by_topic {
        for (i, x) in members.iter().enumerate() {
            for y in &members[i + 1..] {
                if x.city == y.city || !overlaps(x.period, y.period) {
                    continue;
                }
                let key = (topic, x.city.min(y.city), x.city.max(y.city));
                let coordinated =
                    x.role == ClusterRole::Coordinator || y.role == ClusterRole::Coordinator;
                *ties.entry(key).or_insert(false) |= coordinated;
            }
        }
    }
    ties
}

/// For every node, its strongest tie to each neighbour (least cost, then
/// earliest edge), sorted by neighbour.
fn strongest_ties(graph: &UnGraph<CityId, Tie>) -> Vec<Vec<Step>> {
    graph
        .node_indices()
        .map(|n| {
            let mut best: BTreeMap<usize, Step> = BTreeMap::new();
            for e in graph.edges(n) {
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                let step = Step {
                    to: other.index(),
                    edge: e.id(),
                    cost: e.weight().cost(),
                };
                match best.entry(step.to) {
                    Entry::Vacant(slot) => {
                        slot.insert(step);
                    }
                    Entry::Occupied(mut slot) => {
                        let held = slot.get();
                        if (step.cost, step.edge.index()) < (held.cost, held.edge.index()) {
                            slot.insert(step);
                        }
                    }
                }
            }
            best.into_values().collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{City, CityName, CityStatus, CountryCode, LinkKind, TwinLink};

    fn city(id: i64) -> City {
        City::new(
            CityId(id),
            CityName::parse(&format!("City {id}")).unwrap(),
            CountryCode::parse("MZ").unwrap(),
            CityStatus::Partner,
            vec![],
            None,
            String::new(),
        )
        .unwrap()
    }

    fn link(id: i64, a: i64, b: i64) -> TwinLink {
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
    }

    fn membership(city: i64, topic: i64, role: ClusterRole, period: &str) -> ClusterMembership {
        ClusterMembership {
            id: city * 100 + topic,
            city: CityId(city),
            topic: TopicId(topic),
            role,
            period: Period::parse(period).unwrap(),
            source: String::new(),
        }
    }

    #[test]
    fn nodes_follow_city_ids_whatever_the_snapshot_order() {
        let snapshot = Snapshot {
            cities: vec![city(30), city(10), city(20), city(10)],
            ..Snapshot::default()
        };
        let g = NetworkGraph::build(&snapshot, &TrustModel::default());
        let nodes: Vec<CityId> = g.graph().node_weights().copied().collect();
        assert_eq!(nodes, [CityId(10), CityId(20), CityId(30)]);
        assert_eq!(g.node(CityId(20)), Some(1));
        assert_eq!(g.city(2), CityId(30));
    }

    #[test]
    fn links_to_cities_outside_the_snapshot_are_left_out() {
        let snapshot = Snapshot {
            cities: vec![city(1), city(2)],
            links: vec![link(1, 1, 2), link(2, 1, 3)],
            ..Snapshot::default()
        };
        let g = NetworkGraph::build(&snapshot, &TrustModel::default());
        assert_eq!(g.tie_count(), 1);
        assert!(!g.contains(CityId(3)));
    }

    #[test]
    fn periods_overlap_when_they_share_a_year() {
        let p = |s| Period::parse(s).unwrap();
        assert!(overlaps(p("2019-2021"), p("2021-2023")));
        assert!(overlaps(p("2022"), p("2021-2023")));
        assert!(!overlaps(p("2016-2018"), p("2019-2021")));
    }

    #[test]
    fn a_cluster_pair_is_one_tie_and_a_coordinator_anywhere_in_the_overlap_counts() {
        use ClusterRole::{Coordinator, Member};
        let ties = shared_clusters(&[
            membership(2, 7, Member, "2019-2021"),
            membership(1, 7, Member, "2019-2021"),
            membership(1, 7, Coordinator, "2021-2023"),
            membership(3, 7, Member, "2023-2025"),
            membership(3, 8, Member, "2023-2025"),
        ]);
        let keys: Vec<_> = ties
            .iter()
            .map(|(&(t, a, b), &c)| (t.0, a.0, b.0, c))
            .collect();
        // 1-2 overlap in 2019-2021 and, with 1 coordinating, in 2021;
        // 1-3 overlap in 2023 while 1 coordinated; 2-3 never overlap.
        assert_eq!(keys, [(7, 1, 2, true), (7, 1, 3, true)]);
    }

    #[test]
    fn the_strongest_of_parallel_ties_is_kept_for_the_searches() {
        let snapshot = Snapshot {
            cities: vec![city(1), city(2)],
            links: vec![link(1, 1, 2)],
            memberships: vec![
                membership(1, 7, ClusterRole::Member, "2021-2023"),
                membership(2, 7, ClusterRole::Member, "2021-2023"),
            ],
            ..Snapshot::default()
        };
        let mentorship = PastMentorship::new(CityId(2), CityId(1), 5, 2024).unwrap();
        let g =
            NetworkGraph::build_with_mentorships(&snapshot, &TrustModel::default(), &[mentorship]);
        assert_eq!(g.tie_count(), 3);
        let step = g.step(0, 1).unwrap();
        assert_eq!(
            g.graph()[step.edge].relation,
            Relation::PastMentorship {
                rating: 5,
                year: 2024
            }
        );
        assert_eq!(g.step(1, 0).unwrap().edge, step.edge);
        let trusts: Vec<f64> = g
            .ties_between(CityId(1), CityId(2))
            .iter()
            .map(|t| t.trust)
            .collect();
        assert_eq!(trusts, [0.95, 0.9, 0.5]);
    }
}
