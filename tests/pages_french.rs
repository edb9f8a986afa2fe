//! A French reader who makes a mistake in a form reads the refusal in
//! French: the offer, request, round and proposal forms, posted as a
//! browser would. The messages come from the use-cases by code and are
//! looked up in the reader's catalogue.

mod common;

use axum::http::StatusCode;
use common::pages::Reader;
use twinmatch::domain::Role;
use twinmatch::store::{Actor, Paging, ProposalQuery};

async fn signed_in_french(db: &common::TestDb, role: Role) -> Reader {
    let (secret, hash) = twinmatch::auth::new_token().unwrap();
    db.store
        .create_token(&Actor::CLI, role, "page test", &hash)
        .await
        .unwrap();
    let mut reader = Reader::new(db.store.clone());
    reader.sign_in(&secret).await;
    reader.cookies.push("twinmatch_lang=fr".into());
    reader
}

/// The markup of the error next to field `id` (its message follows the
/// visually hidden prefix).
fn error_of(page: &common::pages::Page, id: &str) -> String {
    let at = page
        .html
        .find(&format!("id=\"field-{id}-error\""))
        .unwrap_or_else(|| panic!("no error next to {id}: {}", page.text()));
    let end = page.html[at..]
        .find("</p>")
        .map_or(page.html.len(), |e| at + e);
    page.html[at..end].replace("&#39;", "'")
}

#[tokio::test]
async fn offer_and_request_forms_refuse_in_french() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let member = db.store.list_offers().await.unwrap()[0].city;
    let mut reader = signed_in_french(&db, Role::City(member)).await;
    let form = reader.get(&format!("/cities/{member}/offer")).await;
    assert_eq!(form.status, StatusCode::OK);
    let page = reader
        .post(
            &format!("/cities/{member}/offer"),
            &[
                ("csrf", &form.csrf()),
                ("topics", "plan"),
                ("capacity", "25"),
                ("languages", "en"),
                ("modalities", "training"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(&page, "capacity");
    assert!(
        message.contains("accompagne de 1 à 20 villes à la fois (et non 25)"),
        "{message}"
    );
    assert!(
        !message.contains("is not a capacity"),
        "no English left: {message}"
    );

    let applicant = db.store.list_requests().await.unwrap()[0].city;
    let mut reader = signed_in_french(&db, Role::City(applicant)).await;
    let form = reader.get(&format!("/cities/{applicant}/request")).await;
    assert_eq!(form.status, StatusCode::OK);
    let page = reader
        .post(
            &format!("/cities/{applicant}/request"),
            &[
                ("csrf", &form.csrf()),
                ("needs", "plan"),
                ("priority-plan", "3"),
                ("max_mentors", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(&page, "languages");
    assert!(
        message.contains("Choisissez au moins une langue de travail"),
        "{message}"
    );
}

#[tokio::test]
async fn round_and_proposal_forms_refuse_in_french() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut sec = signed_in_french(&db, Role::Secretariat).await;

    // A ban without its reason.
    let offer = &db.store.list_offers().await.unwrap()[0];
    let request = &db.store.list_requests().await.unwrap()[0];
    let pair = format!("{}-{}", offer.city, request.city);
    let form = sec.get("/rounds/new").await;
    let refused = sec
        .post(
            "/rounds",
            &[
                ("csrf", &form.csrf()),
                ("mode", "coverage"),
                ("ban", &pair),
                ("ban_reason", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(&refused, "ban-reason");
    assert!(
        message.contains("Le champ « motif » ne peut pas rester vide"),
        "{message}"
    );

    // A published round; the secretariat declines for a side without a reason.
    let form = sec.get("/rounds/new").await;
    let done = sec
        .post("/rounds", &[("csrf", &form.csrf()), ("mode", "coverage")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let run: i64 = done.location.unwrap()["/rounds/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let review = sec.get(&format!("/rounds/{run}")).await;
    let published = sec
        .post(
            &format!("/rounds/{run}/publish"),
            &[("csrf", &review.csrf()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert!(db.store.get_run(run).await.unwrap().published_at.is_some());
    let p = db
        .store
        .list_proposals(&ProposalQuery {
            run: Some(run),
            paging: Paging::default(),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .clone();
    let page = sec.get(&format!("/proposals/{}", p.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let refused = sec
        .post(
            &format!("/proposals/{}/decline", p.id),
            &[
                ("csrf", &page.csrf()),
                ("version", &p.version.to_string()),
                ("side", "mentor"),
                ("reason", ""),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(&refused, "reason");
    assert!(
        message.contains("Le champ « motif » ne peut pas rester vide"),
        "{message}"
    );
    let now = db.store.get_proposal(p.id).await.unwrap();
    assert_eq!(now.version, p.version, "nothing was answered");
}
