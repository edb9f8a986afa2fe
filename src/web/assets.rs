//! The stylesheet and icon, compiled into the binary.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::routing::get;

use crate::app::App;

const CSS: &str = include_str!("assets/app.css");
const FAVICON: &str = include_str!("assets/favicon.svg");

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "text/css; charset=utf-8"),
                        (CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CSS,
                )
            }),
        )
        .route(
            "/assets/favicon.svg",
            get(|| async {
                (
                    [
                        (CONTENT_TYPE, "image/svg+xml"),
                        (CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    FAVICON,
                )
            }),
        )
}
