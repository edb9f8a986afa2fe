//! Engine routes: `GET /api/paths`, `GET /api/cities/{id}/plan`,
//! `GET /api/cities/{id}/suggestions`. Each answer is computed on a fresh
//! view of the network (about 50 ms on the real data, release build), off
//! the async threads.

use axum::extract::State;
use axum::{Json, Router, routing::get};

use super::{ApiError, App, Id, Params};
use crate::app::network::with_network;
use crate::app::plans;
use crate::domain::CityId;
use crate::engine::{EngineError, PathAnswer, Suggestions};
use crate::matching::plan::Plan;

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        crate::app::AppError::from(e).into()
    }
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
        ("k" = Option<usize>, Query, description = "How many paths, 1 to 10 (default 3)", minimum = 1, maximum = 10),
        ("max_hops" = Option<usize>, Query, description = "Hop limit, 1 to 6 (default 3)", minimum = 1, maximum = 6),
    ),
    responses(
        (status = 200, description = "The most trusted chains of existing ties between two cities (none: `message` says why)", body = PathAnswer),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_paths(State(app): State<App>, params: Params) -> Result<Json<PathAnswer>, ApiError> {
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
        with_network(&app, move |n| Ok(n.paths(from, to, k, Some(max_hops))?)).await?,
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
    State(app): State<App>,
    Id(id): Id,
    params: Params,
) -> Result<Json<Plan>, ApiError> {
    params.only(&[])?;
    Ok(Json(plans::plan_of(&app, CityId(id)).await?))
}

#[utoipa::path(
    get,
    path = "/api/cities/{id}/suggestions",
    tag = "engine",
    params(
        ("id" = i64, Path, description = "City id"),
        ("n" = Option<usize>, Query, description = "How many, 1 to 50 (default 5)", minimum = 1, maximum = 50),
    ),
    responses(
        (status = 200, description = "Mentors for an applicant, or applicants for a mentor, best first", body = Suggestions),
        (status = 400, description = "The id or a query parameter is wrong", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city has neither an offer nor a request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_suggestions(
    State(app): State<App>,
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
        with_network(&app, move |net| Ok(net.suggestions(city, n)?)).await?,
    ))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/paths", get(get_paths))
        .route("/api/cities/{id}/plan", get(get_plan))
        .route("/api/cities/{id}/suggestions", get(get_suggestions))
}
