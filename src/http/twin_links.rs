//! `GET /api/twin-links`: paginated, filterable by city, country, kind, state.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, AppState, Params};
use crate::domain::{CityId, CountryCode, LinkKind};
use crate::store::{LinkQuery, LinkView, Page};

async fn list_twin_links(
    State(state): State<AppState>,
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

pub fn router() -> Router<AppState> {
    Router::new().route("/api/twin-links", get(list_twin_links))
}
