//! `/`: the network at a glance: the counts, coverage of the latest round
//! (or a preview before any) by region, LDC and African status, a picture
//! of where mentors and applicants are and the links between them, and the
//! mentors carrying the most applicants now.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use super::coverage_chart::chart;
use super::error::WebError;
use super::latest::{self, Coverage};
use super::layout;
use super::session::Viewer;
use super::world_map::{MapData, map};
use crate::app::App;
use crate::domain::{CityId, ProposalStatus};

pub fn router() -> Router<App> {
    Router::new().route("/", get(overview))
}

async fn overview(State(state): State<App>, viewer: Viewer) -> Result<Markup, WebError> {
    let tr = viewer.tr;
    let db = state.store.as_ref();
    let stats = db.stats().await?;
    let counts = [
        ("overview.members", stats.members),
        ("overview.applicants", stats.applicants),
        ("overview.twin_links", stats.twin_links),
        ("overview.countries", stats.countries),
        ("overview.offers", stats.offers),
        ("overview.requests", stats.requests),
    ];
    let run = latest::run(&state, &viewer).await?;
    let pairs: Vec<(CityId, CityId)> = match &run {
        Some(r) => crate::app::network::proposals_with(db, None, Some(r.id))
            .await?
            .iter()
            .filter(|p| {
                !matches!(
                    p.state.status,
                    ProposalStatus::Declined | ProposalStatus::Cancelled
                )
            })
            .map(|p| (p.mentor, p.applicant))
            .collect(),
        None => Vec::new(),
    };
    let coverage = latest::coverage(&state, run).await?;
    // The cached network's snapshot: no reading of the whole network per view.
    let network = crate::app::network::network_now(&state).await?;
    let snapshot = &network.snapshot;
    let names: BTreeMap<CityId, &str> = snapshot
        .cities
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    let mut loads = db.mentor_loads().await?;
    loads.retain(|l| l.now > 0);
    loads.sort_by(|a, b| b.now.cmp(&a.now).then(b.all_runs.cmp(&a.all_runs)));
    loads.truncate(10);
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
        (coverage_section(&viewer, &coverage))
        h2 class="heading-l" { (tr.t("overview.map_heading")) }
        p class="body" { (tr.t("overview.map_lead")) }
        (map(tr, &MapData { snapshot, pairs }))
        h2 class="heading-l" { (tr.t("overview.load_heading")) }
        @if loads.is_empty() {
            p class="body" { (tr.t("overview.load_none")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="caption" { (tr.t("overview.load_caption")) }
                    thead {
                        tr {
                            th scope="col" { (tr.t("overview.col_mentor")) }
                            th scope="col" class="num" { (tr.t("overview.col_load_now")) }
                            th scope="col" class="num" { (tr.t("overview.col_load_all")) }
                        }
                    }
                    tbody {
                        @for l in &loads {
                            tr {
                                th scope="row" {
                                    a href={ "/cities/" (l.mentor) } { (names.get(&l.mentor).copied().unwrap_or("?")) }
                                }
                                td class="num" { (l.now) }
                                td class="num" { (l.all_runs) }
                            }
                        }
                    }
                }
            }
        }
        p class="body" { a href="/exports" { (tr.t("overview.downloads_link")) } }
    };
    Ok(layout::page(&viewer, tr.t("overview.title"), content))
}

fn coverage_section(viewer: &Viewer, c: &Coverage) -> Markup {
    let tr = viewer.tr;
    html! {
        h2 class="heading-l" id="coverage" { (tr.t("overview.coverage_heading")) }
        @match &c.run {
            Some(run) => {
                p class="body coverage-source" {
                    (tr.f("overview.coverage_of_run", &[("run", &run.id), ("date", &run.created_at.get(..10).unwrap_or(&run.created_at))]))
                    " "
                    @if run.published_at.is_some() {
                        strong class="tag tag-green" { (tr.t("overview.published")) }
                    } @else {
                        strong class="tag tag-yellow" { (tr.t("overview.not_published")) }
                    }
                    @if viewer.is_secretariat() {
                        " "
                        a href="/rounds" { (tr.t("overview.see_rounds")) }
                    }
                }
            }
            None => {
                div class="inset coverage-preview" {
                    p class="body" {
                        strong {
                            @if c.unpublished_exists {
                                (tr.t("overview.preview_unpublished"))
                            } @else {
                                (tr.t("overview.preview_no_run"))
                            }
                        }
                    }
                    p class="body" { (tr.t("overview.preview_body")) }
                }
            }
        }
        p class="body" {
            (tr.f("overview.coverage_total", &[("covered", &c.total.covered), ("applicants", &c.total.applicants), ("pairs", &c.total.pairs)]))
            " " (tr.f("overview.coverage_max", &[("max", &c.max_coverable)]))
        }
        div class="grid grid-2" {
            div {
                h3 class="heading-m" { (tr.t("overview.by_region")) }
                (chart(tr, "region", tr.t("overview.chart_region_title"), &c.by_region))
            }
            div {
                h3 class="heading-m" { (tr.t("overview.by_ldc")) }
                (chart(tr, "ldc", tr.t("overview.chart_ldc_title"), &c.by_ldc))
                h3 class="heading-m" { (tr.t("overview.by_african")) }
                (chart(tr, "african", tr.t("overview.chart_african_title"), &c.by_african))
            }
        }
        p class="body secondary" id="africa-note" { (tr.t("overview.africa_note")) }
    }
}
