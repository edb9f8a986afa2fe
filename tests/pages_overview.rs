//! The overview, the applicants list and the downloads, at the HTTP level,
//! on every backend: real counts, coverage charts with their tables after a
//! run and a labelled preview before, filters that filter, reasons for the
//! applicants left out, CSV and JSON downloads that respect who may see an
//! unpublished run, French texts, and no other origin referenced.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use common::http::Api;
use twinmatch::domain::Role;

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Page {
    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// GET `uri` as a browser would, with these cookies.
async fn get(api: &Api, uri: &str, cookies: &str) -> Page {
    let mut req = Request::builder().uri(uri);
    if !cookies.is_empty() {
        req = req.header("cookie", cookies);
    }
    let res = api
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Signs in with a fresh token of `role`; the session cookie.
async fn sign_in(api: &Api, role: Role) -> String {
    let token = api.token(role).await;
    let req = Request::builder()
        .method("POST")
        .uri("/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}&back=%2F")))
        .unwrap();
    let res = api.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("twinmatch_session="))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// Runs a round through the JSON API as the secretariat; its body.
async fn run(api: &Api, token: &str, body: Value) -> Value {
    let reply = api.post("/api/runs", Some(token), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

fn assert_no_other_origin(page: &Page, what: &str) {
    for scheme in ["http://", "https://"] {
        assert!(
            !page.text.contains(scheme),
            "{what} references another origin ({scheme})"
        );
    }
}

#[tokio::test]
async fn the_overview_shows_the_real_counts_and_a_labelled_preview_before_any_run() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let stats = api.get("/api/stats", None).await.body;
        let page = get(&api, "/", "").await;
        assert_eq!(page.status, StatusCode::OK);
        for key in ["members", "applicants", "twin_links", "offers", "requests"] {
            let n = stats[key].as_i64().unwrap();
            assert!(
                page.text
                    .contains(&format!("<span class=\"count-number\">{n}</span>")),
                "the count of {key} ({n}) is shown"
            );
        }
        assert!(page.text.contains("No matching round has been run yet."));
        assert!(page.text.contains("These figures are a preview"));
        assert!(page.text.contains("id=\"chart-region-title\""));
        assert!(page.text.contains("class=\"chart world-map\""));
        assert!(page.text.contains("Applicant city: red triangle"));
        assert_no_other_origin(&page, "the overview");
        assert!(!page.text.contains("xmlns"), "inline SVG carries no xmlns");
    }
}

#[tokio::test]
async fn after_a_run_the_overview_charts_its_coverage_with_a_table_for_the_secretariat_only_until_published()
 {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let token = api.token(Role::Secretariat).await;
        let body = run(&api, &token, json!({})).await;
        let id = body["run"]["id"].as_i64().unwrap();
        let covered = body["summary"]["coverage"]["total"]["covered"]
            .as_u64()
            .unwrap();
        let applicants = body["summary"]["coverage"]["total"]["applicants"]
            .as_u64()
            .unwrap();
        let secretariat = sign_in(&api, Role::Secretariat).await;
        let page = get(&api, "/", &secretariat).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&format!("From matching round {id} of")));
        assert!(page.text.contains("Not published yet"));
        assert!(page.text.contains(&format!(
            "{covered} of {applicants} applicant cities covered"
        )));
        assert!(page.text.contains(
            "<caption class=\"caption\">Applicant cities covered, by UNESCO region</caption>"
        ));
        assert!(page.text.contains("Least developed countries"));
        assert!(page.text.contains("Current pairs"));
        assert!(!page.text.contains("No matching round has been run yet."));

        // Others see a preview until the run is published.
        let anonymous = get(&api, "/", "").await;
        assert!(
            anonymous
                .text
                .contains("No matching round has been published yet.")
        );
        assert!(
            !anonymous
                .text
                .contains(&format!("From matching round {id}"))
        );

        let reply = api
            .post(&format!("/api/runs/{id}/publish"), Some(&token), json!({}))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let anonymous = get(&api, "/", "").await;
        assert!(
            anonymous
                .text
                .contains(&format!("From matching round {id} of"))
        );
        assert!(anonymous.text.contains("Published"));
    }
}

#[tokio::test]
async fn the_overview_reads_in_french() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let page = get(&api, "/", "twinmatch_lang=fr").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("Vue d'ensemble du réseau")
                || page.text.contains("Vue d&#39;ensemble du réseau")
        );
        assert!(page.text.contains("Couverture des villes candidates"));
        assert!(page.text.contains("Ville candidate : triangle rouge"));
    }
}
