//! The HTTP server: the JSON API (`http`) and the pages (`web`) merged in
//! one router above both faces, with the layers they share. Build it with
//! [`app`], serve it with [`serve`] on a listener and a shutdown future
//! (tests bind port 0).

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::store::Db;

/// The whole HTTP application.
pub fn app(store: Arc<dyn Db>) -> Router {
    let app = App::new(store);
    layered(
        Router::new()
            .merge(crate::http::router(app.clone()))
            .merge(crate::web::router(app.clone()))
            .fallback(fallback),
    )
    .with_state(app)
}

/// The layers every route shares: small bodies, a time limit, a trace
/// span per request, and a panic in a handler answered as a logged 500
/// with our error body instead of a dropped connection.
pub fn layered<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        // Bodies are small JSON documents; slow requests give up.
        .layer(DefaultBodyLimit::max(256 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(TraceLayer::new_for_http())
}

fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    crate::http::ApiError::Internal(format!("a handler panicked: {what}")).into_response()
}

/// A path nothing serves: a JSON error under `/api`, a page elsewhere.
async fn fallback(
    State(app): State<App>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        crate::http::ApiError::NotFound(
            "no such route; the API lives under /api (see /api/stats)".into(),
        )
        .into_response()
    } else {
        crate::web::not_found(&app, &headers, uri.path()).await
    }
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Db>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(store))
        .with_graceful_shutdown(shutdown)
        .await
}
