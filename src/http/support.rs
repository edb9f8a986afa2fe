//! What the offer and request routes share: the list filters of the query
//! string.

use super::{ApiError, Params};
use crate::app::held::{HeldFilter, topic_id};
use crate::domain::{CityId, Language, Topic};

/// The filters of `GET /api/offers` and `GET /api/requests`.
pub fn held_filter(params: &Params, topics: &[Topic]) -> Result<HeldFilter, ApiError> {
    Ok(HeldFilter {
        city: params.number::<i64>("city")?.map(CityId),
        topic: params
            .str("topic")
            .map(|t| topic_id(topics, "topic".into(), t))
            .transpose()?,
        language: params.parse("language", Language::parse)?,
    })
}

use axum::Json;
use axum::http::StatusCode;
use serde::Serialize;

use super::{App, Caller};
use crate::app::held::{self, Holding};
use crate::store::Page;

/// One page of the `H`s the query's filters keep.
pub async fn list<H: Holding + Serialize>(
    app: &App,
    params: &Params,
) -> Result<Json<Page<H>>, ApiError> {
    let filter = held_filter(params, &app.store.list_topics().await?)?;
    Ok(Json(held::list(app, &filter, params.paging()?).await?))
}

/// Creates the `H` of the body's `city`, for that city's token or the
/// secretariat's; `missing` is the message when the body names no city.
pub async fn create<H: Holding + Serialize>(
    app: &App,
    caller: &Caller,
    city: Option<i64>,
    missing: &str,
    draft: &H::Draft,
) -> Result<(StatusCode, Json<H>), ApiError> {
    let city = CityId(city.ok_or_else(|| ApiError::invalid("city", missing))?);
    let actor = caller.acting_for(city)?;
    Ok((
        StatusCode::CREATED,
        Json(held::create::<H>(app, &actor, city, draft).await?),
    ))
}

/// Replaces `H` `id`, for its city's token or the secretariat's.
pub async fn replace<H: Holding + Serialize>(
    app: &App,
    caller: &Caller,
    id: i64,
    city: Option<i64>,
    draft: &H::Draft,
) -> Result<Json<H>, ApiError> {
    let current = held::find::<H>(app, id).await?;
    let actor = caller.acting_for(current.city())?;
    Ok(Json(
        held::replace(app, &actor, &current, city.map(CityId), draft).await?,
    ))
}

/// Withdraws `H` `id`, for its city's token or the secretariat's.
pub async fn retire<H: Holding>(
    app: &App,
    caller: &Caller,
    id: i64,
) -> Result<StatusCode, ApiError> {
    let current = held::find::<H>(app, id).await?;
    let actor = caller.acting_for(current.city())?;
    held::retire::<H>(app, &actor, current.city()).await?;
    Ok(StatusCode::NO_CONTENT)
}
