//! The matching-round pages, read and posted as a browser would, on every
//! backend: only the secretariat may see or start rounds; a round started
//! from the form is the API's run; ticked pairs come back locked with their
//! reason and the re-run shows the diff; mistakes are shown next to the
//! field with what was typed kept; publishing and discarding are confirmed
//! steps, and pages default to the round in force.

mod common;

use axum::http::StatusCode;
use common::pages::Reader;
use twinmatch::domain::{CityId, Role};
use twinmatch::store::Actor;

async fn token(db: &common::TestDb, role: Role) -> String {
    let (secret, hash) = twinmatch::auth::new_token().unwrap();
    db.store
        .create_token(&Actor::CLI, role, "page test", &hash)
        .await
        .unwrap();
    secret
}

async fn secretariat(db: &common::TestDb) -> Reader {
    let mut reader = Reader::new(db.store.clone());
    reader.sign_in(&token(db, Role::Secretariat).await).await;
    reader
}

/// Starts a round from the form with `extra` fields; the new round's id.
async fn run_round(reader: &mut Reader, extra: &[(&str, &str)]) -> i64 {
    let form = reader.get("/rounds/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("mode", "coverage"),
        ("tier_1", "ldc_african"),
        ("tier_2", "ldc_or_african"),
    ];
    fields.extend_from_slice(extra);
    let done = reader.post("/rounds", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let to = done.location.unwrap();
    to.trim_start_matches("/rounds/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn only_the_secretariat_sees_and_starts_rounds() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut anonymous = Reader::new(db.store.clone());
    let page = anonymous.get("/rounds").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location
            .unwrap()
            .starts_with("/sign-in?back=%2Frounds")
    );

    let mut city = Reader::new(db.store.clone());
    city.sign_in(&token(&db, Role::City(CityId(1))).await).await;
    for path in ["/rounds", "/rounds/new", "/rounds/1"] {
        let page = city.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.text().contains("You cannot see or do this"));
    }
    let page = city.get("/").await;
    let csrf = page.csrf();
    let refused = city
        .post("/rounds", &[("csrf", &csrf), ("mode", "score")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        db.store.list_runs(Default::default()).await.unwrap().total,
        0
    );
}

#[tokio::test]
async fn a_round_locked_and_run_again_shows_its_reason_and_the_diff() {
    for db in common::every_backend().await {
        common::load_everything(db.store.as_ref()).await;
        let mut reader = secretariat(&db).await;
        let first = run_round(&mut reader, &[]).await;
        let review = reader.get(&format!("/rounds/{first}?created=1")).await;
        assert_eq!(review.status, StatusCode::OK);
        let text = review.text();
        assert!(text.contains("The round has run"), "{text}");
        assert!(text.contains("Topics") && text.contains("If removed"));
        assert!(text.contains("There was no earlier round to compare with"));

        // The same run through the JSON API.
        let run = db.store.get_run(first).await.unwrap();
        let proposals = twinmatch::app::network::pairs_of_run(db.store.as_ref(), first)
            .await
            .unwrap();
        assert_eq!(run.summary.pairs, proposals.len());
        assert_eq!(
            run.summary.if_removed.len(),
            proposals.len(),
            "every proposal says what removing it would change"
        );

        // Tick a pair that is NOT proposed to lock it: the form comes back
        // filled, the reason is required.
        let chosen = twinmatch::app::network::pairs_of_run(db.store.as_ref(), first)
            .await
            .unwrap()[0];
        let pair = format!("{}-{}", chosen.mentor.0, chosen.applicant.0);
        let form = reader
            .get(&format!("/rounds/new?from={first}&lock={pair}"))
            .await;
        assert!(form.html.contains(&format!("value=\"{pair}\" checked")));
        let csrf = form.csrf();
        let refused = reader
            .post(
                "/rounds",
                &[
                    ("csrf", &csrf),
                    ("mode", "coverage"),
                    ("lock", &pair),
                    ("lock_reason", "  "),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.html.contains("There is a problem"));
        assert!(
            refused.by_id("field-lock-reason-error").is_some(),
            "{}",
            refused.text()
        );
        assert!(
            refused.html.contains(&format!("value=\"{pair}\" checked")),
            "the ticked pair is kept"
        );
        assert_eq!(
            db.store.list_runs(Default::default()).await.unwrap().total,
            1,
            "nothing was run"
        );

        let second = run_round(
            &mut reader,
            &[
                ("lock", &pair),
                ("lock_reason", "agreed at the regional meeting"),
                ("prefer_previous", "yes"),
            ],
        )
        .await;
        let review = reader.get(&format!("/rounds/{second}")).await;
        let text = review.text();
        assert!(text.contains("agreed at the regional meeting"), "{text}");
        assert!(
            text.contains(&format!("Compared with round {first}")),
            "{text}"
        );
        assert!(text.contains("Locked"));
        let run = db.store.get_run(second).await.unwrap();
        assert_eq!(run.params.locks[0].reason, "agreed at the regional meeting");
    }
}

#[tokio::test]
async fn publishing_a_round_is_confirmed_on_a_page_that_says_what_it_supersedes() {
    for db in common::every_backend().await {
        common::load_everything(db.store.as_ref()).await;
        let mut reader = secretariat(&db).await;
        let first = run_round(&mut reader, &[("name", "2027 spring call")]).await;
        let review = reader.get(&format!("/rounds/{first}")).await;
        let text = review.text();
        assert!(
            text.contains("2027 spring call") && text.contains("Draft"),
            "{text}"
        );
        assert!(
            review
                .html
                .contains(&format!("href=\"/rounds/{first}/publish\"")),
            "the review links to the confirmation, it does not publish"
        );
        let csrf = review.csrf();

        // The review's old one-click form, or a forged one, publishes nothing.
        let unconfirmed = reader
            .post(&format!("/rounds/{first}/publish"), &[("csrf", &csrf)])
            .await;
        assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
        assert_eq!(
            unconfirmed.location.as_deref(),
            Some(format!("/rounds/{first}/publish").as_str())
        );
        let forged = reader
            .post(
                &format!("/rounds/{first}/publish"),
                &[("csrf", "forged"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::BAD_REQUEST);
        assert!(
            db.store
                .get_run(first)
                .await
                .unwrap()
                .published_at
                .is_none()
        );

        let confirm = reader.get(&format!("/rounds/{first}/publish")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        let text = confirm.text();
        assert!(text.contains("Publish 2027 spring call?"), "{text}");
        assert!(text.contains("publishing replaces nothing"), "{text}");
        let done = reader
            .post(
                &format!("/rounds/{first}/publish"),
                &[("csrf", &confirm.csrf()), ("confirm", "yes")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let page = reader.get(done.location.as_deref().unwrap()).await;
        assert!(page.text().contains("The proposals are published"));
        assert!(
            !page.html.contains(&format!("/rounds/{first}/publish")),
            "a published round offers no publish button"
        );
        let open = db.store.get_run(first).await.unwrap();
        assert!(open.published_at.is_some());

        // A second round: its confirmation names the first and what it loses.
        let second = run_round(&mut reader, &[]).await;
        let confirm = reader.get(&format!("/rounds/{second}/publish")).await;
        let text = confirm.text();
        assert!(text.contains("What it replaces"), "{text}");
        assert!(
            text.contains(&format!(
                "2027 spring call : its {} unanswered proposals are withdrawn",
                open.summary.pairs
            )),
            "{text}"
        );
        reader
            .post(
                &format!("/rounds/{second}/publish"),
                &[("csrf", &confirm.csrf()), ("confirm", "yes")],
            )
            .await;
        let replaced = reader.get(&format!("/rounds/{first}")).await;
        let text = replaced.text();
        assert!(text.contains("Superseded"), "{text}");
        assert!(
            text.contains(&format!("replaced by Round {second}")),
            "{text}"
        );
        // Its confirmation page is gone: back to the review, which says why.
        let again = reader.get(&format!("/rounds/{first}/publish")).await;
        assert_eq!(
            again.location.as_deref(),
            Some(format!("/rounds/{first}").as_str())
        );
    }
}

#[tokio::test]
async fn a_discarded_draft_is_kept_apart_and_can_never_be_published() {
    for db in common::every_backend().await {
        common::load_everything(db.store.as_ref()).await;
        let mut reader = secretariat(&db).await;
        let id = run_round(&mut reader, &[("name", "trial without bans")]).await;
        let confirm = reader.get(&format!("/rounds/{id}/discard")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.text().contains("Discard trial without bans?"));
        let done = reader
            .post(
                &format!("/rounds/{id}/discard"),
                &[("csrf", &confirm.csrf()), ("confirm", "yes")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let page = reader.get(done.location.as_deref().unwrap()).await;
        let text = page.text();
        assert!(text.contains("The draft is discarded"), "{text}");
        assert!(!page.html.contains(&format!("/rounds/{id}/publish")));
        let listed = reader.get("/rounds").await;
        assert!(
            !listed.text().contains("trial without bans"),
            "the list leaves discarded rounds out"
        );
        let set_aside = reader.get("/rounds?status=discarded").await;
        assert!(set_aside.text().contains("trial without bans"));
        let publish = reader
            .post(
                &format!("/rounds/{id}/publish"),
                &[("csrf", &page.csrf()), ("confirm", "yes")],
            )
            .await;
        assert_eq!(publish.status, StatusCode::SEE_OTHER);
        assert!(db.store.get_run(id).await.unwrap().published_at.is_none());
    }
}

#[tokio::test]
async fn every_page_shows_the_published_round_before_a_newer_draft() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut reader = secretariat(&db).await;
    let published = run_round(&mut reader, &[("name", "in force")]).await;
    let confirm = reader.get(&format!("/rounds/{published}/publish")).await;
    reader
        .post(
            &format!("/rounds/{published}/publish"),
            &[("csrf", &confirm.csrf()), ("confirm", "yes")],
        )
        .await;
    let draft = run_round(&mut reader, &[("name", "newer draft")]).await;
    assert!(draft > published);
    let proposals = reader.get("/proposals").await;
    assert!(
        proposals
            .html
            .contains(&format!("<option value=\"{published}\" selected")),
        "{}",
        proposals.html
    );
    let exports = reader.get("/exports").await;
    assert!(
        exports.text().contains(&format!("round {published}")),
        "{}",
        exports.text()
    );
}

#[tokio::test]
async fn an_applicant_asking_in_a_language_no_mentor_speaks_is_told_in_words_which_would_open_mentors()
 {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut reader = secretariat(&db).await;
    let applicant = db.store.list_requests().await.unwrap()[0].city;
    let form = reader.get(&format!("/cities/{applicant}/request")).await;
    let saved = reader
        .post(
            &format!("/cities/{applicant}/request"),
            &[
                ("csrf", &form.csrf()),
                ("needs", "plan"),
                ("priority-plan", "5"),
                ("languages", "sw"),
                ("max_mentors", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let id = run_round(&mut reader, &[]).await;
    let run = db.store.get_run(id).await.unwrap();
    let change = run
        .summary
        .unmatched
        .iter()
        .find(|u| u.applicant == applicant)
        .and_then(|u| u.smallest_change.clone())
        .unwrap_or_else(|| {
            panic!(
                "a change for the Swahili-only applicant: {:?}",
                run.summary.unmatched
            )
        });
    let mentors = change.mentors.unwrap();
    assert!(mentors > 0);
    let names = [
        ("en", "English", "anglais"),
        ("fr", "French", "français"),
        ("ar", "Arabic", "arabe"),
        ("pt", "Portuguese", "portugais"),
        ("es", "Spanish", "espagnol"),
    ];
    let code = change.language.as_ref().unwrap().as_str().to_string();
    let (_, english, french) = names.iter().find(|n| n.0 == code).unwrap();
    let text = reader.get(&format!("/rounds/{id}")).await.text();
    assert!(
        text.contains(&format!(
            "if it also accepted {english}, {mentors} mentors offering its topics could help"
        )),
        "{text}"
    );
    let own = reader.get(&format!("/cities/{applicant}")).await.text();
    assert!(
        own.contains(&format!("Round {id} found it no mentor."))
            && own.contains(&format!("if it also accepted {english}")),
        "the applicant's own page says it too: {own}"
    );
    reader.cookies.push("twinmatch_lang=fr".into());
    let text = reader.get(&format!("/rounds/{id}")).await.text();
    assert!(
        text.contains(&format!(
            "si elle acceptait aussi une autre langue ({french}), {mentors} mentors"
        )),
        "{text}"
    );
    let applicants = reader.get("/applicants?covered=no").await.text();
    assert!(
        applicants.contains(&format!("une autre langue ({french})")),
        "{applicants}"
    );
}

#[tokio::test]
async fn the_review_filters_pairs_by_city_sorts_them_and_shows_coverage_and_mentor_load_first() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut reader = secretariat(&db).await;
    let id = run_round(&mut reader, &[]).await;
    let proposals = db
        .store
        .list_proposals(&twinmatch::store::ProposalQuery {
            run: Some(id),
            paging: twinmatch::store::Paging {
                page: 1,
                per_page: 500,
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    let page = reader.get(&format!("/rounds/{id}")).await;
    let text = page.text();
    for first in ["Coverage by region, LDC and African status", "Mentor load:"] {
        let at = text
            .find(first)
            .unwrap_or_else(|| panic!("{first}: {text}"));
        assert!(
            at < text.find("Proposed pairs").unwrap(),
            "{first} comes before the pairs"
        );
    }
    let applicant = proposals[0].applicant;
    let name = db.store.get_city(applicant).await.unwrap().name;
    let name = name.as_str();
    let theirs = proposals
        .iter()
        .filter(|p| p.applicant == applicant)
        .count();
    let filtered = reader
        .get(&format!(
            "/rounds/{id}?q={}&sort=applicant",
            form_urlencoded::byte_serialize(name.to_uppercase().as_bytes()).collect::<String>()
        ))
        .await;
    let rows = filtered.html.matches("name=\"lock\"").count();
    assert!(
        rows >= theirs && rows < proposals.len(),
        "{rows} pairs shown for {name}, who has {theirs} of {}",
        proposals.len()
    );
    assert!(
        filtered
            .text()
            .contains(&format!("Showing {rows} of the {} pairs.", proposals.len()))
    );
}

#[tokio::test]
async fn a_round_page_in_french_and_unknown_rounds_are_not_found() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let mut reader = secretariat(&db).await;
    let id = run_round(&mut reader, &[]).await;
    reader.cookies.push("twinmatch_lang=fr".into());
    let page = reader.get(&format!("/rounds/{id}")).await;
    assert!(page.text().contains("Paires proposées"), "{}", page.text());
    assert!(page.html.contains("<html lang=\"fr\">"));
    for path in ["/rounds/999", "/rounds/abc"] {
        let page = reader.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.text().contains("Page introuvable"));
    }
    let external: Vec<&str> = page
        .html
        .match_indices("http")
        .map(|(i, _)| &page.html[i..(i + 30).min(page.html.len())])
        .collect();
    assert!(
        external.is_empty(),
        "no URL to another origin: {external:?}"
    );
}
