//! `GET /api/countries` (read-only), filterable by region, LDC and African status.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, App, Params};
use crate::domain::{Country, Region};

#[utoipa::path(
    get,
    path = "/api/countries",
    tag = "network",
    params(
        ("region" = Option<Region>, Query, description = "A UNESCO region, by label or slug"),
        ("ldc" = Option<bool>, Query, description = "Least developed countries only (or none)"),
        ("african" = Option<bool>, Query, description = "African countries only (or none)"),
    ),
    responses(
        (status = 200, description = "The countries", body = Vec<Country>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_countries(
    State(state): State<App>,
    params: Params,
) -> Result<Json<Vec<Country>>, ApiError> {
    params.only(&["region", "ldc", "african"])?;
    let region = params.parse("region", Region::parse)?;
    let ldc = params.bool("ldc")?;
    let african = params.bool("african")?;
    let countries = state
        .store
        .list_countries()
        .await?
        .into_iter()
        .filter(|c| region.is_none_or(|r| c.region == r))
        .filter(|c| ldc.is_none_or(|l| c.is_ldc == l))
        .filter(|c| african.is_none_or(|a| c.is_african == a))
        .collect();
    Ok(Json(countries))
}

pub fn router() -> Router<App> {
    Router::new().route("/api/countries", get(list_countries))
}
