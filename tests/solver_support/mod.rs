//! Helpers shared by the integration tests: an exhaustive brute-force solver
//! for tiny instances, a feasibility/objective evaluator and the golden
//! instances regenerated with the Rust port of `gen.py`.
#![allow(dead_code)] // each test binary uses a different subset

use twinmatch::matching::flow::BMatchProblem;
use twinmatch::matching::r#gen::{GenParams, generate};
use twinmatch::matching::instance::Instance;

/// Worth, pair count and score total of a chosen arc set, after checking it is
/// feasible: indices valid and strictly ascending (so each arc at most once),
/// no applicant above `max`, no mentor above capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eval {
    pub worth: i64,
    pub pairs: usize,
    pub score: i64,
}

pub fn evaluate(p: &BMatchProblem, chosen: &[u32]) -> Result<Eval, String> {
    if chosen.windows(2).any(|w| w[0] >= w[1]) {
        return Err("chosen arcs not strictly ascending".into());
    }
    let mut k = vec![0u32; p.applicants.len()];
    let mut l = vec![0u32; p.mentor_capacity.len()];
    let mut score = 0;
    for &e in chosen {
        let a = p.arcs.get(e as usize).ok_or("arc index out of range")?;
        k[a.applicant as usize] += 1;
        l[a.mentor as usize] += 1;
        score += a.score;
    }
    let mut worth = score;
    for (i, a) in p.applicants.iter().enumerate() {
        if k[i] > a.max {
            return Err(format!("applicant {i} over max"));
        }
        if k[i] > 0 {
            worth += a.first_slot_bonus;
        }
    }
    for (j, &c) in p.mentor_capacity.iter().enumerate() {
        if l[j] > c {
            return Err(format!("mentor {j} over capacity"));
        }
    }
    Ok(Eval {
        worth,
        pairs: chosen.len(),
        score,
    })
}

/// Best `(pairs, worth)` (lexicographic) and best worth over all feasible arc
/// subsets, by depth-first enumeration with capacity pruning.
/// Exponential: keep to about 16 arcs.
pub fn brute_force(p: &BMatchProblem) -> (i64, (usize, i64)) {
    fn rec(
        p: &BMatchProblem,
        e: usize,
        k: &mut [u32],
        l: &mut [u32],
        pairs: usize,
        worth: i64,
        best: &mut (i64, (usize, i64)),
    ) {
        if e == p.arcs.len() {
            best.0 = best.0.max(worth);
            best.1 = best.1.max((pairs, worth));
            return;
        }
        rec(p, e + 1, k, l, pairs, worth, best);
        let a = p.arcs[e];
        let (i, j) = (a.applicant as usize, a.mentor as usize);
        if k[i] < p.applicants[i].max && l[j] < p.mentor_capacity[j] {
            let bonus = if k[i] == 0 {
                p.applicants[i].first_slot_bonus
            } else {
                0
            };
            k[i] += 1;
            l[j] += 1;
            rec(p, e + 1, k, l, pairs + 1, worth + a.score + bonus, best);
            k[i] -= 1;
            l[j] -= 1;
        }
    }
    let mut best = (0, (0, 0));
    let mut k = vec![0; p.applicants.len()];
    let mut l = vec![0; p.mentor_capacity.len()];
    rec(p, 0, &mut k, &mut l, 0, 0, &mut best);
    best
}

/// A named benchmark instance of the bench README, regenerated in-process.
pub fn golden(name: &str) -> Instance {
    let unit = |a, m, t, k| GenParams {
        seed: 1,
        n_applicants: a,
        n_mentors: m,
        n_themes: t,
        k,
        cap_max: 6,
        unit: true,
    };
    let params = match name {
        "tiny" | "small" | "medium" | "large" => GenParams::preset(name, 1).expect("preset"),
        "large-loose" => GenParams {
            cap_max: 12,
            ..GenParams::preset("large", 1).expect("preset")
        },
        "unit2k" => unit(2000, 2000, 16, 50),
        "unit5k" => unit(5000, 5000, 24, 50),
        // Instances where card and score optima differ (references computed
        // with ref_solve.py / OR-Tools).
        "unit500-k3-s3" => GenParams {
            seed: 3,
            ..unit(500, 500, 8, 3)
        },
        "sparse-s5" => GenParams {
            seed: 5,
            n_applicants: 3000,
            n_mentors: 2000,
            n_themes: 16,
            k: 4,
            cap_max: 2,
            unit: false,
        },
        _ => panic!("unknown golden instance {name}"),
    };
    generate(&params)
}
