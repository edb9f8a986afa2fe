//! `/api/offers`: a member city's support offer. Lists are open; writes
//! need the secretariat's token or the city's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Deserialize;

use super::support::{
    Holder, ListFilter, check_holder, date, languages, modalities, note, page, topic_ids,
};
use super::{ApiError, AppState, Body, Caller, Id, Params};
use crate::domain::{Capacity, CityId, SupportOffer};
use crate::store::{Actor, Page};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// Required when creating; must match when replacing.
    pub city: Option<i64>,
    pub topics: Vec<String>,
    pub capacity: i64,
    pub languages: Vec<String>,
    pub modalities: Vec<String>,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    #[serde(default)]
    pub note: String,
}

async fn parse_offer(
    state: &AppState,
    city: CityId,
    id: i64,
    b: &OfferBody,
) -> Result<SupportOffer, ApiError> {
    let topics = state.store.list_topics().await?;
    Ok(SupportOffer::new(
        id,
        city,
        topic_ids(&topics, "topics", &b.topics)?,
        Capacity::parse(b.capacity)?,
        languages(&b.languages)?,
        modalities(&b.modalities)?,
        date("available_from", &b.available_from)?,
        date("available_until", &b.available_until)?,
        note(&b.note)?,
        "entered through the API".into(),
    )?)
}

async fn find(state: &AppState, id: i64) -> Result<SupportOffer, ApiError> {
    state
        .store
        .list_offers()
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("offer {id} does not exist")))
}

/// Creates `city`'s offer from `body` (`POST /api/offers` and the offer
/// page): the city must be a member without an offer.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    city: CityId,
    body: &OfferBody,
) -> Result<SupportOffer, ApiError> {
    check_holder(state, city, Holder::Offer).await?;
    if state.store.offer_of(city).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "city {city} already has an offer: replace it with PUT /api/offers/{{id}}"
        )));
    }
    let offer = parse_offer(state, city, 0, body).await?;
    Ok(state.store.put_offer(actor, &offer).await?)
}

/// Replaces the offer `current` with `body` (`PUT /api/offers/{id}` and
/// the offer page).
pub(crate) async fn replace(
    state: &AppState,
    actor: &Actor,
    current: &SupportOffer,
    body: &OfferBody,
) -> Result<SupportOffer, ApiError> {
    if body.city.is_some_and(|c| c != current.city.0) {
        return Err(ApiError::invalid(
            "city",
            "an offer cannot move to another city",
        ));
    }
    let offer = parse_offer(state, current.city, current.id, body).await?;
    Ok(state.store.put_offer(actor, &offer).await?)
}

/// Creates or replaces `city`'s offer: what the offer page saves.
pub(crate) async fn save(
    state: &AppState,
    actor: &Actor,
    city: CityId,
    body: &OfferBody,
) -> Result<SupportOffer, ApiError> {
    match state.store.offer_of(city).await? {
        Some(current) => replace(state, actor, &current, body).await,
        None => create(state, actor, city, body).await,
    }
}

#[utoipa::path(
    get,
    path = "/api/offers",
    tag = "offers",
    params(
        ("city" = Option<i64>, Query, description = "City id"),
        ("topic" = Option<String>, Query, description = "A topic's slug or name"),
        ("language" = Option<crate::domain::Language>, Query, description = "An ISO 639-1 code (or English, French, Arabic, Portuguese, Spanish)"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of offers", body = Page<SupportOffer>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_offers(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Page<SupportOffer>>, ApiError> {
    params.only(&["city", "topic", "language", "page", "per_page"])?;
    let filter = ListFilter::from_params(&params, &state.store.list_topics().await?)?;
    let paging = params.paging()?;
    let offers = state
        .store
        .list_offers()
        .await?
        .into_iter()
        .filter(|o| filter.keeps(o.city, &o.topics, &o.languages))
        .collect();
    Ok(Json(page(offers, paging)))
}

#[utoipa::path(
    post,
    path = "/api/offers",
    tag = "offers",
    security(("bearer" = [])),
    request_body = OfferBody,
    responses(
        (status = 201, description = "The offer, created", body = SupportOffer),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The city already has an offer", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_offer(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<OfferBody>,
) -> Result<(StatusCode, Json<SupportOffer>), ApiError> {
    let city =
        CityId(body.city.ok_or_else(|| {
            ApiError::invalid("city", "city (the offering city's id) is required")
        })?);
    let actor = caller.acting_for(city)?;
    Ok((
        StatusCode::CREATED,
        Json(create(&state, &actor, city, &body).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/api/offers/{id}",
    tag = "offers",
    params(("id" = i64, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The offer", body = SupportOffer),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such offer", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_offer(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<SupportOffer>, ApiError> {
    Ok(Json(find(&state, id).await?))
}

#[utoipa::path(
    put,
    path = "/api/offers/{id}",
    tag = "offers",
    params(("id" = i64, Path, description = "Offer id")),
    security(("bearer" = [])),
    request_body = OfferBody,
    responses(
        (status = 200, description = "The offer, replaced", body = SupportOffer),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such offer", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn replace_offer(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<OfferBody>,
) -> Result<Json<SupportOffer>, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    Ok(Json(replace(&state, &actor, &current, &body).await?))
}

#[utoipa::path(
    delete,
    path = "/api/offers/{id}",
    tag = "offers",
    params(("id" = i64, Path, description = "Offer id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The offer is retired"),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such offer", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn retire_offer(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    let current = find(&state, id).await?;
    let actor = caller.acting_for(current.city)?;
    retire(&state, &actor, current.city).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Retires `city`'s offer (`DELETE /api/offers/{id}` and the offer page).
pub(crate) async fn retire(state: &AppState, actor: &Actor, city: CityId) -> Result<(), ApiError> {
    Ok(state.store.retire_offer(actor, city).await?)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/offers", get(list_offers).post(create_offer))
        .route(
            "/api/offers/{id}",
            get(get_offer).put(replace_offer).delete(retire_offer),
        )
}
