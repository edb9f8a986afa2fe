//! Extractors with our error format: `Caller` (the bearer token's holder),
//! `Id` (the route's numeric `{id}`) and `Body<T>` (JSON with the offending
//! field named on error).

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::{ApiError, App};
use crate::domain::{CityId, Role};
use crate::store::{Actor, TokenInfo};

/// Who calls: the holder of a live bearer token, or nobody.
pub struct Caller(pub Option<TokenInfo>);

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller(None));
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be 'Bearer <token>'".into())
            })?;
        let info = state
            .store
            .token_by_hash(&crate::auth::hash_token(token))
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown or revoked token".into()))?;
        Ok(Caller(Some(info)))
    }
}

impl Caller {
    fn actor(&self) -> Result<Actor, ApiError> {
        let info = self.0.as_ref().ok_or_else(|| {
            ApiError::Unauthorized(
                "this change needs an API token: send 'Authorization: Bearer <token>'".into(),
            )
        })?;
        Ok(Actor {
            token_id: Some(info.id),
            role: info.role,
        })
    }

    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|t| t.role)
    }

    /// The caller as a reader of the use-cases.
    pub fn reader(&self) -> crate::app::Reader {
        crate::app::Reader(self.role())
    }

    /// Any write: a token that is not an observer's.
    pub fn writer(&self) -> Result<Actor, ApiError> {
        let actor = self.actor()?;
        if actor.role == Role::Observer {
            return Err(ApiError::Forbidden("an observer token is read-only".into()));
        }
        Ok(actor)
    }

    pub fn secretariat(&self) -> Result<Actor, ApiError> {
        let actor = self.actor()?;
        if actor.role != Role::Secretariat {
            return Err(ApiError::Forbidden(format!(
                "only the secretariat may do this (this token is a {} token)",
                actor.role.name()
            )));
        }
        Ok(actor)
    }

    /// The secretariat, or the token of `city` itself.
    pub fn acting_for(&self, city: CityId) -> Result<Actor, ApiError> {
        let actor = self.writer()?;
        if !actor.role.may_act_for(city) {
            return Err(ApiError::Forbidden(format!(
                "this token acts for city {} and may not change the data of city {city}",
                actor
                    .role
                    .city()
                    .map_or_else(|| "?".into(), |c| c.to_string())
            )));
        }
        Ok(actor)
    }
}

/// A JSON body; errors name the field (`capacity`, `needs[2].priority`).
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::invalid("body", format!("unreadable body: {e}"))
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                ApiError::MalformedJson(inner.to_string())
            } else {
                let field = if field == "." || field.is_empty() {
                    // serde names unknown and missing fields in its message
                    inner
                        .to_string()
                        .split('`')
                        .nth(1)
                        .unwrap_or("body")
                        .to_string()
                } else {
                    field
                };
                ApiError::invalid(field, inner.to_string())
            }
        })
    }
}

/// The route's `{id}` segment as a number. Anything else (`abc`, `1.5`) is
/// refused as `invalid_parameter` on `id`, not with axum's plain-text 400.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| match e {
                // A route without exactly one parameter: a bug, not bad input.
                PathRejection::MissingPathParams(_) => ApiError::Internal(e.body_text()),
                _ => ApiError::invalid("id", format!("unreadable id: {}", e.body_text())),
            })?;
        raw.parse::<i64>()
            .map(Id)
            .map_err(|_| ApiError::invalid("id", format!("'{raw}' is not an id (a whole number)")))
    }
}
