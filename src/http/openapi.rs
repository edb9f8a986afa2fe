//! The OpenAPI 3.1 document of the API, generated from the handlers'
//! `#[utoipa::path]` annotations and the types' `ToSchema` derives, served
//! at `GET /api/openapi.json`; and the reference page at `GET /api/docs`
//! (Swagger UI, served from files compiled into the binary: it loads
//! nothing from the internet).
//!
//! Every route of every router module is listed in [`ApiDoc`]'s `paths`;
//! `tests/openapi.rs` checks the list against the `.route(...)` calls of
//! `src/http/*.rs`, so a route added without its annotation fails the tests.
//! A few answers are assembled as JSON in their handler (runs, tokens,
//! errors): their shapes are described here by schema-only types.

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::{Router, routing::get};
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::{
    App, audit, cities, countries, engine, health, offers, proposals, requests, runs, stats, ties,
    tokens, topics, twin_links,
};
use crate::matching::Pair;
use crate::store::{StoredProposal, StoredRun, TokenInfo};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "twinmatch API",
        description = "Matches African and least-developed-country cities with mentor cities \
                       of the UNESCO Global Network of Learning Cities.\n\n\
                       Reads are open except the secretariat's records (audit, bans, tokens). \
                       Writes need an API token: `Authorization: Bearer <token>`. \
                       Every error has the body `{\"error\": {\"code\", \"message\", \"field\"?, \"current\"?}}`; \
                       query parameters a route does not know are refused with `unknown_parameter`."
    ),
    paths(
        health::get_health,
        stats::get_stats,
        cities::list_cities,
        cities::get_city,
        cities::create_city,
        cities::update_city,
        twin_links::list_twin_links,
        ties::create_link,
        ties::get_link,
        ties::update_link,
        ties::retire_link,
        ties::list_memberships,
        ties::create_membership,
        ties::delete_membership,
        ties::list_evidence,
        ties::create_evidence,
        ties::delete_evidence,
        countries::list_countries,
        topics::list_topics,
        topics::create_topic,
        topics::update_topic,
        engine::get_paths,
        engine::get_plan,
        engine::get_suggestions,
        offers::list_offers,
        offers::create_offer,
        offers::get_offer,
        offers::replace_offer,
        offers::retire_offer,
        requests::list_requests,
        requests::create_request,
        requests::get_request,
        requests::replace_request,
        requests::retire_request,
        runs::list_runs,
        runs::create_run,
        runs::get_run,
        runs::diff_runs,
        runs::publish_run,
        runs::preview_publication,
        runs::discard_run,
        runs::rename_run,
        proposals::list_proposals,
        proposals::get_proposal,
        proposals::accept,
        proposals::decline,
        proposals::complete,
        proposals::cancel,
        audit::list_audit,
        audit::list_bans,
        tokens::list_tokens,
        tokens::create_token,
        tokens::revoke_token,
        openapi_json,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        ErrorCode,
        words::CityIdOrName,
        words::CityStatusWord,
        words::CitySortWord,
        words::OrderWord,
        words::TopicKindWord,
        words::AuditKindWord
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "Liveness, counts and this document"),
        (name = "network", description = "Cities, countries, topics, twin links, cluster memberships and evidence: open to read, written by the secretariat (a city edits its own profile and self-assessment)"),
        (name = "engine", description = "Introduction paths, suggestions and staged plans, computed on the network as it is now"),
        (name = "offers", description = "Member cities' support offers"),
        (name = "requests", description = "Applicant cities' support requests"),
        (name = "runs", description = "Matching rounds (the secretariat runs and publishes them)"),
        (name = "proposals", description = "Proposed pairings and their workflow"),
        (name = "secretariat", description = "Audit trail, bans and API tokens (secretariat only)"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme that the operations' `security` name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "An API token (`twinmatch token create`, or POST /api/tokens): \
                             `Authorization: Bearer <token>`. Roles: secretariat, city (acts for \
                             one city), observer (read-only).",
                        ))
                        .build(),
                ),
            );
    }
}

/// The document, built once.
static DOC_JSON: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises")
});

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)),
)]
async fn openapi_json() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], DOC_JSON.as_str())
}

/// `GET /api/openapi.json` and the Swagger UI at `/api/docs`.
pub fn router() -> Router<App> {
    let ui = SwaggerUi::new("/api/docs").config(
        Config::new(["/api/openapi.json"])
            // The default sends the document to an online validator.
            .validator_url("none")
            .try_it_out_enabled(true),
    );
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .merge(ui)
}

// ---- Shapes of the answers that handlers assemble as JSON ----

/// The body of every error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// What went wrong, for a person to act on.
    pub message: String,
    /// The parameter or body field at fault (`capacity`, `needs[2].priority`,
    /// `body`, `version`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub field: Option<String>,
    /// With `version_conflict` only: the proposal as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub current: Option<StoredProposal>,
}

/// The stable, machine-readable error code.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: a parameter or body field is wrong (`field` names it).
    InvalidParameter,
    /// 400: a query parameter this route does not know.
    UnknownParameter,
    /// 400: the body is not JSON.
    MalformedJson,
    /// 401: no token, or an unknown or revoked one.
    Unauthorized,
    /// 403: the token's role or city does not allow this.
    Forbidden,
    /// 404
    NotFound,
    /// 405: the route exists, the method does not.
    MethodNotAllowed,
    /// 413: a body over 256 KiB.
    BodyTooLarge,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 409
    Conflict,
    /// 409: the proposal changed since it was read; `current` is its state now.
    VersionConflict,
    /// 409: the workflow forbids this step from the proposal's state; `current` is its state now.
    InvalidTransition,
    /// 500: the details are in the server log.
    Internal,
}

/// A stored proposal with the names of its two cities.
#[derive(Serialize, ToSchema)]
pub struct NamedProposal {
    #[serde(flatten)]
    pub proposal: StoredProposal,
    pub mentor_name: String,
    pub applicant_name: String,
}

/// A run just made: the run, its proposals and what it achieved.
#[derive(Serialize, ToSchema)]
pub struct CreatedRun {
    pub run: StoredRun,
    pub proposals: Vec<NamedProposal>,
    /// The same as `run.summary`: applicants, applicants_covered,
    /// max_coverable, pairs, committed, total_score, blocking_pairs,
    /// coverage (total, by_region, by_ldc, by_african), unmatched, diff
    /// (kept, added, removed against `previous_run`), previous_run, and
    /// if_removed (per proposal: the round re-solved without it, with
    /// applicant_gets, covered_delta, total_delta and other_changes).
    pub summary: Value,
}

/// A run with its proposals.
#[derive(Serialize, ToSchema)]
pub struct RunDetail {
    pub run: StoredRun,
    pub proposals: Vec<NamedProposal>,
}

/// The pairs a run kept, added and removed compared with another.
#[derive(Serialize, ToSchema)]
pub struct RunDiffView {
    pub run: i64,
    pub against: i64,
    pub kept: Vec<Pair>,
    pub added: Vec<Pair>,
    pub removed: Vec<Pair>,
}

/// A new token: its secret, shown this once, and its record.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The secret to send as `Authorization: Bearer <token>`. It is not stored
    /// and cannot be shown again.
    pub token: String,
    pub info: TokenInfo,
}

/// The vocabularies of the query parameters that take a word, for the
/// document only (each handler parses its own and names the parameter when
/// it refuses one).
pub mod words {
    #![allow(dead_code)]

    /// A city: its id, or "Name, CC" as people type it (aliases, case and
    /// accents ignored); answers carry the id.
    #[derive(utoipa::ToSchema)]
    #[serde(untagged)]
    pub enum CityIdOrName {
        Id(i64),
        Name(String),
    }

    #[derive(utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum CityStatusWord {
        Member,
        Applicant,
        Partner,
    }

    #[derive(utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum CitySortWord {
        Name,
        Id,
        Country,
    }

    #[derive(utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum OrderWord {
        Asc,
        Desc,
    }

    #[derive(utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum TopicKindWord {
        Cluster,
        AreaOfAction,
    }

    #[derive(utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AuditKindWord {
        City,
        TwinLink,
        ClusterMembership,
        Evidence,
        Topic,
        Offer,
        Request,
        Run,
        Proposal,
        Token,
    }
}
