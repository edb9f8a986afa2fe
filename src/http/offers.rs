//! `/api/offers`: a member city's support offer. Lists are open; writes
//! need the secretariat's token or the city's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Deserialize;

use super::support;
use super::{ApiError, App, Body, Caller, Id, Params};
use crate::app::held;
use crate::app::held::OfferDraft;
use crate::domain::SupportOffer;
use crate::store::Page;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    /// Required when creating; must match when replacing.
    #[schema(value_type = Option<crate::http::openapi::words::CityIdOrName>)]
    pub city: Option<i64>,
    #[schema(min_items = 1)]
    pub topics: Vec<String>,
    #[schema(minimum = 1, maximum = 20)]
    pub capacity: i64,
    #[schema(min_items = 1)]
    pub languages: Vec<String>,
    #[schema(min_items = 1)]
    pub modalities: Vec<String>,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

impl OfferBody {
    fn draft(&self) -> OfferDraft {
        OfferDraft {
            topics: self.topics.clone(),
            capacity: self.capacity,
            languages: self.languages.clone(),
            modalities: self.modalities.clone(),
            available_from: self.available_from.clone(),
            available_until: self.available_until.clone(),
            note: self.note.clone(),
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/offers",
    tag = "offers",
    params(support::HeldListQuery),
    responses(
        (status = 200, description = "One page of offers", body = Page<SupportOffer>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_offers(
    State(app): State<App>,
    params: Params,
) -> Result<Json<Page<SupportOffer>>, ApiError> {
    params.only(&["city", "topic", "language", "page", "per_page"])?;
    support::list(&app, &params).await
}

#[utoipa::path(
    post,
    path = "/api/offers",
    tag = "offers",
    security(("bearer" = [])),
    request_body = OfferBody,
    responses(
        (status = 201, description = "The offer, created", body = SupportOffer),
        (status = 409, description = "The city already has an offer", body = crate::http::openapi::ErrorBody),
        support::HeldWriteRefusals,
    ),
)]
async fn create_offer(
    State(app): State<App>,
    caller: Caller,
    Body(body): Body<OfferBody>,
) -> Result<(StatusCode, Json<SupportOffer>), ApiError> {
    let missing = "city (the offering city's id) is required";
    support::create(&app, &caller, body.city, missing, &body.draft()).await
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
async fn get_offer(State(app): State<App>, Id(id): Id) -> Result<Json<SupportOffer>, ApiError> {
    Ok(Json(held::find(&app, id).await?))
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
        (status = 404, description = "No such offer", body = crate::http::openapi::ErrorBody),
        support::HeldWriteRefusals,
    ),
)]
async fn replace_offer(
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<OfferBody>,
) -> Result<Json<SupportOffer>, ApiError> {
    support::replace::<SupportOffer>(&app, &caller, id, body.city, &body.draft()).await
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
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    support::retire::<SupportOffer>(&app, &caller, id).await
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/offers", get(list_offers).post(create_offer))
        .route(
            "/api/offers/{id}",
            get(get_offer).put(replace_offer).delete(retire_offer),
        )
}
