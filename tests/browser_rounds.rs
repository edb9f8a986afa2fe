//! The secretariat's journey in Chromium, on the real network: sign in,
//! run a named round, lock a pair from the review, run again, read the
//! diff, confirm the publication on the page that says what it changes.
//! Screenshots: `round-review`, `round-form-error`, `round-rerun`,
//! `round-publish-confirm`.

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
    browser.fill("#field-name", "2027 spring call").await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.path().await.starts_with("/rounds/1"));
    let text = browser.page_text().await;
    assert!(text.contains("The round has run"), "{text}");
    assert!(text.contains("2027 spring call"), "{text}");
    browser.check_page("the round review").await;
    browser.screenshot("round-review").await;

    // Lock the first proposed pair, forgetting the reason first.
    browser.click("#rerun-form input[name=lock]").await;
    browser.click("#rerun-form button[type=submit]").await;
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

    browser.screenshot("round-rerun").await;

    // Publishing is a confirmed step that says what it changes.
    browser.click("main a[href='/rounds/2/publish']").await;
    assert_eq!(browser.path().await, "/rounds/2/publish");
    let text = browser.page_text().await;
    assert!(text.contains("Publish Round 2?"), "{text}");
    assert!(text.contains("publishing replaces nothing"), "{text}");
    browser.check_page("the publication to confirm").await;
    browser.screenshot("round-publish-confirm").await;
    browser
        .click("form[action='/rounds/2/publish'] button[type=submit]")
        .await;
    let text = browser.page_text().await;
    assert!(text.contains("The proposals are published"), "{text}");
    assert!(text.contains("Published"), "{text}");
    browser.close().await;
}
