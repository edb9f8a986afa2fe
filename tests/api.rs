//! Black-box tests of the JSON API on the real network plus the demo
//! sample: every route of the foundation, its filters, 404s and bad input.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

struct Api {
    app: axum::Router,
    _db: common::TestDb,
}

impl Api {
    async fn on(db: common::TestDb) -> Self {
        common::load_everything(db.store.as_ref()).await;
        Self {
            app: twinmatch::server::app(db.store.clone()),
            _db: db,
        }
    }

    async fn new() -> Self {
        Self::on(common::sqlite().await).await
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let res = self
            .app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn ok(&self, uri: &str) -> Value {
        let (status, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        body
    }

    /// Asserts a 400 naming `field`.
    async fn bad(&self, uri: &str, field: &str) {
        let (status, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["field"], field, "{uri}: {body}");
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{body}"
        );
    }
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn health_names_the_backend_and_schema_version() {
    let api = Api::new().await;
    let body = api.ok("/health").await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["backend"], "sqlite");
    assert!(body["schema_version"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn stats_count_the_real_network_on_every_backend() {
    for db in common::every_backend().await {
        let backend = format!("{:?}", db.store.backend());
        let api = Api::on(db).await;
        let s = api.ok("/api/stats").await;
        for key in [
            "cities",
            "members",
            "applicants",
            "partners",
            "countries",
            "twin_links",
            "topics",
            "offers",
            "requests",
            "evidence",
        ] {
            assert!(s[key].is_i64(), "{backend}: {key} missing in {s}");
        }
        assert!(s["cities"].as_i64().unwrap() > 800, "{s}");
        assert!(s["members"].as_i64().unwrap() > 200, "{s}");
        assert!(s["twin_links"].as_i64().unwrap() > 2000, "{s}");
        assert!(s["countries"].as_i64().unwrap() > 170, "{s}");
        assert!(
            s["offers"].as_i64().unwrap() > 0 && s["requests"].as_i64().unwrap() > 0,
            "{s}"
        );
        assert_eq!(
            s["cities"].as_i64(),
            Some(
                s["members"].as_i64().unwrap()
                    + s["applicants"].as_i64().unwrap()
                    + s["partners"].as_i64().unwrap()
            )
        );
    }
}

#[tokio::test]
async fn cities_filter_by_status_country_region_ldc_and_name() {
    let api = Api::new().await;
    let members = api.ok("/api/cities?status=member&per_page=1").await;
    assert_eq!(members["total"], 366);
    let mz = api.ok("/api/cities?country=mz&per_page=500").await;
    assert!(
        mz["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["country"] == "MZ")
    );
    assert!(names(&mz).contains(&"Beira".to_string()));
    let ldc_applicants = api
        .ok("/api/cities?status=applicant&ldc=true&per_page=500")
        .await;
    assert!(ldc_applicants["total"].as_i64().unwrap() > 0);
    let africa = api.ok("/api/cities?region=Africa&per_page=1").await;
    let arab = api.ok("/api/cities?region=arab-states&per_page=1").await;
    let african = api.ok("/api/cities?african=true&per_page=1").await;
    assert!(
        african["total"].as_i64() > africa["total"].as_i64(),
        "North Africa sits in the Arab States region"
    );
    assert!(arab["total"].as_i64().unwrap() > 0);
    assert_eq!(
        names(&api.ok("/api/cities?q=BOBO%20dioulasso").await),
        ["Bobo-Dioulasso"]
    );
    assert_eq!(
        names(&api.ok("/api/cities?q=f%C3%A8s&country=MA").await),
        ["Fez"]
    );
}

#[tokio::test]
async fn cities_are_sorted_and_paginated() {
    let api = Api::new().await;
    let first = api
        .ok("/api/cities?status=member&sort=name&per_page=5")
        .await;
    let second = api
        .ok("/api/cities?status=member&sort=name&per_page=5&page=2")
        .await;
    assert_eq!(
        (first["page"].as_i64(), first["per_page"].as_i64()),
        (Some(1), Some(5))
    );
    let (a, b) = (names(&first), names(&second));
    assert_eq!(a.len(), 5);
    assert!(a.iter().all(|n| !b.contains(n)), "pages do not overlap");
    let desc = names(
        &api.ok("/api/cities?status=member&sort=name&order=desc&per_page=1")
            .await,
    );
    let asc_last = names(
        &api.ok("/api/cities?status=member&sort=name&per_page=1&page=366")
            .await,
    );
    assert_eq!(desc, asc_last);
    let past_the_end = api.ok("/api/cities?status=member&page=99").await;
    assert_eq!(past_the_end["items"], Value::Array(vec![]));
    assert_eq!(past_the_end["total"], 366);
}

#[tokio::test]
async fn bad_query_parameters_get_a_400_naming_the_field() {
    let api = Api::new().await;
    api.bad("/api/cities?status=mayor", "status").await;
    api.bad("/api/cities?country=Mozambique", "country").await;
    api.bad("/api/cities?region=Oceania", "region").await;
    api.bad("/api/cities?ldc=maybe", "ldc").await;
    api.bad("/api/cities?page=0", "page").await;
    api.bad("/api/cities?page=abc", "page").await;
    api.bad("/api/cities?per_page=501", "per_page").await;
    api.bad("/api/cities?sort=population", "sort").await;
    api.bad("/api/cities?contry=MZ", "contry").await;
    api.bad("/api/twin-links?kind=marriage", "kind").await;
    api.bad("/api/twin-links?city=beira", "city").await;
    api.bad("/api/countries?ldc=perhaps", "ldc").await;
    api.bad("/api/topics?kind=hobby", "kind").await;
    api.bad("/api/cities/beira", "id").await;
}

#[tokio::test]
async fn a_city_comes_with_its_links_clusters_evidence_and_request() {
    let api = Api::new().await;
    let beira = api.ok("/api/cities?q=beira&country=MZ").await["items"][0].clone();
    let detail = api.ok(&format!("/api/cities/{}", beira["id"])).await;
    assert_eq!(detail["name"], "Beira");
    assert_eq!(detail["country_detail"]["is_ldc"], true);
    let partners: Vec<String> = detail["links"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            [
                l["city_a"]["name"].as_str().unwrap().to_string(),
                l["city_b"]["name"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    assert!(partners.contains(&"Bristol".to_string()), "{partners:?}");
    for key in ["clusters", "evidence"] {
        assert!(detail[key].is_array(), "{key}");
    }

    let larissa = api.ok("/api/cities?q=larissa").await["items"][0]["id"].clone();
    let detail = api.ok(&format!("/api/cities/{larissa}")).await;
    assert_eq!(detail["clusters"][0]["role"], "coordinator");
    assert!(
        detail["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "cluster_coordinator")
    );

    let applicant =
        api.ok("/api/cities?status=applicant&per_page=1").await["items"][0]["id"].clone();
    let detail = api.ok(&format!("/api/cities/{applicant}")).await;
    assert!(
        detail["request"]["needs"]
            .as_array()
            .is_some_and(|n| !n.is_empty()),
        "{detail}"
    );
    assert!(detail["offer"].is_null());
}

#[tokio::test]
async fn unknown_cities_and_routes_are_404_with_a_message() {
    let api = Api::new().await;
    let (status, body) = api.get("/api/cities/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("999999")
    );
    let (status, body) = api.get("/api/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn twin_links_filter_by_city_country_and_kind() {
    let api = Api::new().await;
    let all = api.ok("/api/twin-links?per_page=1").await;
    assert!(all["total"].as_i64().unwrap() > 2000);
    let beira = api.ok("/api/cities?q=beira&country=MZ").await["items"][0]["id"].clone();
    let links = api.ok(&format!("/api/twin-links?city={beira}")).await;
    assert!(
        links["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["city_a"]["id"] == beira || l["city_b"]["id"] == beira)
    );
    let mz = api.ok("/api/twin-links?country=MZ&per_page=500").await;
    assert!(
        mz["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["city_a"]["country"] == "MZ" || l["city_b"]["country"] == "MZ")
    );
    assert_eq!(
        api.ok("/api/twin-links?kind=friendship").await["total"],
        0,
        "the public lists do not say the kind"
    );
}

#[tokio::test]
async fn countries_and_topics_are_listed_with_filters() {
    let api = Api::new().await;
    let ldc = api.ok("/api/countries?ldc=true").await;
    assert_eq!(
        ldc.as_array().unwrap().len(),
        44,
        "44 least developed countries"
    );
    let african_ldc = api.ok("/api/countries?ldc=true&african=true").await;
    assert_eq!(african_ldc.as_array().unwrap().len(), 32);
    let areas = api.ok("/api/topics?kind=area_of_action").await;
    let slugs: Vec<_> = areas
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "plan",
            "involve",
            "celebrate",
            "make-accessible",
            "monitor-evaluate",
            "fund"
        ]
    );
    let retired = api.ok("/api/topics?retired=true").await;
    assert_eq!(retired.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn stats_show_an_unpublished_runs_coverage_to_the_secretariat_only() {
    let api = common::http::Api::real(common::sqlite().await).await;
    let sec = api.token(twinmatch::domain::Role::Secretariat).await;
    let run = api
        .post("/api/runs", Some(&sec), serde_json::json!({}))
        .await;
    assert_eq!(run.status, axum::http::StatusCode::CREATED, "{}", run.body);
    let id = run.body["run"]["id"].clone();
    let public = api.get("/api/stats", None).await.body;
    assert!(public["coverage"].is_null(), "{public}");
    assert_eq!(public["runs"], 1);
    let own = api.get("/api/stats", Some(&sec)).await.body;
    assert_eq!(own["coverage"]["run"], id);
    assert_eq!(own["coverage"]["published"], false);

    let path = format!("/api/runs/{id}/publish");
    let published = api.post(&path, Some(&sec), serde_json::json!({})).await;
    assert_eq!(
        published.status,
        axum::http::StatusCode::OK,
        "{}",
        published.body
    );
    let public = api.get("/api/stats", None).await.body;
    assert_eq!(public["coverage"]["run"], id);
    assert_eq!(public["coverage"]["published"], true);
}

#[tokio::test]
async fn a_panicking_handler_is_a_logged_500_with_our_error_body_and_the_server_goes_on() {
    use axum::routing::get;
    use tower::ServiceExt;
    async fn boom() -> &'static str {
        panic!("forced for the test")
    }
    async fn fine() -> &'static str {
        "fine"
    }
    let app = twinmatch::server::layered(
        axum::Router::new()
            .route("/boom", get(boom))
            .route("/fine", get(fine)),
    );
    let get_ = |uri: &str| {
        axum::http::Request::builder()
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let res = app.clone().oneshot(get_("/boom")).await.unwrap();
    assert_eq!(res.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert!(
        !body.to_string().contains("forced for the test"),
        "the panic's text is logged, not leaked: {body}"
    );
    let res = app.oneshot(get_("/fine")).await.unwrap();
    assert_eq!(
        res.status(),
        axum::http::StatusCode::OK,
        "the next request is served"
    );
}
