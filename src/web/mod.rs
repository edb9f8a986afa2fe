//! The pages: server-rendered HTML (maud) for the secretariat, member
//! cities and applicant cities, on the same store, engine and roles as the
//! JSON API. Forms work without JavaScript; texts live in one catalogue per
//! language (`locales/`); our own stylesheet, nothing from another origin.

mod account;
mod assets;
mod city;
pub mod error;
pub mod form;
pub mod i18n;
mod layout;
mod neighbourhood;
mod overview;
mod plan;
pub mod session;
mod support;

use axum::Router;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::http::AppState;
pub use error::WebError;

/// Every page, with errors rendered as pages for their reader.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(account::router())
        .merge(overview::router())
        .merge(city::router())
        .merge(support::router())
        .merge(plan::router())
        .layer(axum::middleware::from_fn_with_state(state, error::render))
        .merge(assets::router())
}

/// The page for a path nothing serves.
pub async fn not_found(state: &AppState, headers: &HeaderMap, path: &str) -> Response {
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
