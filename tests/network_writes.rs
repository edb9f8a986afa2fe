//! The secretariat completes the network through the API: cities, twin
//! links, cluster memberships and evidence, each write audited.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::json;

use common::http::Api;
use twinmatch::domain::{CityId, Role};

#[tokio::test]
async fn the_secretariat_adds_a_city_links_it_and_records_its_expertise() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let before = api.get("/api/stats", None).await.body;

        let r = api.post("/api/cities", Some(&sec), json!({"name": "Cuamba", "country": "MZ", "status": "partner", "population": 184773})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let cuamba = r.body["id"].as_i64().unwrap();
        assert_eq!(
            r.body["languages"],
            json!(["pt"]),
            "the country's languages by default"
        );
        let beira = api.city("beira", "MZ").await;

        let r = api.post("/api/twin-links", Some(&sec), json!({"city_a": beira, "city_b": cuamba, "kind": "cooperation agreement", "year_signed": 2019, "source": "municipal council minutes"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let link = r.body["id"].as_i64().unwrap();
        let path = api
            .get(&format!("/api/paths?from={cuamba}&to={beira}"), None)
            .await
            .body;
        assert_eq!(path["hops"][0]["relation"]["kind"], "cooperation_agreement");
        let r = api
            .call(
                Method::DELETE,
                &format!("/api/twin-links/{link}"),
                Some(&sec),
                None,
            )
            .await;
        assert_eq!(
            (r.status, r.body["active"].clone()),
            (StatusCode::OK, json!(false)),
            "retired, not deleted"
        );
        let path = api
            .get(&format!("/api/paths?from={cuamba}&to={beira}"), None)
            .await
            .body;
        assert!(
            path["trust"].as_f64().unwrap() < 0.8 * 0.9,
            "an inactive link counts less: {path}"
        );

        // A coordinator role is evidence; a city states its own self-assessment.
        let bristol = api.city("bristol", "GB").await;
        let r = api.post("/api/cluster-memberships", Some(&sec), json!({"city": bristol, "cluster": "esd", "role": "coordinator", "period": "2021-2023", "source": "cluster report"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let evidence = api
            .get(
                &format!("/api/evidence?city={bristol}&kind=cluster_coordinator"),
                None,
            )
            .await
            .body;
        assert_eq!(evidence["total"], 1);
        let cuamba_token = api.token(Role::City(CityId(cuamba))).await;
        let r = api.post("/api/evidence", Some(&cuamba_token), json!({"city": cuamba, "topic": "plan", "kind": "self_assessment", "level": 2, "source": "own assessment"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = api
            .call(
                Method::DELETE,
                &format!("/api/evidence/{}", r.body["id"]),
                Some(&cuamba_token),
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "only the secretariat removes evidence"
        );

        // A city edits its own profile, not its status.
        let r = api
            .call(
                Method::PATCH,
                &format!("/api/cities/{cuamba}"),
                Some(&cuamba_token),
                Some(json!({"languages": ["pt", "en"]})),
            )
            .await;
        assert_eq!(
            (r.status, r.body["languages"].clone()),
            (StatusCode::OK, json!(["pt", "en"])),
            "{}",
            r.body
        );

        // The next strategy period brings a new cluster; an old one retires.
        let r = api
            .post(
                "/api/topics",
                Some(&sec),
                json!({"slug": "digital", "name": "Digital Learning"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["kind"].clone()),
            (StatusCode::CREATED, json!("cluster")),
            "{}",
            r.body
        );
        let gced = api
            .get("/api/topics", None)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["slug"] == "gced")
            .unwrap()["id"]
            .clone();
        let r = api
            .call(
                Method::PATCH,
                &format!("/api/topics/{gced}"),
                Some(&sec),
                Some(json!({"retired": true})),
            )
            .await;
        assert_eq!(r.body["retired"], true, "{}", r.body);
        assert_eq!(
            api.post(
                "/api/topics",
                Some(&sec),
                json!({"slug": "digital", "name": "Again"})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        let plan_id = api.get("/api/topics?kind=area_of_action", None).await.body[0]["id"].clone();
        let r = api
            .call(
                Method::PATCH,
                &format!("/api/topics/{plan_id}"),
                Some(&sec),
                Some(json!({"retired": true})),
            )
            .await;
        assert_eq!((r.status, r.field()), (StatusCode::BAD_REQUEST, "retired"));

        let after = api.get("/api/stats", None).await.body;
        assert_eq!(
            after["cities"].as_i64().unwrap(),
            before["cities"].as_i64().unwrap() + 1
        );
        assert_eq!(
            after["twin_links"].as_i64().unwrap(),
            before["twin_links"].as_i64().unwrap() + 1
        );
        let audit = api
            .get(&format!("/api/audit?city={cuamba}"), Some(&sec))
            .await
            .body;
        let actions: Vec<String> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["kind"].as_str().unwrap(),
                    e["action"].as_str().unwrap()
                )
            })
            .collect();
        for expected in ["city create", "city update", "evidence create"] {
            assert!(
                actions.contains(&expected.to_string()),
                "{expected} in {actions:?}"
            );
        }
    }
}
