//! `GET /api/cities` (filters, sorting, pagination) and `GET /api/cities/{id}`
//! (the city with its country, links, clusters, evidence, offer and request).

use axum::extract::{Path, State};
use axum::{Json, Router, routing::get};
use serde::Serialize;

use super::{ApiError, AppState, Params};
use crate::domain::{
    City, CityId, ClusterMembership, Country, CountryCode, Evidence, Region, SupportOffer,
    SupportRequest, names::name_key,
};
use crate::store::{CityQuery, CitySort, LinkQuery, LinkView, Page, Paging};

#[utoipa::path(
    get,
    path = "/api/cities",
    tag = "network",
    params(
        ("status" = Option<String>, Query, description = "member, applicant or partner"),
        ("country" = Option<CountryCode>, Query, description = "ISO 3166-1 alpha-2 code"),
        ("region" = Option<Region>, Query, description = "A UNESCO region, by label or slug (arab-states)"),
        ("ldc" = Option<bool>, Query, description = "In a least developed country"),
        ("african" = Option<bool>, Query, description = "In an African country"),
        ("q" = Option<String>, Query, description = "Part of the name or an alias (accents and case ignored)"),
        ("sort" = Option<String>, Query, description = "name (default), id or country"),
        ("order" = Option<String>, Query, description = "asc (default) or desc"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of cities", body = Page<City>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_cities(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Page<City>>, ApiError> {
    params.only(&[
        "status", "country", "region", "ldc", "african", "q", "sort", "order", "page", "per_page",
    ])?;
    let query = CityQuery {
        status: params.parse("status", |s| match s {
            "member" => Ok("member"),
            "applicant" => Ok("applicant"),
            "partner" => Ok("partner"),
            _ => Err(format!(
                "'{s}' is not a status (member, applicant, partner)"
            )),
        })?,
        country: params.parse("country", CountryCode::parse)?,
        region: params.parse("region", Region::parse)?,
        ldc: params.bool("ldc")?,
        african: params.bool("african")?,
        name_contains: params.str("q").map(name_key).filter(|k| !k.is_empty()),
        sort: params
            .parse("sort", |s| match s {
                "name" => Ok(CitySort::Name),
                "id" => Ok(CitySort::Id),
                "country" => Ok(CitySort::Country),
                _ => Err(format!("'{s}' is not a sort key (name, id, country)")),
            })?
            .unwrap_or_default(),
        descending: params
            .parse("order", |o| match o {
                "asc" => Ok(false),
                "desc" => Ok(true),
                _ => Err(format!("'{o}' is not an order (asc, desc)")),
            })?
            .unwrap_or(false),
        paging: params.paging()?,
    };
    Ok(Json(state.store.list_cities(&query).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct CityDetail {
    #[serde(flatten)]
    city: City,
    country_detail: Option<Country>,
    links: Vec<LinkView>,
    clusters: Vec<ClusterMembership>,
    evidence: Vec<Evidence>,
    offer: Option<SupportOffer>,
    request: Option<SupportRequest>,
}

#[utoipa::path(
    get,
    path = "/api/cities/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "City id")),
    responses(
        (status = 200, description = "The city with its country, links, clusters, evidence, offer and request", body = CityDetail),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_city(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CityDetail>, ApiError> {
    let id = id
        .parse::<i64>()
        .map(CityId)
        .map_err(|_| ApiError::invalid("id", format!("'{id}' is not a city id (a number)")))?;
    let store = &state.store;
    let city = store.get_city(id).await?;
    let country_detail = store
        .list_countries()
        .await?
        .into_iter()
        .find(|c| c.code == city.country);
    let links = store
        .list_twin_links(&LinkQuery {
            city: Some(id),
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
            ..LinkQuery::default()
        })
        .await?
        .items;
    Ok(Json(CityDetail {
        country_detail,
        links,
        clusters: store.memberships_of(id).await?,
        evidence: store.evidence_of(id).await?,
        offer: store.offer_of(id).await?,
        request: store.request_of(id).await?,
        city,
    }))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/cities", get(list_cities))
        .route("/api/cities/{id}", get(get_city))
}
