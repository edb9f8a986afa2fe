//! Several `twinmatch serve` processes on one PostgreSQL database, the way
//! to serve more people than one process can: each keeps its own cached
//! network, and each sees the others' writes on its next request.

mod common;

use common::process::{Server, secretariat_token};

fn suggested_mentors(server: &Server, city: i64) -> Vec<i64> {
    let body = server.get(&format!("/api/cities/{city}/suggestions?n=50"), None);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["city"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_on_one_postgresql_see_each_others_writes_on_their_next_request() {
    let Ok(admin) = std::env::var(common::PG_ENV) else {
        eprintln!("{} not set: skipped (CI sets it)", common::PG_ENV);
        return;
    };
    let db = common::postgres(&admin).await;
    // The first start seeds the empty database; the second finds it full.
    let a = Server::start(&db.url);
    let b = Server::start(&db.url);
    let token = secretariat_token(&db.url);

    let requests = a.get("/api/requests?per_page=1", None);
    let applicant = requests["items"][0]["city"].as_i64().unwrap();
    // Both replicas build and cache the network with the same answer.
    let before = suggested_mentors(&b, applicant);
    assert_eq!(suggested_mentors(&a, applicant), before);
    let mentor = before[0];
    let offers = a.get(&format!("/api/offers?city={mentor}"), None);
    let offer = offers["items"][0]["id"].as_i64().unwrap();

    // A write through one replica...
    let (code, body) = a.call("DELETE", &format!("/api/offers/{offer}"), Some(&token), "");
    assert_eq!(code, 204, "{body}");
    // ...is what the other answers next, and the writer too.
    let after = suggested_mentors(&b, applicant);
    assert!(
        !after.contains(&mentor),
        "{mentor} is still suggested: {after:?}"
    );
    assert_eq!(suggested_mentors(&a, applicant), after);
}
