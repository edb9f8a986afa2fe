//! City journeys in headless Chromium on the real data: an applicant reads
//! its plan, a city is kept out of another city's form, a member corrects
//! and saves its offer. Every page visited is checked (other origins,
//! axe-core, raw errors); each journey ends with a screenshot.

mod common;

use common::browser::{Browser, Service};
use twinmatch::domain::{CityId, Role};
use twinmatch::store::LinkQuery;

/// A member with an offer and twin links, and an applicant with a request.
async fn cities(service: &Service) -> (CityId, CityId) {
    let store = &service.db.store;
    let mut member = None;
    for o in store.list_offers().await.unwrap() {
        let links = store
            .list_twin_links(&LinkQuery {
                city: Some(o.city),
                ..Default::default()
            })
            .await
            .unwrap();
        if links.total > 0 {
            member = Some(o.city);
            break;
        }
    }
    let applicant = store.list_requests().await.unwrap()[0].city;
    (member.expect("a member with an offer"), applicant)
}

#[tokio::test]
async fn an_applicant_signs_in_and_opens_its_plan() {
    let service = Service::real().await;
    let (_, applicant) = cities(&service).await;
    let token = service.token(Role::City(applicant)).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&token).await;
    browser.click("nav.nav a[href^='/cities/']").await;
    assert_eq!(browser.path().await, format!("/cities/{applicant}"));
    assert!(browser.page_text().await.contains("Request for support"));
    browser.check_page("the applicant's city page").await;

    browser
        .click(&format!("main a[href='/cities/{applicant}/plan']"))
        .await;
    assert!(browser.text("h1").await.contains("Capacity-building plan"));
    let text = browser.page_text().await;
    assert!(text.contains("Stage 1"));
    assert!(text.contains("Readiness checklist"));
    browser.check_page("the plan").await;
    browser.screenshot("plan").await;
    browser.close().await;
}

#[tokio::test]
async fn a_city_cannot_open_another_citys_edit_form() {
    let service = Service::real().await;
    let (member, applicant) = cities(&service).await;
    let token = service.token(Role::City(applicant)).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&token).await;
    browser.goto(&format!("/cities/{member}")).await;
    browser.check_page("another city's page").await;
    browser.goto(&format!("/cities/{member}/offer")).await;
    assert!(
        browser
            .text("h1")
            .await
            .contains("You cannot see or do this")
    );
    browser.check_page("the refusal").await;
    browser.screenshot("forbidden").await;
    browser.close().await;
}

#[tokio::test]
async fn a_member_corrects_an_invalid_offer_and_saves_it() {
    let service = Service::real().await;
    let (member, _) = cities(&service).await;
    let token = service.token(Role::City(member)).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&token).await;
    browser
        .goto(&format!("/cities/{member}#neighbourhood"))
        .await;
    browser.check_page("the member's city page").await;
    browser.screenshot("city-neighbourhood").await;
    browser
        .click(&format!("main a[href='/cities/{member}/offer']"))
        .await;
    browser.check_page("the offer form").await;

    browser.fill("#field-capacity", "25").await;
    browser
        .fill("#field-note", "Two officers, from September")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .text("#field-capacity-error")
            .await
            .contains("25 is not a capacity")
    );
    assert!(
        browser
            .text(".error-summary")
            .await
            .contains("25 is not a capacity")
    );
    let kept = browser
        .client
        .find(fantoccini::Locator::Css("#field-capacity"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("25"), "the typed value is kept");
    assert!(browser.text("#field-note").await.contains("Two officers"));
    browser.check_page("the offer form with an error").await;
    browser.screenshot("offer-error").await;

    browser.fill("#field-capacity", "4").await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(
        browser.path().await,
        format!("/cities/{member}?saved=offer")
    );
    assert!(browser.text(".banner-success").await.contains("saved"));
    browser.check_page("the city page after saving").await;
    browser.screenshot("offer-saved").await;
    let offer = service.db.store.offer_of(member).await.unwrap().unwrap();
    assert_eq!(offer.capacity.get(), 4);
    browser.close().await;
}

#[tokio::test]
async fn a_french_reader_reads_the_offer_forms_refusal_in_french() {
    let service = Service::real().await;
    let (member, _) = cities(&service).await;
    let token = service.token(Role::City(member)).await;
    let Some(browser) = Browser::open(&service).await else {
        return;
    };
    browser.sign_in(&token).await;
    browser
        .goto(&format!("/language?to=fr&back=/cities/{member}/offer"))
        .await;
    assert_eq!(browser.path().await, format!("/cities/{member}/offer"));
    browser.fill("#field-capacity", "25").await;
    browser.click("main form button[type=submit]").await;
    let message = browser.text("#field-capacity-error").await;
    assert!(
        message.contains("Une ville mentor accompagne de 1 à 20 villes à la fois (et non 25)"),
        "{message}"
    );
    assert!(!message.contains("is not a capacity"), "{message}");
    browser
        .check_page("the offer form refused, in French")
        .await;
    browser.close().await;
}
