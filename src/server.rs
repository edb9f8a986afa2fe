//! The HTTP server: the JSON API (`http`) and the pages (`web`) merged in
//! one router above both faces, with the layers they share. Build it with
//! [`app`], serve it with [`serve`] on a listener and a shutdown future
//! (tests bind port 0).

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{SET_COOKIE, STRICT_TRANSPORT_SECURITY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::store::Db;

/// Where the service is reached, as its users see it: behind TLS the
/// cookies are `Secure` and browsers are told to keep to HTTPS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The public address starts with `https://`.
    pub https: bool,
    /// A proxy in front sets `X-Forwarded-Proto`, and a request it says
    /// came over `https` is answered as behind TLS.
    pub trust_forwarded_proto: bool,
}

impl Site {
    /// The site of a public address (`--public-url`): `http://...` or
    /// `https://...`, nothing else.
    pub fn parse(public_url: &str) -> Result<Self, String> {
        let url = public_url.trim();
        let (https, host) = if let Some(host) = url.strip_prefix("https://") {
            (true, host)
        } else if let Some(host) = url.strip_prefix("http://") {
            (false, host)
        } else {
            return Err(format!(
                "'{public_url}' is not a public address such as https://twinmatch.example.org"
            ));
        };
        if host.is_empty() {
            return Err(format!("'{public_url}' names no host"));
        }
        Ok(Site {
            https,
            trust_forwarded_proto: false,
        })
    }

    /// Also trust the proxy's `X-Forwarded-Proto`.
    pub fn trusting_forwarded_proto(self, trust: bool) -> Self {
        Site {
            trust_forwarded_proto: trust,
            ..self
        }
    }

    /// Whether the user reached this request over TLS, as far as we know.
    fn over_tls(&self, headers: &axum::http::HeaderMap) -> bool {
        self.https
            || (self.trust_forwarded_proto
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(',').next())
                    .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")))
    }
}

/// The whole HTTP application, reached over plain HTTP.
pub fn app(store: Arc<dyn Db>) -> Router {
    app_at(store, &Site::default())
}

/// The whole HTTP application at `site`.
pub fn app_at(store: Arc<dyn Db>, site: &Site) -> Router {
    let app = App::new(store);
    let router = layered(
        Router::new()
            .merge(crate::http::router(app.clone()))
            .merge(crate::web::router(app.clone()))
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(fallback),
    );
    let router = if site.https || site.trust_forwarded_proto {
        router.layer(axum::middleware::from_fn_with_state(
            site.clone(),
            tls_aware,
        ))
    } else {
        router
    };
    router.with_state(app)
}

/// Answers a request that came over TLS as behind TLS.
async fn tls_aware(
    State(site): State<Site>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let tls = site.over_tls(request.headers());
    let response = next.run(request).await;
    if tls { behind_tls(response) } else { response }
}

/// Behind TLS: every cookie `Secure`, and HSTS for a year.
fn behind_tls(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).iter().cloned().collect();
    headers.remove(SET_COOKIE);
    for c in cookies {
        let secure = format!("{}; Secure", c.to_str().unwrap_or_default());
        if let Ok(v) = HeaderValue::from_str(&secure) {
            headers.append(SET_COOKIE, v);
        }
    }
    headers.insert(
        STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    response
}

/// The layers every route shares: small bodies, a time limit, a trace
/// span per request, and a panic in a handler answered as a logged 500
/// with our error body instead of a dropped connection.
pub fn layered<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        // Bodies are small JSON documents; slow requests give up.
        .layer(DefaultBodyLimit::max(crate::http::MAX_BODY))
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

/// A route that does not take the method: our error body under `/api`.
async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    if is_api(&uri) {
        crate::http::ApiError::MethodNotAllowed.into_response()
    } else {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    }
}

fn is_api(uri: &axum::http::Uri) -> bool {
    uri.path() == "/api" || uri.path().starts_with("/api/")
}

/// A path nothing serves: a JSON error under `/api`, a page elsewhere.
async fn fallback(
    State(app): State<App>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response {
    if is_api(&uri) {
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
    serve_at(listener, store, &Site::default(), shutdown).await
}

/// Serves the application at `site` until `shutdown` resolves.
pub async fn serve_at(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Db>,
    site: &Site,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app_at(store, site))
        .with_graceful_shutdown(shutdown)
        .await
}
