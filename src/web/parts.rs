//! Pieces several pages show: a city's link, a proposal's status tag, a
//! score's breakdown as one small bar per component, an introduction path,
//! and why an applicant was left unmatched.

use maud::{Markup, html};
use serde_json::Value;

use super::i18n::Tr;
use crate::domain::{CityId, ProposalStatus};
use crate::engine::Network;
use crate::store::StoredProposal;

/// "Name, CC" linking to the city's page.
pub fn city_link(network: &Network, id: CityId) -> Markup {
    match network.named(id) {
        Ok(n) => html! { a href={ "/cities/" (id) } { (n.name) ", " (n.country) } },
        Err(_) => html! { a href={ "/cities/" (id) } { "#" (id) } },
    }
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

pub fn relation(tr: Tr, r: &Value) -> String {
    match r["type"].as_str() {
        Some("twin_link") => tr.f(
            "proposals.relation_twin_link",
            &[("kind", &r["kind"].as_str().unwrap_or("").replace('_', " "))],
        ),
        Some("shared_cluster") => tr.t("proposals.relation_shared_cluster").to_string(),
        Some("past_mentorship") => tr.f(
            "proposals.relation_past_mentorship",
            &[
                ("year", &r["year"].as_i64().unwrap_or_default()),
                ("rating", &r["rating"].as_i64().unwrap_or_default()),
            ],
        ),
        _ => String::new(),
    }
}

pub fn component_name(tr: Tr, name: &str) -> String {
    match name {
        "topic_fit" => tr.t("proposals.component_topic_fit").to_string(),
        "existing_ties" => tr.t("proposals.component_existing_ties").to_string(),
        "modality_fit" => tr.t("proposals.component_modality_fit").to_string(),
        "regional_proximity" => tr.t("proposals.component_regional_proximity").to_string(),
        other => other.replace('_', " "),
    }
}

/// One small bar per score component (points out of its weight), with the
/// numbers in text: the bar is never the only cue.
pub fn score_bars(tr: Tr, explanation: &Value) -> Markup {
    let components = explanation["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    html! {
        ul class="score-bars" {
            @for c in &components {
                @let points = c["points"].as_i64().unwrap_or(0);
                @let weight = c["weight"].as_i64().unwrap_or(0).max(1);
                @let percent = (points.clamp(0, weight) * 100) / weight;
                li class="score-bar" {
                    span class="score-bar-label" { (component_name(tr, c["name"].as_str().unwrap_or_default())) }
                    span class="bars" aria-hidden="true" {
                        span class={ "bar bar-" (c["name"].as_str().unwrap_or_default()) } style={ "width:" (percent) "%" } {}
                    }
                    span class="score-bar-points" { (points) " / " (weight) }
                }
            }
        }
    }
}

/// "A —twin link→ B —shared cluster→ C", or that there is no tie.
pub fn path_of(tr: Tr, network: &Network, tie: &Value) -> Markup {
    let hops = tie["hops"].as_array().cloned().unwrap_or_default();
    html! {
        @if hops.is_empty() {
            span class="secondary" { (tr.t("path.none")) }
        } @else {
            ol class="path" {
                @for (i, hop) in hops.iter().enumerate() {
                    @if i == 0 {
                        li { (city_link(network, CityId(hop["from"].as_i64().unwrap_or_default()))) }
                    }
                    li {
                        span class="path-tie" { "(" (relation(tr, &hop["relation"])) ")" }
                        " " (city_link(network, CityId(hop["to"].as_i64().unwrap_or_default())))
                    }
                }
            }
        }
    }
}

/// Why an applicant got fewer mentors than it asked for (the engine's
/// `Reason`, stored as JSON with a `code`).
pub fn reason_text(tr: Tr, reason: &Value) -> String {
    match reason["code"].as_str().unwrap_or_default() {
        "no_shared_language" => {
            let languages: Vec<&str> = reason["languages"]
                .as_array()
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            tr.f(
                "reason.no_shared_language",
                &[("languages", &languages.join(", "))],
            )
        }
        "no_topic_offered" => tr.f(
            "reason.no_topic_offered",
            &[("mentors", &reason["mentors_sharing_a_language"])],
        ),
        "all_candidates_banned" => tr.f(
            "reason.all_candidates_banned",
            &[("candidates", &reason["candidates"])],
        ),
        "candidates_full" => {
            let best: Vec<String> = reason["best"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|c| {
                            let holders: Vec<&str> = c["holders"]
                                .as_array()
                                .map(|h| h.iter().filter_map(|x| x["name"].as_str()).collect())
                                .unwrap_or_default();
                            format!(
                                "{} ({})",
                                c["name"].as_str().unwrap_or_default(),
                                holders.join(", ")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            tr.f(
                "reason.candidates_full",
                &[
                    ("candidates", &reason["candidates"]),
                    ("best", &best.join("; ")),
                ],
            )
        }
        _ => tr.t("reason.unknown").to_string(),
    }
}
