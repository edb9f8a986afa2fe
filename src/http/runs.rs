//! `/api/runs`: matching rounds. `POST` runs the engine with the
//! secretariat's parameters (mode, tiers, weights, locks and bans with
//! reasons, prefer previous) on the network as it is, on top of the pairs
//! already in force and every stored ban, and stores the proposals.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, App, Body, Caller, Id, Params, Secretariat};
use crate::app::AppError;
use crate::app::network::network_now;
use crate::app::runs::{self, Previous, StartRun};
use crate::domain::RunStatus;
use crate::matching::{PriorityTiers, ScoreWeights};
use crate::store::{Override, Page, StoredRun};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub mentor: i64,
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub applicant: i64,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RunBody {
    /// The round's name, for people (default: "Round {id}").
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// score, coverage (default) or stable
    #[schema(value_type = Option<crate::matching::Mode>)]
    pub mode: Option<String>,
    /// Priority tiers, highest first (default: ldc_african, ldc_or_african).
    #[schema(value_type = Option<Vec<crate::matching::TierRule>>)]
    pub tiers: Option<Vec<String>>,
    pub weights: Option<ScoreWeights>,
    #[schema(default = json!([]))]
    pub locks: Vec<OverrideBody>,
    #[schema(default = json!([]))]
    pub bans: Vec<OverrideBody>,
    /// Keep as many pairs of the previous run as possible.
    pub prefer_previous: bool,
    /// The run to compare with and prefer (default: the latest).
    pub previous_run: Option<i64>,
}

/// The locks or bans of a body, each refusal naming its place (`locks[0].reason`).
fn overrides(list: &[OverrideBody], field: &str, action: &str) -> Result<Vec<Override>, AppError> {
    list.iter()
        .enumerate()
        .map(|(i, o)| {
            runs::parse_override(
                &format!("{field}[{i}]"),
                action,
                o.mentor,
                o.applicant,
                &o.reason,
            )
        })
        .collect()
}

impl TryFrom<&RunBody> for StartRun {
    type Error = AppError;

    fn try_from(body: &RunBody) -> Result<Self, AppError> {
        Ok(StartRun {
            name: match &body.name {
                Some(name) => runs::parse_name("name", name)?,
                None => None,
            },
            mode: body
                .mode
                .as_deref()
                .map(|m| runs::parse_mode("mode", m))
                .transpose()?
                .unwrap_or_default(),
            tiers: match &body.tiers {
                None => PriorityTiers::default(),
                Some(list) => PriorityTiers(
                    list.iter()
                        .enumerate()
                        .map(|(i, t)| runs::parse_tier(&format!("tiers[{i}]"), t))
                        .collect::<Result<_, _>>()?,
                ),
            },
            weights: body.weights.unwrap_or_default(),
            locks: overrides(&body.locks, "locks", "lock")?,
            bans: overrides(&body.bans, "bans", "ban")?,
            prefer_previous: body.prefer_previous,
            previous: body.previous_run.map_or(Previous::Latest, Previous::Run),
            skip_removals: false,
        })
    }
}

#[utoipa::path(
    post,
    path = "/api/runs",
    tag = "runs",
    security(("bearer" = [])),
    request_body = RunBody,
    responses(
        (status = 201, description = "The run, its proposals and its summary", body = crate::http::openapi::CreatedRun),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The engine cannot solve the round as asked", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_run(
    State(app): State<App>,
    Secretariat(actor): Secretariat,
    Body(body): Body<RunBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let started = runs::start(&app, &actor, &StartRun::try_from(&body)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "run": started.run,
            "proposals": runs::named(&started.network, &started.proposals),
            "summary": started.summary,
        })),
    ))
}

#[utoipa::path(
    get,
    path = "/api/runs",
    tag = "runs",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
        ("status" = Option<RunStatus>, Query, description = "Only runs in this state (default: all but the discarded)"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of runs, latest first (drafts and discarded runs only for the secretariat)", body = Page<StoredRun>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_runs(
    State(app): State<App>,
    caller: Caller,
    params: Params,
) -> Result<Json<Page<StoredRun>>, ApiError> {
    params.only(&["page", "per_page", "status"])?;
    let status = params.parse("status", RunStatus::parse)?;
    Ok(Json(
        runs::list(&app, caller.reader(), status, params.paging()?).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/runs/{id}",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The run and its proposals", body = crate::http::openapi::RunDetail),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run, or not published yet", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_run(
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Value>, ApiError> {
    let run = runs::visible(&app, caller.reader(), id).await?;
    let proposals = runs::proposals_of(&app, caller.reader(), id).await?;
    let network = network_now(&app).await?;
    Ok(Json(
        json!({ "run": run, "proposals": runs::named(&network, &proposals) }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/runs/{id}/diff",
    tag = "runs",
    params(
        ("id" = i64, Path, description = "Run id"),
        ("against" = i64, Query, description = "The run to compare with (required)"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The pairs the run kept, added and removed compared with `against`", body = crate::http::openapi::RunDiffView),
        (status = 400, description = "The id, `against` or another query parameter is wrong", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run, or not published yet", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn diff_runs(
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    params.only(&["against"])?;
    let against = params
        .number::<i64>("against")?
        .ok_or_else(|| ApiError::invalid("against", "against (a run id) is required"))?;
    let d = runs::compare(&app, caller.reader(), id, against).await?;
    Ok(Json(
        json!({ "run": id, "against": against, "kept": d.kept, "added": d.added, "removed": d.removed }),
    ))
}

#[utoipa::path(
    post,
    path = "/api/runs/{id}/publish",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run, published: its proposals go to the cities", body = StoredRun),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The run is not a draft: published already, superseded or discarded", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn publish_run(
    State(app): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<Json<StoredRun>, ApiError> {
    Ok(Json(runs::publish(&app, &actor, id).await?))
}

#[utoipa::path(
    get,
    path = "/api/runs/{id}/publish",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What publishing the draft would do: the rounds in force it supersedes, their open proposals (cancelled) and those in force (kept)", body = runs::Publication),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The run is not a draft: published already, superseded or discarded", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn preview_publication(
    State(app): State<App>,
    Secretariat(_): Secretariat,
    Id(id): Id,
    params: Params,
) -> Result<Json<runs::Publication>, ApiError> {
    params.only(&[])?;
    Ok(Json(runs::publication(&app, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/runs/{id}/discard",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The draft, discarded: kept on record, never published", body = StoredRun),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The run is not a draft: published already, superseded or discarded", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn discard_run(
    State(app): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<Json<StoredRun>, ApiError> {
    Ok(Json(runs::discard(&app, &actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunNameBody {
    /// The round's new name; null or blank: back to "Round {id}".
    #[schema(max_length = 100)]
    pub name: Option<String>,
}

#[utoipa::path(
    patch,
    path = "/api/runs/{id}",
    tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    security(("bearer" = [])),
    request_body = RunNameBody,
    responses(
        (status = 200, description = "The run, renamed", body = StoredRun),
        (status = 400, description = "The body is not JSON (`malformed_json`) or the name is too long (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such run", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn rename_run(
    State(app): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
    Body(body): Body<RunNameBody>,
) -> Result<Json<StoredRun>, ApiError> {
    let name = runs::parse_name("name", body.name.as_deref().unwrap_or(""))?;
    Ok(Json(runs::rename(&app, &actor, id, name).await?))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/runs", get(list_runs).post(create_run))
        .route("/api/runs/{id}", get(get_run).patch(rename_run))
        .route("/api/runs/{id}/diff", get(diff_runs))
        .route(
            "/api/runs/{id}/publish",
            get(preview_publication).post(publish_run),
        )
        .route("/api/runs/{id}/discard", post(discard_run))
}
