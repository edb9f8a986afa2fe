//! Golden objectives (references from `ref_solve.py` / OR-Tools), the
//! certificate, determinism and the lexicographic bonuses of the solver.
//!
//! The 1M-arc `large` instances are included: about 5 s of CPU for the four
//! of them even at opt-level 0 (generation included), well under a second in
//! release.

mod solver_support;

use solver_support::{brute_force, evaluate, golden};
use twinmatch::matching::flow::{
    self, ApplicantSlots, BMatchProblem, CandidateArc, check_certificate,
};
use twinmatch::matching::instance::{SolveMode, solve_instance};

/// Solves a golden instance in `mode`, checks the objective and pair count,
/// and cross-checks the solution's certificate and the arc set.
fn assert_golden(name: &str, mode: SolveMode, objective: i64, pairs: usize) {
    let inst = golden(name);
    let report = solve_instance(&inst, mode).expect("valid instance");
    assert_eq!(
        (report.objective, report.pairs),
        (objective, pairs),
        "{name} {mode:?}"
    );
    let problem = inst.to_problem(mode).expect("valid instance");
    let eval = evaluate(&problem, &report.chosen).expect("feasible");
    let raw: i64 = report.chosen.iter().map(|&e| inst.arcs[e as usize].2).sum();
    assert_eq!((raw, eval.pairs), (objective, pairs));
}

#[test]
fn score_mode_matches_ortools_on_tiny_seed_1() {
    assert_golden("tiny", SolveMode::Score, 52_984, 12);
}

#[test]
fn card_mode_matches_ortools_on_tiny_seed_1() {
    assert_golden("tiny", SolveMode::Card, 52_984, 12);
}

#[test]
fn score_mode_matches_ortools_on_small_seed_1() {
    assert_golden("small", SolveMode::Score, 2_103_549, 344);
}

#[test]
fn card_mode_matches_ortools_on_small_seed_1() {
    assert_golden("small", SolveMode::Card, 2_103_549, 344);
}

#[test]
fn score_mode_matches_ortools_on_medium_seed_1() {
    assert_golden("medium", SolveMode::Score, 11_556_201, 1_790);
}

#[test]
fn card_mode_matches_ortools_on_medium_seed_1() {
    assert_golden("medium", SolveMode::Card, 11_556_201, 1_790);
}

#[test]
fn score_mode_matches_ortools_on_unit2k_seed_1() {
    assert_golden("unit2k", SolveMode::Score, 11_756_876, 2_000);
}

#[test]
fn card_mode_matches_ortools_on_unit2k_seed_1() {
    assert_golden("unit2k", SolveMode::Card, 11_756_876, 2_000);
}

#[test]
fn score_mode_matches_ortools_on_unit500_k3_seed_3() {
    assert_golden("unit500-k3-s3", SolveMode::Score, 1_814_562, 433);
}

#[test]
fn card_mode_trades_score_for_pairs_on_unit500_k3_seed_3() {
    assert_golden("unit500-k3-s3", SolveMode::Card, 1_730_178, 472);
}

#[test]
fn score_mode_matches_ortools_on_sparse_seed_5() {
    assert_golden("sparse-s5", SolveMode::Score, 9_874_329, 2_933);
}

#[test]
fn card_mode_trades_score_for_pairs_on_sparse_seed_5() {
    assert_golden("sparse-s5", SolveMode::Card, 9_774_414, 2_986);
}

#[test]
fn score_mode_matches_ortools_on_large_seed_1() {
    assert_golden("large", SolveMode::Score, 111_122_845, 17_712);
}

#[test]
fn card_mode_matches_ortools_on_large_seed_1() {
    assert_golden("large", SolveMode::Card, 111_122_845, 17_712);
}

#[test]
fn score_mode_matches_ortools_on_large_loose_seed_1() {
    assert_golden("large-loose", SolveMode::Score, 168_304_699, 30_118);
}

#[test]
fn card_mode_matches_ortools_on_large_loose_seed_1() {
    assert_golden("large-loose", SolveMode::Card, 168_304_699, 30_118);
}

#[test]
fn score_mode_matches_ortools_on_unit5k_seed_1() {
    assert_golden("unit5k", SolveMode::Score, 27_765_876, 4_999);
}

#[test]
fn card_mode_matches_ortools_on_unit5k_seed_1() {
    assert_golden("unit5k", SolveMode::Card, 27_765_398, 5_000);
}

#[test]
fn fast_solver_agrees_with_the_ssp_oracle_on_small_in_both_modes() {
    let inst = golden("small");
    for mode in [SolveMode::Score, SolveMode::Card] {
        let problem = inst.to_problem(mode).expect("valid");
        let fast = flow::solve(&problem).expect("valid");
        let oracle =
            evaluate(&problem, &flow::ssp::solve(&problem).expect("valid")).expect("feasible");
        assert_eq!(fast.objective, oracle.worth, "{mode:?}");
    }
}

#[test]
fn solution_carries_a_valid_optimality_certificate() {
    let problem = golden("medium")
        .to_problem(SolveMode::Score)
        .expect("valid");
    let solution = flow::solve(&problem).expect("valid");
    assert_eq!(check_certificate(&problem, &solution), Ok(()));
    // A tampered price must be caught.
    let mut bad = solution.clone();
    let j = bad
        .mentor_price
        .iter()
        .position(|&v| v > 0)
        .expect("some saturated mentor has a price");
    bad.mentor_price[j] = 0;
    bad.applicant_price.iter_mut().for_each(|u| *u -= 1);
    assert!(check_certificate(&problem, &bad).is_err());
    // So must a suboptimal (but feasible) arc set.
    let mut worse = solution.clone();
    worse.chosen.pop();
    assert!(check_certificate(&problem, &worse).is_err());
}

#[test]
fn same_input_gives_the_same_pairs() {
    let inst = golden("small");
    let a = solve_instance(&inst, SolveMode::Score).expect("valid");
    let b = solve_instance(&inst.clone(), SolveMode::Score).expect("valid");
    assert_eq!(a.chosen, b.chosen);
}

#[test]
fn first_slot_bonus_makes_coverage_dominate_score() {
    // Two applicants, one mentor with capacity 2: applicant 0 can take both
    // high-scoring slots... but it only has one arc per mentor, so use two
    // mentors of capacity 1: A0 scores 100 with both, A1 scores 1 with M1.
    let arc = |applicant, mentor, score| CandidateArc {
        applicant,
        mentor,
        score,
    };
    let mut problem = BMatchProblem {
        applicants: vec![
            ApplicantSlots {
                max: 2,
                first_slot_bonus: 0,
            },
            ApplicantSlots {
                max: 1,
                first_slot_bonus: 0,
            },
        ],
        mentor_capacity: vec![1, 1],
        arcs: vec![arc(0, 0, 100), arc(0, 1, 100), arc(1, 1, 1)],
    };
    let plain = flow::solve(&problem).expect("valid");
    assert_eq!((plain.objective, plain.applicants_matched), (200, 1));
    // A coverage bonus above any score total covers both applicants.
    let bonus = 1 + 200;
    for a in &mut problem.applicants {
        a.first_slot_bonus = bonus;
    }
    let covered = flow::solve(&problem).expect("valid");
    assert_eq!((covered.score_total, covered.applicants_matched), (101, 2));
    assert_eq!(covered.objective, brute_force(&problem).0);
}

#[test]
fn priority_tiers_cover_the_higher_tier_first() {
    // One mentor slot, two applicants: tier 2 (bonus 2B) beats tier 1 (bonus B)
    // even though tier 1's score is higher.
    let b = 10_001;
    let problem = BMatchProblem {
        applicants: vec![
            ApplicantSlots {
                max: 1,
                first_slot_bonus: b,
            },
            ApplicantSlots {
                max: 1,
                first_slot_bonus: 2 * b,
            },
        ],
        mentor_capacity: vec![1],
        arcs: vec![
            CandidateArc {
                applicant: 0,
                mentor: 0,
                score: 10_000,
            },
            CandidateArc {
                applicant: 1,
                mentor: 0,
                score: 0,
            },
        ],
    };
    let s = flow::solve(&problem).expect("valid");
    assert_eq!(s.chosen, vec![1]);
}

#[test]
fn zero_capacities_and_empty_problems_solve_to_nothing() {
    let empty = BMatchProblem::default();
    assert_eq!(flow::solve(&empty).expect("valid").pairs, 0);
    let problem = BMatchProblem {
        applicants: vec![
            ApplicantSlots {
                max: 0,
                first_slot_bonus: 5,
            },
            ApplicantSlots {
                max: 2,
                first_slot_bonus: 0,
            },
        ],
        mentor_capacity: vec![3, 0],
        arcs: vec![
            CandidateArc {
                applicant: 0,
                mentor: 0,
                score: 9,
            },
            CandidateArc {
                applicant: 1,
                mentor: 1,
                score: 9,
            },
            CandidateArc {
                applicant: 1,
                mentor: 0,
                score: -1,
            },
        ],
    };
    let s = flow::solve(&problem).expect("valid");
    assert_eq!((s.pairs, s.objective), (0, 0));
}

#[test]
fn tiered_coverage_bonuses_on_small_agree_with_the_oracle() {
    // Coverage mode as the engine will express it: a tier bonus dominating
    // every score total, tiers 1..=3 in proportion.
    let mut problem = golden("small").to_problem(SolveMode::Score).expect("valid");
    let tier_unit = 1 + problem.max_pairs_bound() as i64 * 10_000;
    for (i, a) in problem.applicants.iter_mut().enumerate() {
        a.first_slot_bonus = tier_unit * (1 + (i * 7919 % 3) as i64);
    }
    let fast = flow::solve(&problem).expect("valid");
    assert_eq!(check_certificate(&problem, &fast), Ok(()));
    let oracle = evaluate(&problem, &flow::ssp::solve(&problem).expect("valid")).expect("feasible");
    assert_eq!(fast.objective, oracle.worth);
    let plain =
        flow::solve(&golden("small").to_problem(SolveMode::Score).expect("valid")).expect("valid");
    assert!(fast.applicants_matched > plain.applicants_matched);
}

#[test]
fn bonuses_near_2_pow_52_are_solved_exactly() {
    // The engine caps tier bonuses below 2^52; the solver's bounds do not
    // depend on the instance size, so such bonuses are accepted.
    let big = (1i64 << 52) - 1;
    let arc = |applicant, mentor, score| CandidateArc {
        applicant,
        mentor,
        score,
    };
    let problem = BMatchProblem {
        applicants: (0..40)
            .map(|i| ApplicantSlots {
                max: 1 + i % 3,
                first_slot_bonus: if i % 2 == 0 { big } else { big / 1000 },
            })
            .collect(),
        mentor_capacity: vec![2; 20],
        arcs: (0..40u32)
            .flat_map(|i| {
                (0..20u32)
                    .filter(move |j| (i * 7 + j * 3) % 5 < 2)
                    .map(move |j| arc(i, j, i64::from((i * 31 + j * 17) % 10_000)))
            })
            .collect(),
    };
    let s = flow::solve(&problem).expect("within the arithmetic bounds");
    assert_eq!(check_certificate(&problem, &s), Ok(()));
    let too_big = BMatchProblem {
        arcs: vec![arc(0, 0, i64::MAX / 8)],
        ..problem.clone()
    };
    assert!(matches!(
        flow::solve(&too_big),
        Err(flow::ProblemError::WeightsTooLarge { .. })
    ));
}
