//! `GET /health`: liveness plus the backend and schema version.

use axum::{Json, Router, extract::State, routing::get};
use serde::Serialize;

use super::{ApiError, AppState};
use crate::store::Backend;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    backend: Backend,
    schema_version: i64,
    version: &'static str,
}

async fn get_health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    Ok(Json(Health {
        status: "ok",
        backend: state.store.backend(),
        schema_version: state.store.schema_version().await?,
        version: env!("CARGO_PKG_VERSION"),
    }))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(get_health))
}
