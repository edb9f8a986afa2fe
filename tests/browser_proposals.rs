//! The proposal journeys in headless Chromium (see `common/browser.rs` for
//! when these run): after a published round, the mentor city accepts a
//! proposal; the applicant city of another declines it with a reason.
//! Every page visited is checked (other origins, axe-core, raw errors).

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use common::browser::{Browser, Service};
use fantoccini::Locator;
use twinmatch::domain::{CityId, Role};

/// A JSON API call on the service's database (as the JSON API answers it).
async fn api(service: &Service, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let app = twinmatch::server::app(service.db.store.clone());
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The text of `css` once the page shows it (a submitted form may still
/// be loading when the click returns).
async fn wait_for(browser: &Browser, css: &str) -> String {
    let found = browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await;
    match found {
        Ok(e) => e.text().await.unwrap(),
        Err(e) => panic!(
            "no {css} on {}: {e}\n{}",
            browser.path().await,
            browser.page_text().await
        ),
    }
}

fn city(p: &Value, side: &str) -> CityId {
    CityId(p[side].as_i64().unwrap())
}

#[tokio::test]
async fn a_mentor_city_accepts_a_proposal_and_an_applicant_declines_another() {
    let service = Service::real().await;
    let sec = service.token(Role::Secretariat).await;
    let (status, run) = api(&service, "/api/runs", &sec, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    let (status, published) = api(
        &service,
        &format!("/api/runs/{}/publish", run["run"]["id"]),
        &sec,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let proposals = run["proposals"].as_array().unwrap().clone();
    let first = &proposals[0];
    let second = proposals
        .iter()
        .find(|p| city(p, "applicant") != city(first, "applicant"))
        .expect("a proposal to another applicant");
    let mentor = service.token(Role::City(city(first, "mentor"))).await;
    let applicant = service.token(Role::City(city(second, "applicant"))).await;

    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    // The mentor city finds the proposal in its list and accepts it.
    browser.sign_in(&mentor).await;
    browser.goto("/proposals").await;
    assert!(browser.text("h1").await.contains("Proposals"));
    browser.check_page("the mentor's proposals").await;
    browser
        .click(&format!("table a[href=\"/proposals/{}\"]", first["id"]))
        .await;
    assert_eq!(browser.path().await, format!("/proposals/{}", first["id"]));
    assert!(browser.page_text().await.contains("How the score is made"));
    browser.check_page("a proposal to answer").await;
    browser
        .click(&format!(
            "form[action=\"/proposals/{}/accept\"] button",
            first["id"]
        ))
        .await;
    assert!(
        wait_for(&browser, ".banner-success")
            .await
            .contains("Your acceptance has been recorded")
    );
    assert!(browser.page_text().await.contains("Accepted by the mentor"));
    browser.check_page("the accepted proposal").await;
    browser.screenshot("proposal-accepted").await;
    browser.click(".account button").await;

    // The applicant city of another proposal declines it, with a reason.
    browser.sign_in(&applicant).await;
    browser.goto(&format!("/proposals/{}", second["id"])).await;
    let decline = format!(
        "form[action=\"/proposals/{}/decline\"] button",
        second["id"]
    );
    // Declining bans the pair for good: not without ticking the box.
    browser.click(&decline).await;
    assert!(
        wait_for(&browser, "#field-confirm-error")
            .await
            .contains("never be proposed again")
    );
    browser.click("label[for=\"field-confirm\"]").await;
    browser.click(&decline).await;
    assert!(
        wait_for(&browser, "#field-reason-error")
            .await
            .contains("reason must not be empty")
    );
    browser.check_page("a decline without a reason").await;
    browser
        .fill(
            "#field-reason",
            "We already work with a mentor on this topic",
        )
        .await;
    browser.click(&decline).await;
    assert!(
        wait_for(&browser, ".banner-success")
            .await
            .contains("The proposal has been declined")
    );
    assert!(
        browser
            .page_text()
            .await
            .contains("We already work with a mentor on this topic")
    );
    browser.check_page("the declined proposal").await;
    browser.screenshot("proposal-declined").await;
    browser.close().await;
}

#[tokio::test]
async fn the_secretariat_reviews_a_round_and_its_proposals_forms() {
    let service = Service::real().await;
    let sec = service.token(Role::Secretariat).await;
    let (status, run) = api(&service, "/api/runs", &sec, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{run}");
    api(
        &service,
        &format!("/api/runs/{}/publish", run["run"]["id"]),
        &sec,
        json!({}),
    )
    .await;
    let proposals = run["proposals"].as_array().unwrap().clone();
    let open = &proposals[0];
    // Another one becomes active: both sides accept through the API.
    let active = &proposals[1];
    let mut version = active["version"].clone();
    for side in ["mentor", "applicant"] {
        let (status, body) = api(
            &service,
            &format!("/api/proposals/{}/accept", active["id"]),
            &sec,
            json!({"version": version, "side": side}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        version = body["version"].clone();
    }

    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&sec).await;
    browser.goto("/proposals").await;
    assert!(browser.page_text().await.contains("Active"));
    browser.check_page("the round's proposals").await;
    browser.goto(&format!("/proposals/{}", open["id"])).await;
    assert!(
        browser
            .page_text()
            .await
            .contains("Accept for the mentor city")
    );
    browser
        .check_page("an open proposal, for the secretariat")
        .await;
    browser.click("label[for=\"field-confirm\"]").await;
    browser
        .click(&format!(
            "form[action=\"/proposals/{}/decline\"] button",
            open["id"]
        ))
        .await;
    assert!(
        wait_for(&browser, "#field-side-error")
            .await
            .contains("the secretariat answers for a side")
    );
    browser.check_page("a decline without its side").await;
    browser.goto(&format!("/proposals/{}", active["id"])).await;
    assert!(
        browser
            .page_text()
            .await
            .contains("Record the outcome of the mentorship")
    );
    browser.check_page("an active proposal").await;
    // The whole page in one picture: breakdown, topics, path, history.
    browser.client.set_window_size(1280, 3200).await.unwrap();
    browser.screenshot("proposal-active").await;
    browser.close().await;
}
