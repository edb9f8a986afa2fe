//! The pages: server-rendered HTML (maud) for the secretariat, member
//! cities and applicant cities, on the same store, engine and roles as the
//! JSON API. Forms work without JavaScript; texts live in one catalogue per
//! language (`locales/`); our own stylesheet, nothing from another origin.

mod account;
mod applicants;
mod assets;
mod city;
mod coverage_chart;
pub mod error;
mod exports;
pub mod form;
pub mod i18n;
mod latest;
mod layout;
mod neighbourhood;
mod overview;
mod parts;
mod plan;
mod proposals;
mod rounds;
pub mod session;
mod support;
mod world_map;

use axum::Router;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::app::App;
pub use error::WebError;

/// Every page, with errors rendered as pages for their reader.
pub fn router(state: App) -> Router<App> {
    Router::new()
        .merge(account::router())
        .merge(overview::router())
        .merge(rounds::router())
        .merge(proposals::router())
        .merge(applicants::router())
        .merge(exports::router())
        .merge(city::router())
        .merge(support::router())
        .merge(plan::router())
        .layer(axum::middleware::from_fn_with_state(state, error::render))
        .merge(assets::router())
}

/// "See other": where a form sends the browser after it has done its work.
pub fn see_other(to: impl Into<String>) -> Response {
    (
        axum::http::StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, to.into())],
    )
        .into_response()
}

/// A page's `{id}`: a path that is not a whole number is no page (404).
pub struct PageId(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageId {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| WebError::NotFound)?;
        raw.parse().map(PageId).map_err(|_| WebError::NotFound)
    }
}

/// The page for a path nothing serves.
pub async fn not_found(state: &App, headers: &HeaderMap, path: &str) -> Response {
    let viewer = session::Viewer::from_headers(state, headers, path.to_string())
        .await
        .unwrap_or_else(|_| session::Viewer::anonymous(headers, path.to_string()));
    let tr = viewer.tr;
    let content = maud::html! {
        h1 class="heading-l" { (tr.t("errors.not_found_title")) }
        p class="body" { (tr.t("errors.not_found_body")) }
        p class="body" { a href="/" { (tr.t("errors.go_home")) } }
    };
    (
        axum::http::StatusCode::NOT_FOUND,
        layout::page(&viewer, tr.t("errors.not_found_title"), content),
    )
        .into_response()
}
