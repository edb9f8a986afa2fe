//! Trust paths on hand-built networks, against brute force on random ones,
//! and on the real network data.

mod common;

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use twinmatch::domain::{
    City, CityId, CityName, CityStatus, ClusterMembership, ClusterRole, CountryCode, LinkKind,
    Period, Snapshot, TopicId, TwinLink,
};
use twinmatch::graph::{NetworkGraph, PastMentorship, Relation, TrustModel, TrustPath, trust_cost};

const EPS: f64 = 1e-12;

fn city(id: i64) -> City {
    City::new(
        CityId(id),
        CityName::parse(&format!("City {id}")).unwrap(),
        CountryCode::parse("GB").unwrap(),
        CityStatus::Partner,
        vec![],
        None,
        String::new(),
    )
    .unwrap()
}

/// A network of cities 1..=n and the given links `(a, b, kind, active)`,
/// numbered from 1 in order.
fn network(n: i64, links: &[(i64, i64, LinkKind, bool)]) -> Snapshot {
    Snapshot {
        cities: (1..=n).map(city).collect(),
        links: links
            .iter()
            .zip(1..)
            .map(|(&(a, b, kind, active), id)| {
                TwinLink::new(id, CityId(a), CityId(b), kind, None, active, String::new()).unwrap()
            })
            .collect(),
        ..Snapshot::default()
    }
}

fn twinnings(n: i64, pairs: &[(i64, i64)]) -> Snapshot {
    let links: Vec<_> = pairs
        .iter()
        .map(|&(a, b)| (a, b, LinkKind::Twinning, true))
        .collect();
    network(n, &links)
}

fn membership(
    id: i64,
    city: i64,
    topic: i64,
    role: ClusterRole,
    period: &str,
) -> ClusterMembership {
    ClusterMembership {
        id,
        city: CityId(city),
        topic: TopicId(topic),
        role,
        period: Period::parse(period).unwrap(),
        source: String::new(),
    }
}

fn ids(path: &TrustPath) -> Vec<i64> {
    path.cities().into_iter().map(|c| c.0).collect()
}

fn product_of_hops(path: &TrustPath) -> f64 {
    path.hops.iter().map(|h| h.trust).product()
}

fn default_graph(snapshot: &Snapshot) -> NetworkGraph {
    NetworkGraph::build(snapshot, &TrustModel::default())
}

/// A model where every tie is fully trusted: all paths cost the same, so
/// only the tie-breaks decide.
fn flat_model() -> TrustModel {
    TrustModel {
        twinning: 1.0,
        sister_city: 1.0,
        cooperation_agreement: 1.0,
        friendship: 1.0,
        inactive_factor: 1.0,
        shared_cluster: 1.0,
        shared_cluster_with_coordinator: 1.0,
        mentorship_by_rating: [1.0; 5],
    }
}

#[test]
fn a_direct_twinning_beats_a_two_hop_chain() {
    let g = default_graph(&twinnings(3, &[(1, 2), (1, 3), (3, 2)]));
    let path = g.best_path(CityId(1), CityId(2), 3).unwrap();
    assert_eq!(ids(&path), [1, 2]);
    assert!((path.trust - 0.9).abs() < EPS);
    assert_eq!(
        path.hops[0].relation,
        Relation::TwinLink {
            link_id: 1,
            kind: LinkKind::Twinning,
            active: true
        }
    );
}

#[test]
fn a_path_trust_is_the_product_of_its_hops() {
    let g = default_graph(&network(
        4,
        &[
            (1, 2, LinkKind::SisterCity, true),
            (2, 3, LinkKind::CooperationAgreement, true),
            (3, 4, LinkKind::Friendship, true),
        ],
    ));
    let path = g.best_path(CityId(1), CityId(4), 3).unwrap();
    assert_eq!(ids(&path), [1, 2, 3, 4]);
    let trusts: Vec<f64> = path.hops.iter().map(|h| h.trust).collect();
    assert_eq!(trusts, [0.85, 0.80, 0.60]);
    assert!((path.trust - 0.85 * 0.80 * 0.60).abs() < EPS);
    assert_eq!(path.trust, product_of_hops(&path));
}

#[test]
fn hops_are_oriented_from_the_first_city_to_the_last() {
    let g = default_graph(&twinnings(3, &[(1, 2), (2, 3)]));
    let path = g.best_path(CityId(3), CityId(1), 3).unwrap();
    let ends: Vec<(i64, i64)> = path.hops.iter().map(|h| (h.from.0, h.to.0)).collect();
    assert_eq!(ends, [(3, 2), (2, 1)]);
}

#[test]
fn a_strong_two_hop_chain_beats_a_weak_direct_link() {
    let g = default_graph(&network(
        3,
        &[
            (1, 2, LinkKind::Friendship, false),
            (1, 3, LinkKind::Twinning, true),
            (3, 2, LinkKind::Twinning, true),
        ],
    ));
    let path = g.best_path(CityId(1), CityId(2), 3).unwrap();
    assert_eq!(ids(&path), [1, 3, 2]);
    assert!((path.trust - 0.81).abs() < EPS);
    // With one hop allowed, the weak direct link is all there is.
    let direct = g.best_path(CityId(1), CityId(2), 1).unwrap();
    assert_eq!(ids(&direct), [1, 2]);
    assert!((direct.trust - 0.3).abs() < EPS);
}

#[test]
fn an_inactive_link_counts_half_and_loses_to_an_active_route() {
    // Two routes 1-2-4 and 1-3-4 of twinnings; 2-4 is dormant.
    let g = default_graph(&network(
        4,
        &[
            (1, 2, LinkKind::Twinning, true),
            (2, 4, LinkKind::Twinning, false),
            (1, 3, LinkKind::Twinning, true),
            (3, 4, LinkKind::Twinning, true),
        ],
    ));
    let path = g.best_path(CityId(1), CityId(4), 3).unwrap();
    assert_eq!(ids(&path), [1, 3, 4]);
    let dormant = g.best_path(CityId(2), CityId(4), 1).unwrap();
    assert!((dormant.trust - 0.45).abs() < EPS);
    assert_eq!(
        dormant.hops[0].relation,
        Relation::TwinLink {
            link_id: 2,
            kind: LinkKind::Twinning,
            active: false
        }
    );
}

#[test]
fn equally_trusted_paths_go_to_the_smallest_city_ids() {
    // 1-5-2 and 1-4-2, then 1-3-6-2: the two-hop paths tie on trust.
    let g = default_graph(&twinnings(
        6,
        &[(1, 5), (5, 2), (1, 4), (4, 2), (1, 3), (3, 6), (6, 2)],
    ));
    let path = g.best_path(CityId(1), CityId(2), 3).unwrap();
    assert_eq!(ids(&path), [1, 4, 2]);
    // The other direction starts from 2, so the middle city decides again.
    assert_eq!(
        ids(&g.best_path(CityId(2), CityId(1), 3).unwrap()),
        [2, 4, 1]
    );
}

#[test]
fn on_equal_trust_fewer_hops_win_over_smaller_city_ids() {
    // [1, 2, 9] is lexicographically smaller than [1, 9], but longer.
    let snapshot = twinnings(9, &[(1, 9), (1, 2), (2, 9)]);
    let g = NetworkGraph::build(&snapshot, &flat_model());
    let path = g.best_path(CityId(1), CityId(9), 3).unwrap();
    assert_eq!(ids(&path), [1, 9]);
    assert_eq!(path.trust, 1.0);
    let both = g.k_best_paths(CityId(1), CityId(9), 5, 3);
    let sequences: Vec<Vec<i64>> = both.iter().map(ids).collect();
    assert_eq!(sequences, [vec![1, 9], vec![1, 2, 9]]);
}

#[test]
fn the_hop_limit_is_exact_where_a_hop_cut_dijkstra_is_not() {
    // City 3 is reached best through 2 (0.81, two hops) but only its weak
    // direct link (0.3) leaves a hop for the target 4. A Dijkstra that
    // settles 3 once, through 2, finds nothing within two hops.
    let g = default_graph(&network(
        4,
        &[
            (1, 2, LinkKind::Twinning, true),
            (2, 3, LinkKind::Twinning, true),
            (1, 3, LinkKind::Friendship, false),
            (3, 4, LinkKind::Twinning, true),
        ],
    ));
    let within_two = g.best_path(CityId(1), CityId(4), 2).unwrap();
    assert_eq!(ids(&within_two), [1, 3, 4]);
    assert!((within_two.trust - 0.3 * 0.9).abs() < EPS);
    let within_three = g.best_path(CityId(1), CityId(4), 3).unwrap();
    assert_eq!(ids(&within_three), [1, 2, 3, 4]);
    assert!((within_three.trust - 0.9 * 0.9 * 0.9).abs() < EPS);
    assert!(g.best_path(CityId(1), CityId(4), 1).is_none());
    let from_one = g.best_paths_from(CityId(1), 2);
    assert_eq!(ids(&from_one[&CityId(4)]), [1, 3, 4]);
    assert_eq!(ids(&from_one[&CityId(3)]), [1, 2, 3]);
}

#[test]
fn no_path_means_none_or_empty_and_never_a_panic() {
    let g = default_graph(&twinnings(4, &[(1, 2), (3, 4)]));
    let (one, three, unknown) = (CityId(1), CityId(3), CityId(99));
    assert!(g.best_path(one, three, 3).is_none(), "another component");
    assert!(g.best_path(one, unknown, 3).is_none());
    assert!(g.best_path(unknown, one, 3).is_none());
    assert!(g.best_path(one, one, 3).is_none(), "no path to itself");
    assert!(g.best_path(one, CityId(2), 0).is_none(), "zero hops");
    assert!(g.k_best_paths(one, three, 3, 3).is_empty());
    assert!(g.k_best_paths(unknown, one, 3, 3).is_empty());
    assert!(g.k_best_paths(one, CityId(2), 0, 3).is_empty());
    assert!(g.best_paths_from(unknown, 3).is_empty());
    assert!(g.best_paths_from(one, 0).is_empty());
    let from_one = g.best_paths_from(one, 3);
    assert_eq!(from_one.keys().copied().collect::<Vec<_>>(), [CityId(2)]);
    let empty = default_graph(&Snapshot::default());
    assert!(empty.best_path(one, three, 3).is_none());
    assert!(empty.best_paths_from(one, 3).is_empty());
}

#[test]
fn a_huge_hop_limit_is_capped_by_the_number_of_cities() {
    let g = default_graph(&twinnings(4, &[(1, 2), (2, 3), (3, 4)]));
    let path = g.best_path(CityId(1), CityId(4), usize::MAX).unwrap();
    assert_eq!(ids(&path), [1, 2, 3, 4]);
    assert_eq!(g.k_best_paths(CityId(1), CityId(4), 3, usize::MAX).len(), 1);
}

#[test]
fn cities_in_one_cluster_in_overlapping_periods_are_tied_once() {
    let mut snapshot = twinnings(5, &[]);
    snapshot.memberships = vec![
        membership(1, 1, 7, ClusterRole::Member, "2019-2021"),
        membership(2, 2, 7, ClusterRole::Member, "2021-2023"),
        // The same pair again in the next period: still one tie.
        membership(3, 1, 7, ClusterRole::Member, "2021-2023"),
        // City 3 coordinated cluster 7; city 4 was there before it started.
        membership(4, 3, 7, ClusterRole::Coordinator, "2021-2023"),
        membership(5, 4, 7, ClusterRole::Member, "2016-2018"),
        // Cluster 8 joins 1 and 5.
        membership(6, 1, 8, ClusterRole::Member, "2021-2023"),
        membership(7, 5, 8, ClusterRole::Member, "2022"),
    ];
    let g = default_graph(&snapshot);
    let ties = g.ties_between(CityId(1), CityId(2));
    assert_eq!(ties.len(), 1, "{ties:?}");
    assert_eq!(
        ties[0].relation,
        Relation::SharedCluster { topic: TopicId(7) }
    );
    assert!((ties[0].trust - 0.5).abs() < EPS);

    let with_coordinator = g.best_path(CityId(2), CityId(3), 1).unwrap();
    assert!((with_coordinator.trust - 0.6).abs() < EPS);
    assert!(
        g.ties_between(CityId(3), CityId(4)).is_empty(),
        "periods that do not overlap make no tie"
    );
    assert!(g.best_path(CityId(4), CityId(1), 3).is_none());

    let path = g.best_path(CityId(5), CityId(3), 3).unwrap();
    assert_eq!(ids(&path), [5, 1, 3]);
    assert_eq!(
        path.hops[0].relation,
        Relation::SharedCluster { topic: TopicId(8) }
    );
    assert!((path.trust - 0.5 * 0.6).abs() < EPS);
    assert_eq!(
        g.tie_count(),
        4,
        "1-2, 1-3, 2-3 in cluster 7; 1-5 in cluster 8"
    );
}

#[test]
fn a_twin_link_is_preferred_to_a_cluster_tie_between_the_same_cities() {
    let mut snapshot = network(2, &[(1, 2, LinkKind::Friendship, false)]);
    snapshot.memberships = vec![
        membership(1, 1, 7, ClusterRole::Member, "2021-2023"),
        membership(2, 2, 7, ClusterRole::Member, "2021-2023"),
    ];
    let flat = NetworkGraph::build(&snapshot, &flat_model());
    let path = flat.best_path(CityId(1), CityId(2), 3).unwrap();
    assert!(
        matches!(path.hops[0].relation, Relation::TwinLink { .. }),
        "on equal trust the twin link names the hop"
    );
    // By default the dormant friendship (0.3) is weaker than the cluster (0.5).
    let g = default_graph(&snapshot);
    let path = g.best_path(CityId(1), CityId(2), 3).unwrap();
    assert_eq!(
        path.hops[0].relation,
        Relation::SharedCluster { topic: TopicId(7) }
    );
    assert_eq!(g.ties_between(CityId(2), CityId(1)).len(), 2);
    assert_eq!(
        g.k_best_paths(CityId(1), CityId(2), 5, 3).len(),
        1,
        "two ties between the same cities make one path"
    );
}

#[test]
fn a_well_rated_mentorship_is_the_strongest_tie_and_a_poor_one_is_weak() {
    let snapshot = twinnings(3, &[(1, 2), (1, 3)]);
    let mentorships = [
        PastMentorship::new(CityId(2), CityId(1), 5, 2023).unwrap(),
        PastMentorship::new(CityId(3), CityId(1), 1, 2022).unwrap(),
        // Unknown cities are left out.
        PastMentorship::new(CityId(3), CityId(42), 5, 2022).unwrap(),
    ];
    let g = NetworkGraph::build_with_mentorships(&snapshot, &TrustModel::default(), &mentorships);
    assert_eq!(g.tie_count(), 4);
    let good = g.best_path(CityId(1), CityId(2), 1).unwrap();
    assert_eq!(
        good.hops[0].relation,
        Relation::PastMentorship {
            rating: 5,
            year: 2023
        }
    );
    assert!((good.trust - 0.95).abs() < EPS);
    let poor = g.best_path(CityId(1), CityId(3), 1).unwrap();
    assert!(
        matches!(poor.hops[0].relation, Relation::TwinLink { .. }),
        "a poorly rated mentorship does not replace the twinning"
    );
    let poor_tie = g.ties_between(CityId(1), CityId(3))[1];
    assert!(poor_tie.trust < 0.5);
    // The same graph whatever order the mentorships come in.
    let reversed: Vec<_> = mentorships.iter().rev().copied().collect();
    let again = NetworkGraph::build_with_mentorships(&snapshot, &TrustModel::default(), &reversed);
    assert_eq!(format!("{:?}", again.graph()), format!("{:?}", g.graph()));
}

/// A small network with several routes from 1 to 6.
fn several_routes() -> Snapshot {
    network(
        7,
        &[
            (1, 6, LinkKind::Friendship, true),
            (1, 2, LinkKind::Twinning, true),
            (2, 6, LinkKind::Twinning, true),
            (1, 3, LinkKind::SisterCity, true),
            (3, 6, LinkKind::SisterCity, true),
            (2, 3, LinkKind::Twinning, true),
            (3, 4, LinkKind::CooperationAgreement, false),
            (4, 6, LinkKind::Twinning, true),
            (1, 5, LinkKind::Twinning, true),
            (5, 4, LinkKind::Twinning, true),
            (5, 7, LinkKind::Twinning, true),
        ],
    )
}

#[test]
fn k_best_paths_come_distinct_and_in_order_of_trust() {
    let g = default_graph(&several_routes());
    let paths = g.k_best_paths(CityId(1), CityId(6), 6, 3);
    assert_eq!(paths.len(), 6);
    assert_eq!(
        Some(&paths[0]),
        g.best_path(CityId(1), CityId(6), 3).as_ref(),
        "the first alternative is the best path"
    );
    let sequences: Vec<Vec<i64>> = paths.iter().map(ids).collect();
    assert_eq!(
        sequences,
        [
            vec![1, 2, 6],    // 0.9 × 0.9 = 0.81
            vec![1, 5, 4, 6], // 0.9³ = 0.729
            vec![1, 3, 6],    // 0.85² = 0.7225
            vec![1, 2, 3, 6], // 0.9 × 0.9 × 0.85 = 0.6885 ...
            vec![1, 3, 2, 6], // ... the same trust, larger ids
            vec![1, 6],       // 0.6
        ]
    );
    assert!((paths[3].trust - paths[4].trust).abs() < EPS);
    for pair in paths.windows(2) {
        assert!(pair[0].cost() <= pair[1].cost(), "{sequences:?}");
    }
    let mut distinct = sequences.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), sequences.len(), "{sequences:?}");
    // All seven: the dormant 3-4 makes the last; four-hop ones are out.
    let all = g.k_best_paths(CityId(1), CityId(6), 20, 3);
    assert_eq!(all.len(), 7);
    assert_eq!(ids(&all[6]), [1, 3, 4, 6]);
    assert_eq!(all[..6], paths[..]);
    for p in &all {
        assert!(p.hops.len() <= 3);
        assert!((p.trust - product_of_hops(p)).abs() < EPS);
    }
}

#[test]
fn best_paths_from_agrees_with_best_path_for_every_target() {
    let g = default_graph(&several_routes());
    for hops in 1..=4 {
        for from in 1..=7 {
            let all = g.best_paths_from(CityId(from), hops);
            for to in 1..=7 {
                assert_eq!(
                    all.get(&CityId(to)),
                    g.best_path(CityId(from), CityId(to), hops).as_ref(),
                    "{from} -> {to} within {hops}"
                );
            }
        }
    }
}

#[test]
fn a_trust_path_serialises_to_the_public_json_contract() {
    let g = default_graph(&twinnings(2, &[(1, 2)]));
    let path = g.best_path(CityId(1), CityId(2), 3).unwrap();
    assert_eq!(
        serde_json::to_value(&path).unwrap(),
        serde_json::json!({
            "trust": 0.9,
            "hops": [{
                "from": 1,
                "to": 2,
                "relation": {"type": "twin_link", "link_id": 1, "kind": "twinning", "active": true},
                "trust": 0.9
            }]
        })
    );
}

// ---------------------------------------------------------------------------
// Property test: the searches against brute-force enumeration.

/// A path's rank: cost, hops, city ids (see `graph::paths`).
type Key = (u64, usize, Vec<i64>);

fn key(path: &TrustPath) -> Key {
    (path.cost(), path.hops.len(), ids(path))
}

/// Every simple path from `from` to `to` within `max_hops`, ranked, found
/// by depth-first enumeration over the strongest tie of each pair.
fn brute_force(
    strongest: &BTreeMap<(i64, i64), f64>,
    n: i64,
    from: i64,
    to: i64,
    max_hops: usize,
) -> Vec<Key> {
    fn walk(
        tie: &dyn Fn(i64, i64) -> Option<f64>,
        n: i64,
        to: i64,
        max_hops: usize,
        path: &mut Vec<i64>,
        cost: u64,
        out: &mut Vec<Key>,
    ) {
        let here = *path.last().unwrap();
        if here == to {
            out.push((cost, path.len() - 1, path.clone()));
            return;
        }
        if path.len() - 1 == max_hops {
            return;
        }
        for next in 1..=n {
            if path.contains(&next) {
                continue;
            }
            if let Some(trust) = tie(here, next) {
                path.push(next);
                walk(tie, n, to, max_hops, path, cost + trust_cost(trust), out);
                path.pop();
            }
        }
    }
    let tie = |a: i64, b: i64| strongest.get(&(a.min(b), a.max(b))).copied();
    let mut out = Vec::new();
    if from != to {
        walk(&tie, n, to, max_hops, &mut vec![from], 0, &mut out);
    }
    out.sort();
    out
}

#[derive(Debug, Clone)]
struct RandomNetwork {
    n: i64,
    links: Vec<(i64, i64, LinkKind, bool)>,
    mentorships: Vec<(i64, i64, u8)>,
}

fn random_network() -> impl Strategy<Value = RandomNetwork> {
    (2i64..=8).prop_flat_map(|n| {
        let pair = (1..=n, 1..=n).prop_filter("two cities", |(a, b)| a != b);
        let kind = prop::sample::select(LinkKind::ALL.to_vec());
        (
            Just(n),
            prop::collection::vec((pair.clone(), kind, any::<bool>()), 0..18),
            prop::collection::vec((pair, 1u8..=5), 0..3),
        )
            .prop_map(|(n, links, mentorships)| RandomNetwork {
                n,
                links: links
                    .into_iter()
                    .map(|((a, b), k, act)| (a, b, k, act))
                    .collect(),
                mentorships: mentorships
                    .into_iter()
                    .map(|((a, b), r)| (a, b, r))
                    .collect(),
            })
    })
}

proptest! {
    // Failures are kept beside this file (tests/ has no lib.rs for the default).
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_search_is_beaten_by_a_brute_force_simple_path(
        net in random_network(),
        max_hops in 1usize..=4,
        k in 1usize..=6,
    ) {
        let model = TrustModel::default();
        let snapshot = network(net.n, &net.links);
        let mentorships: Vec<PastMentorship> = net
            .mentorships
            .iter()
            .map(|&(a, b, r)| PastMentorship::new(CityId(a), CityId(b), r, 2020).unwrap())
            .collect();
        let g = NetworkGraph::build_with_mentorships(&snapshot, &model, &mentorships);

        let mut strongest: BTreeMap<(i64, i64), f64> = BTreeMap::new();
        let ties = net
            .links
            .iter()
            .map(|&(a, b, kind, active)| (a, b, model.link(kind, active)))
            .chain(net.mentorships.iter().map(|&(a, b, r)| (a, b, model.mentorship(r))));
        for (a, b, trust) in ties {
            let best = strongest.entry((a.min(b), a.max(b))).or_insert(trust);
            *best = best.max(trust);
        }

        for from in 1..=net.n {
            let all = g.best_paths_from(CityId(from), max_hops);
            for to in 1..=net.n {
                let brute = brute_force(&strongest, net.n, from, to, max_hops);
                let best = g.best_path(CityId(from), CityId(to), max_hops);
                prop_assert_eq!(best.as_ref().map(key), brute.first().cloned());
                prop_assert_eq!(all.get(&CityId(to)), best.as_ref());
                if let Some(p) = &best {
                    prop_assert!((p.trust - product_of_hops(p)).abs() < EPS);
                }
                let k_best: Vec<Key> = g
                    .k_best_paths(CityId(from), CityId(to), k, max_hops)
                    .iter()
                    .map(key)
                    .collect();
                let top_k: Vec<Key> = brute.iter().take(k).cloned().collect();
                prop_assert_eq!(k_best, top_k);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The real network.

#[tokio::test]
async fn the_real_network_gives_one_hop_paths_for_its_direct_twin_links() {
    let db = common::sqlite().await;
    twinmatch::store::import::import(db.store.as_ref(), &twinmatch::seed::gnlc())
        .await
        .unwrap();
    let snapshot = db.store.snapshot().await.unwrap();
    let started = std::time::Instant::now();
    let g = NetworkGraph::build(&snapshot, &TrustModel::default());
    let built_in = started.elapsed();
    println!(
        "graph of {} cities and {} ties built in {built_in:?}",
        g.city_count(),
        g.tie_count()
    );
    assert_eq!(g.city_count(), snapshot.cities.len());
    assert!(g.tie_count() >= snapshot.links.len());

    let find = |name: &str, cc: &str| {
        snapshot
            .cities
            .iter()
            .find(|c| c.name.as_str() == name && c.country.as_str() == cc)
            .unwrap_or_else(|| panic!("{name} ({cc}) is in the real data"))
            .id
    };
    for ((a, ca), (b, cb)) in [
        (("Beira", "MZ"), ("Bristol", "GB")),
        (("Luanda", "AO"), ("Lisbon", "PT")),
        (("Bobo-Dioulasso", "BF"), ("Bouaké", "CI")),
    ] {
        let path = g
            .best_path(find(a, ca), find(b, cb), 3)
            .unwrap_or_else(|| panic!("{a} - {b} has a path"));
        assert_eq!(path.hops.len(), 1, "{a} - {b}: {path:?}");
        assert!(matches!(path.hops[0].relation, Relation::TwinLink { .. }));
    }

    // Every direct link between an African or LDC city and a member.
    let countries: BTreeMap<_, _> = snapshot.countries.iter().map(|c| (&c.code, c)).collect();
    let cities: BTreeMap<_, _> = snapshot.cities.iter().map(|c| (c.id, c)).collect();
    let african_or_ldc = |id: CityId| {
        let country = countries[&cities[&id].country];
        country.is_african || country.is_ldc
    };
    let member = |id: CityId| cities[&id].is_member();
    let mut one_hop = 0;
    for link in &snapshot.links {
        let (a, b) = (link.a, link.b);
        if !((african_or_ldc(a) && member(b)) || (african_or_ldc(b) && member(a))) {
            continue;
        }
        let path = g.best_path(a, b, 3).unwrap();
        assert_eq!(path.hops.len(), 1, "{link:?}: {path:?}");
        assert_eq!(path.cities(), [a, b]);
        one_hop += 1;
    }
    println!(
        "{one_hop} direct links between an African or LDC city and a member are one-hop paths"
    );
    assert!(one_hop >= 3, "Beira-Bristol, Luanda-Lisbon and more");

    // Two-hop introductions through a shared partner: from Beira, every
    // member it is not linked to but shares a partner with.
    let beira = find("Beira", "MZ");
    let from_beira = g.best_paths_from(beira, 3);
    let two_hop_members: Vec<(&str, &str)> = from_beira
        .iter()
        .filter(|(to, p)| p.hops.len() == 2 && member(**to))
        .map(|(to, p)| {
            (
                cities[to].name.as_str(),
                cities[&p.hops[0].to].name.as_str(),
            )
        })
        .collect();
    println!("Beira reaches these members in two hops (through): {two_hop_members:?}");
    assert!(!two_hop_members.is_empty());
    let through_coimbra = g.best_path(beira, find("Fez", "MA"), 3).unwrap();
    assert_eq!(
        through_coimbra.cities(),
        [beira, find("Coimbra", "PT"), find("Fez", "MA")],
        "Beira and Fez are both twinned with Coimbra"
    );
    for (to, path) in &from_beira {
        assert_eq!(Some(path), g.best_path(beira, *to, 3).as_ref());
        if path.hops.len() == 2 {
            assert!(
                path.hops
                    .iter()
                    .all(|h| matches!(h.relation, Relation::TwinLink { .. }))
            );
            assert!(path.trust <= 0.81 + EPS, "two twin links: {path:?}");
        }
    }
}
