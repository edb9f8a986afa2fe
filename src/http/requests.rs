//! `/api/requests`: an applicant city's request for support. Lists are
//! open; writes need the secretariat's token or the city's own.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Deserialize;

use super::support::{
    Holder, ListFilter, check_holder, languages, modalities, note, page, topic_id,
};
use super::{ApiError, AppState, Body, Caller, Params};
use crate::domain::{CityId, Need, Priority, SupportRequest};
use crate::store::Page;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    pub topic: String,
    pub priority: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// Required when creating; must match when replacing.
    pub city: Option<i64>,
    pub needs: Vec<NeedBody>,
    pub languages: Vec<String>,
    #[serde(default)]
    pub modalities: Vec<String>,
    #[serde(default = "one")]
    pub max_mentors: i64,
    #[serde(default)]
    pub note: String,
}

fn one() -> i64 {
    1
}

async fn parse_request(
    state: &AppState,
    city: CityId,
    id: i64,
    b: &RequestBody,
) -> Result<SupportRequest, ApiError> {
    let topics = state.store.list_topics().await?;
    let needs = b
        .needs
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Ok(Need {
                topic: topic_id(&topics, format!("needs[{i}].topic"), &n.topic)?,
                priority: Priority::parse(n.priority)
                    .map_err(|e| ApiError::invalid(format!("needs[{i}].priority"), e.reason))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(SupportRequest::new(
        id,
        city,
        needs,
        languages(&b.languages)?,
        modalities(&b.modalities)?,
        b.max_mentors,
        note(&b.note)?,
        "entered through the API".into(),
    )?)
}

async fn find(state: &AppState, id: i64) -> Result<SupportRequest, ApiError> {
    state
        .store
        .list_requests()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("request {id} does not exist")))
}

async fn list_requests(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Page<SupportRequest>>, ApiError> {
    params.only(&["city", "topic", "language", "page", "per_page"])?;
    let filter = ListFilter::from_params(&params, &state.store.list_topics().await?)?;
    let paging = params.paging()?;
    let requests = state
        .store
        .list_requests()
        .await?
        .into_iter()
        .filter(|r| {
            filter.keeps(
                r.city,
                &r.needs.iter().map(|n| n.topic).collect::<Vec<_>>(),
                &r.languages,
            )
        })
        .collect();
    Ok(Json(page(requests, paging)))
}

async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<RequestBody>,
) -> Result<(StatusCode, Json<SupportRequest>), ApiError> {
    let city =
        CityId(body.city.ok_or_else(|| {
            ApiError::invalid("city", "city (the applicant city's id) is required")
        })?);
    let actor = caller.acting_for(city)?;
    check_holder(&state, city, Holder::Request).await?;
    if state.store.request_of(city).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "city {city} already has a request: replace it with PUT /api/requests/{{id}}"
        )));
    }
    let request = parse_request(&state, city, 0, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.put_request(&actor, &request).await?),
    ))
}

async fn get_request(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<SupportRequest>, ApiError> {
    Ok(Json(find(&state, id).await?))
}

async fn replace_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(body): Body<RequestBody>,
) -> Result<Json<SupportRequest>, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    if body.city.is_some_and(|c| c != current.city.0) {
        return Err(ApiError::invalid(
            "city",
            "a request cannot move to another city",
        ));
    }
    let request = parse_request(&state, current.city, id, &body).await?;
    Ok(Json(state.store.put_request(&actor, &request).await?))
}

async fn retire_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    state.store.retire_request(&actor, current.city).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/requests", get(list_requests).post(create_request))
        .route(
            "/api/requests/{id}",
            get(get_request).put(replace_request).delete(retire_request),
        )
}
