//! The one API error type: a stable machine-readable `code`, a message a
//! person can act on, and the offending `field` when there is one.
//! Internal errors are logged and never leaked.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::DomainError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    /// 400: a parameter or body field is wrong.
    Invalid { field: String, message: String },
    /// 400: a query parameter this route does not know.
    UnknownParameter(String),
    /// 400: the body is not JSON at all.
    MalformedJson(String),
    /// 401: no token, or an unknown or revoked one.
    Unauthorized(String),
    /// 403: the token's role or city does not allow this.
    Forbidden(String),
    /// 404
    NotFound(String),
    /// 405: the route exists, the method does not.
    MethodNotAllowed,
    /// 413: a body over the limit.
    TooLarge,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType,
    /// 409
    Conflict(String),
    /// 409: the resource changed since the caller read it; `current` is its state now.
    Stale {
        message: String,
        current: serde_json::Value,
    },
    /// 409: the workflow forbids this step from the current state.
    Transition {
        message: String,
        current: serde_json::Value,
    },
    /// 500: logged, answered with a generic message.
    Internal(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<&'a serde_json::Value>,
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &str, Option<&str>) {
        match self {
            ApiError::Invalid { field, message } => (
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                message,
                Some(field),
            ),
            ApiError::UnknownParameter(p) => {
                (StatusCode::BAD_REQUEST, "unknown_parameter", p, None)
            }
            ApiError::MalformedJson(m) => {
                (StatusCode::BAD_REQUEST, "malformed_json", m, Some("body"))
            }
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m, None),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, None),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m, None),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method (see /api/openapi.json)",
                None,
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than 256 KiB",
                Some("body"),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
                Some("body"),
            ),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m, None),
            ApiError::Stale { message, .. } => (
                StatusCode::CONFLICT,
                "version_conflict",
                message,
                Some("version"),
            ),
            ApiError::Transition { message, .. } => (
                StatusCode::CONFLICT,
                "invalid_transition",
                message,
                Some("status"),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; the details are in the server log",
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, code, message, field) = self.parts();
        let field = match (&self, field) {
            (ApiError::UnknownParameter(p), _) => Some(p.as_str()),
            (_, f) => f,
        };
        let message = match &self {
            ApiError::UnknownParameter(p) => format!("unknown query parameter '{p}'"),
            _ => message.to_string(),
        };
        let current = match &self {
            ApiError::Stale { current, .. } | ApiError::Transition { current, .. } => Some(current),
            _ => None,
        };
        let error = Detail {
            code,
            message: &message,
            field,
            current,
        };
        (status, Json(Body { error })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => {
                ApiError::NotFound(format!("{what} {id} does not exist"))
            }
            StoreError::Conflict(m) | StoreError::Changed(m) => ApiError::Conflict(m),
            StoreError::Invalid { field, reason } => ApiError::invalid(field, reason),
            StoreError::Other(m) => ApiError::Internal(m),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError::invalid(e.field, e.reason)
    }
}

impl From<crate::app::AppError> for ApiError {
    fn from(e: crate::app::AppError) -> Self {
        use crate::app::AppError;
        let json = |p: &crate::store::StoredProposal| serde_json::to_value(p).unwrap_or_default();
        match e {
            AppError::Invalid { field, message, .. } => ApiError::Invalid { field, message },
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Stale { message, current } => ApiError::Stale {
                message,
                current: json(&current),
            },
            AppError::Transition { message, current } => ApiError::Transition {
                message,
                current: json(&current),
            },
            AppError::Internal(m) => ApiError::Internal(m),
        }
    }
}
