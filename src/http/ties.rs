//! The network's ties and evidence, open to read and completed by the
//! secretariat where the public data lacks them (a city states its own
//! self-assessment): `POST /api/twin-links` and one link's
//! `GET/PATCH/DELETE`, `/api/cluster-memberships`, `/api/evidence`. Every
//! write is audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::{ApiError, App, Body, Caller, Id, Params, Secretariat};
use crate::app::held::topic_id;
use crate::domain::{
    CityId, ClusterMembership, ClusterRole, Evidence, EvidenceFact, EvidenceKind, LinkKind, Period,
    TopicKind, TwinLink,
};
use crate::store::{EvidenceQuery, Page, StoreError};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// One end.
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub city_a: i64,
    /// The other end (another city).
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub city_b: i64,
    /// Default: twinning.
    #[serde(default)]
    #[schema(value_type = Option<LinkKind>)]
    pub kind: Option<String>,
    #[schema(minimum = 1900, maximum = 2100)]
    pub year_signed: Option<i32>,
    /// Default: true.
    #[serde(default)]
    pub active: Option<bool>,
    /// Where the link is attested.
    #[schema(min_length = 1, max_length = 1000)]
    pub source: String,
}

/// Fields a link's edit may change; absent ones stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkPatch {
    #[schema(value_type = Option<LinkKind>)]
    pub kind: Option<String>,
    #[schema(minimum = 1900, maximum = 2100)]
    pub year_signed: Option<i32>,
    pub active: Option<bool>,
}

fn source(raw: &str) -> Result<String, ApiError> {
    crate::domain::required_text("source", raw, 1000).map_err(ApiError::from)
}

#[utoipa::path(
    post,
    path = "/api/twin-links",
    tag = "network",
    security(("bearer" = [])),
    request_body = LinkBody,
    responses(
        (status = 201, description = "The link, created (its ends in id order)", body = TwinLink),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The two cities are already linked", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_link(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Body(b): Body<LinkBody>,
) -> Result<(StatusCode, Json<TwinLink>), ApiError> {
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

#[utoipa::path(
    patch,
    path = "/api/twin-links/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Twin link id")),
    security(("bearer" = [])),
    request_body = LinkPatch,
    responses(
        (status = 200, description = "The link, changed", body = TwinLink),
        (status = 400, description = "The id is not a number, the body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such twin link", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn update_link(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
    Body(p): Body<LinkPatch>,
) -> Result<Json<TwinLink>, ApiError> {
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
#[utoipa::path(
    delete,
    path = "/api/twin-links/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Twin link id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The link, now inactive", body = TwinLink),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such twin link", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The link is already inactive", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn retire_link(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<Json<TwinLink>, ApiError> {
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

#[utoipa::path(
    get,
    path = "/api/twin-links/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Twin link id")),
    responses(
        (status = 200, description = "The link", body = TwinLink),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such twin link", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_link(State(state): State<App>, Id(id): Id) -> Result<Json<TwinLink>, ApiError> {
    Ok(Json(state.store.get_link(id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipBody {
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub city: i64,
    /// A cluster topic, by slug or name.
    pub cluster: String,
    #[schema(value_type = ClusterRole)]
    pub role: String,
    /// Years, "2021-2023", or one year, "2024".
    pub period: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub source: String,
}

#[utoipa::path(
    get,
    path = "/api/cluster-memberships",
    tag = "network",
    params(
        ("city" = Option<i64>, Query, description = "City id"),
        ("cluster" = Option<String>, Query, description = "A cluster's slug or name"),
    ),
    responses(
        (status = 200, description = "Cluster memberships, by id", body = Vec<ClusterMembership>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_memberships(
    State(state): State<App>,
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

/// Also records the matching evidence (cluster member or coordinator).
#[utoipa::path(
    post,
    path = "/api/cluster-memberships",
    tag = "network",
    security(("bearer" = [])),
    request_body = MembershipBody,
    responses(
        (status = 201, description = "The membership, created", body = ClusterMembership),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city is already in that cluster for that period", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_membership(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Body(b): Body<MembershipBody>,
) -> Result<(StatusCode, Json<ClusterMembership>), ApiError> {
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

#[utoipa::path(
    delete,
    path = "/api/cluster-memberships/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Cluster membership id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The membership is deleted"),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such cluster membership", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn delete_membership(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    state.store.delete_membership(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceBody {
    #[schema(value_type = crate::http::openapi::words::CityIdOrName)]
    pub city: i64,
    /// A topic's slug or name; absent for evidence about the city in
    /// general. Required for a self-assessment.
    pub topic: Option<String>,
    #[schema(value_type = EvidenceKind)]
    pub kind: String,
    /// Required by every kind but self_assessment (`since` for network_years).
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// self_assessment: 0 to 5; mentorship_outcome: the rating, 1 to 5.
    #[schema(minimum = 0, maximum = 5)]
    pub level: Option<i64>,
    #[schema(min_length = 1, max_length = 1000)]
    pub source: String,
}

#[utoipa::path(
    get,
    path = "/api/evidence",
    tag = "network",
    params(
        ("city" = Option<i64>, Query, description = "City id"),
        ("topic" = Option<String>, Query, description = "A topic's slug or name"),
        ("kind" = Option<EvidenceKind>, Query, description = "The kind of evidence"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "One page of evidence, by id", body = Page<Evidence>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_evidence(
    State(state): State<App>,
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

/// A city may state its own self-assessment; other evidence is the secretariat's.
#[utoipa::path(
    post,
    path = "/api/evidence",
    tag = "network",
    security(("bearer" = [])),
    request_body = EvidenceBody,
    responses(
        (status = 201, description = "The evidence, recorded", body = Evidence),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, the token of another city, or a city stating anything but its self-assessment", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The same evidence (city, topic, kind, year, level, source) is recorded already", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_evidence(
    State(state): State<App>,
    caller: Caller,
    Body(b): Body<EvidenceBody>,
) -> Result<(StatusCode, Json<Evidence>), ApiError> {
    let kind = EvidenceKind::parse(&b.kind)?;
    let city = CityId(b.city);
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

#[utoipa::path(
    delete,
    path = "/api/evidence/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "Evidence id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The evidence is deleted"),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such evidence", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn delete_evidence(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
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

pub fn router() -> Router<App> {
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
