//! Pieces several pages show: a city's link, a round's title and status, a
//! proposal's status tag, a
//! score's breakdown as one small bar per component, an introduction path,
//! and why an applicant was left unmatched.

use maud::{Markup, html};

use super::i18n::Tr;
use crate::domain::{CityId, ProposalStatus, RunStatus};
use crate::engine::Network;
use crate::graph::{Relation, TrustPath};
use crate::matching::diagnose::{ChangeKind, Reason, SmallestChange};
use crate::matching::score::{ComponentName, Explanation};
use crate::store::{StoredProposal, StoredRun};

/// "Name, CC" linking to the city's page.
pub fn city_link(network: &Network, id: CityId) -> Markup {
    match network.named(id) {
        Ok(n) => html! { a href={ "/cities/" (id) } { (n.name) ", " (n.country) } },
        Err(_) => html! { a href={ "/cities/" (id) } { "#" (id) } },
    }
}

/// A round as people call it: its name, or "Round {id}".
pub fn run_title(tr: Tr, run: &StoredRun) -> String {
    match &run.name {
        Some(name) => name.clone(),
        None => tr.f("round.name", &[("id", &run.id)]),
    }
}

/// Where a round stands, in words.
pub fn run_status_name(tr: Tr, status: RunStatus) -> &'static str {
    match status {
        RunStatus::Draft => tr.t("round.status_draft"),
        RunStatus::Published => tr.t("round.status_published"),
        RunStatus::Superseded => tr.t("round.status_superseded"),
        RunStatus::Discarded => tr.t("round.status_discarded"),
    }
}

/// A round's status tag: its text and colour.
pub fn run_status_tag(tr: Tr, status: RunStatus) -> Markup {
    let colour = match status {
        RunStatus::Draft => "tag-yellow",
        RunStatus::Published => "tag-green",
        RunStatus::Superseded | RunStatus::Discarded => "tag-grey",
    };
    html! { strong class={ "tag " (colour) } { (run_status_name(tr, status)) } }
}

/// The status tag: its text and colour (the text alone says it all).
pub fn status_tag(tr: Tr, p: &StoredProposal) -> Markup {
    let superseded = p
        .reason
        .as_deref()
        .is_some_and(|r| r.starts_with("superseded by run"));
    let (key, colour) = match p.state.status {
        ProposalStatus::Proposed => ("proposals.status_proposed", "tag-yellow"),
        ProposalStatus::Accepted if p.state.mentor_accepted => {
            ("proposals.status_accepted_by_mentor", "tag-yellow")
        }
        ProposalStatus::Accepted => ("proposals.status_accepted_by_applicant", "tag-yellow"),
        ProposalStatus::Active => ("proposals.status_active", "tag-green"),
        ProposalStatus::Declined => ("proposals.status_declined", "tag-red"),
        ProposalStatus::Completed => ("proposals.status_completed", "tag-purple"),
        ProposalStatus::Cancelled if superseded => ("proposals.status_superseded", "tag-grey"),
        ProposalStatus::Cancelled => ("proposals.status_cancelled", "tag-grey"),
    };
    html! { strong class={ "tag " (colour) } { (tr.t(key)) } }
}

pub fn relation(tr: Tr, r: &Relation) -> String {
    match r {
        Relation::TwinLink { kind, .. } => tr.f(
            "proposals.relation_twin_link",
            &[("kind", &kind.name().replace('_', " "))],
        ),
        Relation::SharedCluster { .. } => tr.t("proposals.relation_shared_cluster").to_string(),
        Relation::PastMentorship { rating, year } => tr.f(
            "proposals.relation_past_mentorship",
            &[("year", year), ("rating", rating)],
        ),
    }
}

pub fn component_name(tr: Tr, name: ComponentName) -> &'static str {
    match name {
        ComponentName::TopicFit => tr.t("proposals.component_topic_fit"),
        ComponentName::ExistingTies => tr.t("proposals.component_existing_ties"),
        ComponentName::ModalityFit => tr.t("proposals.component_modality_fit"),
        ComponentName::RegionalProximity => tr.t("proposals.component_regional_proximity"),
    }
}

/// One small bar per score component (points out of its weight), with the
/// numbers in text: the bar is never the only cue.
pub fn score_bars(tr: Tr, explanation: &Explanation) -> Markup {
    html! {
        ul class="score-bars" {
            @for c in &explanation.components {
                @let weight = c.weight.max(1);
                @let percent = (c.points.clamp(0, weight) * 100) / weight;
                li class="score-bar" {
                    span class="score-bar-label" { (component_name(tr, c.name)) }
                    span class="bars" aria-hidden="true" {
                        span class={ "bar bar-" (c.name.name()) } style={ "width:" (percent) "%" } {}
                    }
                    span class="score-bar-points" { (c.points) " / " (weight) }
                }
            }
        }
    }
}

/// "A —twin link→ B —shared cluster→ C", or that there is no tie.
pub fn path_of(tr: Tr, network: &Network, tie: Option<&TrustPath>) -> Markup {
    let hops = tie.map_or(&[][..], |t| &t.hops);
    html! {
        @if hops.is_empty() {
            span class="secondary" { (tr.t("path.none")) }
        } @else {
            ol class="path" {
                @for (i, hop) in hops.iter().enumerate() {
                    @if i == 0 {
                        li { (city_link(network, hop.from)) }
                    }
                    li {
                        span class="path-tie" { "(" (relation(tr, &hop.relation)) ")" }
                        " " (city_link(network, hop.to))
                    }
                }
            }
        }
    }
}

/// A language by its name in the reader's language (its code if unknown).
pub fn language_name(tr: Tr, language: &crate::domain::Language) -> String {
    let code = language.as_str();
    tr.get(&format!("language.{code}"))
        .map_or_else(|| code.to_string(), str::to_string)
}

/// The smallest change that would give an unmatched applicant a mentor,
/// in the reader's language, with the points it costs where measured.
pub fn change_text(tr: Tr, network: &Network, c: &SmallestChange) -> String {
    let mentor = network
        .named(c.mentor)
        .map_or_else(|_| c.name.clone(), |n| n.name);
    let delta = c.total_delta.map_or_else(String::new, |d| format!("{d:+}"));
    let n = c.mentors.unwrap_or(0);
    let free = c.with_free_slot.unwrap_or(0);
    match c.kind {
        ChangeKind::ExtraSlot if c.paired_with == c.mentor => tr.f(
            "round.change_extra_slot",
            &[("mentor", &mentor), ("delta", &delta)],
        ),
        ChangeKind::ExtraSlot => tr.f(
            "round.change_extra_slot_moves",
            &[("mentor", &mentor), ("delta", &delta)],
        ),
        ChangeKind::ServeNow => tr.f(
            "round.change_serve_now",
            &[("mentor", &mentor), ("delta", &delta)],
        ),
        ChangeKind::LiftBan => tr.f(
            "round.change_lift_ban",
            &[("mentor", &mentor), ("delta", &delta)],
        ),
        ChangeKind::AddLanguage => tr.f(
            "round.change_add_language",
            &[
                (
                    "language",
                    &c.language
                        .as_ref()
                        .map_or_else(String::new, |l| language_name(tr, l)),
                ),
                ("n", &n),
                ("free", &free),
                ("mentor", &mentor),
            ],
        ),
        ChangeKind::AddTopic => tr.f(
            "round.change_add_topic",
            &[
                (
                    "topic",
                    &c.topic
                        .and_then(|t| network.market.topics.get(&t))
                        .map_or_else(String::new, |t| t.name.clone()),
                ),
                ("n", &n),
                ("free", &free),
                ("mentor", &mentor),
            ],
        ),
    }
}

/// Why an applicant got fewer mentors than it asked for.
pub fn reason_text(tr: Tr, reason: &Reason) -> String {
    match reason {
        Reason::NoSharedLanguage { languages } => {
            let languages: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
            tr.f(
                "reason.no_shared_language",
                &[("languages", &languages.join(", "))],
            )
        }
        Reason::NoTopicOffered {
            mentors_sharing_a_language,
        } => tr.f(
            "reason.no_topic_offered",
            &[("mentors", mentors_sharing_a_language)],
        ),
        Reason::AllCandidatesBanned { candidates } => tr.f(
            "reason.all_candidates_banned",
            &[("candidates", candidates)],
        ),
        Reason::CandidatesFull { candidates, best } => {
            let best: Vec<String> = best
                .iter()
                .map(|c| {
                    let holders: Vec<&str> = c.holders.iter().map(|h| h.name.as_str()).collect();
                    format!("{} ({})", c.name, holders.join(", "))
                })
                .collect();
            tr.f(
                "reason.candidates_full",
                &[("candidates", candidates), ("best", &best.join("; "))],
            )
        }
    }
}
