//! Writes of the network's ties and evidence (the secretariat completes
//! what the public data lacks): `POST/PATCH/DELETE /api/twin-links`,
//! `/api/cluster-memberships`, `/api/evidence`. Every write is audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::support::topic_id;
use super::{ApiError, AppState, Body, Caller, Params};
use crate::domain::{
    CityId, ClusterMembership, ClusterRole, Evidence, EvidenceFact, EvidenceKind, LinkKind, Period,
    TopicKind, TwinLink,
};
use crate::store::{EvidenceQuery, Page, StoreError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    pub city_a: i64,
    pub city_b: i64,
    #[serde(default)]
    pub kind: Option<String>,
    pub year_signed: Option<i32>,
    #[serde(default)]
    pub active: Option<bool>,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkPatch {
    pub kind: Option<String>,
    pub year_signed: Option<i32>,
    pub active: Option<bool>,
}

fn source(raw: &str) -> Result<String, ApiError> {
    crate::domain::required_text("source", raw, 1000).map_err(ApiError::from)
}

async fn create_link(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<LinkBody>,
) -> Result<(StatusCode, Json<TwinLink>), ApiError> {
    let actor = caller.secretariat()?;
    let kind = b
        .kind
        .as_deref()
        .map(LinkKind::parse)
        .transpose()?
        .unwrap_or(LinkKind::Twinning);
    let link = TwinLink::new(
        0,
        CityId(b.city_a),
        CityId(b.city_b),
        kind,
        b.year_signed,
        b.active.unwrap_or(true),
        source(&b.source)?,
    )?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_link(&actor, &link).await?),
    ))
}

async fn update_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(p): Body<LinkPatch>,
) -> Result<Json<TwinLink>, ApiError> {
    let actor = caller.secretariat()?;
    let current = state.store.get_link(id).await?;
    let link = TwinLink::new(
        id,
        current.a,
        current.b,
        p.kind
            .as_deref()
            .map(LinkKind::parse)
            .transpose()?
            .unwrap_or(current.kind),
        p.year_signed.or(current.year_signed),
        p.active.unwrap_or(current.active),
        current.source.clone(),
    )?;
    Ok(Json(state.store.update_link(&actor, &link).await?))
}

/// Retiring a link keeps its history: it becomes inactive.
async fn retire_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TwinLink>, ApiError> {
    let actor = caller.secretariat()?;
    let current = state.store.get_link(id).await?;
    if !current.active {
        return Err(ApiError::Conflict(format!(
            "twin link {id} is already inactive"
        )));
    }
    Ok(Json(
        state
            .store
            .update_link(
                &actor,
                &TwinLink {
                    active: false,
                    ..current
                },
            )
            .await?,
    ))
}

async fn get_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<TwinLink>, ApiError> {
    Ok(Json(state.store.get_link(id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipBody {
    pub city: i64,
    /// A cluster topic, by slug or name.
    pub cluster: String,
    pub role: String,
    /// "2021-2023"
    pub period: String,
    pub source: String,
}

async fn list_memberships(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<ClusterMembership>>, ApiError> {
    params.only(&["city", "cluster"])?;
    let topics = state.store.list_topics().await?;
    let topic = params
        .str("cluster")
        .map(|c| topic_id(&topics, "cluster".into(), c))
        .transpose()?;
    Ok(Json(
        state
            .store
            .list_memberships(params.number::<i64>("city")?.map(CityId), topic)
            .await?,
    ))
}

async fn create_membership(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<MembershipBody>,
) -> Result<(StatusCode, Json<ClusterMembership>), ApiError> {
    let actor = caller.secretariat()?;
    let topics = state.store.list_topics().await?;
    let topic = topic_id(&topics, "cluster".into(), &b.cluster)?;
    if topics
        .iter()
        .any(|t| t.id == topic && t.kind != TopicKind::Cluster)
    {
        return Err(ApiError::invalid(
            "cluster",
            format!("'{}' is an area of action, not a cluster", b.cluster),
        ));
    }
    let m = ClusterMembership {
        id: 0,
        city: CityId(b.city),
        topic,
        role: ClusterRole::parse(&b.role)?,
        period: Period::parse(&b.period)?,
        source: source(&b.source)?,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_membership(&actor, &m).await?),
    ))
}

async fn delete_membership(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.secretariat()?;
    state.store.delete_membership(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceBody {
    pub city: i64,
    /// A topic slug; absent for evidence about the city in general.
    pub topic: Option<String>,
    pub kind: String,
    pub year: Option<i32>,
    pub level: Option<i64>,
    pub source: String,
}

async fn list_evidence(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Page<Evidence>>, ApiError> {
    params.only(&["city", "topic", "kind", "page", "per_page"])?;
    let topics = state.store.list_topics().await?;
    let query = EvidenceQuery {
        city: params.number::<i64>("city")?.map(CityId),
        topic: params
            .str("topic")
            .map(|t| topic_id(&topics, "topic".into(), t))
            .transpose()?,
        kind: params.parse("kind", EvidenceKind::parse)?,
        paging: params.paging()?,
    };
    Ok(Json(state.store.list_evidence(&query).await?))
}

async fn create_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<EvidenceBody>,
) -> Result<(StatusCode, Json<Evidence>), ApiError> {
    let kind = EvidenceKind::parse(&b.kind)?;
    let city = CityId(b.city);
    // A city may state its own self-assessment; everything else is the secretariat's.
    let actor = if kind == EvidenceKind::SelfAssessment {
        caller.acting_for(city)?
    } else {
        caller.secretariat()?
    };
    let topics = state.store.list_topics().await?;
    let topic = b
        .topic
        .as_deref()
        .map(|t| topic_id(&topics, "topic".into(), t))
        .transpose()?;
    if kind == EvidenceKind::SelfAssessment && topic.is_none() {
        return Err(ApiError::invalid(
            "topic",
            "a self-assessment is about one topic",
        ));
    }
    let fact = EvidenceFact::parse(kind, b.year, b.level)?;
    let e = Evidence {
        id: 0,
        city,
        topic,
        fact,
        source: source(&b.source)?,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_evidence(&actor, &e).await?),
    ))
}

async fn delete_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.secretariat()?;
    state
        .store
        .delete_evidence(&actor, id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound { .. } => {
                ApiError::NotFound(format!("evidence {id} does not exist"))
            }
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/twin-links", axum::routing::post(create_link))
        .route(
            "/api/twin-links/{id}",
            get(get_link).patch(update_link).delete(retire_link),
        )
        .route(
            "/api/cluster-memberships",
            get(list_memberships).post(create_membership),
        )
        .route(
            "/api/cluster-memberships/{id}",
            axum::routing::delete(delete_membership),
        )
        .route("/api/evidence", get(list_evidence).post(create_evidence))
        .route("/api/evidence/{id}", axum::routing::delete(delete_evidence))
}
