//! `/api/proposals`: each proposed pairing and its workflow. The two
//! cities answer (accept, decline with a reason); both accepting makes the
//! mentorship active; it completes with an outcome (rating and report) or
//! the secretariat cancels it. Every answer carries the `version` it
//! answers: if someone answered first, the later answer gets a 409 with
//! the current state and changes nothing.

use axum::extract::State;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;

use super::{ApiError, AppState, Body, Caller, Id, Params};
use crate::domain::{
    Evidence, EvidenceFact, Forbidden, Outcome, ProposalState, ProposalStatus, Role, Side, TopicId,
    required_text,
};
use crate::service::side_of;
use crate::store::{Actor, Page, ProposalQuery, ProposalUpdate, StoreError, StoredProposal};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The version of the proposal being answered (from the last read).
    pub version: i64,
    /// Which side the secretariat answers for (a city answers for itself).
    #[schema(value_type = Option<Side>)]
    pub side: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    pub version: i64,
    pub rating: i64,
    pub report: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub version: i64,
    pub reason: String,
}

async fn load(
    state: &AppState,
    role: Option<Role>,
    id: i64,
) -> Result<(StoredProposal, bool), ApiError> {
    let p = state.store.get_proposal(id).await?;
    let published = state.store.get_run(p.run_id).await?.published_at.is_some();
    // Proposals of an unpublished run are the secretariat's draft.
    if !published && role != Some(Role::Secretariat) {
        return Err(ApiError::NotFound(format!(
            "proposal {id} does not exist or is not published yet"
        )));
    }
    Ok((p, published))
}

fn forbidden_transition(e: Forbidden, p: &StoredProposal) -> ApiError {
    ApiError::Transition {
        message: format!("{e} (proposal {} is {})", p.id, p.state.status.name()),
        current: serde_json::to_value(p).unwrap_or_default(),
    }
}

fn stale(e: StoreError, state_now: Option<StoredProposal>) -> ApiError {
    match (e, state_now) {
        (StoreError::Conflict(m), Some(p)) => ApiError::Stale {
            message: m,
            current: serde_json::to_value(p).unwrap_or_default(),
        },
        (e, _) => e.into(),
    }
}

/// A stale answer is refused before anything else: the caller must read
/// the proposal again, whatever it now allows.
fn check_version(p: &StoredProposal, version: i64) -> Result<(), ApiError> {
    if version != p.version {
        return Err(ApiError::Stale {
            message: format!(
                "proposal {} is at version {}, not {version}: read it again and answer its current state",
                p.id, p.version
            ),
            current: serde_json::to_value(p).unwrap_or_default(),
        });
    }
    Ok(())
}

/// Applies a transition computed from the current state, guarded by version.
async fn commit(
    state: &AppState,
    actor: &Actor,
    p: &StoredProposal,
    version: i64,
    action: &'static str,
    update: ProposalUpdate,
) -> Result<StoredProposal, ApiError> {
    match state
        .store
        .update_proposal(actor, p.id, version, action, &update)
        .await
    {
        Ok(p) => Ok(p),
        Err(e) => Err(stale(e, state.store.get_proposal(p.id).await.ok())),
    }
}

/// The side the caller answers for.
fn side(caller_role: Role, p: &StoredProposal, given: Option<&str>) -> Result<Side, ApiError> {
    match caller_role {
        Role::City(city) => side_of(p, city).ok_or_else(|| {
            ApiError::Forbidden(format!(
                "proposal {} is between cities {} and {}: this token acts for city {city}",
                p.id, p.mentor, p.applicant
            ))
        }),
        Role::Secretariat => match given {
            Some("mentor") => Ok(Side::Mentor),
            Some("applicant") => Ok(Side::Applicant),
            Some(other) => Err(ApiError::invalid(
                "side",
                format!("'{other}' is not a side (mentor, applicant)"),
            )),
            None => Err(ApiError::invalid(
                "side",
                "the secretariat answers for a side: give side = mentor or applicant",
            )),
        },
        Role::Observer => Err(ApiError::Forbidden("an observer token is read-only".into())),
    }
}

/// The proposal a writer answers: it must be published. An observer is
/// refused before anything is read.
async fn answerable(state: &AppState, actor: &Actor, id: i64) -> Result<StoredProposal, ApiError> {
    if actor.role == Role::Observer {
        return Err(ApiError::Forbidden("an observer token is read-only".into()));
    }
    let (p, published) = load(state, Some(actor.role), id).await?;
    if !published {
        return Err(ApiError::Conflict(format!(
            "proposal {id} belongs to run {} which is not published yet",
            p.run_id
        )));
    }
    Ok(p)
}

#[utoipa::path(
    post,
    path = "/api/proposals/{id}/accept",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The proposal, accepted by one side (both: active)", body = StoredProposal),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or a city that is neither side", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such proposal, or its run is not published yet", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The proposal is at another `version` or in a state that forbids this (`version_conflict` or `invalid_transition`, with `current`); or its run is not published (`conflict`)", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<AnswerBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(accept_proposal(&state, &actor, id, &b).await?))
}

/// One side accepts proposal `id` at `b.version` (the JSON API's and the
/// pages' accept).
pub(crate) async fn accept_proposal(
    state: &AppState,
    actor: &Actor,
    id: i64,
    b: &AnswerBody,
) -> Result<StoredProposal, ApiError> {
    let p = answerable(state, actor, id).await?;
    let side = side(actor.role, &p, b.side.as_deref())?;
    check_version(&p, b.version)?;
    let next = p
        .state
        .accept(side)
        .map_err(|e| forbidden_transition(e, &p))?;
    let update = ProposalUpdate::to(next);
    commit(state, actor, &p, b.version, "accept", update).await
}

#[utoipa::path(
    post,
    path = "/api/proposals/{id}/decline",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "The proposal, declined: the pair is banned from later runs", body = StoredProposal),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or a city that is neither side", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such proposal, or its run is not published yet", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The proposal is at another `version` or in a state that forbids this (`version_conflict` or `invalid_transition`, with `current`); or its run is not published (`conflict`)", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<AnswerBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(decline_proposal(&state, &actor, id, &b).await?))
}

/// One side declines proposal `id` at `b.version` with a reason; the pair
/// is banned from later runs.
pub(crate) async fn decline_proposal(
    state: &AppState,
    actor: &Actor,
    id: i64,
    b: &AnswerBody,
) -> Result<StoredProposal, ApiError> {
    let p = answerable(state, actor, id).await?;
    side(actor.role, &p, b.side.as_deref())?;
    check_version(&p, b.version)?;
    let reason = required_text("reason", b.reason.as_deref().unwrap_or(""), 500)?;
    let next = p.state.decline().map_err(|e| forbidden_transition(e, &p))?;
    let update = ProposalUpdate {
        reason: Some(reason),
        ban: true,
        ..ProposalUpdate::to(next)
    };
    commit(state, actor, &p, b.version, "decline", update).await
}

/// The topics a proposal matched, from its stored explanation.
fn matched_topics(p: &StoredProposal) -> Vec<TopicId> {
    p.explanation["matched_topics"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .filter_map(|t| t["topic"].as_i64())
                .map(TopicId)
                .collect()
        })
        .unwrap_or_default()
}

#[utoipa::path(
    post,
    path = "/api/proposals/{id}/complete",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    request_body = CompleteBody,
    responses(
        (status = 200, description = "The mentorship, completed with its outcome", body = StoredProposal),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or a city that is neither side", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such proposal, or its run is not published yet", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The proposal is at another `version` or in a state that forbids this (`version_conflict` or `invalid_transition`, with `current`); or its run is not published (`conflict`)", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<CompleteBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(complete_proposal(&state, &actor, id, &b).await?))
}

/// Active proposal `id` at `b.version` completes with its outcome, which
/// becomes evidence of the mentor's expertise.
pub(crate) async fn complete_proposal(
    state: &AppState,
    actor: &Actor,
    id: i64,
    b: &CompleteBody,
) -> Result<StoredProposal, ApiError> {
    let p = answerable(state, actor, id).await?;
    if let Role::City(_) = actor.role {
        side(actor.role, &p, None)?;
    }
    check_version(&p, b.version)?;
    let outcome = Outcome::parse(b.rating, &b.report)?;
    let next: ProposalState = p
        .state
        .complete()
        .map_err(|e| forbidden_transition(e, &p))?;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    // The network learns from the outcome: evidence of the mentor's
    // expertise in every topic the pairing was about.
    let evidence = matched_topics(&p)
        .into_iter()
        .map(|topic| Evidence {
            id: 0,
            city: p.mentor,
            topic: Some(topic),
            fact: EvidenceFact::MentorshipOutcome {
                year,
                rating: outcome.rating,
            },
            source: format!(
                "proposal {} completed, rated {} by the mentee",
                p.id, outcome.rating
            ),
        })
        .collect();
    let update = ProposalUpdate {
        outcome: Some(outcome),
        evidence,
        ..ProposalUpdate::to(next)
    };
    commit(state, actor, &p, b.version, "complete", update).await
}

#[utoipa::path(
    post,
    path = "/api/proposals/{id}/cancel",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    security(("bearer" = [])),
    request_body = CancelBody,
    responses(
        (status = 200, description = "The proposal, cancelled", body = StoredProposal),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such proposal, or its run is not published yet", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The proposal is at another `version` or in a state that forbids this (`version_conflict` or `invalid_transition`, with `current`)", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<CancelBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.secretariat()?;
    Ok(Json(cancel_proposal(&state, &actor, id, &b).await?))
}

/// The secretariat cancels proposal `id` at `b.version`, with a reason.
pub(crate) async fn cancel_proposal(
    state: &AppState,
    actor: &Actor,
    id: i64,
    b: &CancelBody,
) -> Result<StoredProposal, ApiError> {
    if actor.role != Role::Secretariat {
        return Err(ApiError::Forbidden(format!(
            "only the secretariat may do this (this token is a {} token)",
            actor.role.name()
        )));
    }
    let (p, _) = load(state, Some(actor.role), id).await?;
    check_version(&p, b.version)?;
    let reason = required_text("reason", &b.reason, 500)?;
    let next = p.state.cancel().map_err(|e| forbidden_transition(e, &p))?;
    let update = ProposalUpdate {
        reason: Some(reason),
        ..ProposalUpdate::to(next)
    };
    commit(state, actor, &p, b.version, "cancel", update).await
}

#[utoipa::path(
    get,
    path = "/api/proposals",
    tag = "proposals",
    params(
        ("run" = Option<i64>, Query, description = "Run id"),
        ("city" = Option<i64>, Query, description = "Either side's city id"),
        ("status" = Option<ProposalStatus>, Query, description = "Workflow status"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of proposals (of published runs, except for the secretariat)", body = Page<StoredProposal>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_proposals(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Json<Page<StoredProposal>>, ApiError> {
    params.only(&["run", "city", "status", "page", "per_page"])?;
    let query = ProposalQuery {
        run: params.number::<i64>("run")?,
        city: params.number::<i64>("city")?.map(crate::domain::CityId),
        status: params.parse("status", ProposalStatus::parse)?,
        published_only: caller.role() != Some(Role::Secretariat),
        paging: params.paging()?,
    };
    Ok(Json(state.store.list_proposals(&query).await?))
}

#[utoipa::path(
    get,
    path = "/api/proposals/{id}",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The proposal", body = StoredProposal),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such proposal, or its run is not published yet", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_proposal(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<StoredProposal>, ApiError> {
    Ok(Json(read_proposal(&state, caller.role(), id).await?))
}

/// Proposal `id` as a reader with `role` may see it (`None`: anonymous):
/// a proposal of an unpublished run is the secretariat's draft, unknown
/// to everyone else.
pub(crate) async fn read_proposal(
    state: &AppState,
    role: Option<Role>,
    id: i64,
) -> Result<StoredProposal, ApiError> {
    Ok(load(state, role, id).await?.0)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/proposals", get(list_proposals))
        .route("/api/proposals/{id}", get(get_proposal))
        .route("/api/proposals/{id}/accept", post(accept))
        .route("/api/proposals/{id}/decline", post(decline))
        .route("/api/proposals/{id}/complete", post(complete))
        .route("/api/proposals/{id}/cancel", post(cancel))
}
