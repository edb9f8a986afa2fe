//! Engine routes: `GET /api/paths`, `GET /api/cities/{id}/plan`,
//! `GET /api/cities/{id}/suggestions`. Each answer is computed on a fresh
//! view of the network (about 50 ms on the real data, release build), off
//! the async threads.

use axum::extract::State;
use axum::{Json, Router, routing::get};

use super::{ApiError, AppState, Id, Params};
use crate::domain::CityId;
use crate::engine::{EngineError, Network, PathAnswer, Suggestions};
use crate::matching::RunParams;
use crate::matching::plan::{Plan, PlanParams};

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::UnknownCity(_) => ApiError::NotFound(e.to_string()),
            EngineError::NoRequest(_) | EngineError::NeitherRole(_) => {
                ApiError::Conflict(e.to_string())
            }
        }
    }
}

impl From<crate::matching::assign::AssignError> for ApiError {
    fn from(e: crate::matching::assign::AssignError) -> Self {
        ApiError::Conflict(e.to_string())
    }
}

/// Runs `f` on a fresh view of the network, on the blocking pool.
pub async fn with_network<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Network) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let network = crate::service::network_now(state.store.as_ref()).await?;
    tokio::task::spawn_blocking(move || f(&network))
        .await
        .map_err(|e| ApiError::Internal(format!("engine task failed: {e}")))?
}

fn city_id(field: &str, raw: &str) -> Result<CityId, ApiError> {
    raw.trim()
        .parse::<i64>()
        .map(CityId)
        .map_err(|_| ApiError::invalid(field, format!("'{raw}' is not a city id (a number)")))
}

#[utoipa::path(
    get,
    path = "/api/paths",
    tag = "engine",
    params(
        ("from" = i64, Query, description = "City id of one end (required)"),
        ("to" = i64, Query, description = "City id of the other end (required)"),
        ("k" = Option<usize>, Query, description = "How many paths, 1 to 10 (default 3)"),
        ("max_hops" = Option<usize>, Query, description = "Hop limit, 1 to 6 (default 3)"),
    ),
    responses(
        (status = 200, description = "The most trusted chains of existing ties between two cities (none: `message` says why)", body = PathAnswer),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_paths(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<PathAnswer>, ApiError> {
    params.only(&["from", "to", "k", "max_hops"])?;
    let from = city_id(
        "from",
        params
            .str("from")
            .ok_or_else(|| ApiError::invalid("from", "from is required"))?,
    )?;
    let to = city_id(
        "to",
        params
            .str("to")
            .ok_or_else(|| ApiError::invalid("to", "to is required"))?,
    )?;
    let k = params.number::<usize>("k")?.unwrap_or(3);
    if !(1..=10).contains(&k) {
        return Err(ApiError::invalid("k", "k is between 1 and 10"));
    }
    let max_hops = params
        .number::<usize>("max_hops")?
        .unwrap_or(crate::graph::DEFAULT_MAX_HOPS);
    if !(1..=6).contains(&max_hops) {
        return Err(ApiError::invalid("max_hops", "max_hops is between 1 and 6"));
    }
    Ok(Json(
        with_network(&state, move |n| Ok(n.paths(from, to, k, Some(max_hops))?)).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/cities/{id}/plan",
    tag = "engine",
    params(("id" = i64, Path, description = "City id of an applicant")),
    responses(
        (status = 200, description = "The applicant's staged plan, with mentors per stage and the readiness checklist", body = Plan),
        (status = 400, description = "The id is not a number, or a query parameter was given", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city has no support request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_plan(
    State(state): State<AppState>,
    Id(id): Id,
    params: Params,
) -> Result<Json<Plan>, ApiError> {
    params.only(&[])?;
    Ok(Json(plan_of(&state, CityId(id)).await?))
}

/// The staged plan of the applicant `city`, with mentor loads from the
/// pairs in force (`GET /api/cities/{id}/plan`, the plan page and its
/// downloads).
pub(crate) async fn plan_of(state: &AppState, city: CityId) -> Result<Plan, ApiError> {
    let current = crate::service::current_pairs(state.store.as_ref()).await?;
    with_network(state, move |n| plan_in(n, city, current.as_deref())).await
}

/// The plan on a network already built; `current` is
/// [`current_pairs`](crate::service::current_pairs).
pub(crate) fn plan_in(
    n: &Network,
    city: CityId,
    current: Option<&[crate::matching::Pair]>,
) -> Result<Plan, ApiError> {
    Ok(plans_of(n, &[city], current)?.remove(0))
}

/// The staged plans of `cities` (applicants), with mentor loads counted from
/// `current`, the pairs that hold a slot now; before any published run
/// (`None`), from the engine's default round, solved once for all of them.
pub(crate) fn plans_of(
    n: &Network,
    cities: &[CityId],
    current: Option<&[crate::matching::Pair]>,
) -> Result<Vec<Plan>, ApiError> {
    let params = PlanParams::default();
    Ok(match current {
        Some(pairs) => cities
            .iter()
            .map(|c| n.plan_with_pairs(*c, pairs, &params))
            .collect::<Result<_, _>>()?,
        None => {
            let round = n.round(&RunParams::default())?;
            cities
                .iter()
                .map(|c| n.plan(*c, &round, &params))
                .collect::<Result<_, _>>()?
        }
    })
}

#[utoipa::path(
    get,
    path = "/api/cities/{id}/suggestions",
    tag = "engine",
    params(
        ("id" = i64, Path, description = "City id"),
        ("n" = Option<usize>, Query, description = "How many, 1 to 50 (default 5)"),
    ),
    responses(
        (status = 200, description = "Mentors for an applicant, or applicants for a mentor, best first", body = Suggestions),
        (status = 400, description = "The id or a query parameter is wrong", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city has neither an offer nor a request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_suggestions(
    State(state): State<AppState>,
    Id(id): Id,
    params: Params,
) -> Result<Json<Suggestions>, ApiError> {
    params.only(&["n"])?;
    let city = CityId(id);
    let n = params.number::<usize>("n")?.unwrap_or(5);
    if !(1..=50).contains(&n) {
        return Err(ApiError::invalid("n", "n is between 1 and 50"));
    }
    Ok(Json(
        with_network(&state, move |net| Ok(net.suggestions(city, n)?)).await?,
    ))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/paths", get(get_paths))
        .route("/api/cities/{id}/plan", get(get_plan))
        .route("/api/cities/{id}/suggestions", get(get_suggestions))
}
