//! Pieces several pages show: a city's link, a round's title and status, a
//! proposal's status tag, a score's breakdown as one small bar per
//! component and in sentences, an introduction path, why an applicant was
//! left unmatched and the smallest change that would help it.

use maud::{Markup, html};

use super::i18n::Tr;
use crate::domain::{CityId, LinkKind, ProposalStatus, RunStatus};
use crate::engine::Network;
use crate::graph::{Hop, Relation, TrustPath};
use crate::matching::diagnose::{ChangeKind, Reason, SmallestChange};
use crate::matching::score::{Component, ComponentName, Explanation};
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
        Relation::TwinLink { kind, .. } => link_kind_name(tr, *kind).to_string(),
        Relation::SharedCluster { .. } => tr.t("proposals.relation_shared_cluster").to_string(),
        Relation::PastMentorship { rating, year } => tr.f(
            "proposals.relation_past_mentorship",
            &[("year", year), ("rating", rating)],
        ),
    }
}

/// A kind of twin link in words.
pub fn link_kind_name(tr: Tr, kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Twinning => tr.t("explain.link_twinning"),
        LinkKind::SisterCity => tr.t("explain.link_sister_city"),
        LinkKind::Friendship => tr.t("explain.link_friendship"),
        LinkKind::CooperationAgreement => tr.t("explain.link_cooperation_agreement"),
    }
}

/// How much an applicant needs a topic, in words (1 nice to have ..= 5 urgent).
pub fn priority_name(tr: Tr, priority: u8) -> &'static str {
    match priority {
        0 | 1 => tr.t("explain.priority_1"),
        2 => tr.t("explain.priority_2"),
        3 => tr.t("explain.priority_3"),
        4 => tr.t("explain.priority_4"),
        _ => tr.t("explain.priority_5"),
    }
}

/// A fraction in [0, 1] on the 0-100 scale people read.
pub fn out_of_100(fraction: f64) -> i64 {
    (fraction.clamp(0.0, 1.0) * 100.0).round() as i64
}

/// One hop of a chain of ties in words: "Ankara – Beijing: twinning since 1990".
pub fn hop_text(tr: Tr, network: &Network, hop: &Hop) -> String {
    let name = |c: CityId| {
        network
            .named(c)
            .map_or_else(|_| format!("#{c}"), |n| n.name)
    };
    let how = match &hop.relation {
        Relation::TwinLink { link_id, kind, .. } => {
            let year = network
                .snapshot
                .links
                .iter()
                .find(|l| l.id == *link_id)
                .and_then(|l| l.year_signed);
            match year {
                Some(year) => tr.f(
                    "explain.link_since",
                    &[("kind", &link_kind_name(tr, *kind)), ("year", &year)],
                ),
                None => link_kind_name(tr, *kind).to_string(),
            }
        }
        Relation::SharedCluster { topic } => tr.f(
            "explain.shared_cluster",
            &[(
                "cluster",
                &network
                    .market
                    .topics
                    .get(topic)
                    .map_or_else(String::new, |t| t.name.clone()),
            )],
        ),
        Relation::PastMentorship { rating, year } => tr.f(
            "explain.past_mentorship",
            &[("year", year), ("rating", rating)],
        ),
    };
    tr.f(
        "explain.hop",
        &[
            ("from", &name(hop.from)),
            ("to", &name(hop.to)),
            ("how", &how),
        ],
    )
}

/// One score component of the pair `mentor` → `applicant` as a sentence in
/// the reader's language, with topic names, priorities in words, a 0-100
/// scale and the chain of ties itself.
pub fn component_text(
    tr: Tr,
    network: &Network,
    (mentor, applicant): (CityId, CityId),
    e: &Explanation,
    c: &Component,
) -> String {
    match c.name {
        ComponentName::TopicFit if e.matched_topics.is_empty() => {
            tr.t("explain.no_topic").to_string()
        }
        ComponentName::TopicFit => {
            let topics: Vec<String> = e
                .matched_topics
                .iter()
                .map(|t| {
                    let name = network
                        .market
                        .topics
                        .get(&t.topic)
                        .map_or_else(|| t.slug.clone(), |x| x.name.clone());
                    tr.f(
                        "explain.topic_item",
                        &[
                            ("topic", &name),
                            ("priority", &priority_name(tr, t.priority)),
                            ("expertise", &out_of_100(t.expertise.score)),
                        ],
                    )
                })
                .collect();
            tr.f("explain.topics", &[("topics", &topics.join(", "))])
        }
        ComponentName::ExistingTies => match &e.tie {
            None => tr.t("path.none").to_string(),
            Some(tie) => {
                let hops: Vec<String> = tie.hops.iter().map(|h| hop_text(tr, network, h)).collect();
                tr.f(
                    "explain.ties",
                    &[
                        ("chain", &hops.join("; ")),
                        ("trust", &out_of_100(tie.trust)),
                    ],
                )
            }
        },
        ComponentName::ModalityFit if e.shared_modalities.is_empty() && c.fraction >= 1.0 => {
            tr.t("explain.any_modality").to_string()
        }
        ComponentName::ModalityFit if e.shared_modalities.is_empty() => {
            tr.t("explain.no_modality").to_string()
        }
        ComponentName::ModalityFit => {
            let ways: Vec<&str> = e
                .shared_modalities
                .iter()
                .map(|m| super::city::modality_name(tr, *m))
                .collect();
            tr.f("explain.modalities", &[("ways", &ways.join(", "))])
        }
        ComponentName::RegionalProximity => {
            let region = |place: Option<&crate::matching::score::Place>| {
                place.map(|p| super::coverage_chart::group_label(tr, p.region.label()))
            };
            let m = region(
                network
                    .market
                    .mentor_index(mentor)
                    .map(|i| &network.market.mentors[i].place),
            );
            let a = region(
                network
                    .market
                    .applicant_index(applicant)
                    .map(|i| &network.market.applicants[i].place),
            );
            match (m, a) {
                (Some(m), Some(a)) if m == a => tr.f("explain.same_region", &[("region", &m)]),
                (Some(m), Some(a)) => tr.f(
                    "explain.other_region",
                    &[
                        ("mentor", &m),
                        ("applicant", &a),
                        ("fit", &out_of_100(c.fraction)),
                    ],
                ),
                _ => tr.f("explain.region_fit", &[("fit", &out_of_100(c.fraction))]),
            }
        }
    }
}

/// A pair's score in words: its 0-100 fit, then one sentence per component.
pub fn explanation_text(
    tr: Tr,
    network: &Network,
    pair: (CityId, CityId),
    e: &Explanation,
) -> String {
    let points: i64 = e.components.iter().map(|c| c.points).sum();
    let best: i64 = e.components.iter().map(|c| c.weight).sum::<i64>().max(1);
    let mut text = tr.f(
        "explain.fit",
        &[("fit", &out_of_100(points as f64 / best as f64))],
    );
    for c in &e.components {
        text.push(' ');
        text.push_str(&component_text(tr, network, pair, e, c));
    }
    text
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
