//! A process killed with SIGKILL in the middle of a write (an import, a
//! round, a publish) leaves the database holding all of the change or none
//! of it, on both backends, and the service starts again on it and serves.
//!
//! Each write is first timed when left alone; the kills then land at
//! points spread over that time, so most of them hit the write midway.

mod common;

use common::TestDb;
use common::process::{Server, run, secretariat_token, twinmatch};
use serde_json::Value;
use std::time::{Duration, Instant};
use twinmatch::store::Stats;

/// Points to kill at, spread over how long the write takes left alone.
fn kill_points(whole: Duration) -> Vec<Duration> {
    [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]
        .iter()
        .map(|f| whole.mul_f64(*f))
        .collect()
}

async fn fresh_like(db: &TestDb) -> TestDb {
    match std::env::var(common::PG_ENV) {
        Ok(admin) if db.url.starts_with("postgres") => common::postgres(&admin).await,
        _ => common::sqlite().await,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_midway_leaves_all_of_it_or_none_and_the_next_one_completes() {
    let real = common::fixtures("gnlc");
    let real = real.to_str().unwrap();
    for db in common::every_backend().await {
        eprintln!("import killed on {:?}", db.store.backend());
        let none: Stats = db.store.stats().await.unwrap();
        // The same import left alone, on a database of its own.
        let reference = fresh_like(&db).await;
        let started = Instant::now();
        let out = run(&["import", real, "--database", &reference.url]);
        assert!(out.status.success(), "{out:?}");
        let whole = started.elapsed();
        let all: Stats = reference.store.stats().await.unwrap();
        assert!(all.cities > 800);

        let (mut killed_midway, mut left_none) = (0, 0);
        for at in kill_points(whole) {
            let mut import = twinmatch(&["import", real, "--database", &db.url])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(at);
            if import.try_wait().unwrap().is_none() {
                killed_midway += 1;
            }
            import.kill().unwrap();
            import.wait().unwrap();
            let now = db.store.stats().await.unwrap();
            left_none += usize::from(now == none);
            assert!(
                now == none || now == all,
                "killed after {at:?}: {now:?} is neither none nor all of {all:?}"
            );
        }
        eprintln!(
            "{killed_midway} kills hit the import ({whole:?} left alone); {left_none} left none of it"
        );
        assert!(
            killed_midway >= 3,
            "only {killed_midway} kills hit the import"
        );

        let out = run(&["import", real, "--database", &db.url]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(db.store.stats().await.unwrap(), all);
        let server = Server::start(&db.url);
        assert_eq!(server.get("/api/stats", None)["cities"], all.cities);
    }
}

/// Every run's proposals were stored with it, every run and publication
/// has its audit row, every supersession its audit row, and only the last
/// published round is open: what all-or-nothing runs and publishes leave.
fn assert_rounds_whole(server: &Server, token: &str, why: &str) -> Vec<Value> {
    let t = Some(token);
    let runs = server.get("/api/runs?per_page=500", t)["items"]
        .as_array()
        .unwrap()
        .clone();
    let total = |q: &str| server.get(&format!("/api/proposals?{q}&per_page=1"), t)["total"].clone();
    for r in &runs {
        assert_eq!(
            total(&format!("run={}", r["id"])),
            r["summary"]["pairs"],
            "{why}: run {} lost proposals",
            r["id"]
        );
    }
    // Newest first.
    let audit = |kind: &str, action: &str| -> Vec<Value> {
        server.get(&format!("/api/audit?kind={kind}&per_page=500"), t)["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .cloned()
            .collect()
    };
    let published: Vec<&Value> = runs
        .iter()
        .filter(|r| !r["published_at"].is_null())
        .collect();
    assert_eq!(
        audit("run", "create").len(),
        runs.len(),
        "{why}: runs vs audit"
    );
    let publishes = audit("run", "publish");
    assert_eq!(
        publishes.len(),
        published.len(),
        "{why}: publishes vs audit"
    );
    assert_eq!(
        Value::from(audit("proposal", "supersede").len()),
        total("status=cancelled"),
        "{why}: supersessions vs audit"
    );
    // Of the published runs only the one published last is open (no
    // proposal is answered in these tests).
    let last = publishes.first().map(|e| e["entity_id"].clone());
    for r in &published {
        let open = total(&format!("run={}&status=proposed", r["id"]));
        let expected = if last == Some(Value::from(r["id"].to_string())) {
            r["summary"]["pairs"].clone()
        } else {
            Value::from(0)
        };
        assert_eq!(open, expected, "{why}: open proposals of run {}", r["id"]);
    }
    runs
}

/// Starts a write through `send`, kills the server at each point, starts
/// it again and checks the rounds are whole. Returns how many kills came
/// before the server had answered.
fn kill_during(
    db: &TestDb,
    token: &str,
    points: &[Duration],
    mut send: impl FnMut(&Server) -> std::net::TcpStream,
) -> usize {
    let mut before_answer = 0;
    for at in points {
        let server = Server::start(&db.url);
        let stream = send(&server);
        std::thread::sleep(*at);
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        if matches!(stream.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock) {
            before_answer += 1;
        }
        server.kill();
        let again = Server::start(&db.url);
        assert_rounds_whole(&again, token, &format!("killed after {at:?}"));
    }
    before_answer
}

#[tokio::test(flavor = "multi_thread")]
async fn a_round_or_a_publish_killed_midway_is_all_there_or_not_at_all() {
    for db in common::every_backend().await {
        eprintln!("rounds killed on {:?}", db.store.backend());
        let server = Server::start(&db.url);
        let token = secretariat_token(&db.url);
        let t = Some(token.as_str());

        // A round left alone, published, times both writes.
        let started = Instant::now();
        let (code, body) = server.call("POST", "/api/runs", t, "{}");
        let run_takes = started.elapsed();
        assert_eq!(code, 201, "{body}");
        let first = body["run"]["id"].clone();
        let started = Instant::now();
        let (code, body) = server.call("POST", &format!("/api/runs/{first}/publish"), t, "{}");
        let publish_takes = started.elapsed();
        assert_eq!(code, 200, "{body}");
        drop(server);

        let hit = kill_during(&db, &token, &kill_points(run_takes), |s| {
            s.send("POST", "/api/runs", t, "{}")
        });
        eprintln!("{hit} kills came before a round's answer ({run_takes:?} left alone)");
        assert!(hit >= 3, "only {hit} kills came before a round's answer");

        // Publishing the newest draft, or a new one once it is published.
        let hit = kill_during(&db, &token, &kill_points(publish_takes), |s| {
            let runs = s.get("/api/runs?per_page=500", t);
            let draft = runs["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["published_at"].is_null())
                .map(|r| r["id"].clone());
            let draft = draft.unwrap_or_else(|| {
                let (code, body) = s.call("POST", "/api/runs", t, "{}");
                assert_eq!(code, 201, "{body}");
                body["run"]["id"].clone()
            });
            s.send("POST", &format!("/api/runs/{draft}/publish"), t, "{}")
        });
        eprintln!("{hit} kills came before a publish's answer ({publish_takes:?} left alone)");
        assert!(hit >= 1, "no kill came before a publish's answer");
        let server = Server::start(&db.url);
        let runs = assert_rounds_whole(&server, &token, "at the end");
        assert!(runs.len() >= 2, "{runs:?}");
    }
}
