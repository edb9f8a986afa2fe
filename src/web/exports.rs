//! `/exports`: the downloads, and the downloads themselves: the proposals
//! of a round, the coverage, and every applicant's staged plan, each as CSV
//! and JSON. Proposals of a run not yet published are the secretariat's.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Value, json};

use super::error::WebError;
use super::latest::{self, Coverage};
use super::layout;
use super::parts::{explanation_text, run_status_name, run_title};
use super::session::Viewer;
use crate::app::runs::{self, NamedProposal};
use crate::app::{App, plans as app_plans};
use crate::domain::CityId;
use crate::engine::Network;
use crate::graph::TrustPath;
use crate::matching::plan::Plan;
use crate::store::{Paging, StoredRun};
use std::sync::Arc;

pub fn router() -> Router<App> {
    Router::new()
        .route("/exports", get(exports_page))
        .route("/exports/proposals.csv", get(proposals_csv))
        .route("/exports/proposals.json", get(proposals_json))
        .route("/exports/coverage.csv", get(coverage_csv))
        .route("/exports/coverage.json", get(coverage_json))
        .route("/exports/plans.csv", get(plans_csv))
        .route("/exports/plans.json", get(plans_json))
}

/// A file to save, not a page to show.
fn download(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A CSV download of `rows` (the first is the header), every cell made
/// safe, after a UTF-8 byte order mark: without it Excel reads the file in
/// the computer's legacy code page and garbles every accented name.
pub fn csv_file(filename: &str, rows: Vec<Vec<String>>) -> Result<Response, WebError> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    for row in rows {
        w.write_record(row.iter().map(|c| crate::domain::csv_cell(c)))
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", filename, bytes))
}

fn json_file(filename: &str, value: &Value) -> Result<Response, WebError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download("application/json", filename, bytes))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RunChoice {
    run: Option<String>,
}

/// The run asked for (`?run=N`), if the reader may see it, else the latest
/// the reader may see.
async fn chosen_run(
    state: &App,
    viewer: &Viewer,
    choice: &RunChoice,
) -> Result<Option<StoredRun>, WebError> {
    match choice
        .run
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => {
            let id: i64 = raw
                .parse()
                .map_err(|_| WebError::BadRequest(format!("'{raw}' is not a run number")))?;
            Ok(Some(runs::visible(state, viewer.reader(), id).await?))
        }
        None => Ok(runs::current(state, viewer.reader()).await?),
    }
}

/// The proposals of the chosen run, with names, as `/api/runs/{id}` gives
/// them, and the network they are named in.
async fn proposals(
    state: &App,
    viewer: &Viewer,
    choice: &RunChoice,
) -> Result<(Option<StoredRun>, Vec<NamedProposal>, Arc<Network>), WebError> {
    let network = crate::app::network::network_now(state).await?;
    let Some(run) = chosen_run(state, viewer, choice).await? else {
        return Ok((None, Vec::new(), network));
    };
    let stored = runs::proposals_of(state, viewer.reader(), run.id).await?;
    Ok((Some(run), runs::named(&network, &stored), network))
}

/// The country code of city `c`, for the column beside its name.
fn country_of(network: &Network, c: CityId) -> String {
    network.named(c).map(|n| n.country).unwrap_or_default()
}

/// An introduction path as the names along it: "Kabul > Ankara > Wuhan".
fn path_names(network: &Network, path: Option<&TrustPath>) -> String {
    path.map(|p| {
        p.cities()
            .into_iter()
            .map(|c| network.named(c).map(|n| n.name).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" > ")
    })
    .unwrap_or_default()
}

fn file_name(stem: &str, run: Option<&StoredRun>, ext: &str) -> String {
    match run {
        Some(r) => format!("{stem}-run-{}.{ext}", r.id),
        None => format!("{stem}.{ext}"),
    }
}

async fn proposals_csv(
    State(state): State<App>,
    viewer: Viewer,
    Query(choice): Query<RunChoice>,
) -> Result<Response, WebError> {
    let (run, items, network) = proposals(&state, &viewer, &choice).await?;
    let mut rows = vec![
        [
            "run",
            "proposal",
            "mentor_id",
            "mentor",
            "mentor_country",
            "applicant_id",
            "applicant",
            "applicant_country",
            "score",
            "status",
            "locked",
            "explanation",
            "introduction_path",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for named in &items {
        let p = &named.proposal;
        rows.push(vec![
            p.run_id.to_string(),
            p.id.to_string(),
            p.mentor.to_string(),
            named.mentor_name.clone(),
            country_of(&network, p.mentor),
            p.applicant.to_string(),
            named.applicant_name.clone(),
            country_of(&network, p.applicant),
            p.score.to_string(),
            p.state.status.name().to_string(),
            p.locked.to_string(),
            explanation_text(viewer.tr, &network, (p.mentor, p.applicant), &p.explanation),
            path_names(&network, p.explanation.tie.as_ref()),
        ]);
    }
    csv_file(&file_name("proposals", run.as_ref(), "csv"), rows)
}

async fn proposals_json(
    State(state): State<App>,
    viewer: Viewer,
    Query(choice): Query<RunChoice>,
) -> Result<Response, WebError> {
    let (run, items, _) = proposals(&state, &viewer, &choice).await?;
    json_file(
        &file_name("proposals", run.as_ref(), "json"),
        &json!({ "run": run, "proposals": items }),
    )
}

async fn coverage(state: &App, viewer: &Viewer) -> Result<Coverage, WebError> {
    let run = latest::run(state, viewer).await?;
    latest::coverage(state, run).await
}

async fn coverage_csv(State(state): State<App>, viewer: Viewer) -> Result<Response, WebError> {
    let c = coverage(&state, &viewer).await?;
    let mut rows = vec![
        [
            "run",
            "kind",
            "group",
            "applicants",
            "covered",
            "mentors_asked",
            "pairs",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let run = c.run.as_ref().map(|r| r.id.to_string()).unwrap_or_default();
    for (kind, r) in c.rows() {
        rows.push(vec![
            run.clone(),
            kind.to_string(),
            r.group.clone(),
            r.applicants.to_string(),
            r.covered.to_string(),
            r.mentors_asked.to_string(),
            r.pairs.to_string(),
        ]);
    }
    csv_file(&file_name("coverage", c.run.as_ref(), "csv"), rows)
}

async fn coverage_json(State(state): State<App>, viewer: Viewer) -> Result<Response, WebError> {
    let c = coverage(&state, &viewer).await?;
    let rows: Vec<Value> = c
        .rows()
        .into_iter()
        .map(|(kind, r)| {
            json!({
                "kind": kind, "group": r.group, "applicants": r.applicants, "covered": r.covered,
                "mentors_asked": r.mentors_asked, "pairs": r.pairs,
            })
        })
        .collect();
    json_file(
        &file_name("coverage", c.run.as_ref(), "json"),
        &json!({
            "run": c.run.as_ref().map(|r| r.id),
            "published": c.run.as_ref().map(|r| r.published_at.is_some()),
            "preview": c.run.is_none(),
            "max_coverable": c.max_coverable,
            "rows": rows,
        }),
    )
}

/// Every applicant's plan, as `/api/cities/{id}/plan` gives it, with the
/// names of the cities along each lead mentor's introduction path.
async fn plans(state: &App) -> Result<Vec<(Plan, Vec<Vec<String>>)>, WebError> {
    Ok(app_plans::all_plans(state, |n, plans| {
        let name = |id| n.named(id).map(|x| x.name).unwrap_or_default();
        plans
            .into_iter()
            .map(|plan| {
                let paths = plan
                    .stages
                    .iter()
                    .map(|s| {
                        s.lead
                            .as_ref()
                            .and_then(|l| l.path.as_ref())
                            .map(|p| p.cities().into_iter().map(name).collect())
                            .unwrap_or_default()
                    })
                    .collect();
                (plan, paths)
            })
            .collect()
    })
    .await?)
}

async fn plans_csv(State(state): State<App>) -> Result<Response, WebError> {
    let network = crate::app::network::network_now(&state).await?;
    let mut rows = vec![
        [
            "applicant_id",
            "applicant",
            "applicant_country",
            "stage",
            "topic",
            "stage_status",
            "lead_mentor_id",
            "lead_mentor",
            "lead_mentor_country",
            "lead_score",
            "alternates",
            "introduction_path",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (plan, paths) in plans(&state).await? {
        for (stage, path) in plan.stages.iter().zip(paths) {
            let status = serde_json::to_value(stage.status)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            rows.push(vec![
                plan.applicant.to_string(),
                plan.name.clone(),
                country_of(&network, plan.applicant),
                stage.order.to_string(),
                stage.name.clone(),
                status,
                stage
                    .lead
                    .as_ref()
                    .map(|l| l.mentor.to_string())
                    .unwrap_or_default(),
                stage
                    .lead
                    .as_ref()
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                stage
                    .lead
                    .as_ref()
                    .map(|l| country_of(&network, l.mentor))
                    .unwrap_or_default(),
                stage
                    .lead
                    .as_ref()
                    .map(|l| l.score.to_string())
                    .unwrap_or_default(),
                stage
                    .alternates
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                path.join(" > "),
            ]);
        }
    }
    csv_file("plans.csv", rows)
}

async fn plans_json(State(state): State<App>) -> Result<Response, WebError> {
    let plans: Vec<Plan> = plans(&state).await?.into_iter().map(|(p, _)| p).collect();
    json_file(
        "plans.json",
        &serde_json::to_value(plans).map_err(|e| WebError::Internal(e.to_string()))?,
    )
}

async fn exports_page(State(state): State<App>, viewer: Viewer) -> Result<Markup, WebError> {
    let tr = viewer.tr;
    let runs = runs::list(
        &state,
        viewer.reader(),
        None,
        Paging {
            page: 1,
            per_page: 20,
        },
    )
    .await?
    .items;
    let current = runs::current(&state, viewer.reader()).await?;
    let latest = current.as_ref();
    let item = |title: &str, body: String, stem: &str| {
        html! {
            li {
                h3 class="heading-s" { (title) }
                p class="body" { (body) }
                p class="body" {
                    a href={ "/exports/" (stem) ".csv" } download { (tr.f("exports.csv_link", &[("what", &title)])) }
                    " · "
                    a href={ "/exports/" (stem) ".json" } download { (tr.f("exports.json_link", &[("what", &title)])) }
                }
            }
        }
    };
    let content = html! {
        h1 class="heading-xl" { (tr.t("exports.title")) }
        p class="lead" { (tr.t("exports.lead")) }
        ul class="list-plain" {
            (item(tr.t("exports.proposals"), match latest {
                Some(r) => tr.f("exports.proposals_body", &[("run", &r.id)]),
                None => tr.t("exports.proposals_none").to_string(),
            }, "proposals"))
            (item(tr.t("exports.coverage"), match latest {
                Some(r) => tr.f("exports.coverage_body", &[("run", &r.id)]),
                None => tr.t("exports.coverage_preview").to_string(),
            }, "coverage"))
            (item(tr.t("exports.plans"), tr.t("exports.plans_body").to_string(), "plans"))
        }
        @if runs.len() > 1 {
            h2 class="heading-m" { (tr.t("exports.earlier_heading")) }
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="caption" { (tr.t("exports.earlier_caption")) }
                    thead {
                        tr {
                            th scope="col" { (tr.t("exports.col_run")) }
                            th scope="col" { (tr.t("exports.col_date")) }
                            th scope="col" { (tr.t("exports.col_status")) }
                            th scope="col" { (tr.t("exports.col_downloads")) }
                        }
                    }
                    tbody {
                        @for r in &runs {
                            tr {
                                th scope="row" { (run_title(tr, r)) }
                                td { (r.created_at.get(..10).unwrap_or(&r.created_at)) }
                                td { (run_status_name(tr, r.status)) }
                                td {
                                    a href={ "/exports/proposals.csv?run=" (r.id) } download { (tr.f("exports.run_csv", &[("run", &r.id)])) }
                                    " · "
                                    a href={ "/exports/proposals.json?run=" (r.id) } download { (tr.f("exports.run_json", &[("run", &r.id)])) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p class="body" { a href="/" { (tr.t("exports.back")) } }
    };
    Ok(layout::page(&viewer, tr.t("exports.title"), content))
}
