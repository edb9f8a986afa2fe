//! `/proposals/{id}`: one proposal in full: next step, answers, score
//! breakdown, topics and evidence, introduction path and history.
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::super::form::error_summary;
use super::super::parts::{component_name, component_text, priority_name, relation};
use super::answers::{answer_forms, cancel_form, complete_form};
use super::*;
use crate::engine::Network;
use crate::matching::score::Explanation;
use crate::store::AuditQuery;

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    #[serde(default)]
    done: String,
}

pub(super) async fn show(
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

pub(super) async fn detail(
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
    let tie = p.explanation.tie.as_ref();
    let hops = tie.map_or(&[][..], |t| &t.hops);
    for h in hops {
        names.of(state, h.from).await?;
        names.of(state, h.to).await?;
    }
    let history = history(state, p).await?;
    let network = crate::app::network::network_now(state).await?;
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
        (breakdown(tr, &network, (p.mentor, p.applicant), &p.explanation))
        (topics(tr, &p.explanation, &topic_names))
        h2 class="heading-m" { (tr.t("proposals.path_title")) }
        @if hops.is_empty() {
            p class="body" { (tr.t("proposals.path_none")) }
        } @else {
            p class="body" {
                (tr.f("proposals.path_lead", &[("trust", &percent(tie.map_or(0.0, |t| t.trust)))]))
            }
            ol class="list" {
                @for h in hops {
                    li {
                        (names.get(h.from))
                        " → "
                        (names.get(h.to))
                        ": " (relation(tr, &h.relation))
                        " " span class="secondary" { "(" (tr.f("proposals.trust", &[("trust", &percent(h.trust))])) ")" }
                    }
                }
            }
        }
        @let languages = codes(p.explanation.shared_languages.iter().map(|l| l.as_str()));
        @let modalities = codes(p.explanation.shared_modalities.iter().map(|m| m.name()));
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
        div class="table-wrap" tabindex="0" {
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

pub(super) fn answer_text(tr: Tr, p: &StoredProposal, side: Side) -> &'static str {
    if has_accepted(p, side) {
        tr.t("proposals.answer_accepted")
    } else if p.state.status == ProposalStatus::Declined {
        tr.t("proposals.answer_declined_pair")
    } else {
        tr.t("proposals.answer_none")
    }
}

pub(super) fn action_name(tr: Tr, e: &crate::store::AuditEntry) -> String {
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

pub(super) fn percent(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// Codes, comma-separated, in words.
pub(super) fn codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes
        .map(|c| c.replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The score, one row and one small bar per component.
pub(super) fn breakdown(
    tr: Tr,
    network: &Network,
    pair: (CityId, CityId),
    explanation: &Explanation,
) -> Markup {
    html! {
        h2 class="heading-m" { (tr.t("proposals.breakdown_title")) }
        div class="table-wrap" tabindex="0" {
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
                    @for c in &explanation.components {
                        @let fraction = c.fraction.clamp(0.0, 1.0);
                        tr {
                            th scope="row" { (component_name(tr, c.name)) }
                            td class="num" {
                                (tr.f("proposals.points_of", &[("points", &c.points), ("weight", &c.weight)]))
                            }
                            td {
                                span class="bars" aria-hidden="true" {
                                    span class="bar proposal-bar" style=(format!("width: {:.1}%", fraction * 100.0)) {}
                                }
                                span class="visually-hidden" { (percent(fraction)) }
                            }
                            td { (component_text(tr, network, pair, explanation, c)) }
                        }
                    }
                }
            }
        }
    }
}

/// The topics the pairing is about and the evidence behind the mentor's expertise.
pub(super) fn topics(tr: Tr, explanation: &Explanation, names: &HashMap<i64, String>) -> Markup {
    let topics = &explanation.matched_topics;
    html! {
        h2 class="heading-m" { (tr.t("proposals.topics_title")) }
        @if topics.is_empty() {
            p class="body" { (tr.t("proposals.topics_none")) }
        }
        @for t in topics {
            h3 class="heading-s" {
                @match names.get(&t.topic.0) {
                    Some(name) => (name),
                    None => (t.slug),
                }
                " "
                span class="secondary" {
                    "(" (priority_name(tr, t.priority)) ")"
                }
            }
            p class="body" {
                (tr.f("proposals.topic_expertise", &[("score", &percent(t.expertise.score))]))
            }
            @let contributions = &t.expertise.contributions;
            @if !contributions.is_empty() {
                details class="details" {
                    summary { (tr.f("proposals.evidence_count", &[("n", &contributions.len())])) }
                    div class="details-text" {
                        ul class="list" {
                            @for c in contributions {
                                li {
                                    (c.source)
                                    " "
                                    span class="secondary" {
                                        "(" (c.kind.name().replace('_', " "))
                                        ", " (tr.f("proposals.strength", &[("n", &format!("{:.2}", c.strength))]))
                                        @if c.general { ", " (tr.t("proposals.general")) }
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

/// The audit entries of proposal `p`, oldest first.
pub(super) async fn history(
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
