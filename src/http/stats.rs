//! `GET /api/stats`: the counts of the network.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, AppState, Params};
use crate::store::Stats;

async fn get_stats(State(state): State<AppState>, params: Params) -> Result<Json<Stats>, ApiError> {
    params.only(&[])?;
    Ok(Json(state.store.stats().await?))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/stats", get(get_stats))
}
