//! `GET /api/stats`: the counts of the network, coverage of the latest run
//! by region, LDC and African status, and mentor load (now and over all runs).

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, App, Params};
use crate::app::stats::{self, StatsView};

#[utoipa::path(
    get,
    path = "/api/stats",
    tag = "service",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Counts, coverage of the latest run the caller may see (unpublished runs: the secretariat only) and mentor load", body = StatsView),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "The Authorization header is malformed, or names an unknown or revoked token", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_stats(
    State(app): State<App>,
    caller: super::Caller,
    params: Params,
) -> Result<Json<StatsView>, ApiError> {
    params.only(&[])?;
    Ok(Json(stats::stats(&app, caller.reader()).await?))
}

pub fn router() -> Router<App> {
    Router::new().route("/api/stats", get(get_stats))
}
