//! What the offer and request routes share: the list filters of the query
//! string, the handlers' bodies, and the parts of their documentation that
//! are the same for both.

use axum::Json;
use axum::http::StatusCode;
use serde::Serialize;

use super::openapi::ErrorBody;
use super::{ApiError, App, Caller, Params};
use crate::app::held::{self, HeldFilter, Holding, topic_id};
use crate::domain::{CityId, Language, Topic};
use crate::store::Page;

/// The query of `GET /api/offers` and `GET /api/requests`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: `held_filter` reads the query
pub struct HeldListQuery {
    /// City id
    city: Option<i64>,
    /// A topic's slug or name
    topic: Option<String>,
    /// An ISO 639-1 code (or English, French, Arabic, Portuguese, Spanish)
    language: Option<crate::domain::Language>,
    /// Page number, from 1 (default 1)
    #[param(minimum = 1, maximum = 4294967295_u64)]
    page: Option<u32>,
    /// Items per page, 1 to 500 (default 50)
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

/// What a write of an offer or a request may be refused with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only: `ApiError` answers these
pub enum HeldWriteRefusals {
    #[response(
        status = 400,
        description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)"
    )]
    Invalid(ErrorBody),
    #[response(status = 401, description = "No token, or an unknown or revoked one")]
    Unauthorized(ErrorBody),
    #[response(
        status = 403,
        description = "An observer token, or the token of another city"
    )]
    Forbidden(ErrorBody),
    #[response(status = 413, description = "The body is larger than 256 KiB")]
    TooLarge(ErrorBody),
    #[response(
        status = 415,
        description = "The body is not sent as `application/json`"
    )]
    NotJson(ErrorBody),
}

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
