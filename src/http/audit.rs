//! `GET /api/audit` and `GET /api/bans`: the secretariat's record of every
//! change (who, role, when, what, before and after, reason) and of the
//! pairs excluded from later runs.

use axum::extract::State;
use axum::{Json, Router, routing::get};

use super::{ApiError, App, Caller, Params};
use crate::domain::CityId;
use crate::store::{AuditEntry, AuditQuery, Ban, Page};

const KINDS: [&str; 10] = [
    "city",
    "twin_link",
    "cluster_membership",
    "evidence",
    "topic",
    "offer",
    "request",
    "run",
    "proposal",
    "token",
];

#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "secretariat",
    params(
        ("city" = Option<i64>, Query, description = "Changes concerning this city"),
        ("kind" = Option<crate::http::openapi::words::AuditKindWord>, Query, description = "What changed: city, twin_link, cluster_membership, evidence, topic, offer, request, run, proposal or token (a ban is recorded with its run or its declined proposal)"),
        ("page" = Option<u32>, Query, description = "Page number, from 1 (default 1)", minimum = 1, maximum = 4294967295_u64),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)", minimum = 1, maximum = 500),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of the audit trail, latest first", body = Page<AuditEntry>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_audit(
    State(state): State<App>,
    caller: Caller,
    params: Params,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    caller.secretariat()?;
    params.only(&["city", "kind", "page", "per_page"])?;
    let kind = params.parse("kind", |k| {
        if KINDS.contains(&k) {
            Ok(k.to_string())
        } else {
            Err(format!("'{k}' is not a kind ({})", KINDS.join(", ")))
        }
    })?;
    let query = AuditQuery {
        city: params.number::<i64>("city")?.map(CityId),
        kind,
        paging: params.paging()?,
    };
    Ok(Json(state.store.list_audit(&query).await?))
}

#[utoipa::path(
    get,
    path = "/api/bans",
    tag = "secretariat",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The pairs excluded from later runs", body = Vec<Ban>),
        (status = 400, description = "A query parameter is wrong or unknown (`invalid_parameter`, `unknown_parameter`)", body = crate::http::openapi::ErrorBody),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::http::openapi::ErrorBody),
        (status = 403, description = "The token is not the secretariat's", body = crate::http::openapi::ErrorBody),
    ),
)]
async fn list_bans(
    State(state): State<App>,
    caller: Caller,
    params: Params,
) -> Result<Json<Vec<Ban>>, ApiError> {
    caller.secretariat()?;
    params.only(&[])?;
    Ok(Json(state.store.list_bans().await?))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/api/audit", get(list_audit))
        .route("/api/bans", get(list_bans))
}
