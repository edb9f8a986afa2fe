//! `/api/proposals`: each proposed pairing and its workflow. The two
//! cities answer (accept, decline with a reason); both accepting makes the
//! mentorship active; it completes with an outcome (rating and report) or
//! the secretariat cancels it. Every answer carries the `version` it
//! answers: if someone answered first, the later answer gets a 409 with
//! the current state and changes nothing.

use axum::extract::State;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;

use super::{ApiError, App, Body, Caller, Id, Params, Secretariat};
use crate::app::proposals::{self, Answer, Cancel, Complete, ListProposals};
use crate::domain::{ProposalStatus, Side};
use crate::store::{Page, StoredProposal};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The version of the proposal being answered (from the last read).
    #[schema(minimum = 1)]
    pub version: i64,
    /// Which side the secretariat answers for (a city answers for itself).
    #[schema(value_type = Option<Side>)]
    pub side: Option<String>,
    /// Required to decline (at most 500 characters).
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i64,
    #[schema(min_length = 1, max_length = 2000)]
    pub report: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[schema(minimum = 1)]
    pub version: i64,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

impl From<&AnswerBody> for Answer {
    fn from(b: &AnswerBody) -> Self {
        Answer {
            version: b.version,
            side: b.side.clone(),
            reason: b.reason.clone(),
        }
    }
}

impl From<&CompleteBody> for Complete {
    fn from(b: &CompleteBody) -> Self {
        Complete {
            version: b.version,
            rating: b.rating,
            report: b.report.clone(),
        }
    }
}

impl From<&CancelBody> for Cancel {
    fn from(b: &CancelBody) -> Self {
        Cancel {
            version: b.version,
            reason: b.reason.clone(),
        }
    }
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
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<AnswerBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(
        proposals::accept(&app, &actor, id, &(&b).into()).await?,
    ))
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
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<AnswerBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(
        proposals::decline(&app, &actor, id, &(&b).into()).await?,
    ))
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
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    Body(b): Body<CompleteBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    let actor = caller.writer()?;
    Ok(Json(
        proposals::complete(&app, &actor, id, &(&b).into()).await?,
    ))
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
    State(app): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
    Body(b): Body<CancelBody>,
) -> Result<Json<StoredProposal>, ApiError> {
    Ok(Json(
        proposals::cancel(&app, &actor, id, &(&b).into()).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/proposals",
    tag = "proposals",
    params(
        ("run" = Option<i64>, Query, description = "Run id"),
        ("city" = Option<i64>, Query, description = "Either side's city id"),
        ("status" = Option<ProposalStatus>, Query, description = "Workflow status"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of proposals (of published runs, except for the secretariat)", body = Page<StoredProposal>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_proposals(
    State(app): State<App>,
    caller: Caller,
    params: Params,
) -> Result<Json<Page<StoredProposal>>, ApiError> {
    params.only(&["run", "city", "status", "page", "per_page"])?;
    let query = ListProposals {
        run: params.number::<i64>("run")?,
        city: params.number::<i64>("city")?.map(crate::domain::CityId),
        status: params.parse("status", ProposalStatus::parse)?,
        paging: params.paging()?,
    };
    Ok(Json(proposals::list(&app, caller.reader(), &query).await?))
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
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<StoredProposal>, ApiError> {
    Ok(Json(proposals::read(&app, caller.reader(), id).await?))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/proposals", get(list_proposals))
        .route("/api/proposals/{id}", get(get_proposal))
        .route("/api/proposals/{id}/accept", post(accept))
        .route("/api/proposals/{id}/decline", post(decline))
        .route("/api/proposals/{id}/complete", post(complete))
        .route("/api/proposals/{id}/cancel", post(cancel))
}
