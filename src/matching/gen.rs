//! Bit-for-bit port of the benchmark instance generator
//! (`shared/bench/gen.py`, `generate()`, version 1), so that tests and
//! benchmarks can rebuild the reference instances without Python.
//!
//! Every draw comes from one [`SplitMix64`] stream in the order documented in
//! `gen.py` (and repeated on [`generate`]); scores are integer arithmetic, and
//! the decimal needs/expertise are `pct / 100.0` exactly as Python's `p / 100`.
//! Writing the result with [`super::instance::write_instance`] reproduces the
//! bytes of `gen.py -o FILE`.

use super::instance::{Applicant, FORMAT, GeneratorInfo, Instance, Mentor, ThemeWeights};

/// Version of `gen.py` this port follows.
pub const GEN_VERSION: u32 = 1;

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014), as in `gen.py`.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Integer in `[0, n)`: high 64 bits of `next_u64() * n` (Lemire's
    /// multiply-shift without rejection, as `gen.py`'s `below`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// `k` distinct integers from `[0, n)` by Floyd's algorithm, sorted; `0..n`
/// when `k >= n`. Draw order: for `j = n-k .. n-1`, `t = below(j + 1)`; take
/// `t`, or `j` if `t` is already taken.
pub fn sample_distinct(rng: &mut SplitMix64, n: u64, k: u64) -> Vec<u64> {
    if k >= n {
        return (0..n).collect();
    }
    let mut chosen: Vec<u64> = Vec::with_capacity(k as usize);
    for j in n - k..n {
        let t = rng.below(j + 1);
        let pick = match chosen.binary_search(&t) {
            Ok(_) => j,
            Err(_) => t,
        };
        // `j` exceeds everything drawn so far, `t` goes to its sorted place.
        if let Err(at) = chosen.binary_search(&pick) {
            chosen.insert(at, pick);
        }
    }
    chosen
}

/// Sizes and options of one generated instance (the `gen.py` arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenParams {
    pub seed: u64,
    pub n_applicants: usize,
    pub n_mentors: usize,
    pub n_themes: usize,
    /// Candidate mentors per applicant.
    pub k: usize,
    /// Mentor capacity is uniform in `1..=cap_max`.
    pub cap_max: u32,
    /// Assignment sub-case: every `max_mentors` and capacity is 1.
    pub unit: bool,
}

impl GenParams {
    /// A `gen.py --preset` (`tiny`, `small`, `medium`, `large`) with `seed`.
    pub fn preset(name: &str, seed: u64) -> Option<Self> {
        let (n_applicants, n_mentors, n_themes, k, cap_max) = match name {
            "tiny" => (10, 5, 4, 3, 3),
            "small" => (300, 100, 12, 30, 6),
            "medium" => (2000, 500, 16, 50, 6),
            "large" => (20000, 5000, 24, 50, 6),
            _ => return None,
        };
        Some(Self {
            seed,
            n_applicants,
            n_mentors,
            n_themes,
            k,
            cap_max,
            unit: false,
        })
    }
}

/// Generates the instance `gen.py` generates for the same parameters.
///
/// Draw order (one stream seeded with `seed`):
/// 1. per applicant: `c = 1 + below(3)` themes, each `min(below(T), below(T))`
///    redrawn while taken; then per theme in drawing order `1 + below(100)`;
///    then `r = below(10)`: `max_mentors` 1 if `r < 6`, 2 if `r < 9`, else 3
///    (1 in unit mode, draw still made);
/// 2. per mentor: `c = min(2 + below(4), T)` themes by [`sample_distinct`],
///    per theme (sorted) `below(101)`, capacity `1 + below(cap_max)` (1 in
///    unit mode, no draw);
/// 3. per applicant: `k` candidates by [`sample_distinct`], then per candidate
///    (ascending) score `80 * fit_num / fit_den + below(2001)`.
///
/// # Panics
/// If a size is 0 (`gen.py` rejects that too).
pub fn generate(params: &GenParams) -> Instance {
    let GenParams {
        seed,
        n_applicants: n_a,
        n_mentors: n_m,
        n_themes: n_t,
        k,
        cap_max,
        unit,
    } = *params;
    assert!(
        n_a.min(n_m).min(n_t).min(k) >= 1 && cap_max >= 1,
        "sizes must be >= 1"
    );
    let mut rng = SplitMix64::new(seed);
    let t_count = n_t as u64;
    let themes: Vec<String> = (0..n_t).map(|t| format!("t{t:02}")).collect();

    let mut applicants = Vec::with_capacity(n_a);
    let mut a_needs: Vec<Vec<(usize, u64)>> = Vec::with_capacity(n_a);
    for i in 0..n_a {
        let c = (1 + rng.below(3)).min(t_count) as usize;
        let mut taken: Vec<usize> = Vec::with_capacity(c);
        while taken.len() < c {
            let a = rng.below(t_count);
            let b = rng.below(t_count);
            let t = a.min(b) as usize;
            if !taken.contains(&t) {
                taken.push(t);
            }
        }
        let needs: Vec<(usize, u64)> = taken.iter().map(|&t| (t, 1 + rng.below(100))).collect();
        let r = rng.below(10);
        let mm = match r {
            _ if unit => 1,
            0..6 => 1,
            6..9 => 2,
            _ => 3,
        };
        let mut sorted = needs.clone();
        sorted.sort_unstable();
        applicants.push(Applicant {
            id: format!("A{i:06}"),
            max_mentors: mm,
            needs: ThemeWeights(
                sorted
                    .iter()
                    .map(|&(t, p)| (themes[t].clone(), p as f64 / 100.0))
                    .collect(),
            ),
            first_slot_bonus: 0,
        });
        a_needs.push(needs);
    }

    let mut mentors = Vec::with_capacity(n_m);
    let mut m_exp: Vec<Vec<u64>> = Vec::with_capacity(n_m); // dense pct per theme, 0 = absent
    for j in 0..n_m {
        let c = (2 + rng.below(4)).min(t_count);
        let ts = sample_distinct(&mut rng, t_count, c);
        let exp: Vec<(usize, u64)> = ts.iter().map(|&t| (t as usize, rng.below(101))).collect();
        let cap = if unit {
            1
        } else {
            1 + rng.below(u64::from(cap_max)) as u32
        };
        let mut dense = vec![0u64; n_t];
        for &(t, p) in &exp {
            dense[t] = p;
        }
        m_exp.push(dense);
        mentors.push(Mentor {
            id: format!("M{j:05}"),
            capacity: cap,
            expertise: ThemeWeights(
                exp.iter()
                    .map(|&(t, p)| (themes[t].clone(), p as f64 / 100.0))
                    .collect(),
            ),
        });
    }

    let mut arcs = Vec::with_capacity(n_a * k.min(n_m));
    for (i, needs) in a_needs.iter().enumerate() {
        let den: u64 = needs.iter().map(|&(_, p)| p).sum();
        for j in sample_distinct(&mut rng, n_m as u64, k as u64) {
            let exp = &m_exp[j as usize];
            let num: u64 = needs.iter().map(|&(t, p)| p * exp[t]).sum();
            let score = (80 * num) / den + rng.below(2001);
            arcs.push((i as u32, j as u32, score as i64));
        }
    }

    Instance {
        format: FORMAT.to_string(),
        generator: Some(GeneratorInfo {
            name: "gen.py".to_string(),
            version: GEN_VERSION,
            seed: Some(seed),
            n_applicants: Some(n_a),
            n_mentors: Some(n_m),
            n_themes: Some(n_t),
            k: Some(k),
            cap_max: Some(cap_max),
            unit: Some(unit),
        }),
        themes,
        applicants,
        mentors,
        arcs,
    }
}
