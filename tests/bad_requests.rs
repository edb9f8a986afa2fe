//! Bad input, table-driven: every request below must get its 4xx status,
//! its stable error code and the offending field — and change nothing
//! (`/api/stats` and the audit log are the same afterwards).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use common::http::Api;
use twinmatch::domain::{CityId, Role};

#[derive(Clone, Copy)]
enum Who {
    Nobody,
    Secretariat,
    Mentor,
    Applicant,
    Observer,
}

enum Payload {
    Json(Value),
    Raw(&'static str, String),
    Empty,
}

struct Case {
    what: &'static str,
    method: Method,
    uri: String,
    who: Who,
    body: Payload,
    status: u16,
    code: &'static str,
    field: &'static str,
}

#[allow(clippy::too_many_arguments)]
fn case(
    what: &'static str,
    method: Method,
    uri: impl Into<String>,
    who: Who,
    body: Payload,
    status: u16,
    code: &'static str,
    field: &'static str,
) -> Case {
    Case {
        what,
        method,
        uri: uri.into(),
        who,
        body,
        status,
        code,
        field,
    }
}

fn offer(city: i64) -> Value {
    json!({"city": city, "topics": ["plan"], "capacity": 2, "languages": ["en"], "modalities": ["training"]})
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn request(city: i64) -> Value {
    json!({"city": city, "needs": [{"topic": "plan", "priority": 3}], "languages": ["en"]})
}

#[tokio::test]
async fn seventy_bad_requests_get_their_code_and_field_and_change_nothing() {
    for db in common::every_backend().await {
        let backend = format!("{:?}", db.store.backend());
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let observer = api.token(Role::Observer).await;

        // A published run, one declined proposal, one still open.
        let r = api.post("/api/runs", Some(&sec), json!({})).await;
        let run = r.body["run"]["id"].as_i64().unwrap();
        let proposals = r.body["proposals"].as_array().unwrap().clone();
        api.post(&format!("/api/runs/{run}/publish"), Some(&sec), json!({}))
            .await;
        let (open, declined) = (proposals[0].clone(), proposals[1].clone());
        let mentor = open["mentor"].as_i64().unwrap();
        let applicant = open["applicant"].as_i64().unwrap();
        let mentor_token = api.token(Role::City(CityId(mentor))).await;
        let applicant_token = api.token(Role::City(CityId(applicant))).await;
        let d_token = api
            .token(Role::City(CityId(declined["applicant"].as_i64().unwrap())))
            .await;
        let r = api
            .post(
                &format!("/api/proposals/{}/decline", declined["id"]),
                Some(&d_token),
                json!({"version": 1, "reason": "timing"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);

        let partner = api
            .get("/api/cities?status=partner&per_page=1", None)
            .await
            .body["items"][0]["id"]
            .as_i64()
            .unwrap();
        let offer_id = api
            .get(&format!("/api/offers?city={mentor}"), None)
            .await
            .body["items"][0]["id"]
            .as_i64()
            .unwrap();
        let m = api.member_without_offer().await["id"].as_i64().unwrap();
        let link = api.get("/api/twin-links?per_page=1", None).await.body["items"][0].clone();
        let (link_a, link_b) = (link["a"].as_i64().unwrap(), link["b"].as_i64().unwrap());
        let p_open = format!("/api/proposals/{}", open["id"]);
        let p_declined = format!("/api/proposals/{}", declined["id"]);
        use Method as M;
        use Payload::{Empty, Json, Raw};
        use Who::*;
        let cases = vec![
            case(
                "an empty city name",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(json!({"name": "  ", "country": "MZ", "status": "partner"})),
                400,
                "invalid_parameter",
                "name",
            ),
            case(
                "an over-long city name",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(json!({"name": "x".repeat(121), "country": "MZ", "status": "partner"})),
                400,
                "invalid_parameter",
                "name",
            ),
            case(
                "a city in an unknown country",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(json!({"name": "Atlantis", "country": "XX", "status": "partner"})),
                400,
                "invalid_parameter",
                "country",
            ),
            case(
                "a city that already exists",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(json!({"name": "BEIRA", "country": "MZ", "status": "partner"})),
                409,
                "conflict",
                "",
            ),
            case(
                "a year joined for a partner",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(
                    json!({"name": "Atlantis", "country": "MZ", "status": "partner", "year_joined": 2020}),
                ),
                400,
                "invalid_parameter",
                "year_joined",
            ),
            case(
                "a city changes its own status",
                M::PATCH,
                format!("/api/cities/{mentor}"),
                Mentor,
                Json(json!({"status": "partner"})),
                403,
                "forbidden",
                "",
            ),
            case(
                "a link of a city to itself",
                M::POST,
                "/api/twin-links",
                Secretariat,
                Json(json!({"city_a": m, "city_b": m, "source": "s"})),
                400,
                "invalid_parameter",
                "city_b",
            ),
            case(
                "a duplicate link",
                M::POST,
                "/api/twin-links",
                Secretariat,
                Json(json!({"city_a": link_b, "city_b": link_a, "source": "again"})),
                409,
                "conflict",
                "",
            ),
            case(
                "a link to an unknown city",
                M::POST,
                "/api/twin-links",
                Secretariat,
                Json(json!({"city_a": 999_999, "city_b": m, "source": "s"})),
                400,
                "invalid_parameter",
                "city_b",
            ),
            case(
                "a link of an unknown kind",
                M::POST,
                "/api/twin-links",
                Secretariat,
                Json(json!({"city_a": m, "city_b": partner, "kind": "marriage", "source": "s"})),
                400,
                "invalid_parameter",
                "kind",
            ),
            case(
                "a link without a source",
                M::POST,
                "/api/twin-links",
                Secretariat,
                Json(json!({"city_a": m, "city_b": partner, "source": ""})),
                400,
                "invalid_parameter",
                "source",
            ),
            case(
                "an unknown evidence kind",
                M::POST,
                "/api/evidence",
                Secretariat,
                Json(json!({"city": m, "kind": "rumour", "source": "s"})),
                400,
                "invalid_parameter",
                "kind",
            ),
            case(
                "a self-assessment of 6",
                M::POST,
                "/api/evidence",
                Secretariat,
                Json(
                    json!({"city": m, "topic": "plan", "kind": "self_assessment", "level": 6, "source": "s"}),
                ),
                400,
                "invalid_parameter",
                "level",
            ),
            case(
                "a city assesses another city",
                M::POST,
                "/api/evidence",
                Applicant,
                Json(
                    json!({"city": mentor, "topic": "plan", "kind": "self_assessment", "level": 5, "source": "s"}),
                ),
                403,
                "forbidden",
                "",
            ),
            case(
                "a membership of an area of action",
                M::POST,
                "/api/cluster-memberships",
                Secretariat,
                Json(
                    json!({"city": m, "cluster": "plan", "role": "member", "period": "2021-2023", "source": "s"}),
                ),
                400,
                "invalid_parameter",
                "cluster",
            ),
            case(
                "a membership with a reversed period",
                M::POST,
                "/api/cluster-memberships",
                Secretariat,
                Json(
                    json!({"city": m, "cluster": "esd", "role": "member", "period": "2023-2021", "source": "s"}),
                ),
                400,
                "invalid_parameter",
                "period",
            ),
            case(
                "body is not JSON",
                M::POST,
                "/api/offers",
                Secretariat,
                Raw("application/json", "{capacity: two".into()),
                400,
                "malformed_json",
                "body",
            ),
            case(
                "body is not declared JSON",
                M::POST,
                "/api/offers",
                Secretariat,
                Raw("text/plain", offer(m).to_string()),
                415,
                "unsupported_media_type",
                "body",
            ),
            case(
                "capacity of the wrong type",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "capacity", json!("two"))),
                400,
                "invalid_parameter",
                "capacity",
            ),
            case(
                "capacity below 1",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "capacity", json!(0))),
                400,
                "invalid_parameter",
                "capacity",
            ),
            case(
                "absurd capacity",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "capacity", json!(1000))),
                400,
                "invalid_parameter",
                "capacity",
            ),
            case(
                "unknown field",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "colour", json!("blue"))),
                400,
                "invalid_parameter",
                "colour",
            ),
            case(
                "missing field",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(
                    json!({"city": m, "capacity": 2, "languages": ["en"], "modalities": ["training"]}),
                ),
                400,
                "invalid_parameter",
                "topics",
            ),
            case(
                "unknown topic",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "topics", json!(["plan", "astrology"]))),
                400,
                "invalid_parameter",
                "topics[1]",
            ),
            case(
                "no topic at all",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "topics", json!([]))),
                400,
                "invalid_parameter",
                "topics",
            ),
            case(
                "unknown language",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "languages", json!(["Klingon"]))),
                400,
                "invalid_parameter",
                "languages[0]",
            ),
            case(
                "unknown modality",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "modalities", json!(["telepathy"]))),
                400,
                "invalid_parameter",
                "modalities[0]",
            ),
            case(
                "not a date",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "available_from", json!("tomorrow"))),
                400,
                "invalid_parameter",
                "available_from",
            ),
            case(
                "ends before it starts",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(
                    with(offer(m), "available_from", json!("2027-01-01")),
                    "available_until",
                    json!("2026-01-01"),
                )),
                400,
                "invalid_parameter",
                "available_until",
            ),
            case(
                "over-long note",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "note", json!("x".repeat(2001)))),
                400,
                "invalid_parameter",
                "note",
            ),
            case(
                "offer from a non-member",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(offer(partner)),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "offer from an unknown city",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(offer(999_999)),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "offer without a city",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(
                    json!({"topics": ["plan"], "capacity": 2, "languages": ["en"], "modalities": ["training"]}),
                ),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "a second offer for a city",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(offer(mentor)),
                409,
                "conflict",
                "",
            ),
            case(
                "an offer that does not exist",
                M::PUT,
                "/api/offers/999999",
                Secretariat,
                Json(offer(m)),
                404,
                "not_found",
                "",
            ),
            case(
                "an offer moved to another city",
                M::PUT,
                format!("/api/offers/{offer_id}"),
                Secretariat,
                Json(offer(m)),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "no token for a write",
                M::POST,
                "/api/offers",
                Nobody,
                Json(offer(m)),
                401,
                "unauthorized",
                "",
            ),
            case(
                "an observer writes",
                M::POST,
                "/api/offers",
                Observer,
                Json(offer(m)),
                403,
                "forbidden",
                "",
            ),
            case(
                "a city writes another city's offer",
                M::PUT,
                format!("/api/offers/{offer_id}"),
                Applicant,
                Json(offer(mentor)),
                403,
                "forbidden",
                "",
            ),
            case(
                "priority 0",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(
                    json!({"city": partner, "needs": [{"topic": "plan", "priority": 0}], "languages": ["en"]}),
                ),
                400,
                "invalid_parameter",
                "needs[0].priority",
            ),
            case(
                "priority 9",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(
                    json!({"city": partner, "needs": [{"topic": "plan", "priority": 9}], "languages": ["en"]}),
                ),
                400,
                "invalid_parameter",
                "needs[0].priority",
            ),
            case(
                "a need of an unknown topic",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(
                    json!({"city": partner, "needs": [{"topic": "magic", "priority": 2}], "languages": ["en"]}),
                ),
                400,
                "invalid_parameter",
                "needs[0].topic",
            ),
            case(
                "no needs",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(with(request(partner), "needs", json!([]))),
                400,
                "invalid_parameter",
                "needs",
            ),
            case(
                "the same topic twice",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(with(
                    request(partner),
                    "needs",
                    json!([{"topic": "plan", "priority": 2}, {"topic": "plan", "priority": 4}]),
                )),
                400,
                "invalid_parameter",
                "needs",
            ),
            case(
                "zero mentors asked",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(with(request(partner), "max_mentors", json!(0))),
                400,
                "invalid_parameter",
                "max_mentors",
            ),
            case(
                "a request from a member",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(request(mentor)),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "priority of the wrong type",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(
                    json!({"city": partner, "needs": [{"topic": "plan", "priority": "high"}], "languages": ["en"]}),
                ),
                400,
                "invalid_parameter",
                "needs[0].priority",
            ),
            case(
                "an unknown mode",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"mode": "magic"})),
                400,
                "invalid_parameter",
                "mode",
            ),
            case(
                "a round name over 100 characters",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"name": "x".repeat(101)})),
                400,
                "invalid_parameter",
                "name",
            ),
            case(
                "a round renamed with a number",
                M::PATCH,
                format!("/api/runs/{run}"),
                Secretariat,
                Json(json!({"name": 7})),
                400,
                "invalid_parameter",
                "name",
            ),
            case(
                "an unknown round status",
                M::GET,
                "/api/runs?status=open",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "status",
            ),
            case(
                "a published round discarded",
                M::POST,
                format!("/api/runs/{run}/discard"),
                Secretariat,
                Empty,
                409,
                "conflict",
                "",
            ),
            case(
                "an unknown tier",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"tiers": ["ldc", "rich"]})),
                400,
                "invalid_parameter",
                "tiers[1]",
            ),
            case(
                "weights over 10,000",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"weights": {"topic_fit": 9000, "existing_ties": 9000}})),
                400,
                "invalid_parameter",
                "weights",
            ),
            case(
                "a method the route does not take",
                M::DELETE,
                "/api/countries",
                Secretariat,
                Empty,
                405,
                "method_not_allowed",
                "",
            ),
            case(
                "a query parameter the token list does not take",
                M::GET,
                "/api/tokens?x=1",
                Secretariat,
                Empty,
                400,
                "unknown_parameter",
                "x",
            ),
            case(
                "a query parameter health does not take",
                M::GET,
                "/health?verbose=1",
                Nobody,
                Empty,
                400,
                "unknown_parameter",
                "verbose",
            ),
            case(
                "weights whose sum overflows",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"weights": {"topic_fit": i64::MAX - 1, "existing_ties": 2000}})),
                400,
                "invalid_parameter",
                "weights",
            ),
            case(
                "a negative weight",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"weights": {"topic_fit": -1}})),
                400,
                "invalid_parameter",
                "weights",
            ),
            case(
                "a lock without a reason",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"locks": [{"mentor": mentor, "applicant": applicant, "reason": " "}]})),
                400,
                "invalid_parameter",
                "locks[0].reason",
            ),
            case(
                "a lock on a city without an offer",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(
                    json!({"locks": [{"mentor": partner, "applicant": applicant, "reason": "r"}]}),
                ),
                400,
                "invalid_parameter",
                "locks[0].mentor",
            ),
            case(
                "a pair locked and banned",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(
                    json!({"locks": [{"mentor": mentor, "applicant": applicant, "reason": "r"}], "bans": [{"mentor": mentor, "applicant": applicant, "reason": "r"}]}),
                ),
                400,
                "invalid_parameter",
                "locks[0]",
            ),
            case(
                "an unknown previous run",
                M::POST,
                "/api/runs",
                Secretariat,
                Json(json!({"previous_run": 999})),
                400,
                "invalid_parameter",
                "previous_run",
            ),
            case(
                "a city starts a run",
                M::POST,
                "/api/runs",
                Mentor,
                Json(json!({})),
                403,
                "forbidden",
                "",
            ),
            case(
                "publishing twice",
                M::POST,
                format!("/api/runs/{run}/publish"),
                Secretariat,
                Json(json!({})),
                409,
                "conflict",
                "",
            ),
            case(
                "an answer without a version",
                M::POST,
                format!("{p_open}/accept"),
                Mentor,
                Json(json!({})),
                400,
                "invalid_parameter",
                "version",
            ),
            case(
                "a version of the wrong type",
                M::POST,
                format!("{p_open}/accept"),
                Mentor,
                Json(json!({"version": "1"})),
                400,
                "invalid_parameter",
                "version",
            ),
            case(
                "a stale version",
                M::POST,
                format!("{p_open}/accept"),
                Mentor,
                Json(json!({"version": 7})),
                409,
                "version_conflict",
                "version",
            ),
            case(
                "a decline without a reason",
                M::POST,
                format!("{p_open}/decline"),
                Applicant,
                Json(json!({"version": 1})),
                400,
                "invalid_parameter",
                "reason",
            ),
            case(
                "accepting a declined proposal",
                M::POST,
                format!("{p_declined}/accept"),
                Secretariat,
                Json(json!({"version": 2, "side": "mentor"})),
                409,
                "invalid_transition",
                "status",
            ),
            case(
                "completing a proposal that is not active",
                M::POST,
                format!("{p_open}/complete"),
                Applicant,
                Json(json!({"version": 1, "rating": 4, "report": "good"})),
                409,
                "invalid_transition",
                "status",
            ),
            case(
                "a rating of 7",
                M::POST,
                format!("{p_open}/complete"),
                Applicant,
                Json(json!({"version": 1, "rating": 7, "report": "good"})),
                400,
                "invalid_parameter",
                "rating",
            ),
            case(
                "an empty report",
                M::POST,
                format!("{p_open}/complete"),
                Applicant,
                Json(json!({"version": 1, "rating": 4, "report": "  "})),
                400,
                "invalid_parameter",
                "report",
            ),
            case(
                "the secretariat answers for no side",
                M::POST,
                format!("{p_open}/accept"),
                Secretariat,
                Json(json!({"version": 1})),
                400,
                "invalid_parameter",
                "side",
            ),
            case(
                "a city cancels",
                M::POST,
                format!("{p_open}/cancel"),
                Mentor,
                Json(json!({"version": 1, "reason": "r"})),
                403,
                "forbidden",
                "",
            ),
            case(
                "an unknown proposal",
                M::POST,
                "/api/proposals/999999/accept",
                Mentor,
                Json(json!({"version": 1})),
                404,
                "not_found",
                "",
            ),
            case(
                "a token of an unknown role",
                M::POST,
                "/api/tokens",
                Secretariat,
                Json(json!({"role": "mayor"})),
                400,
                "invalid_parameter",
                "role",
            ),
            case(
                "a city token without a city",
                M::POST,
                "/api/tokens",
                Secretariat,
                Json(json!({"role": "city"})),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "a token for an unknown city",
                M::POST,
                "/api/tokens",
                Secretariat,
                Json(json!({"role": "city", "city": 999_999})),
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "revoking an unknown token",
                M::POST,
                "/api/tokens/999999/revoke",
                Secretariat,
                Json(json!({})),
                404,
                "not_found",
                "",
            ),
            case(
                "a body over the limit",
                M::POST,
                "/api/offers",
                Secretariat,
                Raw(
                    "application/json",
                    format!("{{\"note\": \"{}\"}}", "x".repeat(300 * 1024)),
                ),
                413,
                "body_too_large",
                "body",
            ),
            case(
                "a diff against nothing",
                M::GET,
                format!("/api/runs/{run}/diff"),
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "against",
            ),
            case(
                "an unknown proposal status",
                M::GET,
                "/api/proposals?status=maybe",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "status",
            ),
            case(
                "an unknown audit kind",
                M::GET,
                "/api/audit?kind=weather",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "kind",
            ),
            case(
                "an offer id that is not a number",
                M::GET,
                "/api/offers/abc",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a request id that is not a number",
                M::PUT,
                "/api/requests/abc",
                Applicant,
                Json(request(applicant)),
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a proposal id that is not a number",
                M::POST,
                "/api/proposals/x/accept",
                Mentor,
                Json(json!({"version": 1})),
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a proposal id beyond 64 bits",
                M::GET,
                "/api/proposals/99999999999999999999",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a run id in exponent notation",
                M::POST,
                "/api/runs/1e3/publish",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a token id that is not a number",
                M::POST,
                "/api/tokens/first/revoke",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a topic id that is a slug",
                M::PATCH,
                "/api/topics/plan",
                Secretariat,
                Json(json!({"retired": true})),
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a twin link id with a fraction",
                M::DELETE,
                "/api/twin-links/1.5",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a cluster membership id that is not a number",
                M::DELETE,
                "/api/cluster-memberships/abc",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "an evidence id that is not a number",
                M::DELETE,
                "/api/evidence/abc",
                Secretariat,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a city id that is not a number",
                M::PATCH,
                "/api/cities/beira",
                Secretariat,
                Json(json!({"population": 1})),
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a plan for a city id that is not a number",
                M::GET,
                "/api/cities/beira/plan",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "id",
            ),
            case(
                "a NUL character in an offer's note",
                M::POST,
                "/api/offers",
                Secretariat,
                Json(with(offer(m), "note", json!("before\u{0}after"))),
                400,
                "invalid_parameter",
                "note",
            ),
            case(
                "a control character in a need's topic",
                M::POST,
                "/api/requests",
                Secretariat,
                Json(with(
                    request(m),
                    "needs",
                    json!([{"topic": "pl\u{7}an", "priority": 3}]),
                )),
                400,
                "invalid_parameter",
                "needs[0].topic",
            ),
            case(
                "a NUL character in a city's name",
                M::POST,
                "/api/cities",
                Secretariat,
                Json(json!({"name": "Bei\u{0}ra", "country": "MZ", "status": "partner"})),
                400,
                "invalid_parameter",
                "name",
            ),
            case(
                "a NUL character in a query",
                M::GET,
                "/api/offers?topic=pl%00an",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "topic",
            ),
            case(
                "a JSON array as the body of a run",
                M::POST,
                "/api/runs",
                Secretariat,
                Raw("application/json", "[null,null]".into()),
                400,
                "invalid_parameter",
                "body",
            ),
            case(
                "a repeated filter",
                M::GET,
                "/api/offers?city=1&city=2",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "an empty filter",
                M::GET,
                "/api/offers?city=",
                Nobody,
                Empty,
                400,
                "invalid_parameter",
                "city",
            ),
            case(
                "a malformed token",
                M::POST,
                "/api/offers",
                Nobody,
                Json(offer(m)),
                401,
                "unauthorized",
                "",
            ),
        ];
        assert!(cases.len() >= 40);

        let stats_before = api.get("/api/stats", None).await.body;
        let audit_before = api.get("/api/audit?per_page=1", Some(&sec)).await.body["total"].clone();
        for (i, c) in cases.iter().enumerate() {
            let token = match c.who {
                Nobody if c.what == "a malformed token" => Some("Basic abc".to_string()),
                Nobody => None,
                Secretariat => Some(sec.clone()),
                Mentor => Some(mentor_token.clone()),
                Applicant => Some(applicant_token.clone()),
                Observer => Some(observer.clone()),
            };
            let mut req = Request::builder().method(c.method.clone()).uri(&c.uri);
            if let Some(t) = &token {
                req = req.header(
                    "authorization",
                    if t.starts_with("Basic") {
                        t.clone()
                    } else {
                        format!("Bearer {t}")
                    },
                );
            }
            let req = match &c.body {
                Json(v) => req
                    .header("content-type", "application/json")
                    .body(Body::from(v.to_string())),
                Raw(ct, text) => req
                    .header("content-type", *ct)
                    .body(Body::from(text.clone())),
                Empty => req.body(Body::empty()),
            }
            .unwrap();
            let r = api.raw(req).await;
            let at = format!("{backend} case {i} ({}): {}", c.what, r.body);
            assert_eq!(r.status.as_u16(), c.status, "{at}");
            assert_eq!(r.code(), c.code, "{at}");
            assert_eq!(r.field(), c.field, "{at}");
            assert!(
                r.body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{at}"
            );
        }
        assert_eq!(
            api.get("/api/stats", None).await.body,
            stats_before,
            "{backend}: nothing changed"
        );
        assert_eq!(
            api.get("/api/audit?per_page=1", Some(&sec)).await.body["total"],
            audit_before,
            "{backend}: nothing audited"
        );
    }
}

#[tokio::test]
async fn the_last_live_secretariat_token_cannot_revoke_itself() {
    for db in common::every_backend().await {
        let api = Api::real(db).await;
        let sec = api.token(Role::Secretariat).await;
        let tokens = api.get("/api/tokens", Some(&sec)).await.body;
        let id = tokens[0]["id"].as_i64().unwrap();
        let r = api
            .post(&format!("/api/tokens/{id}/revoke"), Some(&sec), json!({}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "conflict"),
            "{}",
            r.body
        );
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("twinmatch token create"), "{message}");
        let again = api.get("/api/tokens", Some(&sec)).await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "the token still opens the API"
        );
    }
}

#[tokio::test]
async fn a_return_address_that_leaves_the_site_goes_home_instead() {
    let api = Api::real(common::sqlite().await).await;
    for back in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "//evil.example",
        "/%5Cevil.example",
    ] {
        let req = Request::builder()
            .uri(format!("/language?to=fr&back={back}"))
            .body(Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(api.app.clone(), req)
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/", "back={back}");
    }
    let req = Request::builder()
        .uri("/language?to=fr&back=/rounds")
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(api.app.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/rounds", "our own page is kept");
}

#[tokio::test]
async fn writes_answer_401_without_a_token_and_403_to_an_observer_before_the_body_is_read() {
    let api = Api::real(common::sqlite().await).await;
    let observer = api.token(Role::Observer).await;
    let city_token = api.token(Role::City(CityId(1))).await;
    let doc = api.get("/api/openapi.json", None).await.body;
    let mut writes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            writes += 1;
            // An id that does not exist and a body that is wrong in every way.
            let uri = path.replace("{id}", "999999");
            let send = |token: Option<String>| {
                let mut req = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(&uri)
                    .header("content-type", "text/plain");
                if let Some(t) = token {
                    req = req.header("authorization", format!("Bearer {t}"));
                }
                req.body(Body::from("{\"city\": \"Bristol, GB\", ["))
                    .unwrap()
            };
            let r = api.raw(send(None)).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::UNAUTHORIZED, "unauthorized"),
                "{method} {path} without a token"
            );
            let r = api.raw(send(Some(observer.clone()))).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{method} {path} as an observer"
            );
            let secretariat_only = op["responses"]["403"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("not the secretariat's"));
            if secretariat_only {
                let r = api.raw(send(Some(city_token.clone()))).await;
                assert_eq!(
                    (r.status, r.code()),
                    (StatusCode::FORBIDDEN, "forbidden"),
                    "{method} {path} as a city"
                );
            }
        }
    }
    assert!(
        writes >= 20,
        "the document lists the write routes ({writes})"
    );
}
