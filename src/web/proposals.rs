//! `/proposals`: the pairings proposed to the cities and where each stands.
//! A city sees its own proposals (as mentor or as applicant) of published
//! runs; the secretariat sees every proposal of a run. `/proposals/{id}`
//! shows one in full (score breakdown, topics and evidence, introduction
//! path, history) with the answers its reader may give now. Every answer is
//! the same use-case as the JSON API's (`crate::app::proposals`): same rules,
//! same optimistic concurrency on the proposal's version, refusals in the
//! reader's language.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::error::WebError;
use super::form::{
    Choice, FieldErrors, FormData, choices, csrf_field, error_summary, select, textarea,
};
use super::i18n::Tr;
use super::layout;
use super::parts::{component_name, relation, status_tag};
use super::see_other;
use super::session::Viewer;
use crate::app::policy::side_of;
use crate::app::proposals::{self as workflow, Answer, Cancel, Complete, ListProposals};
use crate::app::{App, AppError, runs};
use crate::domain::{CityId, ProposalStatus, Role, Side};
use crate::store::{Actor, AuditQuery, Paging, StoredProposal};

pub fn router() -> Router<App> {
    Router::new()
        .route("/proposals", get(list))
        .route("/proposals/{id}", get(show))
        .route("/proposals/{id}/accept", post(accept))
        .route("/proposals/{id}/decline", post(decline))
        .route("/proposals/{id}/complete", post(complete))
        .route("/proposals/{id}/cancel", post(cancel))
}

/// A path id that is not a number names no proposal.
fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// "Bristol, GB" for each city asked, read once.
#[derive(Default)]
struct Names(HashMap<CityId, String>);

impl Names {
    async fn of(&mut self, state: &App, city: CityId) -> Result<String, WebError> {
        if let Some(n) = self.0.get(&city) {
            return Ok(n.clone());
        }
        let c = state.store.get_city(city).await?;
        let name = format!("{}, {}", c.name.as_str(), c.country.as_str());
        self.0.insert(city, name.clone());
        Ok(name)
    }

    fn get(&self, city: CityId) -> String {
        self.0
            .get(&city)
            .cloned()
            .unwrap_or_else(|| city.to_string())
    }
}

fn open(p: &StoredProposal) -> bool {
    matches!(
        p.state.status,
        ProposalStatus::Proposed | ProposalStatus::Accepted
    )
}

fn has_accepted(p: &StoredProposal, side: Side) -> bool {
    match side {
        Side::Mentor => p.state.mentor_accepted,
        Side::Applicant => p.state.applicant_accepted,
    }
}

/// What the reader has to do next about `p`.
fn next_step(tr: Tr, role: Role, p: &StoredProposal) -> String {
    let mine = role.city().and_then(|c| side_of(p, c));
    match (p.state.status, mine) {
        (ProposalStatus::Proposed | ProposalStatus::Accepted, Some(side)) => {
            if has_accepted(p, side) {
                tr.t("proposals.next_wait_other").to_string()
            } else {
                tr.t("proposals.next_answer").to_string()
            }
        }
        (ProposalStatus::Proposed, None) => tr.t("proposals.next_wait_both").to_string(),
        (ProposalStatus::Accepted, None) if p.state.mentor_accepted => {
            tr.t("proposals.next_wait_applicant").to_string()
        }
        (ProposalStatus::Accepted, None) => tr.t("proposals.next_wait_mentor").to_string(),
        (ProposalStatus::Active, _) if role == Role::Observer => {
            tr.t("proposals.next_nothing").to_string()
        }
        (ProposalStatus::Active, _) => tr.t("proposals.next_outcome").to_string(),
        _ => tr.t("proposals.next_nothing").to_string(),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    run: String,
    #[serde(default)]
    status: String,
}

async fn list(
    State(state): State<App>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    let actor = viewer.actor()?;
    let tr = viewer.tr;
    let city = actor.role.city();
    let runs = runs::all(&state, viewer.reader()).await?;
    // A city sees all its proposals; the others see one run, the latest by default.
    let run = match q.run.trim() {
        "" if city.is_some() => None,
        "" => runs.first().map(|r| r.id),
        "all" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| WebError::NotFound)?),
    };
    let status = match q.status.trim() {
        "" => None,
        raw => Some(ProposalStatus::parse(raw).map_err(|_| WebError::NotFound)?),
    };
    let proposals = workflow::list(
        &state,
        viewer.reader(),
        &ListProposals {
            run,
            city,
            status,
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
        },
    )
    .await?;
    let mut names = Names::default();
    for p in &proposals.items {
        names.of(&state, p.mentor).await?;
        names.of(&state, p.applicant).await?;
    }
    let run_options: Vec<(String, String)> =
        std::iter::once(("all".to_string(), tr.t("proposals.all_runs").to_string()))
            .chain(runs.iter().map(|r| {
                let label = if r.published_at.is_some() {
                    tr.f(
                        "proposals.run_option",
                        &[("id", &r.id), ("date", &day(&r.created_at))],
                    )
                } else {
                    tr.f(
                        "proposals.run_option_draft",
                        &[("id", &r.id), ("date", &day(&r.created_at))],
                    )
                };
                (r.id.to_string(), label)
            }))
            .collect();
    let status_options: Vec<(String, String)> =
        std::iter::once((String::new(), tr.t("proposals.any_status").to_string()))
            .chain(
                ProposalStatus::ALL
                    .iter()
                    .map(|s| (s.name().to_string(), status_name(tr, *s).to_string())),
            )
            .collect();
    let selected_run = run.map_or_else(|| "all".to_string(), |r| r.to_string());
    let no_errors = FieldErrors::default();
    let content = html! {
        h1 class="heading-xl" { (tr.t("proposals.title")) }
        @if let Some(name) = &viewer.city_name {
            p class="lead" { (tr.f("proposals.lead_city", &[("city", name)])) }
        } @else {
            p class="lead" { (tr.t("proposals.lead_all")) }
        }
        form method="get" action="/proposals" class="filters no-print" {
            div class="filters-row" {
                (select(tr, &no_errors, "run", tr.t("proposals.filter_run"), &run_options, &selected_run))
                (select(tr, &no_errors, "status", tr.t("proposals.filter_status"), &status_options, status.map_or("", |s| s.name())))
                div class="form-group" {
                    button type="submit" class="button button-secondary" { (tr.t("proposals.filter_apply")) }
                }
            }
        }
        @if proposals.items.is_empty() {
            p class="body" { (tr.t("proposals.none")) }
        } @else {
            div class="table-wrap" {
                table class="table" {
                    caption { (tr.f("proposals.caption", &[("n", &proposals.total)])) }
                    thead {
                        tr {
                            th scope="col" { (tr.t("proposals.col_proposal")) }
                            @if city.is_some() {
                                th scope="col" { (tr.t("proposals.col_other_city")) }
                                th scope="col" { (tr.t("proposals.col_role")) }
                            } @else {
                                th scope="col" { (tr.t("proposals.mentor")) }
                                th scope="col" { (tr.t("proposals.applicant")) }
                            }
                            th scope="col" class="num" { (tr.t("proposals.col_score")) }
                            th scope="col" { (tr.t("proposals.col_status")) }
                            th scope="col" { (tr.t("proposals.col_next")) }
                        }
                    }
                    tbody {
                        @for p in &proposals.items {
                            tr {
                                td { a href={ "/proposals/" (p.id) } { (tr.f("proposals.number", &[("id", &p.id)])) } }
                                @if let Some(me) = city {
                                    @let (other, role_key) = if p.mentor == me {
                                        (p.applicant, "proposals.role_you_mentor")
                                    } else {
                                        (p.mentor, "proposals.role_you_are_mentored")
                                    };
                                    td { a href={ "/cities/" (other) } { (names.get(other)) } }
                                    td { (tr.t(role_key)) }
                                } @else {
                                    td { a href={ "/cities/" (p.mentor) } { (names.get(p.mentor)) } }
                                    td { a href={ "/cities/" (p.applicant) } { (names.get(p.applicant)) } }
                                }
                                td class="num" { (p.score) }
                                td { (status_tag(tr, p)) }
                                td { (next_step(tr, actor.role, p)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, tr.t("proposals.title"), content))
}

fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

fn status_name(tr: Tr, s: ProposalStatus) -> &'static str {
    match s {
        ProposalStatus::Proposed => tr.t("proposals.status_proposed"),
        ProposalStatus::Accepted => tr.t("proposals.status_accepted"),
        ProposalStatus::Declined => tr.t("proposals.status_declined"),
        ProposalStatus::Active => tr.t("proposals.status_active"),
        ProposalStatus::Completed => tr.t("proposals.status_completed"),
        ProposalStatus::Cancelled => tr.t("proposals.status_cancelled"),
    }
}

/// A proposal the reader may see: a draft's is the secretariat's, and a
/// city sees only its own.
async fn visible(state: &App, viewer: &Viewer, id: i64) -> Result<StoredProposal, WebError> {
    viewer.actor()?;
    Ok(workflow::read_own(state, viewer.reader(), id).await?)
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    done: String,
}

async fn show(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let p = visible(&state, &viewer, id).await?;
    let notice = match q.done.as_str() {
        "accepted" => Notice::Done("proposals.done_accepted"),
        "declined" => Notice::Done("proposals.done_declined"),
        "completed" => Notice::Done("proposals.done_completed"),
        "cancelled" => Notice::Done("proposals.done_cancelled"),
        _ => Notice::None,
    };
    detail(&state, &viewer, &p, &Typed::default(), notice).await
}

/// What the reader typed into a form that comes back with errors.
#[derive(Default)]
struct Typed {
    errors: FieldErrors,
    reason: String,
    side: String,
    rating: String,
    report: String,
    cancel_reason: String,
}

enum Notice {
    None,
    /// A success banner after an action.
    Done(&'static str),
    /// Someone answered first, or the workflow no longer allows the answer.
    Conflict,
}

async fn detail(
    state: &App,
    viewer: &Viewer,
    p: &StoredProposal,
    typed: &Typed,
    notice: Notice,
) -> Result<Response, WebError> {
    let tr = viewer.tr;
    let role = viewer.role().ok_or_else(|| WebError::SignIn {
        back: viewer.here.clone(),
    })?;
    let run = runs::visible(state, viewer.reader(), p.run_id).await?;
    let published = run.published_at.is_some();
    let mut names = Names::default();
    names.of(state, p.mentor).await?;
    names.of(state, p.applicant).await?;
    let hops = p.explanation["tie"]["hops"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for h in &hops {
        for end in ["from", "to"] {
            if let Some(c) = h[end].as_i64() {
                names.of(state, CityId(c)).await?;
            }
        }
    }
    let history = history(state, p).await?;
    let topic_names: HashMap<i64, String> = state
        .store
        .list_topics()
        .await?
        .into_iter()
        .map(|t| (t.id.0, t.name))
        .collect();
    for e in &history {
        if let Some(c) = e.actor_city {
            names.of(state, c).await?;
        }
    }
    let mentor = names.get(p.mentor);
    let applicant = names.get(p.applicant);
    let mine = role.city().and_then(|c| side_of(p, c));
    let writer = role != Role::Observer;
    let secretariat = role == Role::Secretariat;
    let may_answer = published && writer && open(p);
    let may_complete = published && writer && p.state.status == ProposalStatus::Active;
    let may_cancel = secretariat && (open(p) || p.state.status == ProposalStatus::Active);
    let errors = &typed.errors;
    let title = tr.f(
        "proposals.detail_title",
        &[("mentor", &mentor), ("applicant", &applicant)],
    );
    let status = match (&notice, errors.is_empty()) {
        (Notice::Conflict, _) => StatusCode::CONFLICT,
        (_, false) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let content = html! {
        (error_summary(tr, errors))
        p class="no-print" { a href="/proposals" { (tr.t("proposals.back")) } }
        @match notice {
            Notice::Done(key) => {
                div class="banner banner-success" role="status" aria-labelledby="banner-title" {
                    h2 class="banner-title" id="banner-title" { (tr.t("proposals.success")) }
                    div class="banner-body" {
                        p class="body" { (tr.t(key)) " " (status_tag(tr, p)) }
                    }
                }
            }
            Notice::Conflict => {
                div class="banner" role="alert" aria-labelledby="banner-title" {
                    h2 class="banner-title" id="banner-title" { (tr.t("proposals.conflict_title")) }
                    div class="banner-body" {
                        p class="body" { (tr.t("proposals.conflict_body")) }
                        p class="body" { (tr.t("proposals.conflict_now")) " " (status_tag(tr, p)) }
                    }
                }
            }
            Notice::None => {}
        }
        span class="caption" { (tr.f("proposals.number", &[("id", &p.id)])) " · " (tr.f("proposals.of_run", &[("id", &p.run_id)])) }
        h1 class="heading-l" { (title) }
        dl class="summary" {
            div class="summary-row" {
                dt { (tr.t("proposals.mentor")) }
                dd {
                    a href={ "/cities/" (p.mentor) } { (mentor) }
                    @if mine == Some(Side::Mentor) { " " span class="secondary" { (tr.t("proposals.you")) } }
                }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.applicant")) }
                dd {
                    a href={ "/cities/" (p.applicant) } { (applicant) }
                    @if mine == Some(Side::Applicant) { " " span class="secondary" { (tr.t("proposals.you")) } }
                }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.col_status")) }
                dd { (status_tag(tr, p)) }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.answers")) }
                dd {
                    ul class="list-plain" {
                        li { (tr.t("proposals.mentor")) ": " (answer_text(tr, p, Side::Mentor)) }
                        li { (tr.t("proposals.applicant")) ": " (answer_text(tr, p, Side::Applicant)) }
                    }
                }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.col_next")) }
                dd { (next_step(tr, role, p)) }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.col_score")) }
                dd { (p.score) @if p.locked { " " span class="secondary" { (tr.t("proposals.locked")) } } }
            }
            @if let Some(reason) = &p.reason {
                div class="summary-row" {
                    dt { (tr.t("proposals.reason")) }
                    dd { (reason) }
                }
            }
            @if let Some(o) = &p.outcome {
                div class="summary-row" {
                    dt { (tr.t("proposals.outcome")) }
                    dd {
                        (tr.f("proposals.rating_of", &[("n", &o.rating)]))
                        p class="body" { (o.report) }
                    }
                }
            }
            @if !published {
                div class="summary-row" {
                    dt { (tr.t("proposals.run")) }
                    dd { (tr.t("proposals.not_published")) }
                }
            }
        }
        @if may_answer || may_complete || may_cancel {
            h2 class="heading-m" { (tr.t("proposals.actions")) }
            @if may_answer {
                (answer_forms(viewer, p, mine, typed))
            }
            @if may_complete {
                (complete_form(viewer, p, typed))
            }
            @if may_cancel {
                (cancel_form(viewer, p, typed))
            }
        }
        (breakdown(tr, &p.explanation))
        (topics(tr, &p.explanation, &topic_names))
        h2 class="heading-m" { (tr.t("proposals.path_title")) }
        @if hops.is_empty() {
            p class="body" { (tr.t("proposals.path_none")) }
        } @else {
            p class="body" {
                (tr.f("proposals.path_lead", &[("trust", &percent(p.explanation["tie"]["trust"].as_f64().unwrap_or(0.0)))]))
            }
            ol class="list" {
                @for h in &hops {
                    li {
                        (names.get(CityId(h["from"].as_i64().unwrap_or_default())))
                        " → "
                        (names.get(CityId(h["to"].as_i64().unwrap_or_default())))
                        ": " (relation(tr, &h["relation"]))
                        " " span class="secondary" { "(" (tr.f("proposals.trust", &[("trust", &percent(h["trust"].as_f64().unwrap_or(0.0)))])) ")" }
                    }
                }
            }
        }
        @let languages = codes(&p.explanation["shared_languages"]);
        @let modalities = codes(&p.explanation["shared_modalities"]);
        dl class="summary" {
            div class="summary-row" {
                dt { (tr.t("proposals.shared_languages")) }
                dd { @if languages.is_empty() { "–" } @else { (languages) } }
            }
            div class="summary-row" {
                dt { (tr.t("proposals.shared_modalities")) }
                dd { @if modalities.is_empty() { "–" } @else { (modalities) } }
            }
        }
        h2 class="heading-m" { (tr.t("proposals.history_title")) }
        div class="table-wrap" {
            table class="table" {
                caption class="visually-hidden" { (tr.t("proposals.history_title")) }
                thead {
                    tr {
                        th scope="col" { (tr.t("proposals.history_when")) }
                        th scope="col" { (tr.t("proposals.history_what")) }
                        th scope="col" { (tr.t("proposals.history_who")) }
                        th scope="col" { (tr.t("proposals.reason")) }
                    }
                }
                tbody {
                    tr {
                        td { (day(&run.created_at)) }
                        td { (tr.f("proposals.history_proposed", &[("id", &run.id)])) }
                        td { (tr.t("roles.secretariat")) }
                        td { "–" }
                    }
                    @if let Some(at) = &run.published_at {
                        tr {
                            td { (day(at)) }
                            td { (tr.t("proposals.history_published")) }
                            td { (tr.t("roles.secretariat")) }
                            td { "–" }
                        }
                    }
                    @for e in &history {
                        tr {
                            td { (day(&e.at)) }
                            td { (action_name(tr, e)) }
                            td {
                                @if let Some(c) = e.actor_city { (names.get(c)) }
                                @else if e.role == "observer" { (tr.t("roles.observer")) }
                                @else { (tr.t("roles.secretariat")) }
                            }
                            td { (e.reason.as_deref().unwrap_or("–")) }
                        }
                    }
                    @if p.state.status == ProposalStatus::Cancelled && history.iter().all(|e| e.action != "cancel") {
                        tr {
                            td { (day(&p.updated_at)) }
                            td { (tr.t("proposals.action_cancel")) }
                            td { (tr.t("roles.secretariat")) }
                            td { (p.reason.as_deref().unwrap_or("–")) }
                        }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(viewer, &title, content)).into_response())
}

fn answer_text(tr: Tr, p: &StoredProposal, side: Side) -> &'static str {
    if has_accepted(p, side) {
        tr.t("proposals.answer_accepted")
    } else if p.state.status == ProposalStatus::Declined {
        tr.t("proposals.answer_declined_pair")
    } else {
        tr.t("proposals.answer_none")
    }
}

fn action_name(tr: Tr, e: &crate::store::AuditEntry) -> String {
    let mentor_answered = |e: &crate::store::AuditEntry| {
        let now = e.after.as_ref().map(|a| a["mentor_accepted"].clone());
        let then = e.before.as_ref().map(|b| b["mentor_accepted"].clone());
        now != then
    };
    match e.action.as_str() {
        "accept" if mentor_answered(e) => tr.t("proposals.action_accept_mentor").to_string(),
        "accept" => tr.t("proposals.action_accept_applicant").to_string(),
        "decline" => tr.t("proposals.action_decline").to_string(),
        "complete" => tr.t("proposals.action_complete").to_string(),
        "cancel" => tr.t("proposals.action_cancel").to_string(),
        other => other.to_string(),
    }
}

fn percent(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// The codes of a JSON list of strings, comma-separated.
fn codes(v: &Value) -> String {
    v.as_array()
        .map(|xs| {
            xs.iter()
                .filter_map(Value::as_str)
                .map(|c| c.replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The score, one row and one small bar per component.
fn breakdown(tr: Tr, explanation: &Value) -> Markup {
    let components = explanation["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    html! {
        h2 class="heading-m" { (tr.t("proposals.breakdown_title")) }
        div class="table-wrap" {
            table class="table" {
                caption class="visually-hidden" { (tr.t("proposals.breakdown_title")) }
                thead {
                    tr {
                        th scope="col" { (tr.t("proposals.component")) }
                        th scope="col" class="num" { (tr.t("proposals.points")) }
                        th scope="col" { (tr.t("proposals.share")) }
                        th scope="col" { (tr.t("proposals.detail")) }
                    }
                }
                tbody {
                    @for c in &components {
                        @let fraction = c["fraction"].as_f64().unwrap_or(0.0).clamp(0.0, 1.0);
                        tr {
                            th scope="row" { (component_name(tr, c["name"].as_str().unwrap_or(""))) }
                            td class="num" {
                                (tr.f("proposals.points_of", &[
                                    ("points", &c["points"].as_i64().unwrap_or_default()),
                                    ("weight", &c["weight"].as_i64().unwrap_or_default()),
                                ]))
                            }
                            td {
                                span class="bars" aria-hidden="true" {
                                    span class="bar proposal-bar" style=(format!("width: {:.1}%", fraction * 100.0)) {}
                                }
                                span class="visually-hidden" { (percent(fraction)) }
                            }
                            td { (c["detail"].as_str().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// The topics the pairing is about and the evidence behind the mentor's expertise.
fn topics(tr: Tr, explanation: &Value, names: &HashMap<i64, String>) -> Markup {
    let topics = explanation["matched_topics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    html! {
        h2 class="heading-m" { (tr.t("proposals.topics_title")) }
        @if topics.is_empty() {
            p class="body" { (tr.t("proposals.topics_none")) }
        }
        @for t in &topics {
            h3 class="heading-s" {
                @match t["topic"].as_i64().and_then(|id| names.get(&id)) {
                    Some(name) => (name),
                    None => (t["slug"].as_str().unwrap_or("")),
                }
                " "
                span class="secondary" {
                    (tr.f("proposals.topic_priority", &[("n", &t["priority"].as_i64().unwrap_or_default())]))
                }
            }
            p class="body" {
                (tr.f("proposals.topic_expertise", &[("score", &percent(t["expertise"]["score"].as_f64().unwrap_or(0.0)))]))
            }
            @let contributions = t["expertise"]["contributions"].as_array().cloned().unwrap_or_default();
            @if !contributions.is_empty() {
                details class="details" {
                    summary { (tr.f("proposals.evidence_count", &[("n", &contributions.len())])) }
                    div class="details-text" {
                        ul class="list" {
                            @for c in &contributions {
                                li {
                                    (c["source"].as_str().unwrap_or(""))
                                    " "
                                    span class="secondary" {
                                        "(" (c["kind"].as_str().unwrap_or("").replace('_', " "))
                                        ", " (tr.f("proposals.strength", &[("n", &format!("{:.2}", c["strength"].as_f64().unwrap_or(0.0)))]))
                                        @if c["general"].as_bool() == Some(true) { ", " (tr.t("proposals.general")) }
                                        ")"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Accept and decline, as the reader's city or (the secretariat) for a side.
fn answer_forms(viewer: &Viewer, p: &StoredProposal, mine: Option<Side>, typed: &Typed) -> Markup {
    let tr = viewer.tr;
    let errors = &typed.errors;
    let sides: Vec<Side> = match mine {
        Some(s) => vec![s],
        None => vec![Side::Mentor, Side::Applicant],
    };
    let side_items: Vec<Choice> = [Side::Mentor, Side::Applicant]
        .into_iter()
        .map(|s| Choice {
            value: side_name(s).to_string(),
            label: side_label(tr, s).to_string(),
            hint: None,
            checked: typed.side == side_name(s),
        })
        .collect();
    html! {
        @let to_accept: Vec<Side> = sides.iter().copied().filter(|s| !has_accepted(p, *s)).collect();
        @if !to_accept.is_empty() {
            h3 class="heading-s" { (tr.t("proposals.accept_title")) }
            p class="body" { (tr.t("proposals.accept_hint")) }
            div class="button-group" {
                @for s in &to_accept {
                    form method="post" action={ "/proposals/" (p.id) "/accept" } class="inline" {
                        (csrf_field(viewer))
                        input type="hidden" name="version" value=(p.version);
                        @if mine.is_none() {
                            input type="hidden" name="side" value=(side_name(*s));
                        }
                        button type="submit" class="button" {
                            @if mine.is_none() {
                                (tr.t(match s { Side::Mentor => "proposals.accept_for_mentor", Side::Applicant => "proposals.accept_for_applicant" }))
                            } @else {
                                (tr.t("proposals.accept"))
                            }
                        }
                    }
                }
            }
        }
        h3 class="heading-s" { (tr.t("proposals.decline_title")) }
        form method="post" action={ "/proposals/" (p.id) "/decline" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            @if mine.is_none() {
                (choices(tr, errors, "side", tr.t("proposals.decline_side"), None, &side_items, false))
            }
            (textarea(tr, errors, "reason", tr.t("proposals.decline_reason"), Some(tr.t("proposals.decline_reason_hint")), &typed.reason))
            button type="submit" class="button button-warning" { (tr.t("proposals.decline")) }
        }
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Mentor => "mentor",
        Side::Applicant => "applicant",
    }
}

fn side_label(tr: Tr, s: Side) -> &'static str {
    match s {
        Side::Mentor => tr.t("proposals.mentor"),
        Side::Applicant => tr.t("proposals.applicant"),
    }
}

fn complete_form(viewer: &Viewer, p: &StoredProposal, typed: &Typed) -> Markup {
    let tr = viewer.tr;
    let errors = &typed.errors;
    let ratings: Vec<Choice> = (1..=5)
        .map(|n| Choice {
            value: n.to_string(),
            label: tr
                .t(match n {
                    1 => "proposals.rating_1",
                    2 => "proposals.rating_2",
                    3 => "proposals.rating_3",
                    4 => "proposals.rating_4",
                    _ => "proposals.rating_5",
                })
                .to_string(),
            hint: None,
            checked: typed.rating == n.to_string(),
        })
        .collect();
    html! {
        h3 class="heading-s" { (tr.t("proposals.complete_title")) }
        form method="post" action={ "/proposals/" (p.id) "/complete" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            (choices(tr, errors, "rating", tr.t("proposals.rating"), Some(tr.t("proposals.rating_hint")), &ratings, false))
            (textarea(tr, errors, "report", tr.t("proposals.report"), Some(tr.t("proposals.report_hint")), &typed.report))
            button type="submit" class="button" { (tr.t("proposals.complete")) }
        }
    }
}

fn cancel_form(viewer: &Viewer, p: &StoredProposal, typed: &Typed) -> Markup {
    let tr = viewer.tr;
    html! {
        h3 class="heading-s" { (tr.t("proposals.cancel_title")) }
        form method="post" action={ "/proposals/" (p.id) "/cancel" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            (textarea(tr, &typed.errors, "cancel_reason", tr.t("proposals.cancel_reason"), Some(tr.t("proposals.cancel_reason_hint")), &typed.cancel_reason))
            button type="submit" class="button button-warning" { (tr.t("proposals.cancel")) }
        }
    }
}

/// The audit entries of proposal `p`, oldest first.
async fn history(
    state: &App,
    p: &StoredProposal,
) -> Result<Vec<crate::store::AuditEntry>, WebError> {
    let page = state
        .store
        .list_audit(&AuditQuery {
            city: Some(p.applicant),
            kind: Some("proposal".into()),
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
        })
        .await?;
    let id = p.id.to_string();
    let mut entries: Vec<_> = page
        .items
        .into_iter()
        .filter(|e| e.entity_id == id)
        .collect();
    entries.reverse();
    Ok(entries)
}

/// The parts every answer shares: the reader, the proposal and the
/// version the form was made from.
async fn posted(
    state: &App,
    viewer: &Viewer,
    raw_id: &str,
    form: &FormData,
) -> Result<(Actor, StoredProposal, i64), WebError> {
    form.check_csrf(viewer)?;
    let id = parse_id(raw_id)?;
    let actor = viewer.actor()?;
    let p = visible(state, viewer, id).await?;
    let version = form
        .get("version")
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("the form carries no version".into()))?;
    Ok((actor, p, version))
}

/// The API's answer as a page: done -> back to the proposal with a banner;
/// a refused field -> the form again with the message next to it; someone
/// answered first -> the proposal as it is now, with a clear message.
async fn outcome(
    state: &App,
    viewer: &Viewer,
    p: &StoredProposal,
    result: Result<StoredProposal, AppError>,
    done: &str,
    mut typed: Typed,
    rename: &[(&str, &str)],
) -> Result<Response, WebError> {
    match result {
        Ok(p) => Ok(see_other(format!("/proposals/{}?done={done}", p.id))),
        Err(AppError::Stale { .. } | AppError::Transition { .. } | AppError::Conflict(_)) => {
            let now = visible(state, viewer, p.id).await?;
            detail(state, viewer, &now, &Typed::default(), Notice::Conflict).await
        }
        Err(e) => {
            let mut errors = FieldErrors::from_app(e, viewer.tr)?;
            for (field, _) in errors.0.iter_mut() {
                if let Some((_, to)) = rename.iter().find(|(from, _)| from == field) {
                    *field = (*to).to_string();
                }
            }
            typed.errors = errors;
            detail(state, viewer, p, &typed, Notice::None).await
        }
    }
}

fn side_given(form: &FormData) -> Option<String> {
    let s = form.get("side").trim();
    (!s.is_empty()).then(|| s.to_string())
}

async fn accept(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let answer = Answer {
        version,
        side: side_given(&form),
        reason: None,
    };
    let result = workflow::accept(&state, &actor, p.id, &answer).await;
    outcome(
        &state,
        &viewer,
        &p,
        result,
        "accepted",
        Typed::default(),
        &[],
    )
    .await
}

async fn decline(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let answer = Answer {
        version,
        side: side_given(&form).filter(|_| actor.role == Role::Secretariat),
        reason: Some(form.get("reason").to_string()),
    };
    let typed = Typed {
        reason: form.get("reason").to_string(),
        side: form.get("side").to_string(),
        ..Typed::default()
    };
    let result = workflow::decline(&state, &actor, p.id, &answer).await;
    outcome(&state, &viewer, &p, result, "declined", typed, &[]).await
}

async fn complete(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let typed = Typed {
        rating: form.get("rating").to_string(),
        report: form.get("report").to_string(),
        ..Typed::default()
    };
    let Ok(rating) = form.get("rating").trim().parse::<i64>() else {
        let mut errors = FieldErrors::default();
        errors.add("rating", viewer.tr.t("proposals.error_rating_missing"));
        let typed = Typed { errors, ..typed };
        return detail(&state, &viewer, &p, &typed, Notice::None).await;
    };
    let outcome_given = Complete {
        version,
        rating,
        report: form.get("report").to_string(),
    };
    let result = workflow::complete(&state, &actor, p.id, &outcome_given).await;
    outcome(&state, &viewer, &p, result, "completed", typed, &[]).await
}

async fn cancel(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let cancellation = Cancel {
        version,
        reason: form.get("cancel_reason").to_string(),
    };
    let typed = Typed {
        cancel_reason: form.get("cancel_reason").to_string(),
        ..Typed::default()
    };
    let result = workflow::cancel(&state, &actor, p.id, &cancellation).await;
    outcome(
        &state,
        &viewer,
        &p,
        result,
        "cancelled",
        typed,
        &[("reason", "cancel_reason")],
    )
    .await
}
