//! `GET /api/twin-links`: paginated, filterable by city, country, kind, state.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, App, Params};
use crate::domain::{CityId, CountryCode, LinkKind};
use crate::store::{LinkQuery, LinkView, Page};

#[utoipa::path(
    get,
    path = "/api/twin-links",
    tag = "network",
    params(
        ("city" = Option<i64>, Query, description = "Links with this city at either end"),
        ("country" = Option<CountryCode>, Query, description = "Links with an end in this country"),
        ("kind" = Option<LinkKind>, Query, description = "The kind of link"),
        ("active" = Option<bool>, Query, description = "Only active (or inactive) links"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "One page of twin links with the names of their ends", body = Page<LinkView>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_twin_links(
    State(state): State<App>,
    params: Params,
) -> Result<Json<Page<LinkView>>, ApiError> {
    params.only(&["city", "country", "kind", "active", "page", "per_page"])?;
    let query = LinkQuery {
        city: params.number::<i64>("city")?.map(CityId),
        country: params.parse("country", CountryCode::parse)?,
        kind: params.parse("kind", LinkKind::parse)?,
        active: params.bool("active")?,
        paging: params.paging()?,
    };
    Ok(Json(state.store.list_twin_links(&query).await?))
}

pub fn router() -> Router<App> {
    Router::new().route("/api/twin-links", get(list_twin_links))
}
