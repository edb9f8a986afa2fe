//! The secretariat's journey in Chromium, on the real network: sign in,
//! run a round, lock a pair from the review, run again, read the diff,
//! publish. Screenshots: `round-review`, `round-form-error`, `round-rerun`.

mod common;

use common::browser::{Browser, Service};
use twinmatch::domain::Role;

#[tokio::test]
async fn the_secretariat_runs_a_round_locks_a_pair_reruns_sees_the_diff_and_publishes() {
    let service = Service::real().await;
    let token = service.token(Role::Secretariat).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&token).await;
    browser.click("nav a[href='/rounds']").await;
    browser.check_page("the list of rounds").await;
    browser.click("main a.button").await;
    assert_eq!(browser.path().await, "/rounds/new");
    browser.check_page("the new round form").await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.path().await.starts_with("/rounds/1"));
    assert!(browser.page_text().await.contains("The round has run"));
    browser.check_page("the round review").await;
    browser.screenshot("round-review").await;

    // Lock the first proposed pair, forgetting the reason first.
    browser.click("#proposals ~ form input[name=lock]").await;
    browser.click("#proposals ~ form button[type=submit]").await;
    assert_eq!(
        browser.path().await.split('?').next().unwrap(),
        "/rounds/new"
    );
    browser.click("main form button[type=submit]").await;
    assert!(browser.text(".error-summary").await.contains("reason"));
    assert!(
        browser
            .text("#field-lock-reason-error")
            .await
            .contains("reason")
    );
    browser.check_page("the round form with an error").await;
    browser.screenshot("round-form-error").await;
    browser
        .fill("#field-lock-reason", "agreed at the regional meeting")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.path().await.starts_with("/rounds/2"));
    let text = browser.page_text().await;
    assert!(text.contains("Compared with round 1"), "{text}");
    assert!(text.contains("agreed at the regional meeting"));
    browser.check_page("the second round's review").await;

    browser
        .click("form[action='/rounds/2/publish'] button")
        .await;
    assert!(
        browser
            .page_text()
            .await
            .contains("The proposals are published")
    );
    browser.screenshot("round-rerun").await;
    browser.close().await;
}
