//! Pieces several pages show: a city's link, a proposal's status tag, a
//! score's breakdown as one small bar per component, an introduction path,
//! and why an applicant was left unmatched.

use maud::{Markup, html};
use serde_json::Value;

use super::i18n::Tr;
use crate::domain::{CityId, ProposalState, ProposalStatus};
use crate::engine::Network;

/// "Name, CC" linking to the city's page.
pub fn city_link(network: &Network, id: CityId) -> Markup {
    match network.named(id) {
        Ok(n) => html! { a href={ "/cities/" (id) } { (n.name) ", " (n.country) } },
        Err(_) => html! { a href={ "/cities/" (id) } { "#" (id) } },
    }
}

/// A proposal's status, with who has accepted while it waits.
pub fn status_tag(tr: Tr, state: &ProposalState) -> Markup {
    let (class, key) = match state.status {
        ProposalStatus::Proposed => ("tag", "status.proposed"),
        ProposalStatus::Accepted => ("tag tag-green", "status.accepted"),
        ProposalStatus::Active => ("tag tag-green", "status.active"),
        ProposalStatus::Completed => ("tag tag-purple", "status.completed"),
        ProposalStatus::Declined => ("tag tag-red", "status.declined"),
        ProposalStatus::Cancelled => ("tag tag-grey", "status.cancelled"),
    };
    html! {
        strong class=(class) { (tr.t(key)) }
        @if state.status == ProposalStatus::Proposed {
            @if state.mentor_accepted { " " span class="small" { (tr.t("status.mentor_accepted")) } }
            @if state.applicant_accepted { " " span class="small" { (tr.t("status.applicant_accepted")) } }
        }
    }
}

fn component_label(tr: Tr, name: &str) -> &'static str {
    match name {
        "topic_fit" => tr.t("score.topic_fit"),
        "existing_ties" => tr.t("score.existing_ties"),
        "modality_fit" => tr.t("score.modality_fit"),
        _ => tr.t("score.regional_proximity"),
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
                    span class="score-bar-label" { (component_label(tr, c["name"].as_str().unwrap_or_default())) }
                    span class="bars" aria-hidden="true" {
                        span class={ "bar bar-" (c["name"].as_str().unwrap_or_default()) } style={ "width:" (percent) "%" } {}
                    }
                    span class="score-bar-points" { (points) " / " (weight) }
                }
            }
        }
    }
}

fn relation_label(tr: Tr, hop: &Value) -> String {
    let r = &hop["relation"];
    match r["type"].as_str().unwrap_or_default() {
        "twin_link" => tr.t("path.twin_link").to_string(),
        "shared_cluster" => tr.t("path.shared_cluster").to_string(),
        "past_mentorship" => tr.f(
            "path.past_mentorship",
            &[("rating", &r["rating"]), ("year", &r["year"])],
        ),
        other => other.to_string(),
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
                        span class="path-tie" { "(" (relation_label(tr, hop)) ")" }
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
