//! The city page, the offer and request forms and the plan page, over HTTP:
//! what each shows, who may open and post the forms, the API's messages
//! next to the field, and the plan's downloads.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use common::TestDb;
use twinmatch::domain::{CityId, Role};
use twinmatch::store::{Actor, LinkQuery};

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `value` of the input named `name`.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.body[at..at + 32].to_string()
    }

    /// The element with this id, up to the end of its paragraph.
    fn element(&self, id: &str) -> &str {
        let start = self
            .body
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id} in {}", self.body));
        let end = self.body[start..]
            .find("</p>")
            .map_or(self.body.len(), |e| start + e);
        &self.body[start..end]
    }
}

struct Site {
    app: axum::Router,
    db: TestDb,
}

impl Site {
    async fn real(db: TestDb) -> Self {
        common::load_everything(db.store.as_ref()).await;
        Site {
            app: twinmatch::server::app(db.store.clone()),
            db,
        }
    }

    async fn token(&self, role: Role) -> String {
        let (secret, hash) = twinmatch::auth::new_token().unwrap();
        self.db
            .store
            .create_token(&Actor::CLI, role, "page test", &hash)
            .await
            .unwrap();
        secret
    }

    async fn send(&self, req: Request<Body>) -> Page {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, path: &str, cookie: &str) -> Page {
        self.send(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn post(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Signs in with a new token for `role`: the session cookie.
    async fn sign_in(&self, role: Role) -> String {
        let token = self.token(role).await;
        let page = self
            .post("/sign-in", "", &[("token", &token), ("back", "/")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let set = page.headers[header::SET_COOKIE].to_str().unwrap();
        set.split(';').next().unwrap().to_string()
    }

    /// A member with an offer, twin links, clusters and evidence.
    async fn member(&self) -> CityId {
        let store = &self.db.store;
        for o in store.list_offers().await.unwrap() {
            let links = store
                .list_twin_links(&LinkQuery {
                    city: Some(o.city),
                    ..Default::default()
                })
                .await
                .unwrap();
            if links.total > 0
                && !store.memberships_of(o.city).await.unwrap().is_empty()
                && !store.evidence_of(o.city).await.unwrap().is_empty()
            {
                return o.city;
            }
        }
        panic!("no member with an offer, links, clusters and evidence")
    }

    /// An applicant with a request.
    async fn applicant(&self) -> CityId {
        self.db.store.list_requests().await.unwrap()[0].city
    }
}

#[tokio::test]
async fn a_members_page_shows_its_profile_links_clusters_expertise_and_offer() {
    let site = Site::real(common::sqlite().await).await;
    let id = site.member().await;
    let city = site.db.store.get_city(id).await.unwrap();
    let page = site.get(&format!("/cities/{id}"), "").await;
    assert_eq!(page.status, StatusCode::OK);
    let b = &page.body;
    assert!(b.contains(city.name.as_str()));
    for text in [
        "Profile",
        "Member",
        "Twin links",
        "Thematic clusters",
        "Expertise and the evidence behind it",
        "Offer of support",
        "How many cities can you support at once?",
        "Neighbourhood in the network",
        "role=\"img\"",
    ] {
        assert!(b.contains(text), "the page lacks {text}");
    }
    let link = &site
        .db
        .store
        .list_twin_links(&LinkQuery {
            city: Some(id),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0];
    let other = if link.city_a.id == id {
        &link.city_b
    } else {
        &link.city_a
    };
    assert!(b.contains(&format!("href=\"/cities/{}\"", other.id)));
    assert!(
        !b.contains(&format!("href=\"/cities/{id}/offer\"")),
        "a visitor is not offered to change the offer"
    );
    assert!(!b.contains("xmlns"), "inline SVG carries no namespace URL");
}

#[tokio::test]
async fn an_applicants_page_shows_its_request_suggested_mentors_and_plan_link() {
    let site = Site::real(common::sqlite().await).await;
    let id = site.applicant().await;
    let cookie = site.sign_in(Role::City(id)).await;
    let page = site.get(&format!("/cities/{id}"), &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Applicant",
        "Request for support",
        "Suggested mentor cities",
        &format!("href=\"/cities/{id}/plan\""),
        &format!("href=\"/cities/{id}/request\""),
    ] {
        assert!(page.body.contains(text), "the page lacks {text}");
    }
}

#[tokio::test]
async fn unknown_and_non_numeric_city_ids_are_404_pages() {
    let site = Site::real(common::sqlite().await).await;
    for path in [
        "/cities/999999",
        "/cities/abc",
        "/cities/abc/plan",
        "/cities/999999/offer",
    ] {
        let page = site.get(path, "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }
}

#[tokio::test]
async fn a_city_cannot_open_or_post_another_citys_offer_form() {
    for db in common::every_backend().await {
        let site = Site::real(db).await;
        let member = site.member().await;
        let intruder = site.applicant().await;
        let before = site.db.store.offer_of(member).await.unwrap();
        let cookie = site.sign_in(Role::City(intruder)).await;
        let page = site.get(&format!("/cities/{member}/offer"), &cookie).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.body.contains("You cannot see or do this"));
        let csrf = site.get("/", &cookie).await.csrf();
        let page = site
            .post(
                &format!("/cities/{member}/offer"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("topics", "plan"),
                    ("capacity", "7"),
                    ("languages", "en"),
                    ("modalities", "training"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(site.db.store.offer_of(member).await.unwrap(), before);
    }
}

#[tokio::test]
async fn an_anonymous_post_goes_to_sign_in() {
    let site = Site::real(common::sqlite().await).await;
    let member = site.member().await;
    let page = site
        .post(&format!("/cities/{member}/offer"), "", &[("capacity", "3")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/sign-in?back="));
}

#[tokio::test]
async fn an_invalid_offer_shows_the_apis_message_next_to_the_field_and_keeps_what_was_typed() {
    for db in common::every_backend().await {
        let site = Site::real(db).await;
        let member = site.member().await;
        let before = site.db.store.offer_of(member).await.unwrap();
        let cookie = site.sign_in(Role::City(member)).await;
        let form = site.get(&format!("/cities/{member}/offer"), &cookie).await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        let page = site
            .post(
                &format!("/cities/{member}/offer"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("topics", "plan"),
                    ("capacity", "0"),
                    ("modalities", "training"),
                    ("note", "We typed this note"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.element("field-capacity-error")
                .contains("0 is not a capacity: a mentor supports 1 to 20 cities at once"),
            "{}",
            page.element("field-capacity-error")
        );
        assert!(page.body.contains("There is a problem"));
        assert!(
            page.body
                .contains("name=\"capacity\" type=\"number\" value=\"0\"")
        );
        assert!(page.body.contains("We typed this note"));
        assert!(page.body.contains("value=\"plan\" checked"));
        assert_eq!(site.db.store.offer_of(member).await.unwrap(), before);
    }
}

#[tokio::test]
async fn a_mentor_that_lowers_its_capacity_below_its_live_proposals_is_warned() {
    let site = Site::real(common::sqlite().await).await;
    let sec = site.token(Role::Secretariat).await;
    let api = |method: &str, uri: String| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {sec}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap()
    };
    let run = site.send(api("POST", "/api/runs".into())).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.body);
    let run: serde_json::Value = serde_json::from_str(&run.body).unwrap();
    let published = site
        .send(api(
            "POST",
            format!("/api/runs/{}/publish", run["run"]["id"]),
        ))
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let mut load = std::collections::BTreeMap::<i64, usize>::new();
    for p in run["proposals"].as_array().unwrap() {
        *load.entry(p["mentor"].as_i64().unwrap()).or_default() += 1;
    }
    let (&mentor, &live) = load
        .iter()
        .find(|(_, n)| **n >= 2)
        .expect("a mentor with two proposals");
    let mentor = CityId(mentor);
    let cookie = site.sign_in(Role::City(mentor)).await;
    let page = site.get(&format!("/cities/{mentor}"), &cookie).await;
    assert!(!page.body.contains("capacity-warning"), "not below yet");

    let offer = site.db.store.offer_of(mentor).await.unwrap().unwrap();
    let topics = site.db.store.list_topics().await.unwrap();
    let slugs: Vec<String> = offer
        .topics
        .iter()
        .filter_map(|t| topics.iter().find(|x| x.id == *t))
        .map(|t| t.slug.as_str().to_string())
        .collect();
    let csrf = site
        .get(&format!("/cities/{mentor}/offer"), &cookie)
        .await
        .csrf();
    let mut form = vec![("csrf", csrf.clone()), ("capacity", "1".to_string())];
    form.extend(slugs.into_iter().map(|s| ("topics", s)));
    form.extend(
        offer
            .languages
            .iter()
            .map(|l| ("languages", l.as_str().to_string())),
    );
    form.extend(
        offer
            .modalities
            .iter()
            .map(|m| ("modalities", m.name().to_string())),
    );
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = site
        .post(&format!("/cities/{mentor}/offer"), &cookie, &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = site.get(saved.location(), &cookie).await;
    assert!(page.body.contains("capacity-warning"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "The capacity (1) is below the {live} proposals that hold a place"
    )));
    let visitor = site.get(&format!("/cities/{mentor}"), "").await;
    assert!(
        !visitor.body.contains("capacity-warning"),
        "the warning is for those who may change the offer"
    );
}

#[tokio::test]
async fn an_applicants_own_page_says_where_it_stands_in_the_published_round() {
    let site = Site::real(common::sqlite().await).await;
    let applicant = site.applicant().await;
    let before = site.get(&format!("/cities/{applicant}"), "").await;
    assert!(!before.body.contains("round-status"), "no round yet");

    let sec = site.token(Role::Secretariat).await;
    let call = |uri: String| {
        Request::post(uri)
            .header(header::AUTHORIZATION, format!("Bearer {sec}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap()
    };
    let run = site.send(call("/api/runs".into())).await;
    let run: serde_json::Value = serde_json::from_str(&run.body).unwrap();
    let id = run["run"]["id"].as_i64().unwrap();
    site.send(call(format!("/api/runs/{id}/publish"))).await;
    let mentors = run["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["applicant"] == applicant.0)
        .count();
    let page = site.get(&format!("/cities/{applicant}"), "").await;
    assert!(page.body.contains("id=\"round-status\""), "{}", page.body);
    if mentors > 0 {
        assert!(
            page.body.contains(&format!(
                "Round {id} proposes {mentors} mentor cities to it"
            )),
            "{}",
            page.body
        );
    } else {
        assert!(
            page.body
                .contains(&format!("Round {id} found it no mentor."))
        );
    }
}

#[tokio::test]
async fn a_valid_offer_is_saved_through_the_api_and_the_city_page_says_so() {
    for db in common::every_backend().await {
        let site = Site::real(db).await;
        let member = site.member().await;
        let cookie = site.sign_in(Role::City(member)).await;
        let csrf = site
            .get(&format!("/cities/{member}/offer"), &cookie)
            .await
            .csrf();
        let page = site
            .post(
                &format!("/cities/{member}/offer"),
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("topics", "plan"),
                    ("topics", "involve"),
                    ("capacity", "7"),
                    ("languages", "en"),
                    ("languages", "fr"),
                    ("modalities", "training"),
                    ("available_from", "2026-09-01"),
                    ("note", "Saved from the page"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location(), format!("/cities/{member}?saved=offer"));
        let offer = site.db.store.offer_of(member).await.unwrap().unwrap();
        assert_eq!(offer.capacity.get(), 7);
        assert_eq!(offer.note, "Saved from the page");
        assert_eq!(offer.languages.len(), 2);
        let city = site.get(page.location(), &cookie).await;
        assert!(city.body.contains("Your offer of support has been saved."));
    }
}

#[tokio::test]
async fn a_form_posted_without_its_anti_forgery_token_is_refused() {
    let site = Site::real(common::sqlite().await).await;
    let member = site.member().await;
    let before = site.db.store.offer_of(member).await.unwrap();
    let cookie = site.sign_in(Role::City(member)).await;
    let page = site
        .post(
            &format!("/cities/{member}/offer"),
            &cookie,
            &[("topics", "plan"), ("capacity", "9"), ("languages", "en")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(site.db.store.offer_of(member).await.unwrap(), before);
}

#[tokio::test]
async fn the_secretariat_edits_an_applicants_request_with_the_apis_messages() {
    let site = Site::real(common::sqlite().await).await;
    let applicant = site.applicant().await;
    let cookie = site.sign_in(Role::Secretariat).await;
    let form = site
        .get(&format!("/cities/{applicant}/request"), &cookie)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let page = site
        .post(
            &format!("/cities/{applicant}/request"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("needs", "plan"),
                ("priority-plan", "9"),
                ("languages", "fr"),
                ("max_mentors", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.element("field-needs-error")
            .contains("9 is not a priority (1 to 5)")
    );
    let page = site
        .post(
            &format!("/cities/{applicant}/request"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("needs", "plan"),
                ("priority-plan", "4"),
                ("languages", "fr"),
                ("max_mentors", "2"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let request = site.db.store.request_of(applicant).await.unwrap().unwrap();
    assert_eq!(request.max_mentors, 2);
    assert_eq!(request.needs.len(), 1);
}

#[tokio::test]
async fn the_plan_page_shows_the_stages_and_the_checklist_and_downloads_as_csv_and_json() {
    let site = Site::real(common::sqlite().await).await;
    let applicant = site.applicant().await;
    let page = site.get(&format!("/cities/{applicant}/plan"), "").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Capacity-building plan of",
        "Stage 1",
        "Lead mentor",
        "Introduction path",
        "Readiness checklist for joining the network",
        "use your browser's print command",
        &format!("/cities/{applicant}/plan.csv"),
    ] {
        assert!(page.body.contains(text), "the plan lacks {text}");
    }
    let json = site
        .get(&format!("/cities/{applicant}/plan.json"), "")
        .await;
    assert_eq!(json.status, StatusCode::OK);
    let plan: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let api = site.get(&format!("/api/cities/{applicant}/plan"), "").await;
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(plan, api, "the download is the API's plan");
    let csv = site.get(&format!("/cities/{applicant}/plan.csv"), "").await;
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.body
            .starts_with("\u{feff}stage,topic,kind,status,priority,lead_mentor_id")
    );
    assert_eq!(
        csv.body.lines().count(),
        plan["stages"].as_array().unwrap().len() + 1
    );
}

#[tokio::test]
async fn a_member_has_no_plan_page() {
    let site = Site::real(common::sqlite().await).await;
    let member = site.member().await;
    let page = site.get(&format!("/cities/{member}/plan"), "").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("There is no plan for this city"));
}

#[tokio::test]
async fn the_city_and_plan_pages_read_in_french() {
    let site = Site::real(common::sqlite().await).await;
    let applicant = site.applicant().await;
    let page = site
        .get(&format!("/cities/{applicant}"), "twinmatch_lang=fr")
        .await;
    assert!(page.body.contains("Demande de soutien"));
    assert!(page.body.contains("Voisinage dans le réseau"));
    let plan = site
        .get(&format!("/cities/{applicant}/plan"), "twinmatch_lang=fr")
        .await;
    assert!(plan.body.contains("Plan de renforcement des capacités"));
    assert!(
        plan.body
            .contains("commande d'impression de votre navigateur")
    );
}

#[tokio::test]
async fn suggested_mentors_are_explained_in_sentences_in_the_readers_language() {
    let site = Site::real(common::sqlite().await).await;
    let applicant = site.applicant().await;
    let page = site.get(&format!("/cities/{applicant}"), "").await;
    let body = &page.body;
    assert!(
        body.contains("Fit ") && body.contains(" out of 100."),
        "{body}"
    );
    for engine_words in ["hop(s)", "(priority ", "expertise 0.", "trust 0."] {
        assert!(
            !body.contains(engine_words),
            "no engine detail such as {engine_words:?} on a city's page"
        );
    }
    assert!(
        ["nice to have", "useful", "important", "urgent"]
            .iter()
            .any(|w| body.contains(w)),
        "priorities in words"
    );
    let french = site
        .get(&format!("/cities/{applicant}"), "twinmatch_lang=fr")
        .await;
    assert!(french.body.contains("Adéquation ") && french.body.contains(" sur 100."));
    assert!(!french.body.contains("out of 100"), "{}", french.body);
}

#[tokio::test]
async fn a_city_withdraws_its_offer_after_confirming_and_no_other_city_can() {
    for db in common::every_backend().await {
        common::load_everything(db.store.as_ref()).await;
        let offers = db.store.list_offers().await.unwrap();
        let (mine, other) = (offers[0].city, offers[1].city);
        let token = |role| {
            let store = db.store.clone();
            async move {
                let (secret, hash) = twinmatch::auth::new_token().unwrap();
                store
                    .create_token(&Actor::CLI, role, "t", &hash)
                    .await
                    .unwrap();
                secret
            }
        };
        let mut stranger = common::pages::Reader::new(db.store.clone());
        stranger.sign_in(&token(Role::City(other)).await).await;
        let refused = stranger.get(&format!("/cities/{mine}/offer/retire")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let mut reader = common::pages::Reader::new(db.store.clone());
        reader.sign_in(&token(Role::City(mine)).await).await;
        let confirm = reader.get(&format!("/cities/{mine}/offer/retire")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        let forged = reader
            .post(&format!("/cities/{mine}/offer/retire"), &[("csrf", "x")])
            .await;
        assert_eq!(forged.status, StatusCode::BAD_REQUEST);
        assert!(db.store.offer_of(mine).await.unwrap().is_some());
        let done = reader
            .post(
                &format!("/cities/{mine}/offer/retire"),
                &[("csrf", &confirm.csrf())],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            done.location.as_deref(),
            Some(format!("/cities/{mine}?saved=offer-retired").as_str())
        );
        assert!(db.store.offer_of(mine).await.unwrap().is_none());
        let gone = reader.get(&format!("/cities/{mine}/offer/retire")).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let no_request = reader.get(&format!("/cities/{mine}/request/retire")).await;
        assert_eq!(
            no_request.status,
            StatusCode::NOT_FOUND,
            "a member holds no request"
        );
    }
}
