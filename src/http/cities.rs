//! `GET /api/cities` (filters, sorting, pagination) and `GET /api/cities/{id}`
//! (the city with its country, links, clusters, evidence, offer and request).

use axum::extract::State;
use axum::{Json, Router, routing::get};
use serde::Serialize;

use super::{ApiError, App, Id, Params, Secretariat};
use crate::app::held::parse_each;
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
        ("status" = Option<crate::http::openapi::words::CityStatusWord>, Query, description = "member, applicant or partner"),
        ("country" = Option<CountryCode>, Query, description = "ISO 3166-1 alpha-2 code"),
        ("region" = Option<Region>, Query, description = "A UNESCO region, by label or slug (arab-states)"),
        ("ldc" = Option<bool>, Query, description = "In a least developed country"),
        ("african" = Option<bool>, Query, description = "In an African country"),
        ("q" = Option<String>, Query, description = "Part of the name or an alias (accents and case ignored)"),
        ("sort" = Option<crate::http::openapi::words::CitySortWord>, Query, description = "name (default), id or country"),
        ("order" = Option<crate::http::openapi::words::OrderWord>, Query, description = "asc (default) or desc"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "One page of cities", body = Page<City>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_cities(
    State(state): State<App>,
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
async fn get_city(State(state): State<App>, Id(id): Id) -> Result<Json<CityDetail>, ApiError> {
    let id = CityId(id);
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

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/cities", get(list_cities))
        .route("/api/cities/{id}", get(get_city))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCityBody {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// ISO 3166-1 alpha-2 code of a known country.
    pub country: String,
    #[schema(value_type = crate::http::openapi::words::CityStatusWord)]
    pub status: String,
    /// Members only.
    #[schema(minimum = 2012, maximum = 2100)]
    pub year_joined: Option<i32>,
    /// Working languages (ISO 639-1 codes or English names); default: the country's.
    #[serde(default)]
    pub languages: Vec<String>,
    #[schema(minimum = 1)]
    pub population: Option<i64>,
    /// Where the facts come from; default: "entered through the API".
    #[serde(default)]
    pub source: String,
}

/// Fields a city's edit may change; absent ones stay as they are.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityPatch {
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// The secretariat only.
    #[schema(value_type = Option<crate::http::openapi::words::CityStatusWord>)]
    pub status: Option<String>,
    /// Members only (the secretariat only).
    #[schema(minimum = 2012, maximum = 2100)]
    pub year_joined: Option<i32>,
    /// At least one, when given.
    #[schema(min_items = 1)]
    pub languages: Option<Vec<String>>,
    #[schema(minimum = 1)]
    pub population: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/api/cities",
    tag = "network",
    security(("bearer" = [])),
    request_body = NewCityBody,
    responses(
        (status = 201, description = "The city, created", body = City),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The country already has a city of that name", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_city(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    super::Body(b): super::Body<NewCityBody>,
) -> Result<(axum::http::StatusCode, Json<City>), ApiError> {
    let city = City::new(
        CityId(0),
        crate::domain::CityName::parse(&b.name)?,
        CountryCode::parse(&b.country)?,
        crate::domain::CityStatus::parse(&b.status, b.year_joined)?,
        parse_each("languages", &b.languages, crate::domain::Language::parse)?,
        b.population,
        if b.source.trim().is_empty() {
            "entered through the API".into()
        } else {
            b.source.trim().to_string()
        },
    )?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(state.store.create_city(&actor, &city).await?),
    ))
}

/// A city edits its own profile; only the secretariat changes a status.
#[utoipa::path(
    patch,
    path = "/api/cities/{id}",
    tag = "network",
    params(("id" = i64, Path, description = "City id")),
    security(("bearer" = [])),
    request_body = CityPatch,
    responses(
        (status = 200, description = "The city, changed", body = City),
        (status = 400, description = "The id is not a number, the body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, the token of another city, or a city changing its status", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such city", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The country already has a city of that name", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn update_city(
    State(state): State<App>,
    caller: super::Caller,
    Id(id): Id,
    super::Body(p): super::Body<CityPatch>,
) -> Result<Json<City>, ApiError> {
    let id = CityId(id);
    let current = state.store.get_city(id).await?;
    let actor = if p.status.is_some() || p.year_joined.is_some() {
        caller.secretariat()?
    } else {
        caller.acting_for(id)?
    };
    let status = match (&p.status, p.year_joined) {
        (None, None) => current.status,
        (s, y) => crate::domain::CityStatus::parse(
            s.as_deref().unwrap_or(current.status.name()),
            y.or(current.status.year_joined()),
        )?,
    };
    let city = City::new(
        id,
        match &p.name {
            Some(n) => crate::domain::CityName::parse(n)?,
            None => current.name.clone(),
        },
        current.country.clone(),
        status,
        match &p.languages {
            Some(l) if l.is_empty() => {
                return Err(ApiError::invalid(
                    "languages",
                    "a city works in at least one language",
                ));
            }
            Some(l) => parse_each("languages", l, crate::domain::Language::parse)?,
            None => current.languages.clone(),
        },
        p.population.or(current.population),
        current.source.clone(),
    )?;
    Ok(Json(state.store.update_city(&actor, &city).await?))
}

pub fn write_router() -> Router<App> {
    Router::new()
        .route("/api/cities", axum::routing::post(create_city))
        .route("/api/cities/{id}", axum::routing::patch(update_city))
}
