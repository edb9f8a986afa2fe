//! `GET /api/countries` (read-only), filterable by region, LDC and African status.

use axum::{Json, Router, extract::State, routing::get};

use super::{ApiError, AppState, Params};
use crate::domain::{Country, Region};

async fn list_countries(
    State(state): State<AppState>,
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

pub fn router() -> Router<AppState> {
    Router::new().route("/api/countries", get(list_countries))
}
