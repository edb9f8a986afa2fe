//! The matching engine: hard constraints, scores that explain themselves,
//! locks, bans, tiers, stability, stable matching, diagnostics — checked on
//! hand-built markets, against brute force on thousands of random ones,
//! and on the real network.

mod common;

use proptest::prelude::*;
use std::collections::BTreeMap;

use twinmatch::domain::{
    Capacity, CityId, CountryCode, Language, Modality, Need, Priority, Region, SupportOffer,
    SupportRequest, TopicId,
};
use twinmatch::matching::diagnose::{ChangeKind, Reason};
use twinmatch::matching::score::{
    Applicant, Candidate, Mentor, Place, Scored, TieNodes, exclusion,
};
use twinmatch::matching::stable::blocking_pairs;
use twinmatch::matching::{
    EngineConfig, Market, Mode, Pair, PriorityTiers, RunParams, TierRule, assign, diff, run_round,
};

fn place(id: i64, ldc: bool, african: bool) -> Place {
    Place {
        city: CityId(id),
        name: format!("City {id}"),
        country: CountryCode::parse(if african { "MZ" } else { "FR" }).unwrap(),
        region: if african {
            Region::Africa
        } else {
            Region::EuropeNorthAmerica
        },
        is_ldc: ldc,
        is_african: african,
    }
}

fn lang(l: &str) -> Language {
    Language::parse(l).unwrap()
}

fn mentor(id: i64, capacity: i64, topics: &[i64], langs: &[&str]) -> Mentor {
    Mentor {
        place: place(id, false, false),
        offer: SupportOffer::new(
            id,
            CityId(id),
            topics.iter().map(|t| TopicId(*t)).collect(),
            Capacity::parse(capacity).unwrap(),
            langs.iter().map(|l| lang(l)).collect(),
            vec![Modality::Training],
            None,
            None,
            String::new(),
            String::new(),
        )
        .unwrap(),
    }
}

fn applicant(
    id: i64,
    max: i64,
    topics: &[i64],
    langs: &[&str],
    ldc: bool,
    african: bool,
) -> Applicant {
    Applicant {
        place: place(id, ldc, african),
        request: SupportRequest::new(
            id,
            CityId(id),
            topics
                .iter()
                .map(|t| Need {
                    topic: TopicId(*t),
                    priority: Priority::parse(3).unwrap(),
                })
                .collect(),
            langs.iter().map(|l| lang(l)).collect(),
            vec![],
            max,
            String::new(),
            String::new(),
        )
        .unwrap(),
    }
}

/// A market with the given candidate scores (applicant index, mentor index, score).
fn market(
    mentors: Vec<Mentor>,
    applicants: Vec<Applicant>,
    arcs: &[(usize, usize, i64)],
) -> Market {
    let mut candidates: Vec<Candidate> = arcs
        .iter()
        .map(|&(a, m, s)| Candidate {
            applicant: a,
            mentor: m,
            pair: Scored {
                applicant: applicants[a].place.city,
                mentor: mentors[m].place.city,
                score: s,
            },
            tie: TieNodes::default(),
        })
        .collect();
    candidates.sort_by_key(|c| (c.applicant, c.mentor));
    candidates.dedup_by_key(|c| (c.applicant, c.mentor));
    Market {
        mentors,
        applicants,
        candidates,
        topics: BTreeMap::new(),
        evidence: BTreeMap::new(),
        config: EngineConfig::default(),
        graph: None,
        tie_nodes: Vec::new(),
    }
}

fn pairs_of(a: &twinmatch::matching::Assignment) -> Vec<Pair> {
    a.proposals
        .iter()
        .map(|p| Pair {
            mentor: p.mentor,
            applicant: p.applicant,
        })
        .collect()
}

fn p(m: i64, a: i64) -> Pair {
    Pair {
        mentor: CityId(m),
        applicant: CityId(a),
    }
}

// Mentors have ids 1.., applicants 101..
fn two_applicants_one_slot() -> Market {
    market(
        vec![mentor(1, 1, &[1], &["en"])],
        vec![
            applicant(101, 1, &[1], &["en"], false, false),
            applicant(102, 1, &[1], &["en"], true, true),
        ],
        &[(0, 0, 9000), (1, 0, 4000)],
    )
}

#[test]
fn a_pair_needs_a_shared_language_a_shared_topic_and_two_cities() {
    let m = mentor(1, 2, &[1, 2], &["fr"]);
    assert_eq!(
        exclusion(&m, &applicant(101, 1, &[1], &["en"], false, false)),
        Some(twinmatch::matching::score::Exclusion::NoSharedLanguage)
    );
    assert_eq!(
        exclusion(&m, &applicant(101, 1, &[3], &["fr"], false, false)),
        Some(twinmatch::matching::score::Exclusion::NoSharedTopic)
    );
    assert_eq!(
        exclusion(&m, &applicant(1, 1, &[1], &["fr"], false, false)),
        Some(twinmatch::matching::score::Exclusion::SameCity)
    );
    assert_eq!(
        exclusion(&m, &applicant(101, 1, &[2, 3], &["fr", "en"], false, false)),
        None
    );
}

#[test]
fn score_mode_takes_the_best_pair_and_coverage_mode_serves_the_ldc_african_city_first() {
    let m = two_applicants_one_slot();
    let score = assign(
        &m,
        &RunParams {
            mode: Mode::Score,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(pairs_of(&score), [p(1, 101)]);
    let coverage = assign(
        &m,
        &RunParams {
            mode: Mode::Coverage,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(pairs_of(&coverage), [p(1, 102)]);
    assert_eq!(coverage.covered_per_tier, [1, 0, 0]);
    // with a single tier, coverage is a tie and the score decides
    let flat = assign(
        &m,
        &RunParams {
            mode: Mode::Coverage,
            tiers: PriorityTiers(vec![]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(pairs_of(&flat), [p(1, 101)]);
    // configurable tiers: rich cities first (a test of the knob, not a policy)
    let any = assign(
        &m,
        &RunParams {
            mode: Mode::Coverage,
            tiers: PriorityTiers(vec![TierRule::Any]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(pairs_of(&any), [p(1, 101)]);
}

#[test]
fn locks_consume_capacity_and_bans_remove_pairs_in_every_mode() {
    let m = two_applicants_one_slot();
    for mode in [Mode::Score, Mode::Coverage, Mode::Stable] {
        let locked = assign(
            &m,
            &RunParams {
                mode,
                locks: vec![p(1, 101)],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(pairs_of(&locked), [p(1, 101)], "{mode:?}");
        assert!(locked.proposals[0].locked);
        let banned = assign(
            &m,
            &RunParams {
                mode,
                bans: vec![p(1, 101)],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(pairs_of(&banned), [p(1, 102)], "{mode:?}");
    }
}

#[test]
fn inconsistent_locks_are_refused_with_a_reason() {
    let m = two_applicants_one_slot();
    let both = RunParams {
        locks: vec![p(1, 101)],
        bans: vec![p(1, 101)],
        ..Default::default()
    };
    assert!(matches!(
        assign(&m, &both),
        Err(twinmatch::matching::assign::AssignError::LockedAndBanned { .. })
    ));
    let over = RunParams {
        locks: vec![p(1, 101), p(1, 102)],
        ..Default::default()
    };
    assert!(matches!(
        assign(&m, &over),
        Err(twinmatch::matching::assign::AssignError::LocksOverCapacity { .. })
    ));
    let stranger = RunParams {
        locks: vec![p(7, 101)],
        ..Default::default()
    };
    assert!(matches!(
        assign(&m, &stranger),
        Err(twinmatch::matching::assign::AssignError::NotAMentor { .. })
    ));
}

#[test]
fn a_rerun_after_one_decline_keeps_every_other_pair_when_asked_to() {
    // Three mentors, three applicants; after 1->101 is declined, the best
    // fresh assignment would reshuffle, the stable re-run changes one pair.
    let m = market(
        vec![
            mentor(1, 1, &[1], &["en"]),
            mentor(2, 1, &[1], &["en"]),
            mentor(3, 1, &[1], &["en"]),
        ],
        vec![
            applicant(101, 1, &[1], &["en"], false, false),
            applicant(102, 1, &[1], &["en"], false, false),
            applicant(103, 1, &[1], &["en"], false, false),
        ],
        &[
            (0, 0, 9000),
            (0, 1, 8000),
            (1, 1, 5000),
            (1, 2, 9000),
            (2, 2, 4000),
            (2, 0, 3000),
            (0, 2, 100),
        ],
    );
    let first = assign(
        &m,
        &RunParams {
            mode: Mode::Score,
            ..Default::default()
        },
    )
    .unwrap();
    // 8000 + 9000 + 3000 beats 9000 + 9000
    assert_eq!(pairs_of(&first), [p(2, 101), p(3, 102), p(1, 103)]);
    let previous = pairs_of(&first);
    // 101 declines mentor 2: a fresh solve reshuffles to reach 18,000 ...
    let fresh = assign(
        &m,
        &RunParams {
            mode: Mode::Score,
            bans: vec![p(2, 101)],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fresh.total_score, 18_000);
    assert!(diff(&previous, &pairs_of(&fresh)).removed.len() >= 2);
    // ... while preferring the previous run keeps the two other pairs.
    let stable = assign(
        &m,
        &RunParams {
            mode: Mode::Score,
            bans: vec![p(2, 101)],
            previous: previous.clone(),
            prefer_previous: true,
            ..Default::default()
        },
    )
    .unwrap();
    let d_stable = diff(&previous, &pairs_of(&stable));
    assert_eq!(d_stable.removed, [p(2, 101)], "only the declined pair goes");
    assert!(stable.proposals.iter().filter(|x| x.kept).count() == previous.len() - 1);
}

#[test]
fn the_diff_of_two_runs_lists_kept_added_and_removed_pairs() {
    let d = diff(&[p(1, 101), p(2, 102)], &[p(2, 102), p(3, 103)]);
    assert_eq!(
        (d.kept, d.added, d.removed),
        (vec![p(2, 102)], vec![p(3, 103)], vec![p(1, 101)])
    );
}

#[test]
fn unmatched_applicants_are_told_why() {
    let m = market(
        vec![mentor(1, 1, &[1], &["en"]), mentor(2, 1, &[2], &["fr"])],
        vec![
            applicant(101, 1, &[1], &["en"], false, false), // gets mentor 1
            applicant(102, 1, &[1], &["en"], true, true),   // mentor 1 is full
            applicant(103, 1, &[1], &["pt"], false, false), // nobody speaks Portuguese
            applicant(104, 1, &[3], &["fr"], false, false), // nobody offers topic 3 in French
        ],
        &[(0, 0, 9000), (1, 0, 6000)],
    );
    let round = run_round(
        &m,
        &RunParams {
            mode: Mode::Score,
            ..Default::default()
        },
    )
    .unwrap();
    let reasons: BTreeMap<i64, &Reason> = round
        .unmatched
        .iter()
        .map(|u| (u.applicant.0, &u.reason))
        .collect();
    assert_eq!(reasons.len(), 3);
    let Reason::CandidatesFull { best, .. } = reasons[&102] else {
        panic!("{:?}", reasons[&102])
    };
    assert_eq!(
        (
            best[0].mentor,
            best[0].holders[0].applicant,
            best[0].holders[0].score
        ),
        (CityId(1), CityId(101), 9000)
    );
    assert!(matches!(reasons[&103], Reason::NoSharedLanguage { .. }));
    assert!(matches!(
        reasons[&104],
        Reason::NoTopicOffered {
            mentors_sharing_a_language: 1
        }
    ));
    let change = round
        .unmatched
        .iter()
        .find(|u| u.applicant.0 == 102)
        .unwrap()
        .smallest_change
        .clone()
        .unwrap();
    assert_eq!(
        (change.mentor, change.total_delta),
        (CityId(1), Some(6000)),
        "{}",
        change.description
    );
    assert!(
        change
            .description
            .contains("one more slot at City 1 adds this pair, +6000 points")
    );
}

#[test]
fn an_applicant_nobody_can_serve_is_told_which_language_topic_or_lifted_ban_would_open_mentors() {
    let m = market(
        vec![
            mentor(1, 1, &[1], &["en"]),
            mentor(2, 2, &[1], &["en", "fr"]),
            mentor(3, 1, &[2], &["fr"]),
            mentor(4, 1, &[4], &["ar"]),
        ],
        vec![
            applicant(101, 1, &[1], &["en"], false, false), // takes a mentor of topic 1
            applicant(103, 1, &[1], &["pt"], true, true),   // Portuguese only
            applicant(104, 1, &[3], &["fr"], false, false), // topic 3: nobody offers it
            applicant(105, 1, &[4], &["ar"], true, true),   // its one candidate is banned
        ],
        &[(0, 0, 9000), (0, 1, 8000), (3, 3, 7000)],
    );
    let params = RunParams {
        mode: Mode::Coverage,
        bans: vec![p(4, 105)],
        ..Default::default()
    };
    let round = run_round(&m, &params).unwrap();
    let change = |id: i64| {
        round
            .unmatched
            .iter()
            .find(|u| u.applicant.0 == id)
            .and_then(|u| u.smallest_change.clone())
            .unwrap_or_else(|| panic!("a change for {id}: {:?}", round.unmatched))
    };

    let pt = change(103);
    assert_eq!(pt.kind, ChangeKind::AddLanguage, "{}", pt.description);
    assert_eq!(
        (pt.language, pt.mentors, pt.with_free_slot),
        (Some(lang("en")), Some(2), Some(1)),
        "both mentors of topic 1 speak English; one of them is still free"
    );
    assert_eq!(pt.mentor, CityId(2), "the one with a free slot is named");
    assert_eq!(
        pt.total_delta, None,
        "a new candidate is not a measured round"
    );

    let topic = change(104);
    assert_eq!(topic.kind, ChangeKind::AddTopic, "{}", topic.description);
    assert_eq!(
        (topic.topic, topic.mentors, topic.mentor),
        (Some(TopicId(1)), Some(1), CityId(2)),
        "of the French speakers, City 2 offers topic 1 and has a free slot ({})",
        topic.description
    );

    let ban = change(105);
    assert_eq!(ban.kind, ChangeKind::LiftBan, "{}", ban.description);
    assert_eq!(
        (ban.mentor, ban.total_delta, ban.covered_delta),
        (CityId(4), Some(7000), Some(1)),
        "measured: the round solved again without the ban"
    );
}

// ---------- brute force on random tiny markets ----------

#[derive(Debug, Clone)]
struct Tiny {
    caps: Vec<i64>,
    maxes: Vec<i64>,
    kinds: Vec<(bool, bool)>,
    arcs: Vec<(usize, usize, i64)>,
    locks: Vec<usize>,
    bans: Vec<usize>,
}

fn tiny() -> impl Strategy<Value = Tiny> {
    (1usize..=3, 1usize..=4)
        .prop_flat_map(|(nm, na)| {
            (
                prop::collection::vec(1i64..=2, nm),
                prop::collection::vec(1i64..=2, na),
                prop::collection::vec((any::<bool>(), any::<bool>()), na),
                prop::collection::vec((0..na, 0..nm, 0i64..=10_000), 0..=9),
                prop::collection::vec(0usize..9, 0..=2),
                prop::collection::vec(0usize..9, 0..=2),
            )
        })
        .prop_map(|(caps, maxes, kinds, arcs, locks, bans)| Tiny {
            caps,
            maxes,
            kinds,
            arcs,
            locks,
            bans,
        })
}

fn build(t: &Tiny) -> Market {
    market(
        t.caps
            .iter()
            .enumerate()
            .map(|(i, c)| mentor(i as i64 + 1, *c, &[1], &["en"]))
            .collect(),
        t.maxes
            .iter()
            .zip(&t.kinds)
            .enumerate()
            .map(|(i, (mx, (l, a)))| applicant(101 + i as i64, *mx, &[1], &["en"], *l, *a))
            .collect(),
        &t.arcs,
    )
}

/// What [`brute`] maximises: covered applicants per tier, then the score.
type Key = (Vec<usize>, i64);

/// Best (tier coverage vector, score) over every feasible subset.
fn brute(m: &Market, params: &RunParams) -> Option<(Vec<usize>, i64)> {
    brute_where(m, params, |_| true)
}

/// [`brute`] over the subsets whose applicant loads pass `keep`.
fn brute_where(
    m: &Market,
    params: &RunParams,
    keep: impl Fn(&[i64]) -> bool,
) -> Option<(Vec<usize>, i64)> {
    let pair = |ci: usize| Pair {
        mentor: m.candidates[ci].pair.mentor,
        applicant: m.candidates[ci].pair.applicant,
    };
    let n = m.candidates.len();
    let mut best: Option<(Vec<usize>, i64)> = None;
    for mask in 0u32..(1 << n) {
        let chosen: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        if chosen.iter().any(|&ci| params.bans.contains(&pair(ci)))
            || params
                .locks
                .iter()
                .any(|l| !chosen.iter().any(|&ci| pair(ci) == *l))
        {
            continue;
        }
        let mut load_m = vec![0i64; m.mentors.len()];
        let mut load_a = vec![0i64; m.applicants.len()];
        for &ci in &chosen {
            load_m[m.candidates[ci].mentor] += 1;
            load_a[m.candidates[ci].applicant] += 1;
        }
        if load_m
            .iter()
            .zip(&m.mentors)
            .any(|(l, x)| *l > i64::from(x.offer.capacity.get()))
            || load_a
                .iter()
                .zip(&m.applicants)
                .any(|(l, x)| *l > i64::from(x.request.max_mentors))
            || !keep(&load_a)
        {
            continue;
        }
        let mut tiers = vec![0usize; params.tiers.count()];
        if params.mode == Mode::Coverage {
            for (ai, a) in m.applicants.iter().enumerate() {
                if load_a[ai] > 0 {
                    tiers[params.tiers.tier(a.place.is_ldc, a.place.is_african)] += 1;
                }
            }
        }
        let score: i64 = chosen.iter().map(|&ci| m.candidates[ci].pair.score).sum();
        let key = (tiers, score);
        if best.as_ref().is_none_or(|b| key > *b) {
            best = Some(key);
        }
    }
    best
}

fn params_of(t: &Tiny, m: &Market, mode: Mode) -> RunParams {
    let pick = |idx: &[usize]| -> Vec<Pair> {
        let mut v: Vec<Pair> = idx
            .iter()
            .filter_map(|i| m.candidates.get(*i))
            .map(|c| Pair {
                mentor: c.pair.mentor,
                applicant: c.pair.applicant,
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    RunParams {
        mode,
        locks: pick(&t.locks),
        bans: pick(&t.bans),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn score_and_coverage_modes_agree_with_brute_force(t in tiny(), coverage in any::<bool>()) {
        let m = build(&t);
        let mode = if coverage { Mode::Coverage } else { Mode::Score };
        let params = params_of(&t, &m, mode);
        let expected = brute(&m, &params);
        match assign(&m, &params) {
            Ok(a) => {
                let (tiers, score) = expected.expect("the solver found a feasible assignment, so does brute force");
                prop_assert_eq!(a.total_score, score);
                if mode == Mode::Coverage {
                    prop_assert_eq!(&a.covered_per_tier, &tiers);
                }
                for (mi, x) in m.mentors.iter().enumerate() {
                    let load = a.proposals.iter().filter(|p| p.mentor == x.place.city).count();
                    prop_assert!(load <= usize::from(x.offer.capacity.get()), "mentor {} over capacity", mi);
                }
                for x in &m.applicants {
                    let load = a.proposals.iter().filter(|p| p.applicant == x.place.city).count();
                    prop_assert!(load <= usize::from(x.request.max_mentors));
                }
                for l in &params.locks {
                    prop_assert!(pairs_of(&a).contains(l));
                }
                for b in &params.bans {
                    prop_assert!(!pairs_of(&a).contains(b));
                }
            }
            Err(_) => prop_assert!(expected.is_none(), "locks were feasible but refused"),
        }
    }

    #[test]
    fn stable_mode_leaves_no_blocking_pair(t in tiny()) {
        let m = build(&t);
        let params = RunParams { locks: vec![], ..params_of(&t, &m, Mode::Stable) };
        let a = assign(&m, &params).unwrap();
        prop_assert_eq!(blocking_pairs(&m, &params, &pairs_of(&a)).len(), 0);
        for x in &m.mentors {
            prop_assert!(a.proposals.iter().filter(|p| p.mentor == x.place.city).count() <= usize::from(x.offer.capacity.get()));
        }
        for x in &m.applicants {
            prop_assert!(a.proposals.iter().filter(|p| p.applicant == x.place.city).count() <= usize::from(x.request.max_mentors));
        }
    }

    #[test]
    fn the_smallest_change_is_the_best_round_that_gives_the_applicant_one_more_mentor(
        t in tiny(),
        coverage in any::<bool>(),
    ) {
        let m = build(&t);
        let mode = if coverage { Mode::Coverage } else { Mode::Score };
        let params = params_of(&t, &m, mode);
        let Ok(round) = run_round(&m, &params) else { return Ok(()) };
        let a = &round.assignment;
        for u in &round.unmatched {
            let ai = m.applicant_index(u.applicant).unwrap();
            // By brute force: the round as it is, then one more slot at
            // each full mentor, the applicant required to get one more
            // mentor.
            let need = u.got as i64 + 1;
            let mut options: Vec<(Key, Option<CityId>)> = Vec::new();
            options.extend(brute_where(&m, &params, |l| l[ai] >= need).map(|key| (key, None)));
            for (mi, x) in m.mentors.iter().enumerate() {
                let load = a.proposals.iter().filter(|p| p.mentor == x.place.city).count();
                if load < usize::from(x.offer.capacity.get()) {
                    continue;
                }
                let mut bigger = t.clone();
                bigger.caps[mi] += 1;
                if let Some(key) = brute_where(&build(&bigger), &params, |l| l[ai] >= need) {
                    options.push((key, Some(x.place.city)));
                }
            }
            let best = options.iter().map(|o| o.0.clone()).max();
            match (&u.smallest_change, best) {
                (None, None) => {}
                // Every candidate banned: lifting one ban, the round solved
                // again gives the applicant one more mentor, and the delta
                // is that round's.
                (Some(c), None) if c.kind == ChangeKind::LiftBan => {
                    let lifted = RunParams {
                        bans: params.bans.iter().copied().filter(|b| b.mentor != c.mentor || b.applicant != u.applicant).collect(),
                        ..params.clone()
                    };
                    prop_assert!(params.bans.len() > lifted.bans.len(), "{}", c.description);
                    let (_, score) = brute(&m, &lifted).unwrap();
                    prop_assert!(brute_where(&m, &lifted, |l| l[ai] >= need).is_some());
                    prop_assert_eq!(c.total_delta, Some(score - a.total_score), "{}", c.description);
                }
                (Some(c), Some((tiers, score))) => {
                    prop_assert_eq!(c.total_delta, Some(score - a.total_score), "{}", c.description);
                    // The change named is one of the best (ties: any of them).
                    let named = match c.kind {
                        ChangeKind::ServeNow => None,
                        ChangeKind::ExtraSlot => Some(c.mentor),
                        _ => return Err(TestCaseError::fail(format!("{c:?} where a slot would do"))),
                    };
                    let key = options.iter().find(|o| o.1 == named).map(|o| &o.0);
                    prop_assert_eq!(key, Some(&(tiers.clone(), score)), "{}", c.description);
                    if coverage {
                        let covered: usize = tiers.iter().sum();
                        prop_assert_eq!(c.covered_delta, Some(covered as i64 - a.applicants_covered as i64));
                    }
                    prop_assert!(a.proposals.iter().all(|p| p.applicant != u.applicant || p.mentor != c.paired_with));
                }
                (change, best) => prop_assert!(false, "engine {:?}, brute force {:?}", change, best),
            }
        }
    }

    #[test]
    fn removing_a_proposal_gives_what_solving_again_without_it_gives(
        t in tiny(),
        coverage in any::<bool>(),
    ) {
        use twinmatch::matching::whatif::if_removed;
        let m = build(&t);
        let mode = if coverage { Mode::Coverage } else { Mode::Score };
        let params = params_of(&t, &m, mode);
        let Ok(round) = run_round(&m, &params) else { return Ok(()) };
        let a = &round.assignment;
        let searched = if_removed(&m, &params, a, round.optimum.as_ref()).unwrap();
        let resolved = if_removed(&m, &params, a, None).unwrap();
        prop_assert_eq!(searched.len(), a.proposals.len());
        for (w, r) in searched.iter().zip(&resolved) {
            let gone = Pair { mentor: w.mentor, applicant: w.applicant };
            let mut without = params.clone();
            without.locks.retain(|l| *l != gone);
            without.bans.push(gone);
            let (tiers, score) = brute(&m, &without).unwrap();
            prop_assert_eq!(w.total_delta, score - a.total_score);
            prop_assert_eq!(w.total_delta, r.total_delta);
            if coverage {
                let covered: usize = tiers.iter().sum();
                prop_assert_eq!(w.covered_delta, covered as i64 - a.applicants_covered as i64);
                prop_assert_eq!(w.covered_delta, r.covered_delta);
            }
            prop_assert!(!w.applicant_gets.contains(&w.mentor));
        }
    }
}

#[tokio::test]
async fn on_the_real_network_coverage_mode_covers_every_coverable_applicant_with_explained_scores()
{
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let net = db.store.snapshot().await.unwrap();
    let network = twinmatch::engine::Network::build(net, EngineConfig::default());
    let market = &network.market;
    assert!(market.applicants.len() > 40 && market.mentors.len() > 80);
    // Every candidate's score is what its explanation, built later, adds up to.
    for ci in 0..market.candidates.len() {
        let explained = market.explain(ci);
        let sum: i64 = explained
            .explanation
            .components
            .iter()
            .map(|c| c.points)
            .sum();
        assert_eq!(
            sum, market.candidates[ci].pair.score,
            "{:?}",
            explained.explanation
        );
    }
    let round = run_round(market, &RunParams::default()).unwrap();
    assert_eq!(round.assignment.mode, Mode::Coverage);
    assert_eq!(
        round.assignment.applicants_covered,
        round.coverage.max_coverable
    );
    for p in &round.assignment.proposals {
        let sum: i64 = p.pair.explanation.components.iter().map(|c| c.points).sum();
        assert_eq!(sum, p.score, "components sum to the score");
        assert!((0..=10_000).contains(&p.score));
        assert!(!p.pair.explanation.shared_languages.is_empty());
        assert!(!p.pair.explanation.matched_topics.is_empty());
    }
    // Ban every candidate of one applicant: it is reported, with the reason.
    let victim = market.applicants[0].place.city;
    let bans: Vec<Pair> = market
        .suggestions_for_applicant(victim, usize::MAX)
        .iter()
        .map(|s| Pair {
            mentor: s.mentor,
            applicant: victim,
        })
        .collect();
    let round = run_round(
        market,
        &RunParams {
            bans,
            ..Default::default()
        },
    )
    .unwrap();
    let u = round
        .unmatched
        .iter()
        .find(|u| u.applicant == victim)
        .expect("the banned applicant is listed");
    assert!(matches!(u.reason, Reason::AllCandidatesBanned { .. }));
    assert_eq!(
        round.assignment.applicants_covered,
        round.coverage.max_coverable
    );
    // same input, same output
    assert_eq!(
        run_round(market, &RunParams::default()).unwrap(),
        run_round(market, &RunParams::default()).unwrap()
    );
}

#[test]
fn removing_a_proposal_tells_who_the_applicant_gets_instead_and_what_it_costs() {
    use twinmatch::matching::whatif::if_removed;
    // Two mentors of one slot each; applicant 101 fits mentor 1 best, 102
    // can only have mentor 1. In score mode 1->101 (9000) beats
    // 1->102 + 2->101 (4000 + 3000), so 102 is left out.
    let m = market(
        vec![mentor(1, 1, &[1], &["en"]), mentor(2, 1, &[1], &["en"])],
        vec![
            applicant(101, 1, &[1], &["en"], false, false),
            applicant(102, 1, &[1], &["en"], false, false),
        ],
        &[(0, 0, 9000), (0, 1, 3000), (1, 0, 4000)],
    );
    let params = RunParams {
        mode: Mode::Score,
        ..Default::default()
    };
    let round = run_round(&m, &params).unwrap();
    assert_eq!(pairs_of(&round.assignment), vec![p(1, 101)]);
    let what = if_removed(&m, &params, &round.assignment, round.optimum.as_ref()).unwrap();
    assert_eq!(what.len(), 1);
    // Without 1->101: 101 takes mentor 2 and 102 gets mentor 1.
    assert_eq!(what[0].applicant_gets, vec![CityId(2)]);
    assert_eq!(what[0].covered_delta, 1);
    assert_eq!(what[0].total_delta, 3000 + 4000 - 9000);
    assert_eq!(what[0].other_changes, 1, "1->102 is added elsewhere");
}
