//! The JSON API: one router per resource, merged here; [`ApiError`] is the
//! one error type. Build the app with [`app`], serve it with [`serve`] on a
//! listener and a shutdown future (tests bind port 0).

mod audit;
mod cities;
mod countries;
pub(crate) mod engine;
mod error;
mod extract;
mod health;
pub(crate) mod offers;
pub mod openapi;
mod params;
pub(crate) mod proposals;
pub(crate) mod requests;
pub(crate) mod runs;
pub(crate) mod stats;
mod support;
mod ties;
mod tokens;
mod topics;
mod twin_links;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use extract::{Body, Caller, Id};
pub use params::Params;

use crate::store::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Db>,
}

/// The whole HTTP application.
pub fn app(store: Arc<dyn Db>) -> Router {
    let state = AppState { store };
    Router::new()
        .merge(health::router())
        .merge(stats::router())
        .merge(cities::router())
        .merge(cities::write_router())
        .merge(ties::router())
        .merge(twin_links::router())
        .merge(countries::router())
        .merge(engine::router())
        .merge(topics::router())
        .merge(offers::router())
        .merge(requests::router())
        .merge(runs::router())
        .merge(proposals::router())
        .merge(audit::router())
        .merge(tokens::router())
        .merge(openapi::router())
        .merge(crate::web::router(state.clone()))
        .fallback(fallback)
        // Bodies are small JSON documents; slow requests give up.
        .layer(DefaultBodyLimit::max(256 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A path nothing serves: a JSON error under `/api`, a page elsewhere.
async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        ApiError::NotFound("no such route; the API lives under /api (see /api/stats)".into())
            .into_response()
    } else {
        crate::web::not_found(&state, &headers, uri.path()).await
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Db>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(store))
        .with_graceful_shutdown(shutdown)
        .await
}
