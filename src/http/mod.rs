//! The JSON API: one router per resource, merged here; [`ApiError`] is the
//! one error type. Handlers turn requests into the use-cases' commands
//! (`crate::app`) and their `AppError` into an `ApiError`. The server
//! (`crate::server`) merges this router with the pages'.

mod audit;
mod cities;
mod countries;
mod engine;
mod error;
mod extract;
mod health;
mod offers;
pub mod openapi;
mod params;
mod proposals;
mod requests;
mod runs;
mod stats;
mod support;
mod ties;
mod tokens;
mod topics;
mod twin_links;

use axum::Router;

pub use error::ApiError;
pub use extract::{Body, Caller, Id, MAX_BODY, Secretariat};
pub use params::Params;

use crate::app::App;

/// Every route of the JSON API.
pub fn router(app: App) -> Router<App> {
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
        .route_layer(axum::middleware::from_fn_with_state(
            app,
            extract::writers_only,
        ))
}
