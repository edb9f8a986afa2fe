//! Every page as a phone shows it (390 pixels wide) and as a desktop
//! does (1280), in English and in French, in headless Chromium on the real
//! network with a published round and a draft: no page scrolls sideways,
//! and each passes the journey checks (no other origin, axe-core clean, no
//! raw error). Screenshots: `phone-city`, `phone-round`.

mod common;

use common::browser::{Browser, Service};
use twinmatch::domain::Role;

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone_or_a_desktop_in_either_language() {
    let service = Service::real().await;
    let sec = service.token(Role::Secretariat).await;
    let published = service.post_json(&sec, "/api/runs").await;
    let run = published["run"]["id"].as_i64().unwrap();
    service
        .post_json(&sec, &format!("/api/runs/{run}/publish"))
        .await;
    let draft = service.post_json(&sec, "/api/runs").await["run"]["id"]
        .as_i64()
        .unwrap();
    let first = &published["proposals"][0];
    let (mentor, applicant, proposal) = (&first["mentor"], &first["applicant"], &first["id"]);
    let pages = [
        "/".to_string(),
        "/applicants".into(),
        format!("/cities/{applicant}"),
        format!("/cities/{mentor}"),
        format!("/cities/{applicant}/plan"),
        format!("/cities/{applicant}/request"),
        format!("/cities/{mentor}/offer"),
        "/rounds".into(),
        "/rounds/new".into(),
        format!("/rounds/{run}"),
        format!("/rounds/{draft}/publish"),
        format!("/rounds/{draft}/discard"),
        "/proposals".into(),
        format!("/proposals/{proposal}"),
        "/exports".into(),
    ];

    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&sec).await;
    for (lang, switch) in [("en", None), ("fr", Some("/language?to=fr&back=/"))] {
        if let Some(to) = switch {
            browser.goto(to).await;
        }
        for width in [390, 1280] {
            let laid_out = browser.set_width(width).await;
            assert!(
                laid_out <= u64::from(width) && laid_out + 40 >= u64::from(width),
                "the window is {laid_out} px wide, not about {width}"
            );
            for page in &pages {
                browser.goto(page).await;
                let what = format!("{page} at {width} px in {lang}");
                let wide = browser.sideways().await;
                assert!(wide.is_empty(), "{what} scrolls sideways: {wide:#?}");
                browser.check_page(&what).await;
            }
        }
    }
    browser.set_width(390).await;
    browser.goto(&format!("/cities/{applicant}")).await;
    browser.screenshot_at("phone-city", 390).await;
    browser.goto(&format!("/rounds/{run}")).await;
    browser.screenshot_at("phone-round", 390).await;
    browser.close().await;
}
