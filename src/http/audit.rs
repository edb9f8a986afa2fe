//! `GET /api/audit` and `GET /api/bans`: the secretariat's record of every
//! change (who, role, when, what, before and after, reason) and of the
//! pairs excluded from later runs.

use axum::extract::State;
use axum::{Json, Router, routing::get};

use super::{ApiError, AppState, Caller, Params};
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

async fn list_audit(
    State(state): State<AppState>,
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

async fn list_bans(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Json<Vec<Ban>>, ApiError> {
    caller.secretariat()?;
    params.only(&[])?;
    Ok(Json(state.store.list_bans().await?))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/audit", get(list_audit))
        .route("/api/bans", get(list_bans))
}
