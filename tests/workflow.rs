//! The whole workflow through HTTP, on every backend: tokens, offers and
//! requests, a run, answers, a decline and a re-run that changes only what
//! it must, a completed mentorship that raises the mentor's expertise;
//! concurrent answers; and every role boundary.

mod common;

use axum::http::StatusCode;
use serde_json::{Value, json};

use common::http::Api;
use twinmatch::domain::{CityId, Evidence, Role, TopicId};
use twinmatch::matching::expertise::EvidenceWeights;

fn pairs(proposals: &Value) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = proposals
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["mentor"].as_i64().unwrap(),
                p["applicant"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

async fn expertise(api: &Api, city: i64, topic: i64) -> f64 {
    let ev: Vec<Evidence> = api.db.store.evidence_of(CityId(city)).await.unwrap();
    let refs: Vec<&Evidence> = ev.iter().collect();
    EvidenceWeights::default()
        .expertise(CityId(city), TopicId(topic), &refs, 2026)
        .score
}

async fn walk_the_workflow(api: &Api) {
    let sec = api.token(Role::Secretariat).await;

    // The secretariat creates city tokens through the API.
    let bristol = api.city("bristol", "GB").await;
    let beira = api.city("beira", "MZ").await;
    let r = api
        .post(
            "/api/tokens",
            Some(&sec),
            json!({"role": "city", "city": bristol, "label": "Bristol IR office"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bristol_token = r.body["token"].as_str().unwrap().to_string();
    let r = api
        .post(
            "/api/tokens",
            Some(&sec),
            json!({"role": "city", "city": beira}),
        )
        .await;
    let beira_token = r.body["token"].as_str().unwrap().to_string();

    // Cities state what they offer and need (Portuguese and English).
    let r = api
        .post(
            "/api/offers",
            Some(&bristol_token),
            json!({"city": bristol, "topics": ["plan", "esd", "involve"], "capacity": 2,
                   "languages": ["en", "pt"], "modalities": ["online_mentoring", "exchange_visit"]}),
        )
        .await;
    assert!(
        r.status == StatusCode::CREATED || r.status == StatusCode::CONFLICT,
        "{}",
        r.body
    );
    if r.status == StatusCode::CONFLICT {
        let offer = api
            .get(&format!("/api/offers?city={bristol}"), None)
            .await
            .body["items"][0]["id"]
            .clone();
        let r = api
            .put(
                &format!("/api/offers/{offer}"),
                Some(&bristol_token),
                json!({"topics": ["plan", "esd", "involve"], "capacity": 2, "languages": ["en", "pt"],
                       "modalities": ["online_mentoring", "exchange_visit"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = api
        .post(
            "/api/requests",
            Some(&beira_token),
            json!({"city": beira, "needs": [{"topic": "plan", "priority": 5}, {"topic": "esd", "priority": 3}],
                   "languages": ["pt", "en"], "modalities": ["online_mentoring"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        api.get(&format!("/api/cities/{beira}"), None).await.body["status"],
        "applicant"
    );

    // A run proposes pairs; the secretariat publishes it.
    let r = api
        .post("/api/runs", Some(&sec), json!({"mode": "coverage"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let run1 = r.body["run"]["id"].as_i64().unwrap();
    let first = pairs(&r.body["proposals"]);
    assert!(!first.is_empty());
    assert_eq!(
        r.body["summary"]["applicants_covered"],
        r.body["summary"]["max_coverable"]
    );
    let proposals = r.body["proposals"].as_array().unwrap().clone();
    for p in &proposals {
        let sum: i64 = p["explanation"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, p["score"].as_i64().unwrap());
    }
    // Before publication the cities cannot answer.
    let mine = proposals
        .iter()
        .find(|p| p["applicant"] == beira)
        .expect("Beira is covered")
        .clone();
    let r = api
        .post(
            &format!("/api/proposals/{}/accept", mine["id"]),
            Some(&beira_token),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "an unpublished proposal is the secretariat's draft: {}",
        r.body
    );
    assert_eq!(
        api.post(&format!("/api/runs/{run1}/publish"), Some(&sec), json!({}))
            .await
            .status,
        StatusCode::OK
    );

    // Both sides accept Beira's proposal: it becomes active.
    let mentor = mine["mentor"].as_i64().unwrap();
    let mentor_token = if mentor == bristol {
        bristol_token.clone()
    } else {
        api.token(Role::City(CityId(mentor))).await
    };
    let r = api
        .post(
            &format!("/api/proposals/{}/accept", mine["id"]),
            Some(&beira_token),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{}",
        r.body
    );
    let r = api
        .post(
            &format!("/api/proposals/{}/accept", mine["id"]),
            Some(&mentor_token),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("active")),
        "{}",
        r.body
    );

    // Another applicant declines its proposal, with a reason: the pair is banned.
    let other = proposals
        .iter()
        .find(|p| p["applicant"] != beira && p["mentor"] != mentor)
        .expect("another proposal")
        .clone();
    let other_applicant = other["applicant"].as_i64().unwrap();
    let other_token = api.token(Role::City(CityId(other_applicant))).await;
    let r = api
        .post(
            &format!("/api/proposals/{}/decline", other["id"]),
            Some(&other_token),
            json!({"version": 1, "reason": "no budget for visits this year"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("declined")),
        "{}",
        r.body
    );
    let bans = api.get("/api/bans", Some(&sec)).await.body;
    assert!(
        bans.as_array()
            .unwrap()
            .iter()
            .any(|b| b["mentor"] == other["mentor"] && b["applicant"] == other_applicant)
    );

    // The re-run, preferring the previous run, changes only what it must.
    let r = api
        .post(
            "/api/runs",
            Some(&sec),
            json!({"mode": "coverage", "prefer_previous": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let run2 = r.body["run"]["id"].as_i64().unwrap();
    let removed = r.body["summary"]["diff"]["removed"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(removed.len(), 1, "only the declined pair goes: {removed:?}");
    assert_eq!(
        (
            removed[0]["mentor"].clone(),
            removed[0]["applicant"].clone()
        ),
        (other["mentor"].clone(), other["applicant"].clone())
    );
    assert!(
        !pairs(&r.body["proposals"]).contains(&(mentor, beira)),
        "an active pair is in force, not proposed again"
    );
    let d = api
        .get(&format!("/api/runs/{run2}/diff?against={run1}"), Some(&sec))
        .await
        .body;
    assert_eq!(d["removed"].as_array().unwrap().len(), 1, "{d}");

    // The mentorship completes; the mentor's expertise rises and the two cities are now tied.
    let topic = mine["explanation"]["matched_topics"][0]["topic"]
        .as_i64()
        .unwrap();
    let before = expertise(api, mentor, topic).await;
    let r = api
        .post(
            &format!("/api/proposals/{}/complete", mine["id"]),
            Some(&beira_token),
            json!({"version": 3, "rating": 5, "report": "a learning city plan drafted together"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{}",
        r.body
    );
    let after = expertise(api, mentor, topic).await;
    assert!(after > before, "expertise {before} -> {after}");
    let path = api
        .get(&format!("/api/paths?from={beira}&to={mentor}"), None)
        .await
        .body;
    assert_eq!(
        path["hops"][0]["relation"]["type"], "past_mentorship",
        "{path}"
    );

    // Stats show coverage and mentor load; the audit shows who did what and why.
    let stats = api.get("/api/stats", None).await.body;
    assert!(stats["coverage"]["by_region"].is_array(), "{stats}");
    assert!(
        stats["mentor_load"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["mentor"] == mentor && m["all_runs"].as_i64().unwrap() >= 1)
    );
    let audit = api
        .get(
            &format!("/api/audit?city={other_applicant}&kind=proposal"),
            Some(&sec),
        )
        .await
        .body;
    let decline = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "decline")
        .expect("the decline is audited")
        .clone();
    assert_eq!(decline["reason"], "no budget for visits this year");
    assert_eq!(decline["role"], "city");
    assert_eq!(decline["before"]["status"], "proposed");
    assert_eq!(decline["after"]["status"], "declined");
}

#[tokio::test]
async fn the_whole_workflow_runs_on_every_backend() {
    for db in common::every_backend().await {
        eprintln!("workflow on {:?}", db.store.backend());
        let api = Api::real(db).await;
        walk_the_workflow(&api).await;
    }
}

async fn published_run(api: &Api, sec: &str) -> Vec<Value> {
    let r = api.post("/api/runs", Some(sec), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    api.post(
        &format!("/api/runs/{}/publish", r.body["run"]["id"]),
        Some(sec),
        json!({}),
    )
    .await;
    r.body["proposals"].as_array().unwrap().clone()
}

#[tokio::test]
async fn two_answers_to_the_same_version_one_wins_the_other_gets_the_current_state() {
    for db in common::every_backend().await {
        eprintln!("concurrent answers on {:?}", db.store.backend());
        two_answers_to_one_version(&Api::real(db).await).await;
    }
}

async fn two_answers_to_one_version(api: &Api) {
    let sec = api.token(Role::Secretariat).await;
    let p = published_run(api, &sec).await[0].clone();
    let mentor = api
        .token(Role::City(CityId(p["mentor"].as_i64().unwrap())))
        .await;
    let applicant = api
        .token(Role::City(CityId(p["applicant"].as_i64().unwrap())))
        .await;
    let uri = format!("/api/proposals/{}/accept", p["id"]);
    let (a, b) = tokio::join!(
        api.post(&uri, Some(&mentor), json!({"version": 1})),
        api.post(&uri, Some(&applicant), json!({"version": 1}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.body,
        b.body
    );
    let loser = if a.status == StatusCode::CONFLICT {
        &a
    } else {
        &b
    };
    assert_eq!(loser.code(), "version_conflict");
    assert_eq!(
        loser.body["error"]["current"]["version"], 2,
        "the 409 carries the current state"
    );
    let now = api
        .get(&format!("/api/proposals/{}", p["id"]), None)
        .await
        .body;
    assert_eq!(
        (now["status"].as_str(), now["version"].as_i64()),
        (Some("accepted"), Some(2)),
        "one answer, not two"
    );
    // The loser retries with the current version and wins.
    let retry_token = if a.status == StatusCode::CONFLICT {
        &mentor
    } else {
        &applicant
    };
    let r = api
        .post(&uri, Some(retry_token), json!({"version": 2}))
        .await;
    assert_eq!(r.body["status"], "active", "{}", r.body);
}

#[tokio::test]
async fn each_role_stays_within_its_bounds() {
    let api = Api::real(common::sqlite().await).await;
    let sec = api.token(Role::Secretariat).await;
    let observer = api.token(Role::Observer).await;
    let proposals = published_run(&api, &sec).await;
    let p = &proposals[0];
    let (mentor, applicant) = (
        p["mentor"].as_i64().unwrap(),
        p["applicant"].as_i64().unwrap(),
    );
    let stranger = proposals
        .iter()
        .map(|q| q["applicant"].as_i64().unwrap())
        .find(|a| *a != applicant && *a != mentor)
        .unwrap();
    let stranger_token = api.token(Role::City(CityId(stranger))).await;
    let mentor_token = api.token(Role::City(CityId(mentor))).await;
    let offer = api
        .get(&format!("/api/offers?city={mentor}"), None)
        .await
        .body["items"][0]
        .clone();
    let offer_body =
        json!({"topics": ["plan"], "capacity": 3, "languages": ["en"], "modalities": ["training"]});

    // no token: 401 on writes, reads of public data stay open
    let r = api
        .put(
            &format!("/api/offers/{}", offer["id"]),
            None,
            offer_body.clone(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert_eq!(api.get("/api/offers", None).await.status, StatusCode::OK);
    // a city cannot touch another city's offer, nor answer its proposals
    let r = api
        .put(
            &format!("/api/offers/{}", offer["id"]),
            Some(&stranger_token),
            offer_body.clone(),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{}",
        r.body
    );
    let r = api
        .post(
            &format!("/api/proposals/{}/accept", p["id"]),
            Some(&stranger_token),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // ... but may edit its own
    let r = api
        .put(
            &format!("/api/offers/{}", offer["id"]),
            Some(&mentor_token),
            offer_body.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // an observer cannot write
    let r = api
        .put(
            &format!("/api/offers/{}", offer["id"]),
            Some(&observer),
            offer_body.clone(),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    assert_eq!(
        api.post("/api/runs", Some(&observer), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // only the secretariat runs rounds, reads the audit, makes tokens
    assert_eq!(
        api.post("/api/runs", Some(&mentor_token), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.get("/api/audit", Some(&mentor_token)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.get("/api/audit", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        api.post(
            "/api/tokens",
            Some(&mentor_token),
            json!({"role": "secretariat"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // a revoked token is refused
    let r = api
        .post("/api/tokens", Some(&sec), json!({"role": "observer"}))
        .await;
    let (secret, id) = (
        r.body["token"].as_str().unwrap().to_string(),
        r.body["info"]["id"].clone(),
    );
    assert_eq!(
        api.get("/api/proposals", Some(&secret)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.post(&format!("/api/tokens/{id}/revoke"), Some(&sec), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let r = api.get("/api/proposals", Some(&secret)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let r = api.get("/api/proposals", Some("tm_not-a-token")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn draft_run(api: &Api, sec: &str) -> i64 {
    let r = api.post("/api/runs", Some(sec), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["run"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_runs_list_counts_only_the_runs_its_reader_may_see() {
    let api = Api::real(common::sqlite().await).await;
    let sec = api.token(Role::Secretariat).await;
    let published = draft_run(&api, &sec).await;
    let r = api
        .post(
            &format!("/api/runs/{published}/publish"),
            Some(&sec),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let draft = draft_run(&api, &sec).await;

    let anonymous = api.get("/api/runs", None).await.body;
    assert_eq!(anonymous["total"], 1, "{anonymous}");
    let items = anonymous["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], published);
    // A page of one is full, not short: the draft is not counted then dropped.
    let first = api.get("/api/runs?per_page=1", None).await.body;
    assert_eq!(
        (
            first["total"].as_i64(),
            first["items"].as_array().unwrap().len()
        ),
        (Some(1), 1)
    );

    let secretariat = api.get("/api/runs", Some(&sec)).await.body;
    assert_eq!(secretariat["total"], 2);
    assert_eq!(secretariat["items"][0]["id"], draft);
}

#[tokio::test]
async fn publishing_supersedes_only_open_proposals_of_earlier_published_runs_each_audited() {
    for db in common::every_backend().await {
        eprintln!("superseding on {:?}", db.store.backend());
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let a = draft_run(&api, &sec).await;
        api.post(&format!("/api/runs/{a}/publish"), Some(&sec), json!({}))
            .await;
        let b = draft_run(&api, &sec).await;
        let c = draft_run(&api, &sec).await;
        let open_of = |run: i64| {
            let api = &api;
            let sec = sec.clone();
            async move {
                api.get(
                    &format!("/api/proposals?run={run}&status=proposed&per_page=500"),
                    Some(&sec),
                )
                .await
                .body["total"]
                    .as_i64()
                    .unwrap()
            }
        };
        let a_open = open_of(a).await;
        assert!(a_open > 0);

        let r = api
            .post(&format!("/api/runs/{b}/publish"), Some(&sec), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            open_of(a).await,
            0,
            "the earlier published run's open proposals give way"
        );
        assert!(open_of(b).await > 0, "the published run's stay open");
        assert!(
            open_of(c).await > 0,
            "a later draft is not the published run's to cancel"
        );

        let cancelled = api
            .get(
                &format!("/api/proposals?run={a}&status=cancelled&per_page=500"),
                None,
            )
            .await
            .body;
        assert_eq!(cancelled["total"].as_i64(), Some(a_open));
        let first = &cancelled["items"][0];
        assert_eq!(first["reason"], format!("superseded by run {b}"));
        let audit = api
            .get("/api/audit?kind=proposal&per_page=500", Some(&sec))
            .await
            .body;
        let rows = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "supersede")
            .count() as i64;
        assert_eq!(rows, a_open, "one audit row per superseded proposal");

        // Publishing the draft later supersedes b's open proposals, and b
        // cannot be published again.
        let r = api
            .post(&format!("/api/runs/{c}/publish"), Some(&sec), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(open_of(b).await, 0);
        assert!(
            open_of(c).await > 0,
            "the round just published can be answered"
        );
        let again = api
            .post(&format!("/api/runs/{b}/publish"), Some(&sec), json!({}))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    }
}

#[tokio::test]
async fn a_round_is_named_previewed_before_publishing_and_a_draft_can_be_discarded() {
    for db in common::every_backend().await {
        eprintln!("named rounds on {:?}", db.store.backend());
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let city = api.token(Role::Observer).await;
        let r = api
            .post(
                "/api/runs",
                Some(&sec),
                json!({"name": "  2027 spring call "}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let a = r.body["run"]["id"].as_i64().unwrap();
        assert_eq!(r.body["run"]["name"], "2027 spring call", "trimmed");
        assert_eq!(r.body["run"]["status"], "draft");
        let pairs = r.body["summary"]["pairs"].as_i64().unwrap();

        let preview = api.get(&format!("/api/runs/{a}/publish"), Some(&sec)).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert_eq!(
            preview.body["supersedes"],
            json!([]),
            "nothing in force yet"
        );
        let forbidden = api
            .get(&format!("/api/runs/{a}/publish"), Some(&city))
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        api.post(&format!("/api/runs/{a}/publish"), Some(&sec), json!({}))
            .await;

        let b = draft_run(&api, &sec).await;
        let preview = api.get(&format!("/api/runs/{b}/publish"), Some(&sec)).await;
        assert_eq!(
            preview.body["supersedes"],
            json!([{"run": a, "name": "2027 spring call", "open_proposals": pairs, "kept_in_force": 0}]),
            "publishing b would withdraw a's unanswered proposals"
        );
        let published = api
            .post(&format!("/api/runs/{b}/publish"), Some(&sec), json!({}))
            .await;
        assert_eq!(published.body["status"], "published");
        let a_now = api.get(&format!("/api/runs/{a}"), None).await.body;
        assert_eq!(
            (&a_now["run"]["status"], &a_now["run"]["superseded_by"]),
            (&json!("superseded"), &json!(b))
        );
        let in_force = api.get("/api/runs?status=published", None).await.body;
        assert_eq!(in_force["total"], 1);
        assert_eq!(in_force["items"][0]["id"], b);
        let stats = api.get("/api/stats", Some(&sec)).await.body;
        assert_eq!(stats["coverage"]["run"], b);

        // A draft is renamed, then discarded: kept, listed only when asked.
        let c = draft_run(&api, &sec).await;
        let renamed = api
            .call(
                axum::http::Method::PATCH,
                &format!("/api/runs/{c}"),
                Some(&sec),
                Some(json!({"name": "without Fez"})),
            )
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(renamed.body["name"], "without Fez");
        let stats = api.get("/api/stats", Some(&sec)).await.body;
        assert_eq!(
            stats["coverage"]["run"], b,
            "a newer draft does not replace the round in force in the figures"
        );
        let discarded = api
            .post(&format!("/api/runs/{c}/discard"), Some(&sec), json!({}))
            .await;
        assert_eq!(discarded.status, StatusCode::OK, "{}", discarded.body);
        assert_eq!(discarded.body["status"], "discarded");
        for (what, uri) in [
            ("publish", format!("/api/runs/{c}/publish")),
            ("discard", format!("/api/runs/{c}/discard")),
            ("discard a published run", format!("/api/runs/{b}/discard")),
        ] {
            let refused = api.post(&uri, Some(&sec), json!({})).await;
            assert_eq!(
                refused.status,
                StatusCode::CONFLICT,
                "{what}: {}",
                refused.body
            );
        }
        let preview = api.get(&format!("/api/runs/{c}/publish"), Some(&sec)).await;
        assert_eq!(preview.status, StatusCode::CONFLICT);
        let listed = api.get("/api/runs", Some(&sec)).await.body;
        assert!(
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != c),
            "{listed}"
        );
        let set_aside = api.get("/api/runs?status=discarded", Some(&sec)).await.body;
        assert_eq!(set_aside["items"][0]["id"], c);
        let hidden = api.get("/api/runs?status=discarded", None).await.body;
        assert_eq!(hidden["total"], 0, "drafts are the secretariat's");
        let audit = api
            .get("/api/audit?kind=run&per_page=500", Some(&sec))
            .await
            .body;
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(&actions[..2], ["discard", "rename"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_offer_make_one_and_lists_never_fail_meanwhile() {
    for db in common::every_backend().await {
        eprintln!("concurrent offers on {:?}", db.store.backend());
        concurrent_offers(std::sync::Arc::new(Api::real(db).await)).await;
    }
}

async fn concurrent_offers(api: std::sync::Arc<Api>) {
    let sec = api.token(Role::Secretariat).await;
    let city = api.member_without_offer().await["id"].as_i64().unwrap();
    let body = json!({"city": city, "topics": ["plan"], "capacity": 2, "languages": ["en"], "modalities": ["training"]});
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (api, sec, body) = (api.clone(), sec.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                api.post("/api/offers", Some(&sec), body).await.status
            } else {
                api.get("/api/offers?per_page=500", None).await.status
            }
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(
        (
            count(StatusCode::CREATED),
            count(StatusCode::CONFLICT),
            count(StatusCode::OK)
        ),
        (1, 11, 12),
        "one create wins, the others are told the offer exists, and every list answers: {statuses:?}"
    );
    let audit = api
        .get(&format!("/api/audit?city={city}&kind=offer"), Some(&sec))
        .await
        .body;
    let creates = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "create")
        .count();
    assert_eq!(creates, 1, "one creation in the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_answers_to_one_version_make_one_move_and_one_audit_row() {
    for db in common::every_backend().await {
        eprintln!("fifty answers on {:?}", db.store.backend());
        let api = std::sync::Arc::new(Api::real(db).await);
        let sec = api.token(Role::Secretariat).await;
        let p = published_run(&api, &sec).await[0].clone();
        let mentor = api
            .token(Role::City(CityId(p["mentor"].as_i64().unwrap())))
            .await;
        let uri = format!("/api/proposals/{}/accept", p["id"]);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (api, mentor, uri) = (api.clone(), mentor.clone(), uri.clone());
                tokio::spawn(async move {
                    api.post(&uri, Some(&mentor), json!({"version": 1}))
                        .await
                        .status
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let wins = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let conflicts = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((wins, conflicts), (1, 49), "{statuses:?}");
        let id = p["id"].to_string();
        let audit = api
            .get(
                &format!(
                    "/api/audit?kind=proposal&per_page=500&city={}",
                    p["applicant"]
                ),
                Some(&sec),
            )
            .await
            .body;
        let rows = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity_id"] == id.as_str() && e["action"] == "accept")
            .count();
        assert_eq!(rows, 1, "one answer, one audit row");
    }
}

#[tokio::test]
async fn a_city_is_named_as_people_type_it_in_bodies_and_queries() {
    let api = Api::real(common::sqlite().await).await;
    let sec = api.token(Role::Secretariat).await;
    let city = api.member_without_offer().await;
    let named = format!(
        "{}, {}",
        city["name"].as_str().unwrap().to_uppercase(),
        city["country"].as_str().unwrap()
    );
    let body = json!({"city": named, "topics": ["plan"], "capacity": 2, "languages": ["en"], "modalities": ["training"]});
    let r = api.post("/api/offers", Some(&sec), body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["city"], city["id"], "answers carry the id");
    let q = named.replace(' ', "%20").replace(',', "%2C");
    let listed = api.get(&format!("/api/offers?city={q}"), None).await.body;
    assert_eq!(listed["items"][0]["id"], r.body["id"]);
    let r = api
        .post("/api/offers", Some(&sec), with_city(body, "Atlantis, MZ"))
        .await;
    assert_eq!(
        (r.status, r.body["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("city")),
        "{}",
        r.body
    );
}

fn with_city(mut body: Value, city: &str) -> Value {
    body["city"] = json!(city);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_replacements_of_one_offer_each_audit_the_offer_they_replaced() {
    for db in common::every_backend().await {
        eprintln!("fifty replacements on {:?}", db.store.backend());
        let api = std::sync::Arc::new(Api::real(db).await);
        let sec = api.token(Role::Secretariat).await;
        let city = api.member_without_offer().await["id"].as_i64().unwrap();
        let offer = |capacity: i64| json!({"city": city, "topics": ["plan"], "capacity": capacity, "languages": ["en"], "modalities": ["training"]});
        let r = api.post("/api/offers", Some(&sec), offer(1)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let uri = format!("/api/offers/{}", r.body["id"]);
        let tasks: Vec<_> = (1..=50)
            .map(|i| {
                let (api, sec, uri, body) =
                    (api.clone(), sec.clone(), uri.clone(), offer(i % 20 + 1));
                tokio::spawn(async move { api.put(&uri, Some(&sec), body).await.status })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), StatusCode::OK);
        }
        let audit = api
            .get(
                &format!("/api/audit?city={city}&kind=offer&per_page=500"),
                Some(&sec),
            )
            .await
            .body;
        // Oldest first: the creation, then each replacement.
        let mut rows = audit["items"].as_array().unwrap().clone();
        rows.reverse();
        assert_eq!(rows.len(), 51, "one creation and fifty replacements");
        for pair in rows.windows(2) {
            assert_eq!(
                pair[1]["before"]["capacity"], pair[0]["after"]["capacity"],
                "each replacement's 'before' is what the one before it wrote"
            );
        }
        let now = api.get(&uri, None).await.body;
        assert_eq!(now["capacity"], rows[50]["after"]["capacity"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_rounds_published_at_once_leave_exactly_one_open() {
    for db in common::every_backend().await {
        eprintln!("two publishes on {:?}", db.store.backend());
        let api = std::sync::Arc::new(Api::real(db).await);
        let sec = api.token(Role::Secretariat).await;
        let runs = [draft_run(&api, &sec).await, draft_run(&api, &sec).await];
        let tasks: Vec<_> = runs
            .iter()
            .map(|run| {
                let (api, sec, uri) =
                    (api.clone(), sec.clone(), format!("/api/runs/{run}/publish"));
                tokio::spawn(async move { api.post(&uri, Some(&sec), json!({})).await.status })
            })
            .collect();
        for t in tasks {
            assert_eq!(
                t.await.unwrap(),
                StatusCode::OK,
                "both publish, one after the other"
            );
        }
        let count = |run: i64, status: &'static str| {
            let (api, sec) = (api.clone(), sec.clone());
            async move {
                api.get(
                    &format!("/api/proposals?run={run}&status={status}&per_page=1"),
                    Some(&sec),
                )
                .await
                .body["total"]
                    .as_i64()
                    .unwrap()
            }
        };
        let open = [
            count(runs[0], "proposed").await,
            count(runs[1], "proposed").await,
        ];
        let cancelled = [
            count(runs[0], "cancelled").await,
            count(runs[1], "cancelled").await,
        ];
        let (winner, loser) = if open[0] > 0 { (0, 1) } else { (1, 0) };
        assert!(
            open[winner] > 0 && open[loser] == 0,
            "one round open: {open:?}"
        );
        assert!(
            cancelled[loser] > 0 && cancelled[winner] == 0,
            "{cancelled:?}"
        );
        let loser_proposals = api
            .get(
                &format!("/api/proposals?run={}&per_page=500", runs[loser]),
                Some(&sec),
            )
            .await
            .body;
        for p in loser_proposals["items"].as_array().unwrap() {
            assert_eq!(p["reason"], format!("superseded by run {}", runs[winner]));
        }
    }
}
