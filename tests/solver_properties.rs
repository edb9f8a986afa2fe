//! Property tests: on thousands of random tiny instances (random capacities,
//! scores with ties and negatives, first-slot bonuses, card mode) the fast
//! solver, the SSP oracle and exhaustive enumeration agree on the optimum,
//! and every solution is feasible and carries a valid certificate.

mod solver_support;

use proptest::prelude::*;
use solver_support::{brute_force, evaluate};
use twinmatch::matching::flow::{
    self, ApplicantSlots, BMatchProblem, CandidateArc, check_certificate,
};

/// Random problems with up to `max_a` x `max_m` nodes, each pair an arc with
/// probability ~1/2, at most `max_arcs` arcs; scores drawn from `scores`,
/// first-slot bonuses (on ~2/5 of the applicants) from `bonuses`.
fn problems(
    max_a: usize,
    max_m: usize,
    max_arcs: usize,
    scores: std::ops::Range<i64>,
    bonuses: std::ops::Range<i64>,
) -> impl Strategy<Value = BMatchProblem> {
    (1..=max_a, 1..=max_m).prop_flat_map(move |(na, nm)| {
        (
            prop::collection::vec(
                (0u32..4, prop_oneof![3 => Just(0i64), 2 => bonuses.clone()]),
                na,
            ),
            prop::collection::vec(0u32..4, nm),
            prop::collection::vec((any::<bool>(), scores.clone()), na * nm),
        )
            .prop_map(move |(apps, caps, pairs)| BMatchProblem {
                applicants: apps
                    .into_iter()
                    .map(|(max, first_slot_bonus)| ApplicantSlots {
                        max,
                        first_slot_bonus,
                    })
                    .collect(),
                mentor_capacity: caps,
                arcs: pairs
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (on, _))| *on)
                    .map(|(k, (_, score))| CandidateArc {
                        applicant: (k / nm) as u32,
                        mentor: (k % nm) as u32,
                        score,
                    })
                    .take(max_arcs)
                    .collect(),
            })
    })
}

/// Solves with the fast solver and the oracle; checks feasibility, the
/// certificate, and that both reach the same worth. Returns the fast worth
/// and pair count.
fn solve_both(p: &BMatchProblem) -> Result<(i64, usize), TestCaseError> {
    let fast = flow::solve(p).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let fast_eval = evaluate(p, &fast.chosen).map_err(TestCaseError::fail)?;
    prop_assert_eq!(fast_eval.worth, fast.objective);
    prop_assert_eq!(check_certificate(p, &fast), Ok(()));
    let oracle = evaluate(
        p,
        &flow::ssp::solve(p).map_err(|e| TestCaseError::fail(e.to_string()))?,
    )
    .map_err(TestCaseError::fail)?;
    prop_assert_eq!(fast.objective, oracle.worth, "fast vs SSP oracle");
    Ok((fast.objective, fast.pairs))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn score_mode_equals_brute_force_and_oracle_on_tiny_instances(p in problems(5, 4, 14, -5..25, 0..40)) {
        let (worth, _) = solve_both(&p)?;
        prop_assert_eq!(worth, brute_force(&p).0);
    }

    #[test]
    fn card_mode_maximises_pairs_then_worth_on_tiny_instances(p in problems(5, 4, 14, -5..25, 0..40)) {
        let bonus = p.dominating_pair_bonus();
        let card = p.with_pair_bonus(bonus);
        let (worth, pairs) = solve_both(&card)?;
        let (_, (best_pairs, best_worth)) = brute_force(&p);
        prop_assert_eq!((pairs, worth - bonus * pairs as i64), (best_pairs, best_worth));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn huge_scores_and_bonuses_stay_exact(p in problems(5, 4, 12, -(1 << 50)..(1 << 50), 0..(1 << 52))) {
        let (worth, _) = solve_both(&p)?;
        prop_assert_eq!(worth, brute_force(&p).0);
    }

    #[test]
    fn fast_solver_equals_oracle_on_larger_random_instances(p in problems(30, 20, 400, -5..25, 0..40)) {
        solve_both(&p)?;
        let card = p.with_pair_bonus(p.dominating_pair_bonus());
        solve_both(&card)?;
    }
}
