//! The main journeys, in headless Chromium on a service started with the
//! real network data (see `common/browser.rs` for when these run). Each
//! journey saves a screenshot under `target/tmp/screenshots/`, and every
//! page it visits is checked for other origins, axe-core's serious and
//! critical violations, and raw errors.

mod common;

use common::browser::{Browser, Service};
use twinmatch::domain::Role;

#[tokio::test]
async fn a_visitor_reads_the_overview_and_switches_it_to_french() {
    let service = Service::real().await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.goto("/").await;
    assert!(browser.text("h1").await.contains("Network overview"));
    browser.check_page("the overview").await;
    browser.screenshot("overview").await;

    browser.click("nav.language a[lang=fr]").await;
    assert!(browser.text("h1").await.contains("Vue d'ensemble"));
    browser.goto("/").await;
    assert!(
        browser.text("h1").await.contains("Vue d'ensemble"),
        "the choice of French is remembered"
    );
    browser.screenshot("overview-fr").await;
    browser.close().await;
}

#[tokio::test]
async fn the_secretariat_signs_in_with_its_token_and_out_again() {
    let service = Service::real().await;
    let token = service.token(Role::Secretariat).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in("tm_not_a_real_token").await;
    assert!(
        browser
            .text(".error-summary")
            .await
            .contains("not recognised")
    );
    assert!(
        browser
            .text("#field-token-error")
            .await
            .contains("not recognised")
    );
    browser.check_page("the sign-in page with an error").await;

    browser.sign_in(&token).await;
    assert_eq!(browser.path().await, "/");
    assert!(browser.text(".account").await.contains("Secretariat"));
    browser.screenshot("signed-in").await;
    browser.click(".account button").await;
    assert!(browser.text(".account").await.contains("Sign in"));
    browser.close().await;
}

#[tokio::test]
async fn the_accessibility_check_finds_a_violation_on_a_page_made_to_have_one() {
    let service = Service::real().await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    // A page with an unlabelled input and no language: axe must object.
    browser
        .client
        .goto("data:text/html,<title>t</title><input type=text><img src=x.png>")
        .await
        .unwrap();
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations
            .iter()
            .any(|v| v.contains("label") || v.contains("image-alt")),
        "axe-core found nothing: {violations:?}"
    );
    browser.close().await;
}
