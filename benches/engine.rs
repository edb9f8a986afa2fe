//! Criterion timings of the engine on the real network with the demo
//! sample, as `twinmatch serve` loads it: trust-path queries, the graph
//! build, one applicant's plan and a full default round.
//!
//! The data goes through the real import into a temporary SQLite file once,
//! outside the timed loops. The targets: a path query well under a
//! millisecond, a plan under 10 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

use twinmatch::domain::{CityId, Snapshot};
use twinmatch::engine::Network;
use twinmatch::graph::{DEFAULT_MAX_HOPS, NetworkGraph, TrustModel};
use twinmatch::matching::plan::PlanParams;
use twinmatch::matching::{EngineConfig, RunParams};
use twinmatch::store::{self, import};

/// The real network and the demo sample, imported and snapshotted.
fn real_snapshot() -> Snapshot {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    runtime.block_on(async {
        let db = store::connect(&url).await.expect("SQLite store");
        for files in [twinmatch::seed::gnlc(), twinmatch::seed::demo()] {
            import::import(db.as_ref(), &files)
                .await
                .expect("the embedded data imports");
        }
        db.snapshot().await.expect("snapshot")
    })
}

fn city(snapshot: &Snapshot, name: &str, country: &str) -> CityId {
    snapshot
        .cities
        .iter()
        .find(|c| c.name.as_str() == name && c.country.as_str() == country)
        .unwrap_or_else(|| panic!("{name} ({country}) is in the real data"))
        .id
}

fn bench_engine(c: &mut Criterion) {
    let snapshot = real_snapshot();
    let net = Network::build(snapshot.clone(), EngineConfig::default());
    let (beira, bristol) = (
        city(&snapshot, "Beira", "MZ"),
        city(&snapshot, "Bristol", "GB"),
    );
    // An applicant of the demo sample, twinned with one of its leads.
    let applicant = city(&snapshot, "Farsia", "EH");
    let round = net.round(&RunParams::default()).expect("default round");
    let hops = DEFAULT_MAX_HOPS;

    let mut paths = c.benchmark_group("paths");
    paths.measurement_time(Duration::from_secs(5));
    paths.bench_function("best_path Beira-Bristol", |b| {
        b.iter(|| {
            net.graph
                .best_path(black_box(beira), black_box(bristol), hops)
        })
    });
    paths.bench_function("k_best_paths k=3 Beira-Bristol", |b| {
        b.iter(|| {
            net.graph
                .k_best_paths(black_box(beira), black_box(bristol), 3, hops)
        })
    });
    paths.bench_function("best_paths_from Beira", |b| {
        b.iter(|| net.graph.best_paths_from(black_box(beira), hops))
    });
    paths.finish();

    let mut engine = c.benchmark_group("engine");
    engine.measurement_time(Duration::from_secs(5));
    engine.bench_function("NetworkGraph::build", |b| {
        b.iter(|| NetworkGraph::build(black_box(&snapshot), &TrustModel::default()))
    });
    engine.bench_function("Network::plan Farsia", |b| {
        b.iter(|| {
            net.plan(black_box(applicant), &round, &PlanParams::default())
                .expect("Farsia has a request")
        })
    });
    engine.bench_function("Network::round default", |b| {
        b.iter(|| net.round(black_box(&RunParams::default())).expect("round"))
    });
    engine.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
