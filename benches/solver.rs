//! Criterion timings of the fast solver ([`flow::solve`], validation and
//! network build included) on benchmark instances regenerated in-process:
//! `medium` and `unit5k` always, the 1M-arc `large` (and its score/card
//! modes) as well. Instances are generated once, outside the timed loop.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use twinmatch::matching::flow;
use twinmatch::matching::r#gen::{GenParams, generate};
use twinmatch::matching::instance::SolveMode;

fn bench_solver(c: &mut Criterion) {
    let unit5k = GenParams {
        seed: 1,
        n_applicants: 5000,
        n_mentors: 5000,
        n_themes: 24,
        k: 50,
        cap_max: 6,
        unit: true,
    };
    let cases = [
        (
            "medium",
            GenParams::preset("medium", 1).expect("preset"),
            50,
        ),
        ("unit5k", unit5k, 20),
        ("large", GenParams::preset("large", 1).expect("preset"), 10),
    ];
    for (name, params, samples) in cases {
        let inst = generate(&params);
        let mut group = c.benchmark_group(name);
        group
            .sample_size(samples)
            .measurement_time(Duration::from_secs(5));
        for mode in [SolveMode::Score, SolveMode::Card] {
            let problem = inst.to_problem(mode).expect("valid instance");
            group.bench_function(mode.as_str(), |b| {
                b.iter(|| flow::solve(black_box(&problem)).expect("valid"))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_solver);
criterion_main!(benches);
