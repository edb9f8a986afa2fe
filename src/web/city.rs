//! `/cities/{id}`: one city's page. Its profile, twin links, clusters,
//! expertise with the evidence behind it, its offer or request, its
//! proposals, and a picture of its neighbourhood in the network.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use super::error::WebError;
use super::i18n::Tr;
use super::layout;
use super::neighbourhood::{self, Hood};
use super::parts::{explanation_text, priority_name, run_title};
use super::session::Viewer;
use crate::app::App;
use crate::app::network::with_network;
use crate::app::proposals;
use crate::domain::{
    City, CityId, CityStatus, Evidence, EvidenceKind, SupportOffer, SupportRequest, Topic, TopicId,
};
use crate::engine::{Named, Suggestions};
use crate::matching::expertise::Expertise;
use crate::store::{LinkQuery, Paging};

pub fn router() -> Router<App> {
    Router::new().route("/cities/{id}", get(city_page))
}

/// A city id from the path: anything but a positive number is no page.
pub fn parse_id(raw: &str) -> Result<CityId, WebError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(CityId)
        .ok_or(WebError::NotFound)
}

/// The city of the path, or a 404 page.
pub async fn load_city(state: &App, raw: &str) -> Result<City, WebError> {
    let id = parse_id(raw)?;
    Ok(state.store.get_city(id).await?)
}

/// "member", "applicant", "partner" as a tag in the reader's language.
pub fn status_tag(tr: Tr, status: &CityStatus) -> Markup {
    let (key, class) = match status {
        CityStatus::Member { .. } => ("city.status_member", "tag tag-green"),
        CityStatus::Applicant => ("city.status_applicant", "tag tag-yellow"),
        CityStatus::Partner => ("city.status_partner", "tag tag-grey"),
    };
    html! { strong class=(class) { (tr.t(key)) } }
}

pub fn evidence_kind(tr: Tr, kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::LearningCityAward => tr.t("city.kind_award"),
        EvidenceKind::ClusterCoordinator => tr.t("city.kind_cluster_coordinator"),
        EvidenceKind::ClusterMember => tr.t("city.kind_cluster_member"),
        EvidenceKind::NetworkYears => tr.t("city.kind_network_years"),
        EvidenceKind::SelfAssessment => tr.t("city.kind_self_assessment"),
        EvidenceKind::MentorshipOutcome => tr.t("city.kind_mentorship_outcome"),
    }
}

/// A derived expertise score in words and as a tag.
pub fn level_tag(tr: Tr, score: f64) -> Markup {
    let (key, class) = if score >= 0.6 {
        ("city.level_strong", "tag tag-green")
    } else if score >= 0.3 {
        ("city.level_moderate", "tag")
    } else if score > 0.0 {
        ("city.level_some", "tag tag-yellow")
    } else {
        ("city.level_none", "tag tag-grey")
    };
    html! { strong class=(class) { (tr.t(key)) " · " (format!("{:.0}", score * 100.0)) "%" } }
}

pub fn topic_name(topics: &[Topic], id: TopicId) -> String {
    topics
        .iter()
        .find(|t| t.id == id)
        .map_or_else(|| format!("#{}", id.0), |t| t.name.clone())
}

pub fn modality_name(tr: Tr, m: crate::domain::Modality) -> &'static str {
    use crate::domain::Modality::*;
    match m {
        ExchangeVisit => tr.t("offer.modality_exchange_visit"),
        OnlineMentoring => tr.t("offer.modality_online_mentoring"),
        Training => tr.t("offer.modality_training"),
        ExpertSecondment => tr.t("offer.modality_expert_secondment"),
        InKind => tr.t("offer.modality_in_kind"),
        Financial => tr.t("offer.modality_financial"),
    }
}

pub fn proposal_status(tr: Tr, s: crate::domain::ProposalStatus) -> Markup {
    use crate::domain::ProposalStatus::*;
    let (key, class) = match s {
        Proposed => ("city.proposal_proposed", "tag"),
        Accepted => ("city.proposal_accepted", "tag tag-purple"),
        Declined => ("city.proposal_declined", "tag tag-red"),
        Active => ("city.proposal_active", "tag tag-green"),
        Completed => ("city.proposal_completed", "tag tag-grey"),
        Cancelled => ("city.proposal_cancelled", "tag tag-grey"),
    };
    html! { strong class=(class) { (tr.t(key)) } }
}

#[derive(Deserialize, Default)]
struct Banner {
    #[serde(default)]
    saved: String,
}

/// What the page asks of the engine, in one trip to the blocking pool.
struct FromEngine {
    hood: Hood,
    suggestions: Option<Suggestions>,
    names: BTreeMap<CityId, Named>,
}

async fn city_page(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
    Query(banner): Query<Banner>,
) -> Result<Markup, WebError> {
    let tr = viewer.tr;
    let city = load_city(&state, &raw).await?;
    let id = city.id;
    let countries = state.store.list_countries().await?;
    let country = countries.iter().find(|c| c.code == city.country);
    let topics = state.store.list_topics().await?;
    let links = state
        .store
        .list_twin_links(&LinkQuery {
            city: Some(id),
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
            ..Default::default()
        })
        .await?;
    let memberships = state.store.memberships_of(id).await?;
    let evidence = state.store.evidence_of(id).await?;
    let offer = state.store.offer_of(id).await?;
    let request = state.store.request_of(id).await?;
    let proposals = proposals::all_of_city(&state, viewer.reader(), id).await?;
    let may_edit = viewer.may_act_for(id);
    // Proposals holding a place at this mentor now: its capacity may have
    // been lowered below them.
    let live = match (&offer, may_edit) {
        (Some(_), true) => proposals::live_load(&state, id).await?,
        _ => 0,
    };

    let others: Vec<CityId> = proposals
        .iter()
        .flat_map(|p| [p.mentor, p.applicant])
        .filter(|c| *c != id)
        .collect();
    let wants_suggestions = request.is_some();
    let engine = with_network(&state, move |net| {
        let names = others
            .iter()
            .filter_map(|c| net.named(*c).ok().map(|n| (*c, n)))
            .collect();
        Ok(FromEngine {
            hood: neighbourhood::around(net, id, neighbourhood::MAX_NODES),
            suggestions: if wants_suggestions {
                net.suggestions(id, 5).ok()
            } else {
                None
            },
            names,
        })
    })
    .await?;

    let network = crate::app::network::network_now(&state).await?;
    // The round in force (the secretariat's draft before the first is
    // published): where this applicant stands in it.
    let round = match &request {
        Some(_) => crate::app::runs::current(&state, viewer.reader()).await?,
        None => None,
    };
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let weights = crate::engine::config_now().evidence;
    let refs: Vec<&Evidence> = evidence.iter().collect();
    let mut expertise_topics: BTreeSet<TopicId> = evidence.iter().filter_map(|e| e.topic).collect();
    if let Some(o) = &offer {
        expertise_topics.extend(o.topics.iter().copied());
    }
    let expertise: Vec<Expertise> = expertise_topics
        .iter()
        .map(|t| weights.expertise(id, *t, &refs, year))
        .collect();
    let general: Vec<&Evidence> = evidence.iter().filter(|e| e.topic.is_none()).collect();

    let name = city.name.as_str().to_string();
    let title = format!("{name}, {}", city.country.as_str());
    let content = html! {
        @match banner.saved.as_str() {
            "offer" | "request" | "offer-retired" | "request-retired" => {
                div class="banner banner-success" role="status" aria-labelledby="banner-title" {
                    h2 class="banner-title" id="banner-title" { (tr.t("city.saved_title")) }
                    div class="banner-body" {
                        p class="body" { (tr.t(match banner.saved.as_str() {
                            "offer" => "city.saved_offer",
                            "request" => "city.saved_request",
                            "offer-retired" => "city.retired_offer",
                            _ => "city.retired_request",
                        })) }
                    }
                }
            }
            _ => {}
        }
        span class="caption" { (country.map_or(city.country.as_str(), |c| c.name.as_str())) }
        h1 class="heading-xl" { (name) }
        p class="body" { (status_tag(tr, &city.status)) }
        @if request.is_some() {
            p class="body" { a href={ "/cities/" (id) "/plan" } { (tr.t("city.see_plan")) } }
        }

        h2 class="heading-l" { (tr.t("city.profile")) }
        dl class="summary" {
            div class="summary-row" { dt { (tr.t("city.country")) } dd { (country.map_or(city.country.as_str(), |c| c.name.as_str())) " (" (city.country.as_str()) ")" } }
            @if let Some(c) = country {
                div class="summary-row" { dt { (tr.t("city.region")) } dd { (super::coverage_chart::group_label(tr, c.region.label())) } }
                div class="summary-row" { dt { (tr.t("city.ldc_african")) } dd {
                    (if c.is_ldc { tr.t("city.ldc_yes") } else { tr.t("city.ldc_no") })
                    "; "
                    (if c.is_african { tr.t("city.african_yes") } else { tr.t("city.african_no") })
                } }
            }
            div class="summary-row" { dt { (tr.t("city.status")) } dd { (status_tag(tr, &city.status)) } }
            div class="summary-row" { dt { (tr.t("city.languages")) } dd {
                @if city.languages.is_empty() { (tr.t("city.none")) }
                @else { (city.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")) }
            } }
            div class="summary-row" { dt { (tr.t("city.population")) } dd {
                @match city.population { Some(p) => (p), None => (tr.t("city.not_recorded")) }
            } }
            div class="summary-row" { dt { (tr.t("city.year_joined")) } dd {
                @match city.status.year_joined() { Some(y) => (y), None => (tr.t("city.not_recorded")) }
            } }
            div class="summary-row" { dt { (tr.t("city.source")) } dd { (city.source) } }
        }

        @if let Some(o) = &offer {
            (offer_summary(tr, &topics, o, id, may_edit))
            @if may_edit && usize::from(o.capacity.get()) < live {
                div class="warning-text" id="capacity-warning" {
                    p class="body" { strong { (tr.f("city.capacity_below_live", &[("capacity", &o.capacity.get()), ("live", &live)])) } }
                }
            }
        } @else if let Some(r) = &request {
            (request_summary(tr, &topics, r, id, may_edit))
            @if let Some(run) = &round {
                h3 class="heading-m" id="round-status" { (tr.t("city.round_status_title")) }
                @match round_status(run, &proposals, id) {
                    RoundStatus::Covered(n) => p class="body" {
                        strong class="tag tag-green" { (tr.t("applicants.status_covered")) } " "
                        (tr.f("city.round_covered", &[("round", &run_title(tr, run)), ("n", &n)]))
                    },
                    RoundStatus::Unmatched(u) => p class="body" {
                        strong class="tag tag-red" { (tr.t("applicants.status_not_covered")) } " "
                        (tr.f("city.round_not_covered", &[("round", &run_title(tr, run))])) " "
                        (super::applicants::reason_text(tr, &network, u))
                    },
                    RoundStatus::NotInRound => p class="body" {
                        (tr.f("city.round_not_in", &[("round", &run_title(tr, run))]))
                    },
                }
            }
        } @else {
            h2 class="heading-l" { (match city.status { CityStatus::Member { .. } => tr.t("city.offer_title"), _ => tr.t("city.request_title") }) }
            p class="body" { (match city.status { CityStatus::Member { .. } => tr.t("city.no_offer"), _ => tr.t("city.no_request") }) }
            @if may_edit && !matches!(city.status, CityStatus::Partner) {
                @let (href, key) = match city.status { CityStatus::Member { .. } => ("offer", "city.add_offer"), _ => ("request", "city.add_request") };
                p class="body" { a class="button no-print" href={ "/cities/" (id) "/" (href) } { (tr.t(key)) } }
            }
            @if may_edit && matches!(city.status, CityStatus::Partner) {
                p class="body" { a class="button no-print" href={ "/cities/" (id) "/request" } { (tr.t("city.add_request")) } }
            }
        }

        @if let Some(s) = &engine.suggestions {
            h2 class="heading-l" { (tr.t("city.suggested_mentors")) }
            @if s.items.is_empty() {
                p class="body" { (tr.t("city.no_suggestions")) }
            } @else {
                div class="table-wrap" tabindex="0" {
                    table class="table" {
                        caption class="visually-hidden" { (tr.t("city.suggested_mentors")) }
                        thead { tr {
                            th scope="col" { (tr.t("city.mentor")) }
                            th scope="col" class="num" { (tr.t("city.score")) }
                            th scope="col" { (tr.t("city.why")) }
                        } }
                        tbody {
                            @for item in &s.items {
                                tr {
                                    td { a href={ "/cities/" (item.city.id) } { (item.city.name) ", " (item.city.country) } }
                                    td class="num" { (item.score) }
                                    td { (explanation_text(tr, &network, (item.pair.mentor, item.pair.applicant), &item.pair.explanation)) }
                                }
                            }
                        }
                    }
                }
            }
        }

        h2 class="heading-l" { (tr.t("city.twin_links")) }
        @if links.items.is_empty() {
            p class="body" { (tr.t("city.no_links")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.f("city.twin_links_of", &[("city", &name)])) }
                    thead { tr {
                        th scope="col" { (tr.t("city.linked_city")) }
                        th scope="col" { (tr.t("city.kind")) }
                        th scope="col" class="num" { (tr.t("city.year_signed")) }
                        th scope="col" { (tr.t("city.state")) }
                        th scope="col" { (tr.t("city.source")) }
                    } }
                    tbody {
                        @for l in &links.items {
                            @let other = if l.city_a.id == id { &l.city_b } else { &l.city_a };
                            tr {
                                td { a href={ "/cities/" (other.id) } { (other.name) ", " (other.country) } }
                                td { (link_kind(tr, l.link.kind)) }
                                td class="num" { @match l.link.year_signed { Some(y) => (y), None => "—" } }
                                td { @if l.link.active { (tr.t("city.active")) } @else { (tr.t("city.inactive")) } }
                                td class="small" { (l.link.source) }
                            }
                        }
                    }
                }
            }
            @if links.total > links.items.len() as i64 {
                p class="body small" { (tr.f("city.more_links", &[("n", &(links.total - links.items.len() as i64))])) }
            }
        }

        h2 class="heading-l" { (tr.t("city.clusters")) }
        @if memberships.is_empty() {
            p class="body" { (tr.t("city.no_clusters")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.t("city.clusters")) }
                    thead { tr {
                        th scope="col" { (tr.t("city.cluster")) }
                        th scope="col" { (tr.t("city.role")) }
                        th scope="col" { (tr.t("city.period")) }
                        th scope="col" { (tr.t("city.source")) }
                    } }
                    tbody {
                        @for m in &memberships {
                            tr {
                                td { (topic_name(&topics, m.topic)) }
                                td { @if m.role == crate::domain::ClusterRole::Coordinator { (tr.t("city.coordinator")) } @else { (tr.t("city.member")) } }
                                td { (m.period) }
                                td class="small" { (m.source) }
                            }
                        }
                    }
                }
            }
        }

        h2 class="heading-l" { (tr.t("city.expertise")) }
        p class="body" { (tr.t("city.expertise_intro")) }
        @if expertise.is_empty() && general.is_empty() {
            p class="body" { (tr.t("city.no_expertise")) }
        }
        @for e in &expertise {
            h3 class="heading-s" { (topic_name(&topics, e.topic)) " " (level_tag(tr, e.score)) }
            (evidence_table(tr, &topic_name(&topics, e.topic), e, &evidence))
        }
        @if !general.is_empty() && expertise.is_empty() {
            h3 class="heading-s" { (tr.t("city.general_evidence")) }
            ul class="list" {
                @for ev in &general {
                    li { (evidence_kind(tr, ev.fact.kind())) " · " (ev.fact.year().map_or("—".to_string(), |y| y.to_string())) " · " span class="small" { (ev.source) } }
                }
            }
        }

        h2 class="heading-l" { (tr.t("city.proposals")) }
        @if proposals.is_empty() {
            p class="body" { (tr.t("city.no_proposals")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.t("city.proposals")) }
                    thead { tr {
                        th scope="col" { (tr.t("city.proposal")) }
                        th scope="col" { (tr.t("city.with")) }
                        th scope="col" { (tr.t("city.as")) }
                        th scope="col" class="num" { (tr.t("city.round")) }
                        th scope="col" { (tr.t("city.state")) }
                    } }
                    tbody {
                        @for p in &proposals {
                            @let other = if p.mentor == id { p.applicant } else { p.mentor };
                            tr {
                                td { a href={ "/proposals/" (p.id) } { (tr.f("city.proposal_n", &[("n", &p.id)])) } }
                                td { a href={ "/cities/" (other) } {
                                    @match engine.names.get(&other) { Some(n) => { (n.name) ", " (n.country) }, None => { (other) } }
                                } }
                                td { @if p.mentor == id { (tr.t("city.as_mentor")) } @else { (tr.t("city.as_applicant")) } }
                                td class="num" { (p.run_id) }
                                td { (proposal_status(tr, p.state.status)) }
                            }
                        }
                    }
                }
            }
        }

        h2 class="heading-l" id="neighbourhood" { (tr.t("city.neighbourhood")) }
        (neighbourhood::render(tr, &name, &engine.hood))
    };
    Ok(layout::page(&viewer, &title, content))
}

pub fn link_kind(tr: Tr, kind: crate::domain::LinkKind) -> &'static str {
    use crate::domain::LinkKind::*;
    match kind {
        Twinning => tr.t("city.link_twinning"),
        SisterCity => tr.t("city.link_sister_city"),
        Friendship => tr.t("city.link_friendship"),
        CooperationAgreement => tr.t("city.link_cooperation"),
    }
}

fn evidence_table(tr: Tr, topic: &str, e: &Expertise, evidence: &[Evidence]) -> Markup {
    html! {
        @if e.contributions.is_empty() {
            p class="body" { (tr.t("city.no_evidence")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.f("city.evidence_for", &[("topic", &topic)])) }
                    thead { tr {
                        th scope="col" { (tr.t("city.evidence_kind")) }
                        th scope="col" class="num" { (tr.t("city.evidence_year")) }
                        th scope="col" { (tr.t("city.source")) }
                        th scope="col" class="num" { (tr.t("city.evidence_strength")) }
                    } }
                    tbody {
                        @for c in &e.contributions {
                            @let ev = evidence.iter().find(|x| x.id == c.evidence_id);
                            tr {
                                td {
                                    (evidence_kind(tr, c.kind))
                                    @if let Some(level) = ev.and_then(|x| x.fact.level()) { " (" (level) "/5)" }
                                    @if c.general { br; span class="small secondary" { (tr.t("city.general")) } }
                                }
                                td class="num" { (ev.and_then(|x| x.fact.year()).map_or("—".to_string(), |y| y.to_string())) }
                                td class="small" { (c.source) }
                                td class="num" { (format!("{:.0}", c.strength * 100.0)) "%" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn change_link(tr: Tr, href: String, what: &str) -> Markup {
    html! {
        p class="body no-print" {
            a href=(href) { (tr.t("city.change")) span class="visually-hidden" { " " (what) } }
        }
    }
}

/// Where an applicant stands in a round.
enum RoundStatus<'a> {
    /// Proposed this many mentors, or already had them.
    Covered(usize),
    /// Left without a mentor, with the reason and the smallest change.
    Unmatched(&'a crate::matching::diagnose::Unmatched),
    /// Its request came after the round.
    NotInRound,
}

/// Where applicant `city` stands in `run`, whose proposals to it are among
/// `proposals`.
fn round_status<'a>(
    run: &'a crate::store::StoredRun,
    proposals: &[crate::store::StoredProposal],
    city: CityId,
) -> RoundStatus<'a> {
    let mentors = proposals
        .iter()
        .filter(|p| p.run_id == run.id && p.applicant == city)
        .count()
        + run
            .summary
            .committed
            .iter()
            .filter(|p| p.applicant == city)
            .count();
    match run.summary.unmatched.iter().find(|u| u.applicant == city) {
        _ if mentors > 0 => RoundStatus::Covered(mentors),
        Some(u) => RoundStatus::Unmatched(u),
        None => RoundStatus::NotInRound,
    }
}

fn offer_summary(tr: Tr, topics: &[Topic], o: &SupportOffer, id: CityId, may_edit: bool) -> Markup {
    html! {
        h2 class="heading-l" id="offer" { (tr.t("city.offer_title")) }
        dl class="summary" {
            div class="summary-row" { dt { (tr.t("offer.topics")) } dd {
                ul class="list-plain" { @for t in &o.topics { li { (topic_name(topics, *t)) } } }
            } }
            div class="summary-row" { dt { (tr.t("offer.capacity")) } dd { (o.capacity.get()) } }
            div class="summary-row" { dt { (tr.t("offer.languages")) } dd { (o.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")) } }
            div class="summary-row" { dt { (tr.t("offer.modalities")) } dd { (o.modalities.iter().map(|m| modality_name(tr, *m)).collect::<Vec<_>>().join(", ")) } }
            div class="summary-row" { dt { (tr.t("offer.available_from")) } dd { (o.available_from.map_or("—".to_string(), |d| d.to_string())) } }
            div class="summary-row" { dt { (tr.t("offer.available_until")) } dd { (o.available_until.map_or("—".to_string(), |d| d.to_string())) } }
            @if !o.note.is_empty() {
                div class="summary-row" { dt { (tr.t("offer.note")) } dd { (o.note) } }
            }
        }
        @if may_edit { (change_link(tr, format!("/cities/{id}/offer"), tr.t("city.offer_title"))) }
    }
}

fn request_summary(
    tr: Tr,
    topics: &[Topic],
    r: &SupportRequest,
    id: CityId,
    may_edit: bool,
) -> Markup {
    html! {
        h2 class="heading-l" id="request" { (tr.t("city.request_title")) }
        dl class="summary" {
            div class="summary-row" { dt { (tr.t("request.needs")) } dd {
                ul class="list-plain" { @for n in &r.needs {
                    li { (topic_name(topics, n.topic)) " — " (priority_name(tr, n.priority.get())) }
                } }
            } }
            div class="summary-row" { dt { (tr.t("request.languages")) } dd { (r.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")) } }
            div class="summary-row" { dt { (tr.t("request.modalities")) } dd {
                @if r.modalities.is_empty() { (tr.t("request.any_modality")) }
                @else { (r.modalities.iter().map(|m| modality_name(tr, *m)).collect::<Vec<_>>().join(", ")) }
            } }
            div class="summary-row" { dt { (tr.t("request.max_mentors")) } dd { (r.max_mentors) } }
            @if !r.note.is_empty() {
                div class="summary-row" { dt { (tr.t("request.note")) } dd { (r.note) } }
            }
        }
        @if may_edit { (change_link(tr, format!("/cities/{id}/request"), tr.t("city.request_title"))) }
    }
}
