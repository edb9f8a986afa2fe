//! The proposal pages over HTTP, on every backend: who sees which
//! proposals, the answers given through the page forms (checked through
//! the JSON API), errors next to the field with the typed text kept, a
//! stale form, role boundaries, the anti-forgery field, and French.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use common::http::Api;
use twinmatch::domain::{CityId, Role};

struct Page {
    status: StatusCode,
    location: String,
    html: String,
}

/// A page as a browser gets it: with the session cookie, a posted form.
async fn send(
    api: &Api,
    method: Method,
    uri: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> Page {
    let mut req = Request::builder().method(method).uri(uri);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let req = match form {
        Some(fields) => {
            let body: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter())
                .finish();
            req.header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
        }
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = api.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let set_cookie = res
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let mut html = String::from_utf8_lossy(&bytes).into_owned();
    if let Some(c) = set_cookie {
        html = format!("SET-COOKIE:{c}\n{html}");
    }
    Page {
        status,
        location,
        html,
    }
}

async fn get(api: &Api, uri: &str, cookie: &str) -> Page {
    send(api, Method::GET, uri, cookie, None).await
}

async fn post(api: &Api, uri: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
    send(api, Method::POST, uri, cookie, Some(form)).await
}

/// Signs in on the sign-in page; the session cookie to send afterwards.
async fn sign_in(api: &Api, token: &str) -> String {
    let page = post(api, "/sign-in", "", &[("token", token), ("back", "/")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let line = page.html.lines().next().unwrap();
    let cookie = line
        .trim_start_matches("SET-COOKIE:")
        .split(';')
        .next()
        .unwrap();
    cookie.to_string()
}

/// The anti-forgery token the page's forms carry.
fn csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("the page has a form");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A published run's proposals, made through the JSON API.
async fn published_run(api: &Api, sec: &str) -> Vec<Value> {
    let r = api.post("/api/runs", Some(sec), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p = api
        .post(
            &format!("/api/runs/{}/publish", r.body["run"]["id"]),
            Some(sec),
            json!({}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let proposals = r.body["proposals"].as_array().unwrap().clone();
    assert!(proposals.len() >= 2, "the demo round proposes pairs");
    proposals
}

fn id(p: &Value) -> i64 {
    p["id"].as_i64().unwrap()
}

fn city(p: &Value, side: &str) -> CityId {
    CityId(p[side].as_i64().unwrap())
}

async fn proposal(api: &Api, sec: &str, id: i64) -> Value {
    api.get(&format!("/api/proposals/{id}"), Some(sec))
        .await
        .body
}

struct World {
    api: Api,
    sec: String,
    proposals: Vec<Value>,
}

async fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let proposals = published_run(&api, &sec).await;
        out.push(World {
            api,
            sec,
            proposals,
        });
    }
    out
}

/// A cookie signed in as the city on `side` of proposal `p`.
async fn as_city(w: &World, p: &Value, side: &str) -> String {
    let token = w.api.token(Role::City(city(p, side))).await;
    sign_in(&w.api, &token).await
}

#[tokio::test]
async fn a_city_sees_only_its_own_proposals_and_a_visitor_is_sent_to_sign_in() {
    for w in worlds().await {
        let p0 = &w.proposals[0];
        let me = city(p0, "mentor");
        let cookie = as_city(&w, p0, "mentor").await;
        let page = get(&w.api, "/proposals", &cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        for p in &w.proposals {
            let link = format!("href=\"/proposals/{}\"", id(p));
            let mine = city(p, "mentor") == me || city(p, "applicant") == me;
            assert_eq!(
                page.html.contains(&link),
                mine,
                "proposal {} (mine: {mine})",
                id(p)
            );
        }
        assert!(page.html.contains("You mentor"));
        assert!(page.html.contains("Accept or decline this proposal"));

        let anonymous = get(&w.api, "/proposals", "").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert!(anonymous.location.starts_with("/sign-in?back="));

        // The secretariat sees the whole round.
        let sec = sign_in(&w.api, &w.sec).await;
        let all = get(&w.api, "/proposals", &sec).await;
        assert_eq!(all.status, StatusCode::OK);
        for p in &w.proposals {
            assert!(all.html.contains(&format!("href=\"/proposals/{}\"", id(p))));
        }
        let filtered = get(&w.api, "/proposals?status=declined", &sec).await;
        assert!(filtered.html.contains("There are no proposals to show."));
    }
}

#[tokio::test]
async fn the_mentor_accepts_through_the_page_and_the_proposal_moves() {
    for w in worlds().await {
        let p = &w.proposals[0];
        let cookie = as_city(&w, p, "mentor").await;
        let url = format!("/proposals/{}", id(p));
        let page = get(&w.api, &url, &cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("How the score is made"));
        assert!(page.html.contains("class=\"bar proposal-bar\""));
        let version = p["version"].to_string();
        let done = post(
            &w.api,
            &format!("{url}/accept"),
            &cookie,
            &[("csrf", &csrf(&page.html)), ("version", &version)],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location, format!("{url}?done=accepted"));
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "accepted");
        assert_eq!(now["mentor_accepted"], true);
        assert_eq!(now["applicant_accepted"], false);

        let after = get(&w.api, &done.location, &cookie).await;
        assert!(after.html.contains("banner-success"));
        assert!(after.html.contains("Your acceptance has been recorded."));
        assert!(after.html.contains("Accepted by the mentor"));
        assert!(after.html.contains("Wait for the other city to answer"));
        assert!(
            after.html.contains("Accepted by the mentor city"),
            "the history says who answered"
        );
    }
}

#[tokio::test]
async fn declining_is_confirmed_needs_a_reason_next_to_its_field_and_then_bans_the_pair() {
    for w in worlds().await {
        let p = &w.proposals[1];
        let cookie = as_city(&w, p, "applicant").await;
        let url = format!("/proposals/{}", id(p));
        let page = get(&w.api, &url, &cookie).await;
        let token = csrf(&page.html);
        let version = p["version"].to_string();

        let unconfirmed = post(
            &w.api,
            &format!("{url}/decline"),
            &cookie,
            &[
                ("csrf", &token),
                ("version", &version),
                ("reason", "No capacity this year"),
            ],
        )
        .await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        let at = unconfirmed
            .html
            .find("id=\"field-confirm-error\"")
            .expect("a decline is confirmed in its box first");
        assert!(unconfirmed.html[at..].contains("never be proposed again"));
        assert!(
            unconfirmed.html.contains("No capacity this year"),
            "the reason typed is kept"
        );
        assert_eq!(proposal(&w.api, &w.sec, id(p)).await["status"], "proposed");

        let refused = post(
            &w.api,
            &format!("{url}/decline"),
            &cookie,
            &[
                ("confirm", "yes"),
                ("csrf", &token),
                ("version", &version),
                ("reason", "   "),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.html.contains("error-summary"));
        let at = refused
            .html
            .find("id=\"field-reason-error\"")
            .expect("the message is next to the reason field");
        assert!(refused.html[at..].contains("reason must not be empty"));
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "proposed", "nothing half-done");
        assert_eq!(now["version"], p["version"]);
        let bans = w.api.get("/api/bans", Some(&w.sec)).await.body;
        assert!(bans.as_array().unwrap().is_empty(), "{bans}");

        let done = post(
            &w.api,
            &format!("{url}/decline"),
            &cookie,
            &[
                ("confirm", "yes"),
                ("csrf", &token),
                ("version", &version),
                ("reason", "No capacity this year"),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location, format!("{url}?done=declined"));
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "declined");
        assert_eq!(now["reason"], "No capacity this year");
        let bans = w.api.get("/api/bans", Some(&w.sec)).await.body;
        assert!(
            bans.as_array()
                .unwrap()
                .iter()
                .any(|b| b["mentor"] == p["mentor"]
                    && b["applicant"] == p["applicant"]
                    && b["reason"] == "No capacity this year"),
            "{bans}"
        );
        let after = get(&w.api, &done.location, &cookie).await;
        assert!(after.html.contains("No capacity this year"));
        assert!(after.html.contains("Declined"));
    }
}

#[tokio::test]
async fn a_rating_outside_one_to_five_is_refused_next_to_its_field_keeping_the_report() {
    for w in worlds().await {
        let p = &w.proposals[0];
        // Both sides accept through the API: the mentorship is active.
        let mut version = p["version"].as_i64().unwrap();
        for side in ["mentor", "applicant"] {
            let token = w.api.token(Role::City(city(p, side))).await;
            let r = w
                .api
                .post(
                    &format!("/api/proposals/{}/accept", id(p)),
                    Some(&token),
                    json!({"version": version}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            version = r.body["version"].as_i64().unwrap();
        }
        let cookie = as_city(&w, p, "applicant").await;
        let url = format!("/proposals/{}", id(p));
        let page = get(&w.api, &url, &cookie).await;
        assert!(page.html.contains("Record the outcome of the mentorship"));
        let token = csrf(&page.html);
        let v = version.to_string();
        let refused = post(
            &w.api,
            &format!("{url}/complete"),
            &cookie,
            &[
                ("csrf", &token),
                ("version", &v),
                ("rating", "9"),
                ("report", "Two visits and a joint plan"),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let at = refused
            .html
            .find("id=\"field-rating-error\"")
            .expect("the message is next to the rating");
        assert!(refused.html[at..].contains("9 is not a rating"));
        assert!(
            refused
                .html
                .contains(">Two visits and a joint plan</textarea>")
        );
        assert_eq!(proposal(&w.api, &w.sec, id(p)).await["status"], "active");

        let done = post(
            &w.api,
            &format!("{url}/complete"),
            &cookie,
            &[
                ("csrf", &token),
                ("version", &v),
                ("rating", "4"),
                ("report", "Two visits and a joint plan"),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "completed");
        assert_eq!(now["outcome"]["rating"], 4);
    }
}

#[tokio::test]
async fn a_stale_form_shows_the_conflict_and_the_current_state_and_changes_nothing() {
    for w in worlds().await {
        let p = &w.proposals[0];
        let cookie = as_city(&w, p, "mentor").await;
        let url = format!("/proposals/{}", id(p));
        let page = get(&w.api, &url, &cookie).await;
        // Meanwhile the applicant accepts through the API.
        let applicant = w.api.token(Role::City(city(p, "applicant"))).await;
        let r = w
            .api
            .post(
                &format!("{}/accept", url.replace("/proposals", "/api/proposals")),
                Some(&applicant),
                json!({"version": p["version"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let stale = post(
            &w.api,
            &format!("{url}/decline"),
            &cookie,
            &[
                ("confirm", "yes"),
                ("csrf", &csrf(&page.html)),
                ("version", &p["version"].to_string()),
                ("reason", "Too late"),
            ],
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale
                .html
                .contains("This proposal changed before your answer arrived")
        );
        assert!(stale.html.contains("Accepted by the applicant"));
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "accepted");
        assert_eq!(now["mentor_accepted"], false);
    }
}

#[tokio::test]
async fn another_citys_proposal_is_forbidden_and_unknown_ones_are_not_found() {
    for w in worlds().await {
        let p0 = &w.proposals[0];
        let me = city(p0, "mentor");
        let other = w
            .proposals
            .iter()
            .find(|p| city(p, "mentor") != me && city(p, "applicant") != me)
            .expect("a proposal between two other cities");
        let cookie = as_city(&w, p0, "mentor").await;
        let url = format!("/proposals/{}", id(other));
        let page = get(&w.api, &url, &cookie).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.html.contains("You cannot see or do this"));
        let mine = get(&w.api, &format!("/proposals/{}", id(p0)), &cookie).await;
        let token = csrf(&mine.html);
        let version = other["version"].to_string();
        let refused = post(
            &w.api,
            &format!("{url}/accept"),
            &cookie,
            &[("csrf", &token), ("version", &version)],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(
            proposal(&w.api, &w.sec, id(other)).await["status"],
            "proposed"
        );

        for missing in ["/proposals/999999", "/proposals/abc"] {
            let page = get(&w.api, missing, &cookie).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
            assert!(page.html.contains("Page not found"));
        }

        // A round not yet published is the secretariat's draft: 404 to cities.
        let r = w.api.post("/api/runs", Some(&w.sec), json!({})).await;
        let draft = r.body["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| city(p, "mentor") == me || city(p, "applicant") == me)
            .map(id);
        if let Some(draft) = draft {
            let page = get(&w.api, &format!("/proposals/{draft}"), &cookie).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            let sec = sign_in(&w.api, &w.sec).await;
            let page = get(&w.api, &format!("/proposals/{draft}"), &sec).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.html.contains("Not published yet"));
        }
    }
}

#[tokio::test]
async fn a_form_without_the_anti_forgery_field_is_refused() {
    for w in worlds().await {
        let p = &w.proposals[0];
        let cookie = as_city(&w, p, "mentor").await;
        let version = p["version"].to_string();
        for form in [
            vec![("version", version.as_str())],
            vec![
                ("csrf", "0123456789abcdef0123456789abcdef"),
                ("version", &version),
            ],
        ] {
            let page = post(
                &w.api,
                &format!("/proposals/{}/accept", id(p)),
                &cookie,
                &form,
            )
            .await;
            assert_eq!(page.status, StatusCode::BAD_REQUEST);
            assert!(page.html.contains("The form could not be used"));
        }
        assert_eq!(proposal(&w.api, &w.sec, id(p)).await["status"], "proposed");
    }
}

#[tokio::test]
async fn the_pages_read_in_french() {
    for w in worlds().await {
        let p = &w.proposals[0];
        let cookie = format!("{}; twinmatch_lang=fr", as_city(&w, p, "mentor").await);
        let list = get(&w.api, "/proposals", &cookie).await;
        assert!(list.html.contains("<html lang=\"fr\""));
        assert!(list.html.contains("Propositions"));
        assert!(list.html.contains("Acceptez ou refusez cette proposition"));
        let page = get(&w.api, &format!("/proposals/{}", id(p)), &cookie).await;
        assert!(page.html.contains("Comment le score est calculé"));
        assert!(page.html.contains("Refuser la proposition"));
        assert!(page.html.contains("Pourquoi refusez-vous ?"));
    }
}

#[tokio::test]
async fn the_secretariat_answers_for_a_named_side_and_cancels_with_a_reason() {
    for w in worlds().await {
        let p = &w.proposals[0];
        let sec = sign_in(&w.api, &w.sec).await;
        let url = format!("/proposals/{}", id(p));
        let page = get(&w.api, &url, &sec).await;
        assert!(page.html.contains("Accept for the mentor city"));
        assert!(page.html.contains("Accept for the applicant city"));
        let token = csrf(&page.html);
        let version = p["version"].to_string();

        // Declining without naming the side: the API's message, next to the side.
        let refused = post(
            &w.api,
            &format!("{url}/decline"),
            &sec,
            &[
                ("confirm", "yes"),
                ("csrf", &token),
                ("version", &version),
                ("reason", "Asked by phone"),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let at = refused.html.find("id=\"field-side-error\"").unwrap();
        assert!(refused.html[at..].contains("the secretariat answers for a side"));
        assert!(refused.html.contains(">Asked by phone</textarea>"));

        let done = post(
            &w.api,
            &format!("{url}/accept"),
            &sec,
            &[
                ("csrf", &token),
                ("version", &version),
                ("side", "applicant"),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["applicant_accepted"], true);
        assert_eq!(now["mentor_accepted"], false);
        let version = now["version"].to_string();

        // A city may not cancel; the secretariat must say why.
        let city_cookie = as_city(&w, p, "mentor").await;
        let city_page = get(&w.api, &url, &city_cookie).await;
        assert!(!city_page.html.contains("/cancel\""));
        let forbidden = post(
            &w.api,
            &format!("{url}/cancel"),
            &city_cookie,
            &[
                ("csrf", &csrf(&city_page.html)),
                ("version", &version),
                ("cancel_reason", "No"),
            ],
        )
        .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        let refused = post(
            &w.api,
            &format!("{url}/cancel"),
            &sec,
            &[
                ("csrf", &token),
                ("version", &version),
                ("cancel_reason", ""),
            ],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let at = refused
            .html
            .find("id=\"field-cancel-reason-error\"")
            .unwrap();
        assert!(refused.html[at..].contains("reason must not be empty"));
        let done = post(
            &w.api,
            &format!("{url}/cancel"),
            &sec,
            &[
                ("csrf", &token),
                ("version", &version),
                ("cancel_reason", "The applicant left the network"),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        let now = proposal(&w.api, &w.sec, id(p)).await;
        assert_eq!(now["status"], "cancelled");
        let after = get(&w.api, &done.location, &sec).await;
        assert!(after.html.contains("The proposal has been cancelled."));
        assert!(after.html.contains("The applicant left the network"));
    }
}
