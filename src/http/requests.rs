//! `/api/requests`: an applicant city's request for support. Lists are
//! open; writes need the secretariat's token or the city's own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Deserialize;

use super::support;
use super::{ApiError, App, Body, Caller, Id, Params};
use crate::app::held;
use crate::app::held::RequestDraft;
use crate::domain::SupportRequest;
use crate::store::Page;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    pub topic: String,
    /// 1 (nice to have) to 5 (urgent).
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// Required when creating; must match when replacing.
    #[schema(value_type = Option<crate::http::openapi::words::CityIdOrName>)]
    pub city: Option<i64>,
    #[schema(min_items = 1)]
    pub needs: Vec<NeedBody>,
    #[schema(min_items = 1)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub modalities: Vec<String>,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 5)]
    pub max_mentors: i64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

fn one() -> i64 {
    1
}

impl RequestBody {
    fn draft(&self) -> RequestDraft {
        RequestDraft {
            needs: self
                .needs
                .iter()
                .map(|n| (n.topic.clone(), n.priority))
                .collect(),
            languages: self.languages.clone(),
            modalities: self.modalities.clone(),
            max_mentors: self.max_mentors,
            note: self.note.clone(),
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/requests",
    tag = "requests",
    params(support::HeldListQuery),
    responses(
        (status = 200, description = "One page of requests", body = Page<SupportRequest>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_requests(
    State(app): State<App>,
    params: Params,
) -> Result<Json<Page<SupportRequest>>, ApiError> {
    params.only(&["city", "topic", "language", "page", "per_page"])?;
    support::list(&app, &params).await
}

#[utoipa::path(
    post,
    path = "/api/requests",
    tag = "requests",
    security(("bearer" = [])),
    request_body = RequestBody,
    responses(
        (status = 201, description = "The request, created", body = SupportRequest),
        (status = 409, description = "The city already has a request", body = crate::http::openapi::ErrorBody),
        support::HeldWriteRefusals,
    ),
)]
async fn create_request(
    State(app): State<App>,
    caller: Caller,
    Body(body): Body<RequestBody>,
) -> Result<(StatusCode, Json<SupportRequest>), ApiError> {
    let missing = "city (the applicant city's id) is required";
    support::create(&app, &caller, body.city, missing, &body.draft()).await
}

#[utoipa::path(
    get,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = SupportRequest),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn get_request(State(app): State<App>, Id(id): Id) -> Result<Json<SupportRequest>, ApiError> {
    Ok(Json(held::find(&app, id).await?))
}

#[utoipa::path(
    put,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    security(("bearer" = [])),
    request_body = RequestBody,
    responses(
        (status = 200, description = "The request, replaced", body = SupportRequest),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
        support::HeldWriteRefusals,
    ),
)]
async fn replace_request(
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
    Body(body): Body<RequestBody>,
) -> Result<Json<SupportRequest>, ApiError> {
    support::replace::<SupportRequest>(&app, &caller, id, body.city, &body.draft()).await
}

#[utoipa::path(
    delete,
    path = "/api/requests/{id}",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The request is retired"),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "An observer token, or the token of another city", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such request", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn retire_request(
    State(app): State<App>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, ApiError> {
    support::retire::<SupportRequest>(&app, &caller, id).await
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/requests", get(list_requests).post(create_request))
        .route(
            "/api/requests/{id}",
            get(get_request).put(replace_request).delete(retire_request),
        )
}
