//! `/`: the network at a glance.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use super::error::WebError;
use super::layout;
use super::session::Viewer;
use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(overview))
}

async fn overview(State(state): State<AppState>, viewer: Viewer) -> Result<Markup, WebError> {
    let tr = viewer.tr;
    let stats = state.store.stats().await?;
    let counts = [
        ("overview.members", stats.members),
        ("overview.applicants", stats.applicants),
        ("overview.twin_links", stats.twin_links),
        ("overview.countries", stats.countries),
        ("overview.offers", stats.offers),
        ("overview.requests", stats.requests),
    ];
    let content = html! {
        h1 class="heading-xl" { (tr.t("overview.title")) }
        p class="lead" { (tr.t("overview.lead")) }
        ul class="counts" {
            @for (key, n) in counts {
                li class="count" {
                    span class="count-number" { (n) }
                    span class="count-label" { (tr.t(key)) }
                }
            }
        }
    };
    Ok(layout::page(&viewer, tr.t("overview.title"), content))
}
