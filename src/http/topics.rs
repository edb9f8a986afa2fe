//! `GET /api/topics`: clusters and areas of action, areas in stage order.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, AppState, Params};
use crate::domain::Topic;

#[utoipa::path(
    get,
    path = "/api/topics",
    tag = "network",
    params(
        ("kind" = Option<String>, Query, description = "cluster or area_of_action"),
        ("retired" = Option<bool>, Query, description = "Retired clusters only (or current ones only)"),
    ),
    responses(
        (status = 200, description = "Clusters and areas of action, areas in stage order", body = Vec<Topic>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_topics(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<Topic>>, ApiError> {
    params.only(&["kind", "retired"])?;
    let kind = params.parse("kind", |k| match k {
        "cluster" | "area_of_action" => Ok(k.to_string()),
        _ => Err(format!(
            "'{k}' is not a topic kind (cluster, area_of_action)"
        )),
    })?;
    let retired = params.bool("retired")?;
    let topics = state
        .store
        .list_topics()
        .await?
        .into_iter()
        .filter(|t| kind.as_deref().is_none_or(|k| t.kind.name() == k))
        .filter(|t| retired.is_none_or(|r| t.retired == r))
        .collect();
    Ok(Json(topics))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/topics", get(list_topics))
}
