//! The overview after a matching round and the applicants list with a
//! filter applied, in headless Chromium on the real data (see
//! `common/browser.rs` for when these run): each page checked for other
//! origins, axe-core's serious and critical violations and raw errors.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use common::browser::{Browser, Service};
use fantoccini::Locator;
use twinmatch::domain::Role;

/// Runs and publishes a default round through the JSON API.
async fn run_and_publish(service: &Service) -> i64 {
    let token = service.token(Role::Secretariat).await;
    let app = twinmatch::server::app(service.db.store.clone());
    let call = |uri: String| {
        Request::builder()
            .method("POST")
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap()
    };
    let res = app.clone().oneshot(call("/api/runs".into())).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let id = body["run"]["id"].as_i64().unwrap();
    let res = app
        .oneshot(call(format!("/api/runs/{id}/publish")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    id
}

#[tokio::test]
async fn a_visitor_reads_the_coverage_after_a_round_and_filters_the_applicants() {
    let service = Service::real().await;
    let run = run_and_publish(&service).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.goto("/").await;
    assert!(
        browser
            .text(".coverage-source")
            .await
            .contains(&format!("From matching round {run} of"))
    );
    assert!(
        browser
            .page_text()
            .await
            .contains("applicant cities covered, with")
    );
    browser.check_page("the overview after a round").await;
    browser
        .client
        .execute(
            "document.getElementById('coverage').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("overview-charts").await;
    browser
        .client
        .execute(
            "document.querySelector('.world-map').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("overview-map").await;

    browser.click("nav.nav a[href='/applicants']").await;
    assert_eq!(browser.path().await, "/applicants");
    browser
        .client
        .find(Locator::Css("#field-ldc"))
        .await
        .unwrap()
        .select_by_value("yes")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#field-covered"))
        .await
        .unwrap()
        .select_by_value("yes")
        .await
        .unwrap();
    browser.click("form.filters button[type=submit]").await;
    let path = browser.path().await;
    assert!(
        path.contains("ldc=yes") && path.contains("covered=yes"),
        "{path}"
    );
    let table = browser.text(".applicants-table tbody").await;
    assert!(!table.is_empty());
    assert!(table.contains("LDC"));
    assert!(table.contains("Covered"));
    assert!(!table.contains("Not covered"));
    browser.check_page("the applicants with a filter").await;
    browser
        .client
        .execute(
            "document.getElementById('applicants-count').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("applicants").await;
    browser.close().await;
}
