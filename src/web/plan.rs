//! `/cities/{id}/plan`: an applicant's staged capacity-building plan, the
//! same plan `GET /api/cities/{id}/plan` answers (`app::plans::plan_with`),
//! printable, with CSV and JSON downloads.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::city::{level_tag, link_kind, load_city, modality_name, topic_name};
use super::error::WebError;
use super::i18n::Tr;
use super::layout;
use super::parts::{component_text, priority_name};
use super::session::Viewer;
use crate::app::App;
use crate::app::plans;
use crate::domain::{City, CityId, Topic};
use crate::engine::{Named, Network};
use crate::graph::{Relation, TrustPath};
use crate::matching::plan::{Plan, Readiness, StageMentor, StageStatus};

pub fn router() -> Router<App> {
    Router::new()
        .route("/cities/{id}/plan", get(plan_page))
        .route("/cities/{id}/plan.csv", get(plan_csv))
        .route("/cities/{id}/plan.json", get(plan_json))
}

/// The plan and the names of every city it mentions.
async fn load_plan(
    state: &App,
    city: &City,
) -> Result<Option<(Plan, BTreeMap<CityId, Named>)>, WebError> {
    if state.store.request_of(city.id).await?.is_none() {
        return Ok(None);
    }
    let id = city.id;
    let (plan, names) = plans::plan_with(state, id, move |n, plan| {
        let mut names = BTreeMap::new();
        for stage in &plan.stages {
            for m in stage.lead.iter().chain(&stage.alternates) {
                for c in m.path.iter().flat_map(|p| p.cities()) {
                    if let Ok(named) = n.named(c) {
                        names.insert(c, named);
                    }
                }
            }
        }
        (plan, names)
    })
    .await?;
    Ok(Some((plan, names)))
}

fn no_plan(viewer: &Viewer, city: &City) -> Response {
    let tr = viewer.tr;
    let name = city.name.as_str();
    let content = html! {
        a class="back-link no-print" href={ "/cities/" (city.id) } { (tr.f("plan.back", &[("city", &name)])) }
        h1 class="heading-l" { (tr.t("plan.none_title")) }
        p class="body" { (tr.f("plan.none_body", &[("city", &name)])) }
    };
    (
        StatusCode::NOT_FOUND,
        layout::page(viewer, tr.t("plan.none_title"), content),
    )
        .into_response()
}

fn relation(tr: Tr, topics: &[Topic], r: &Relation) -> String {
    match r {
        Relation::TwinLink { kind, active, .. } => {
            if *active {
                link_kind(tr, *kind).to_string()
            } else {
                format!("{} ({})", link_kind(tr, *kind), tr.t("city.inactive"))
            }
        }
        Relation::SharedCluster { topic } => tr.f(
            "plan.tie_cluster",
            &[("topic", &topic_name(topics, *topic))],
        ),
        Relation::PastMentorship { rating, .. } => {
            tr.f("plan.tie_mentorship", &[("rating", rating)])
        }
    }
}

fn city_name(names: &BTreeMap<CityId, Named>, c: CityId) -> String {
    names
        .get(&c)
        .map_or_else(|| c.to_string(), |n| n.name.clone())
}

/// "Beira → (twinning) → Bristol → (shared cluster) → Coimbra".
fn path_text(tr: Tr, topics: &[Topic], names: &BTreeMap<CityId, Named>, p: &TrustPath) -> String {
    let mut out = p
        .hops
        .first()
        .map(|h| city_name(names, h.from))
        .unwrap_or_default();
    for h in &p.hops {
        out.push_str(&format!(
            " → ({}) → {}",
            relation(tr, topics, &h.relation),
            city_name(names, h.to)
        ));
    }
    out
}

fn path_markup(
    tr: Tr,
    topics: &[Topic],
    names: &BTreeMap<CityId, Named>,
    m: &StageMentor,
) -> Markup {
    html! {
        @match &m.path {
            None => { (tr.t("plan.no_path")) }
            Some(p) => {
                ol class="path" {
                    @if let Some(first) = p.hops.first() {
                        li { (city_name(names, first.from)) }
                    }
                    @for h in &p.hops {
                        li {
                            span class="secondary small" { "(" (relation(tr, topics, &h.relation)) ") " }
                            a href={ "/cities/" (h.to) } { (city_name(names, h.to)) }
                        }
                    }
                }
                p class="small secondary" { (tr.f("plan.path_trust", &[("trust", &format!("{:.0}", p.trust * 100.0))])) }
            }
        }
    }
}

fn mentor_block(
    tr: Tr,
    network: &Network,
    applicant: CityId,
    topics: &[Topic],
    names: &BTreeMap<CityId, Named>,
    m: &StageMentor,
    stage: &str,
) -> Markup {
    html! {
        dl class="summary" {
            div class="summary-row" { dt { (tr.t("plan.mentor")) } dd {
                a href={ "/cities/" (m.mentor) } { (m.name) }
                @if m.proposed { " " strong class="tag tag-green" { (tr.t("plan.proposed")) } }
                @if m.reused { " " strong class="tag tag-purple" { (tr.t("plan.reused")) } }
                @if m.full { " " strong class="tag tag-red" { (tr.t("plan.full")) } }
            } }
            div class="summary-row" { dt { (tr.t("plan.score")) } dd { (m.score) } }
            @if let Some(mo) = m.modality {
                div class="summary-row" { dt { (tr.t("plan.modality")) } dd { (modality_name(tr, mo)) } }
            }
            div class="summary-row" { dt { (tr.t("plan.path")) } dd { (path_markup(tr, topics, names, m)) } }
        }
        div class="table-wrap" tabindex="0" {
            table class="table" {
                caption class="visually-hidden" { (tr.f("plan.why_caption", &[("mentor", &m.name), ("stage", &stage)])) }
                thead { tr {
                    th scope="col" { (tr.t("plan.component")) }
                    th scope="col" class="num" { (tr.t("plan.points")) }
                    th scope="col" { (tr.t("plan.detail")) }
                } }
                tbody {
                    @for c in &m.explanation.components {
                        tr {
                            td { (component_name(tr, c.name)) }
                            td class="num" { (c.points) " / " (c.weight) }
                            td { (component_text(tr, network, (m.mentor, applicant), &m.explanation, c)) }
                        }
                    }
                }
            }
        }
    }
}

fn component_name(tr: Tr, c: crate::matching::score::ComponentName) -> &'static str {
    use crate::matching::score::ComponentName::*;
    match c {
        TopicFit => tr.t("plan.topic_fit"),
        ExistingTies => tr.t("plan.existing_ties"),
        ModalityFit => tr.t("plan.modality_fit"),
        RegionalProximity => tr.t("plan.regional_proximity"),
    }
}

fn stage_status(tr: Tr, s: StageStatus) -> Markup {
    let (key, class) = match s {
        StageStatus::Done => ("plan.status_done", "tag tag-green"),
        StageStatus::Needed => ("plan.status_needed", "tag tag-yellow"),
        StageStatus::Suggested => ("plan.status_suggested", "tag tag-grey"),
    };
    html! { strong class=(class) { (tr.t(key)) } }
}

fn readiness(tr: Tr, r: Readiness) -> Markup {
    let (key, class) = match r {
        Readiness::Done => ("plan.ready_done", "tag tag-green"),
        Readiness::NotYet => ("plan.ready_not_yet", "tag tag-red"),
        Readiness::NotRecorded => ("plan.ready_not_recorded", "tag tag-grey"),
    };
    html! { strong class=(class) { (tr.t(key)) } }
}

fn checklist_item(tr: Tr, item: &str, label: &'static str) -> &'static str {
    match item {
        "mayor_commitment" => tr.t("plan.item_mayor_commitment"),
        "natcom_endorsement" => tr.t("plan.item_natcom_endorsement"),
        "learning_city_plan" => tr.t("plan.item_learning_city_plan"),
        "coordinating_structure" => tr.t("plan.item_coordinating_structure"),
        "monitoring_process" => tr.t("plan.item_monitoring_process"),
        _ => label,
    }
}

async fn plan_page(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let tr = viewer.tr;
    let city = load_city(&state, &raw).await?;
    let Some((plan, names)) = load_plan(&state, &city).await? else {
        return Ok(no_plan(&viewer, &city));
    };
    let topics = state.store.list_topics().await?;
    let network = crate::app::network::network_now(&state).await?;
    let name = city.name.as_str();
    let title = tr.f("plan.title", &[("city", &name)]);
    let content = html! {
        a class="back-link no-print" href={ "/cities/" (city.id) } { (tr.f("plan.back", &[("city", &name)])) }
        span class="caption" { (name) ", " (city.country.as_str()) }
        h1 class="heading-xl" { (title) }
        p class="lead" { (tr.f("plan.lead", &[("stages", &plan.stages.len()), ("mentors", &plan.distinct_mentors)])) }
        @if plan.without_ties {
            div class="inset" { p class="body" { (tr.t("plan.without_ties")) } }
        }
        div class="inset no-print" {
            p class="body" { (tr.t("plan.print_hint")) }
            ul class="list" {
                li { a href={ "/cities/" (city.id) "/plan.csv" } download { (tr.t("plan.download_csv")) } }
                li { a href={ "/cities/" (city.id) "/plan.json" } download { (tr.t("plan.download_json")) } }
            }
        }

        h2 class="heading-l" { (tr.t("plan.stages")) }
        ol class="list-plain stages" {
            @for s in &plan.stages {
                li class="stage" {
                    h3 class="heading-m" {
                        (tr.f("plan.stage_n", &[("n", &s.order)])) ": " (s.name) " "
                        (stage_status(tr, s.status))
                    }
                    dl class="summary" {
                        div class="summary-row" { dt { (tr.t("plan.kind")) } dd {
                            @if s.kind == "cluster" { (tr.t("plan.kind_cluster")) } @else { (tr.t("plan.kind_area")) }
                        } }
                        @if let Some(p) = s.priority {
                            div class="summary-row" { dt { (tr.t("plan.priority")) } dd { (p) " — " (priority_name(tr, p)) } }
                        }
                        div class="summary-row" { dt { (tr.t("plan.own_expertise")) } dd { (level_tag(tr, s.own_expertise.score)) } }
                        @if let Some(note) = &s.note {
                            div class="summary-row" { dt { (tr.t("plan.note")) } dd { (note) } }
                        }
                    }
                    @if let Some(lead) = &s.lead {
                        h4 class="heading-s" { (tr.t("plan.lead_mentor")) }
                        (mentor_block(tr, &network, city.id, &topics, &names, lead, &s.name))
                    } @else if s.status != StageStatus::Done {
                        p class="body" { (tr.t("plan.no_lead")) }
                    }
                    @if !s.alternates.is_empty() {
                        h4 class="heading-s" { (tr.t("plan.alternates")) }
                        ul class="list" {
                            @for a in &s.alternates {
                                li {
                                    a href={ "/cities/" (a.mentor) } { (a.name) }
                                    " — " (tr.t("plan.score")) " " (a.score)
                                    @if a.full { " " strong class="tag tag-red" { (tr.t("plan.full")) } }
                                    @if let Some(p) = &a.path { br; span class="small secondary" { (path_text(tr, &topics, &names, p)) } }
                                }
                            }
                        }
                    }
                }
            }
        }

        h2 class="heading-l" { (tr.t("plan.readiness")) }
        div class="table-wrap" tabindex="0" {
            table class="table" {
                caption class="visually-hidden" { (tr.t("plan.readiness")) }
                thead { tr {
                    th scope="col" { (tr.t("plan.item")) }
                    th scope="col" { (tr.t("plan.state")) }
                    th scope="col" { (tr.t("plan.basis")) }
                } }
                tbody {
                    @for r in &plan.readiness {
                        tr {
                            td { (checklist_item(tr, r.item, r.label)) }
                            td { (readiness(tr, r.status)) }
                            td { (r.basis) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, &title, content).into_response())
}

async fn plan_json(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let city = load_city(&state, &raw).await?;
    let Some((plan, _)) = load_plan(&state, &city).await? else {
        return Ok(no_plan(&viewer, &city));
    };
    let body =
        serde_json::to_string_pretty(&plan).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"plan-{}.json\"", city.id),
            ),
        ],
        body,
    )
        .into_response())
}

async fn plan_csv(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let city = load_city(&state, &raw).await?;
    let Some((plan, names)) = load_plan(&state, &city).await? else {
        return Ok(no_plan(&viewer, &city));
    };
    let topics = state.store.list_topics().await?;
    let tr = Tr::default();
    let mut rows = vec![
        [
            "stage",
            "topic",
            "kind",
            "status",
            "priority",
            "lead_mentor_id",
            "lead_mentor",
            "lead_score",
            "introduction_path",
            "alternates",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for s in &plan.stages {
        let status = match s.status {
            StageStatus::Done => "done",
            StageStatus::Needed => "needed",
            StageStatus::Suggested => "suggested",
        };
        let lead = s.lead.as_ref();
        rows.push(vec![
            s.order.to_string(),
            s.slug.clone(),
            s.kind.to_string(),
            status.to_string(),
            s.priority.map(|p| p.to_string()).unwrap_or_default(),
            lead.map(|l| l.mentor.to_string()).unwrap_or_default(),
            lead.map(|l| l.name.clone()).unwrap_or_default(),
            lead.map(|l| l.score.to_string()).unwrap_or_default(),
            lead.and_then(|l| l.path.as_ref())
                .map(|p| path_text(tr, &topics, &names, p))
                .unwrap_or_default(),
            s.alternates
                .iter()
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    super::exports::csv_file(&format!("plan-{}.csv", city.id), rows)
}
