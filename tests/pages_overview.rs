//! The overview, the applicants list and the downloads, at the HTTP level,
//! on every backend: real counts, coverage charts with their tables after a
//! run and a labelled preview before, filters that filter, reasons for the
//! applicants left out, CSV and JSON downloads that respect who may see an
//! unpublished run, French texts, and no other origin referenced.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use common::http::Api;
use twinmatch::domain::Role;

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Page {
    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// GET `uri` as a browser would, with these cookies.
async fn get(api: &Api, uri: &str, cookies: &str) -> Page {
    let mut req = Request::builder().uri(uri);
    if !cookies.is_empty() {
        req = req.header("cookie", cookies);
    }
    let res = api
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Signs in with a fresh token of `role`; the session cookie.
async fn sign_in(api: &Api, role: Role) -> String {
    let token = api.token(role).await;
    let req = Request::builder()
        .method("POST")
        .uri("/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}&back=%2F")))
        .unwrap();
    let res = api.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("twinmatch_session="))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// Runs a round through the JSON API as the secretariat; its body.
async fn run(api: &Api, token: &str, body: Value) -> Value {
    let reply = api.post("/api/runs", Some(token), body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

fn assert_no_other_origin(page: &Page, what: &str) {
    for scheme in ["http://", "https://"] {
        assert!(
            !page.text.contains(scheme),
            "{what} references another origin ({scheme})"
        );
    }
}

#[tokio::test]
async fn the_overview_shows_the_real_counts_and_a_labelled_preview_before_any_run() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let stats = api.get("/api/stats", None).await.body;
        let page = get(&api, "/", "").await;
        assert_eq!(page.status, StatusCode::OK);
        for key in ["members", "applicants", "twin_links", "offers", "requests"] {
            let n = stats[key].as_i64().unwrap();
            assert!(
                page.text
                    .contains(&format!("<span class=\"count-number\">{n}</span>")),
                "the count of {key} ({n}) is shown"
            );
        }
        assert!(page.text.contains("No matching round has been run yet."));
        assert!(page.text.contains("These figures are a preview"));
        assert!(page.text.contains("id=\"chart-region-title\""));
        assert!(page.text.contains("class=\"chart world-map\""));
        assert!(page.text.contains("Applicant city: red triangle"));
        assert_no_other_origin(&page, "the overview");
        assert!(!page.text.contains("xmlns"), "inline SVG carries no xmlns");
    }
}

#[tokio::test]
async fn after_a_run_the_overview_charts_its_coverage_with_a_table_for_the_secretariat_only_until_published()
 {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let token = api.token(Role::Secretariat).await;
        let body = run(&api, &token, json!({})).await;
        let id = body["run"]["id"].as_i64().unwrap();
        let covered = body["summary"]["coverage"]["total"]["covered"]
            .as_u64()
            .unwrap();
        let applicants = body["summary"]["coverage"]["total"]["applicants"]
            .as_u64()
            .unwrap();
        let secretariat = sign_in(&api, Role::Secretariat).await;
        let page = get(&api, "/", &secretariat).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&format!("From matching round {id} of")));
        assert!(page.text.contains("Not published yet"));
        assert!(page.text.contains(&format!(
            "{covered} of {applicants} applicant cities covered"
        )));
        assert!(page.text.contains(
            "<caption class=\"caption\">Applicant cities covered, by UNESCO region</caption>"
        ));
        assert!(page.text.contains("Least developed countries"));
        assert!(page.text.contains("Current pairs"));
        assert!(!page.text.contains("No matching round has been run yet."));

        // Others see a preview until the run is published.
        let anonymous = get(&api, "/", "").await;
        assert!(
            anonymous
                .text
                .contains("No matching round has been published yet.")
        );
        assert!(
            !anonymous
                .text
                .contains(&format!("From matching round {id}"))
        );

        let reply = api
            .post(&format!("/api/runs/{id}/publish"), Some(&token), json!({}))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let anonymous = get(&api, "/", "").await;
        assert!(
            anonymous
                .text
                .contains(&format!("From matching round {id} of"))
        );
        assert!(anonymous.text.contains("Published"));
    }
}

#[tokio::test]
async fn the_overview_reads_in_french() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let page = get(&api, "/", "twinmatch_lang=fr").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text.contains("Vue d'ensemble du réseau")
                || page.text.contains("Vue d&#39;ensemble du réseau")
        );
        assert!(page.text.contains("Couverture des villes candidates"));
        assert!(page.text.contains("Ville candidate : triangle rouge"));
        assert!(
            page.text.contains("« Afrique » désigne la région Afrique"),
            "the note on Africa against African countries"
        );
    }
}

/// The number in "N applicant cities match."
fn matches(page: &Page) -> usize {
    let end = page
        .text
        .find(" applicant cities match.")
        .expect("a count of applicants");
    let start = page.text[..end].rfind('>').unwrap() + 1;
    page.text[start..end].parse().unwrap()
}

#[tokio::test]
async fn the_applicants_filters_really_filter() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let all = get(&api, "/applicants", "").await;
        assert_eq!(all.status, StatusCode::OK);
        let total = api.get("/api/cities?status=applicant", None).await.body["total"]
            .as_u64()
            .unwrap() as usize;
        assert_eq!(matches(&all), total);
        assert!(all.text.contains("No round yet"));

        let ldc = get(&api, "/applicants?ldc=yes", "").await;
        let ldc_total = api
            .get("/api/cities?status=applicant&ldc=true", None)
            .await
            .body["total"]
            .as_u64()
            .unwrap() as usize;
        assert!(ldc_total > 0 && ldc_total < total);
        assert_eq!(matches(&ldc), ldc_total, "LDC=yes keeps only LDC cities");
        let rows = ldc
            .text
            .matches("<th scope=\"row\"><a href=\"/cities/")
            .count();
        let tagged = ldc
            .text
            .matches("<strong class=\"tag tag-purple\">LDC</strong>")
            .count();
        assert_eq!(rows, ldc_total);
        assert_eq!(tagged, ldc_total, "every row shown is tagged LDC");
        assert!(
            ldc.text
                .contains("<option value=\"yes\" selected>Yes</option>")
        );

        // A topic: only the applicants whose request names it.
        let requests = api.get("/api/requests?per_page=500", None).await.body;
        let topics = api.get("/api/topics", None).await.body;
        let topic = requests["items"][0]["needs"][0]["topic"].as_i64().unwrap();
        let slug = topics
            .as_array()
            .or(topics["items"].as_array())
            .unwrap()
            .iter()
            .find(|t| t["id"].as_i64() == Some(topic))
            .unwrap()["slug"]
            .as_str()
            .unwrap()
            .to_string();
        let applicants: std::collections::BTreeSet<i64> = api
            .get("/api/cities?status=applicant&per_page=500", None)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        let expected = requests["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| applicants.contains(&r["city"].as_i64().unwrap()))
            .filter(|r| {
                r["needs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n["topic"].as_i64() == Some(topic))
            })
            .count();
        let by_topic = get(&api, &format!("/applicants?topic={slug}"), "").await;
        assert!(expected > 0 && expected < total);
        assert_eq!(
            matches(&by_topic),
            expected,
            "the topic filter keeps {expected}"
        );
        assert_no_other_origin(&by_topic, "the applicants list");
    }
}

#[tokio::test]
async fn an_applicant_left_unmatched_shows_why_and_covered_ones_show_their_proposals() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let token = api.token(Role::Secretariat).await;
        let requests = api.get("/api/requests?per_page=500", None).await.body;
        let applicants: std::collections::BTreeSet<i64> = api
            .get("/api/cities?status=applicant&per_page=500", None)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        // An applicant with fewer than 50 possible mentors: banning them all
        // leaves it unmatched.
        let mut chosen = None;
        for city in requests["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["city"].as_i64().unwrap())
            .filter(|c| applicants.contains(c))
        {
            let suggestions = api
                .get(&format!("/api/cities/{city}/suggestions?n=50"), None)
                .await
                .body;
            let n = suggestions["items"].as_array().unwrap().len();
            if n > 0 && n < 50 {
                chosen = Some((city, suggestions));
                break;
            }
        }
        let (city, suggestions) = chosen.expect("an applicant with a few possible mentors");
        let bans: Vec<Value> = suggestions["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| json!({"mentor": s["city"]["id"], "applicant": city, "reason": "test"}))
            .collect();
        assert!(!bans.is_empty() && bans.len() < 50);
        let body = run(&api, &token, json!({ "bans": bans })).await;
        let unmatched = body["summary"]["unmatched"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["applicant"].as_i64() == Some(city))
            .expect("the applicant is left unmatched")
            .clone();
        assert_eq!(unmatched["reason"]["code"], "all_candidates_banned");
        let n = unmatched["reason"]["candidates"].as_u64().unwrap();
        let name = unmatched["name"].as_str().unwrap();

        let secretariat = sign_in(&api, Role::Secretariat).await;
        let page = get(&api, "/applicants?covered=no", &secretariat).await;
        assert_eq!(page.status, StatusCode::OK);
        let row = page
            .text
            .split("<tr>")
            .find(|r| r.contains(&format!("href=\"/cities/{city}\"")))
            .expect("the applicant is listed as not covered");
        assert!(row.contains(name));
        assert!(row.contains("Not covered"));
        assert!(row.contains(&format!(
            "All {n} mentors who could support it are excluded for this pair."
        )));

        let covered = get(&api, "/applicants?covered=yes", &secretariat).await;
        assert!(covered.text.contains("Covered"));
        assert!(covered.text.contains("Proposed"));
        assert!(!covered.text.contains(&format!("href=\"/cities/{city}\"")));

        // Before publication, others see no round yet.
        let anonymous = get(&api, "/applicants", "").await;
        assert!(anonymous.text.contains("No round yet"));
        assert!(!anonymous.text.contains("excluded for this pair"));
    }
}

#[tokio::test]
async fn the_downloads_have_their_header_rows_and_type_and_hide_unpublished_proposals() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let token = api.token(Role::Secretariat).await;
        let body = run(&api, &token, json!({})).await;
        let id = body["run"]["id"].as_i64().unwrap();
        let n = body["proposals"].as_array().unwrap().len();
        let secretariat = sign_in(&api, Role::Secretariat).await;

        let page = get(&api, "/exports", &secretariat).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("href=\"/exports/plans.csv\""));
        assert_no_other_origin(&page, "the downloads page");

        let csv = get(&api, "/exports/proposals.csv", &secretariat).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
        assert_eq!(
            csv.headers["content-disposition"],
            format!("attachment; filename=\"proposals-run-{id}.csv\"")
        );
        let lines: Vec<&str> = csv.text.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}run,proposal,mentor_id,mentor,mentor_country,applicant_id,applicant,\
             applicant_country,score,status,locked,explanation,introduction_path",
            "a byte order mark first, for Excel"
        );
        assert_eq!(lines.len(), n + 1);
        assert!(lines[1].starts_with(&format!("{id},")));
        assert!(lines[1].contains(",proposed,"));
        let records: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.text.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        let first = &records[0];
        for (id_at, country_at) in [(2, 4), (5, 7)] {
            let city = api
                .get(&format!("/api/cities/{}", &first[id_at]), None)
                .await;
            assert_eq!(
                city.body["country"], first[country_at],
                "the country beside each city"
            );
        }
        assert!(
            first[11].starts_with("Fit ") && first[11].contains("out of 100"),
            "the explanation in words: {}",
            &first[11]
        );

        let json = get(
            &api,
            &format!("/exports/proposals.json?run={id}"),
            &secretariat,
        )
        .await;
        assert_eq!(json.content_type(), "application/json");
        let v: Value = serde_json::from_str(&json.text).unwrap();
        assert_eq!(v["run"]["id"], id);
        assert_eq!(v["proposals"].as_array().unwrap().len(), n);
        assert!(
            v["proposals"][0]["mentor_name"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );

        // Not published: nobody else may download its proposals.
        let hidden = get(&api, &format!("/exports/proposals.csv?run={id}"), "").await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        let latest = get(&api, "/exports/proposals.csv", "").await;
        assert_eq!(latest.status, StatusCode::OK);
        assert_eq!(latest.text.lines().count(), 1, "only the header");
        let bad = get(&api, "/exports/proposals.json?run=abc", "").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let coverage = get(&api, "/exports/coverage.csv", &secretariat).await;
        assert_eq!(coverage.content_type(), "text/csv; charset=utf-8");
        let lines: Vec<&str> = coverage.text.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}run,kind,group,applicants,covered,mentors_asked,pairs"
        );
        let total = &body["summary"]["coverage"]["total"];
        assert_eq!(
            lines[1],
            format!(
                "{id},all,all,{},{},{},{}",
                total["applicants"], total["covered"], total["mentors_asked"], total["pairs"]
            )
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{id},region,Africa,")))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{id},ldc,LDC,")))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{id},african,African,")))
        );
        let coverage: Value =
            serde_json::from_str(&get(&api, "/exports/coverage.json", "").await.text).unwrap();
        assert_eq!(coverage["preview"], true, "others get the preview");

        let plans = get(&api, "/exports/plans.csv", "").await;
        assert_eq!(plans.status, StatusCode::OK);
        assert_eq!(
            plans.headers["content-disposition"],
            "attachment; filename=\"plans.csv\""
        );
        let lines: Vec<&str> = plans.text.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}applicant_id,applicant,applicant_country,stage,topic,stage_status,lead_mentor_id,\
             lead_mentor,lead_mentor_country,lead_score,alternates,introduction_path"
        );
        assert!(lines.len() > 10);
        assert!(
            lines.iter().any(|l| l.contains(" > ")),
            "some introduction paths"
        );
        let plans: Value =
            serde_json::from_str(&get(&api, "/exports/plans.json", "").await.text).unwrap();
        let with_request = api.get("/api/requests?per_page=500", None).await.body["items"]
            .as_array()
            .unwrap()
            .len();
        assert!(!plans.as_array().unwrap().is_empty());
        assert!(plans.as_array().unwrap().len() <= with_request);
        assert!(plans[0]["stages"].as_array().is_some());
    }
}

#[tokio::test]
async fn the_applicants_and_downloads_pages_read_in_french() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let page = get(&api, "/applicants?ldc=yes", "twinmatch_lang=fr").await;
        assert!(page.text.contains("Filtrer la liste"));
        assert!(page.text.contains("villes candidates correspondent."));
        assert!(page.text.contains("Pas encore de cycle"));
        assert!(page.text.contains(">PMA</strong>"));
        let page = get(&api, "/exports", "twinmatch_lang=fr").await;
        assert!(page.text.contains("Téléchargements"));
        assert!(page.text.contains("Plans en CSV"));
    }
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure_and_browsers_keep_to_https() {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let (secret, hash) = twinmatch::auth::new_token().unwrap();
    db.store
        .create_token(
            &twinmatch::store::Actor::CLI,
            Role::Secretariat,
            "tls",
            &hash,
        )
        .await
        .unwrap();
    let sign_in_by = |app: axum::Router, proto: Option<&'static str>| {
        let body = format!("token={secret}&back=/");
        async move {
            let mut req = Request::builder()
                .method("POST")
                .uri("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded");
            if let Some(p) = proto {
                req = req.header("x-forwarded-proto", p);
            }
            app.oneshot(req.body(Body::from(body)).unwrap())
                .await
                .unwrap()
        }
    };
    let sign_in = |app: axum::Router| sign_in_by(app, None);
    let https = twinmatch::server::Site::parse("https://twinmatch.example.org").unwrap();
    let res = sign_in(twinmatch::server::app_at(db.store.clone(), &https)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );

    let res = sign_in(twinmatch::server::app(db.store.clone())).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP keeps a cookie the browser sends: {cookie}"
    );
    assert!(res.headers().get("strict-transport-security").is_none());
    assert!(twinmatch::server::Site::parse("twinmatch.example.org").is_err());

    // Behind a trusted proxy, the proxy's word decides, request by request.
    let proxied = twinmatch::server::Site::default().trusting_forwarded_proto(true);
    let secure = |res: &axum::response::Response| {
        let cookie = res.headers()["set-cookie"].to_str().unwrap();
        let hsts = res.headers().get("strict-transport-security").is_some();
        (cookie.ends_with("; Secure"), hsts)
    };
    for (proto, expected) in [
        (Some("https"), (true, true)),
        (Some("HTTPS, http"), (true, true)),
        (Some("http"), (false, false)),
        (None, (false, false)),
    ] {
        let res = sign_in_by(twinmatch::server::app_at(db.store.clone(), &proxied), proto).await;
        assert_eq!(secure(&res), expected, "X-Forwarded-Proto: {proto:?}");
    }
    // Without the setting, anyone could send the header: it is ignored.
    let res = sign_in_by(twinmatch::server::app(db.store.clone()), Some("https")).await;
    assert_eq!(secure(&res), (false, false));
}
