//! `/api/tokens`: the secretariat creates, lists and revokes API tokens.
//! A token's secret is shown once, in the creation response.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, AppState, Body, Caller};
use crate::domain::{CityId, Role};
use crate::store::TokenInfo;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub role: String,
    pub city: Option<i64>,
    #[serde(default)]
    pub label: String,
}

async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<TokenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let actor = caller.secretariat()?;
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

async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    caller.secretariat()?;
    Ok(Json(state.store.list_tokens().await?))
}

async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TokenInfo>, ApiError> {
    let actor = caller.secretariat()?;
    Ok(Json(state.store.revoke_token(&actor, id).await?))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tokens", get(list_tokens).post(create_token))
        .route("/api/tokens/{id}/revoke", post(revoke_token))
}
