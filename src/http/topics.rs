//! `GET /api/topics`: clusters and areas of action, areas in stage order.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, AppState, Params};
use crate::domain::Topic;

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
