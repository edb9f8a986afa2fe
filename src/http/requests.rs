//! `/api/requests`: an applicant city's request for support. Lists are
//! open; writes need the secretariat's token or the city's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Deserialize;

use super::support::{
    Holder, ListFilter, check_holder, languages, modalities, note, page, topic_id,
};
use super::{ApiError, AppState, Body, Caller, Id, Params};
use crate::domain::{CityId, Need, Priority, SupportRequest};
use crate::store::{Actor, Page};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    pub topic: String,
    pub priority: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
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

/// Creates `city`'s request from `body` (`POST /api/requests` and the
/// request page): the city must be an applicant or partner without one.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    city: CityId,
    body: &RequestBody,
) -> Result<SupportRequest, ApiError> {
    check_holder(state, city, Holder::Request).await?;
    if state.store.request_of(city).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "city {city} already has a request: replace it with PUT /api/requests/{{id}}"
        )));
    }
    let request = parse_request(state, city, 0, body).await?;
    Ok(state.store.put_request(actor, &request).await?)
}

/// Replaces the request `current` with `body` (`PUT /api/requests/{id}`
/// and the request page).
pub(crate) async fn replace(
    state: &AppState,
    actor: &Actor,
    current: &SupportRequest,
    body: &RequestBody,
) -> Result<SupportRequest, ApiError> {
    if body.city.is_some_and(|c| c != current.city.0) {
        return Err(ApiError::invalid(
            "city",
            "a request cannot move to another city",
        ));
    }
    let request = parse_request(state, current.city, current.id, body).await?;
    Ok(state.store.put_request(actor, &request).await?)
}

/// Creates or replaces `city`'s request: what the request page saves.
pub(crate) async fn save(
    state: &AppState,
    actor: &Actor,
    city: CityId,
    body: &RequestBody,
) -> Result<SupportRequest, ApiError> {
    match state.store.request_of(city).await? {
        Some(current) => replace(state, actor, &current, body).await,
        None => create(state, actor, city, body).await,
    }
}

#[utoipa::path(
    get,
    path = "/api/requests",
    tag = "requests",
    params(
        ("city" = Option<i64>, Query, description = "City id"),
        ("topic" = Option<String>, Query, description = "A topic's slug or name"),
        ("language" = Option<crate::domain::Language>, Query, description = "An ISO 639-1 code (or English, French, Arabic, Portuguese, Spanish)"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of requests", body = Page<SupportRequest>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
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

#[utoipa::path(
    post,
    path = "/api/requests",
    tag = "requests",
    security(("bearer" = [])),
    request_body = RequestBody,
    responses(
        (status = 201, description = "The request, created", body = SupportRequest),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city already has a request", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
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
    Ok((
        StatusCode::CREATED,
        Json(create(&state, &actor, city, &body).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = SupportRequest),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_request(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<SupportRequest>, ApiError> {
    Ok(Json(find(&state, id).await?))
}

#[utoipa::path(
    put,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    security(("bearer" = [])),
    request_body = RequestBody,
    responses(
        (status = 200, description = "The request, replaced", body = SupportRequest),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn replace_request(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<RequestBody>,
) -> Result<Json<SupportRequest>, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    Ok(Json(replace(&state, &actor, &current, &body).await?))
}

#[utoipa::path(
    delete,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The request is retired"),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn retire_request(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    retire(&state, &actor, current.city).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Retires `city`'s request (`DELETE /api/requests/{id}` and the request page).
pub(crate) async fn retire(state: &AppState, actor: &Actor, city: CityId) -> Result<(), ApiError> {
    Ok(state.store.retire_request(actor, city).await?)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/requests", get(list_requests).post(create_request))
        .route(
            "/api/requests/{id}",
            get(get_request).put(replace_request).delete(retire_request),
        )
}
