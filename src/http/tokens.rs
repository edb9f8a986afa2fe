//! `/api/tokens`: the secretariat creates, lists and revokes API tokens.
//! A token's secret is shown once, in the creation response.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, App, Body, Caller, Id, Secretariat};
use crate::domain::{CityId, Role};
use crate::store::TokenInfo;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub role: String,
    /// The city of a city token.
    #[schema(value_type = Option<crate::http::openapi::words::CityIdOrName>)]
    pub city: Option<i64>,
    #[serde(default)]
    pub label: String,
}

#[utoipa::path(
    post,
    path = "/api/tokens",
    tag = "secretariat",
    security(("bearer" = [])),
    request_body = TokenBody,
    responses(
        (status = 201, description = "The token: its secret is shown this once", body = crate::http::openapi::CreatedToken),
        (status = 400, description = "The body is not JSON (`malformed_json`) or a field is wrong (`invalid_parameter`, `field` names it)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 413, description = "The body is larger than 256 KiB", body = crate::http::openapi::ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn create_token(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Body(b): Body<TokenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let role = Role::parse(&b.role, b.city.map(CityId))?;
    if b.label.chars().count() > 200 {
        return Err(ApiError::invalid(
            "label",
            "a label has at most 200 characters",
        ));
    }
    if let Some(c) = role.city() {
        state
            .store
            .get_city(c)
            .await
            .map_err(|_| ApiError::invalid("city", format!("city {c} does not exist")))?;
    }
    let (secret, hash) = crate::auth::new_token().map_err(|e| ApiError::Internal(e.to_string()))?;
    let info = state
        .store
        .create_token(&actor, role, b.label.trim(), &hash)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": secret, "info": info })),
    ))
}

#[utoipa::path(
    get,
    path = "/api/tokens",
    tag = "secretariat",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token (never its secret)", body = Vec<TokenInfo>),
        (status = 400, description = "A query parameter (`unknown_parameter`): this list takes none", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_tokens(
    State(state): State<App>,
    caller: Caller,
    params: super::Params,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    caller.secretariat()?;
    params.only(&[])?;
    Ok(Json(state.store.list_tokens().await?))
}

#[utoipa::path(
    post,
    path = "/api/tokens/{id}/revoke",
    tag = "secretariat",
    params(("id" = i64, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token, revoked", body = TokenInfo),
        (status = 400, description = "The id is not a number", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
        (status = 404, description = "No such token", body = crate::http::openapi::ErrorBody),
        (status = 409, description = "The token is already revoked, or it is the last live secretariat token (create another first with `twinmatch token create`)", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn revoke_token(
    State(state): State<App>,
    Secretariat(actor): Secretariat,
    Id(id): Id,
) -> Result<Json<TokenInfo>, ApiError> {
    Ok(Json(state.store.revoke_token(&actor, id).await?))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/tokens", get(list_tokens).post(create_token))
        .route("/api/tokens/{id}/revoke", post(revoke_token))
}
