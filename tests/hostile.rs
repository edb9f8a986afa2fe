//! Hostile strings and bodies, on every backend: each is refused with a
//! clear 4xx that writes nothing, or kept exactly as sent; a kept text is
//! escaped on every page that shows it, and a CSV cell that a spreadsheet
//! would run as a formula is text.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

use common::http::Api;
use common::pages::Reader;
use twinmatch::domain::Role;

/// Names a city could be given by someone who means harm, or by accident.
const NAMES: [&str; 6] = [
    "<script>alert('x')</script> & \"Co\"",
    "Robert'); DROP TABLE cities;-- %_\\",
    "مدينة \u{202E}gpj.exe\u{202C} عربية",
    "Zero\u{200B}width\u{FEFF}join\u{200D}er",
    "=HYPERLINK(\"http://evil.example\",\"open\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
];

/// What the reader sees of an HTML text: the entities maud writes, decoded.
fn shown(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn hostile_names_are_kept_exactly_escaped_on_every_page_and_never_a_formula_in_csv() {
    for db in common::every_backend().await {
        eprintln!("hostile names on {:?}", db.store.backend());
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let run = api.post("/api/runs", Some(&sec), json!({})).await.body["run"]["id"].clone();
        let r = api
            .post(&format!("/api/runs/{run}/publish"), Some(&sec), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // The cities of the round's first proposals take the names.
        let proposals = api
            .get(&format!("/api/proposals?run={run}&per_page=50"), Some(&sec))
            .await
            .body;
        let mut cities: Vec<i64> = Vec::new();
        for p in proposals["items"].as_array().unwrap() {
            for side in ["applicant", "mentor"] {
                let id = p[side].as_i64().unwrap();
                if !cities.contains(&id) && cities.len() < NAMES.len() {
                    cities.push(id);
                }
            }
        }
        assert_eq!(cities.len(), NAMES.len());
        for (id, name) in cities.iter().zip(NAMES) {
            let r = api
                .call(
                    Method::PATCH,
                    &format!("/api/cities/{id}"),
                    Some(&sec),
                    Some(json!({ "name": name })),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
            let back = api.get(&format!("/api/cities/{id}"), None).await.body;
            assert_eq!(back["name"], name, "kept exactly as sent");
        }

        let mut reader = Reader::new(api.db.store.clone());
        reader.sign_in(&sec).await;
        let mut pages = vec![
            format!("/rounds/{run}"),
            format!("/proposals?run={run}"),
            "/applicants".to_string(),
            "/".to_string(),
        ];
        pages.extend(cities.iter().map(|id| format!("/cities/{id}")));
        for path in &pages {
            let page = reader.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(
                !page.html.contains("<script>alert"),
                "{path} shows markup unescaped"
            );
        }
        for (id, name) in cities.iter().zip(NAMES) {
            let page = reader.get(&format!("/cities/{id}")).await;
            assert!(
                shown(&page.html).contains(name),
                "/cities/{id} shows {name:?} as it was given"
            );
        }

        let csv = reader
            .get(&format!("/exports/proposals.csv?run={run}"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let mut cells = Vec::new();
        for row in csv::Reader::from_reader(csv.html.as_bytes()).records() {
            cells.extend(row.unwrap().iter().map(String::from));
        }
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']) || cell.parse::<f64>().is_ok(),
                "a spreadsheet would run {cell:?}"
            );
        }
        for name in NAMES {
            let expected = if name.starts_with(['=', '@']) {
                format!("'{name}")
            } else {
                name.to_string()
            };
            assert!(cells.contains(&expected), "{expected:?} is in the export");
        }
    }
}

/// A raw body for POST /api/offers and what it must get.
struct Hostile {
    what: &'static str,
    body: Vec<u8>,
    code: &'static str,
}

fn hostile_bodies(city: i64) -> Vec<Hostile> {
    let offer = |capacity: &str| {
        format!(
            r#"{{"city": {city}, "topics": ["plan"], "capacity": {capacity}, "languages": ["en"], "modalities": ["training"]}}"#
        )
    };
    let nested = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let many_languages: Vec<String> = (0..10_000).map(|i| format!("l{i}")).collect();
    vec![
        Hostile {
            what: "a key given twice",
            body: format!(r#"{{"city": {city}, "capacity": 2, "capacity": 25, "topics": ["plan"], "languages": ["en"], "modalities": ["training"]}}"#).into_bytes(),
            code: "malformed_json",
        },
        Hostile {
            what: "NaN",
            body: offer("NaN").into_bytes(),
            code: "malformed_json",
        },
        Hostile {
            what: "Infinity",
            body: offer("Infinity").into_bytes(),
            code: "malformed_json",
        },
        Hostile {
            what: "a number beyond any float",
            body: offer("1e400").into_bytes(),
            code: "malformed_json",
        },
        Hostile {
            what: "a fraction for a count",
            body: offer("2.5").into_bytes(),
            code: "invalid_parameter",
        },
        Hostile {
            what: "200 nested arrays",
            body: format!(r#"{{"city": {city}, "note": {nested}}}"#).into_bytes(),
            code: "malformed_json",
        },
        Hostile {
            what: "invalid UTF-8",
            body: [
                format!(r#"{{"city": {city}, "note": "caf"#).as_bytes(),
                &[0xe9],
                br#""}"#,
            ]
            .concat(),
            code: "malformed_json",
        },
        Hostile {
            what: "10,000 languages no one speaks",
            body: json!({"city": city, "topics": ["plan"], "capacity": 2, "languages": many_languages, "modalities": ["training"]})
                .to_string()
                .into_bytes(),
            code: "invalid_parameter",
        },
    ]
}

#[tokio::test]
async fn hostile_bodies_get_a_clear_400_and_write_nothing() {
    for db in common::every_backend().await {
        eprintln!("hostile bodies on {:?}", db.store.backend());
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let city = api.member_without_offer().await["id"].as_i64().unwrap();
        let before = api.get("/api/stats", None).await.body;
        for h in hostile_bodies(city) {
            let req = Request::builder()
                .method("POST")
                .uri("/api/offers")
                .header("authorization", format!("Bearer {sec}"))
                .header("content-type", "application/json")
                .body(Body::from(h.body))
                .unwrap();
            let r = api.raw(req).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::BAD_REQUEST, h.code),
                "{}: {}",
                h.what,
                r.body
            );
            assert!(
                !r.body["error"]["message"].as_str().unwrap_or("").is_empty(),
                "{}: a message says what is wrong",
                h.what
            );
        }
        assert_eq!(api.get("/api/stats", None).await.body, before);

        // Ten thousand copies of one topic are one topic: kept as meant.
        let topics = vec!["plan"; 10_000];
        let r = api
            .post(
                "/api/offers",
                Some(&sec),
                json!({"city": city, "topics": topics, "capacity": 2, "languages": ["en"], "modalities": ["training"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(
            r.body["topics"].as_array().map(Vec::len),
            Some(1),
            "{}",
            r.body["topics"]
        );
    }
}
