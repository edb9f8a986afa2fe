//! `GET /api/topics`: clusters and areas of action, areas in stage order;
//! the secretariat adds clusters and renames or retires them.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, App, Id, Params, Secretariat};
use crate::domain::Topic;

#[utoipa::path(
    get,
    path = "/api/topics",
    tag = "network",
    params(
        ("kind" = Option<crate::http::openapi::words::TopicKindWord>, Query, description = "cluster or area_of_action"),
        ("retired" = Option<bool>, Query, description = "Retired clusters only (or current ones only)"),
    ),
    responses(
        (status = 200, description = "Clusters and areas of action, areas in stage order", body = Vec<Topic>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_topics(
    State(state): State<App>,
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

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTopicBody {
    /// Lowercase letters, digits and hyphens (`green-cities`).
    #[schema(pattern = "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")]
    pub slug: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Other names the cluster is known by.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Fields a topic's edit may change; absent ones stay as they are.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicPatch {
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// Clusters only: the six areas of action cannot be retired.
    pub retired: Option<bool>,
    /// Replaces the aliases.
    pub aliases: Option<Vec<String>>,
}

fn topic_name(raw: &str) -> Result<String, ApiError> {
    crate::domain::required_text("name", raw, 120).map_err(ApiError::from)
}

/// New topics are clusters: the six areas of action are fixed by the Guidelines.
#[utoipa::path(
    post,
    path = "/api/topics",
    tag = "network",
    security(("bearer" = [])),
    request_body = NewTopicBody,
    responses(
        (status = 201, description = "The cluster, created", body = Topic),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "A topic with that slug exists already", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_topic(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    super::Body(b): super::Body<NewTopicBody>,
) -> Result<(axum::http::StatusCode, Json<Topic>), ApiError> {
    let topic = Topic {
        id: crate::domain::TopicId(0),
        slug: crate::domain::TopicSlug::parse(&b.slug)?,
        name: topic_name(&b.name)?,
        kind: crate::domain::TopicKind::Cluster,
        retired: false,
        aliases: b
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
    };
    Ok((
        axum::http::StatusCode::CREATED,
        Json(state.store.create_topic(&actor, &topic).await?),
    ))
}

#[utoipa::path(
    patch,
    path = "/api/topics/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Topic id")),
    security(("bearer" = [])),
    request_body = TopicPatch,
    responses(
        (status = 200, description = "The topic, changed", body = Topic),
        (status = 400, description = "The id is not a number, the body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such topic", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn update_topic(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
    super::Body(p): super::Body<TopicPatch>,
) -> Result<Json<Topic>, ApiError> {
    let current = state
        .store
        .list_topics()
        .await?
        .into_iter()
        .find(|t| t.id.0 == id)
        .ok_or_else(|| ApiError::NotFound(format!("topic {id} does not exist")))?;
    if p.retired == Some(true) && current.kind != crate::domain::TopicKind::Cluster {
        return Err(ApiError::invalid(
            "retired",
            "the six areas of action cannot be retired",
        ));
    }
    let topic = Topic {
        name: match &p.name {
            Some(n) => topic_name(n)?,
            None => current.name.clone(),
        },
        retired: p.retired.unwrap_or(current.retired),
        aliases: p.aliases.clone().unwrap_or_else(|| current.aliases.clone()),
        ..current
    };
    Ok(Json(state.store.update_topic(&actor, &topic).await?))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/topics", get(list_topics).post(create_topic))
        .route("/api/topics/{id}", axum::routing::patch(update_topic))
}
