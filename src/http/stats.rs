//! `GET /api/stats`: the counts of the network, coverage of the latest run
//! by region, LDC and African status, and mentor load (now and over all runs).

use axum::{Json, Router, extract::State, routing::get};
use serde::Serialize;
use serde_json::Value;

use super::{ApiError, AppState, Params};
use crate::store::{MentorLoad, Stats};

#[derive(Serialize, utoipa::ToSchema)]
struct StatsView {
    #[serde(flatten)]
    counts: Stats,
    runs: i64,
    /// Coverage of the latest run (null before the first run).
    coverage: Value,
    mentor_load: Vec<MentorLoad>,
}

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
    State(state): State<AppState>,
    caller: super::Caller,
    params: Params,
) -> Result<Json<StatsView>, ApiError> {
    params.only(&[])?;
    let db = state.store.as_ref();
    let runs = db
        .list_runs(crate::store::Paging {
            page: 1,
            per_page: 1,
        })
        .await?;
    // An unpublished run's coverage is the secretariat's, like the run.
    let coverage = super::runs::latest_visible_run(db, caller.role())
        .await?
        .as_ref()
        .map_or(Value::Null, coverage_of);
    Ok(Json(StatsView {
        counts: db.stats().await?,
        runs: runs.total,
        coverage,
        mentor_load: db.mentor_loads().await?,
    }))
}

/// The coverage a run's summary holds, as `/api/stats` shows it (the
/// overview page draws its charts from the same value).
pub(crate) fn coverage_of(run: &crate::store::StoredRun) -> Value {
    let mut coverage = coverage_in(&run.summary);
    coverage["run"] = serde_json::json!(run.id);
    coverage["published"] = serde_json::json!(run.published_at.is_some());
    coverage
}

/// The coverage part of a run's summary (stored, or of a round not stored).
pub(crate) fn coverage_in(summary: &Value) -> Value {
    serde_json::json!({
        "total": summary["coverage"]["total"],
        "max_coverable": summary["coverage"]["max_coverable"],
        "by_region": summary["coverage"]["by_region"],
        "by_ldc": summary["coverage"]["by_ldc"],
        "by_african": summary["coverage"]["by_african"],
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/stats", get(get_stats))
}
