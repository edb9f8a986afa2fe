//! `GET /health`: liveness plus the backend and schema version.

use axum::{Json, Router, extract::State, routing::get};
use serde::Serialize;

use super::{ApiError, App};
use crate::store::Backend;

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    backend: Backend,
    schema_version: i64,
    version: &'static str,
}

#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses(
        (status = 200, description = "Alive; the database backend and schema version", body = Health),
        (status = 400, description = "A query parameter (`unknown_parameter`): this route takes none", body = super::openapi::ErrorBody),
    ),
)]
async fn get_health(
    State(state): State<App>,
    params: super::Params,
) -> Result<Json<Health>, ApiError> {
    params.only(&[])?;
    Ok(Json(Health {
        status: "ok",
        backend: state.store.backend(),
        schema_version: state.store.schema_version().await?,
        version: env!("CARGO_PKG_VERSION"),
    }))
}

pub fn router() -> Router<App> {
    Router::new().route("/health", get(get_health))
}
