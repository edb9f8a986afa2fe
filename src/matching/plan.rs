//! The capacity-building plan of one applicant: stages in the Guidelines'
//! order, a lead mentor per stage with the introduction path to it, one or
//! two alternates, and a readiness checklist for joining the network.
//!
//! Stages: what the applicant asked for first, by priority (ties in the
//! Guidelines' order), then the other areas of action in their order (plan,
//! involve, celebrate, make accessible, monitor and evaluate, fund). An area
//! the applicant already covers (its own evidence gives expertise >=
//! `done_threshold`) is marked done, not dropped; an area it did not ask
//! for is `suggested`.
//!
//! Mentors: for each open stage, mentors offering the topic in a shared
//! language are scored as a pair for that one topic (same components and
//! explanation as [`score_pair`]). The applicant's own mentors (in force,
//! or proposed in the published round) lead every stage they offer: the
//! plan starts from the round. Otherwise the best mentor with a free slot
//! leads, unless a mentor already leading an earlier stage scores within
//! `reuse_tolerance` of it: few distinct mentors beat many. The plan never
//! has more distinct mentors than the request's `max_mentors`: once that
//! many lead, a stage none of them offers has no lead and says so. A full
//! mentor is never a lead; it is listed as an alternate and the stage says
//! so.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::expertise::Expertise;
use super::score::{Applicant, Market, PairScore, exclusion, score_pair};
use crate::domain::{CityId, Evidence, Modality, Need, Priority, TopicId, TopicKind};
use crate::graph::TrustPath;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanParams {
    /// Reuse an earlier stage's mentor when its score is at least
    /// (1 - tolerance) x the best available score for the stage.
    pub reuse_tolerance: f64,
    /// Alternates listed per stage.
    pub alternates: usize,
    /// Own expertise from which a stage counts as done.
    pub done_threshold: f64,
}

impl Default for PlanParams {
    fn default() -> Self {
        Self {
            reuse_tolerance: 0.15,
            alternates: 2,
            done_threshold: 0.3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    /// The applicant's own evidence covers it.
    Done,
    /// In the applicant's request.
    Needed,
    /// An area of action the request does not name, on the way to membership.
    Suggested,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageMentor {
    pub mentor: CityId,
    pub name: String,
    pub score: i64,
    /// Same shape as a pair's explanation, for this stage's topic.
    pub explanation: super::score::Explanation,
    /// The introduction path from the applicant, if any within the hop limit.
    pub path: Option<TrustPath>,
    pub modality: Option<Modality>,
    /// Mentors an earlier stage of this plan already.
    pub reused: bool,
    /// One of the applicant's mentors now: in force, or proposed in the
    /// published round.
    #[serde(default)]
    pub proposed: bool,
    /// No free slot in the current assignment.
    pub full: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Stage {
    pub order: usize,
    pub topic: TopicId,
    pub slug: String,
    pub name: String,
    /// `area_of_action` or `cluster`.
    pub kind: &'static str,
    pub priority: Option<u8>,
    pub status: StageStatus,
    pub own_expertise: Expertise,
    pub lead: Option<StageMentor>,
    pub alternates: Vec<StageMentor>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    Done,
    NotYet,
    /// twinmatch holds no record either way.
    NotRecorded,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReadinessItem {
    pub item: &'static str,
    pub label: &'static str,
    pub status: Readiness,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub applicant: CityId,
    pub name: String,
    pub stages: Vec<Stage>,
    pub distinct_mentors: usize,
    /// True when no lead mentor is reachable through existing ties: the
    /// plan relies on cluster ties and expertise alone.
    pub without_ties: bool,
    pub readiness: Vec<ReadinessItem>,
}

/// The checklist: (item, label, area-of-action slug that evidences it).
const CHECKLIST: [(&str, &str, Option<&str>); 5] = [
    (
        "mayor_commitment",
        "Mayor's commitment and signature of the application",
        None,
    ),
    (
        "natcom_endorsement",
        "Endorsement by the National Commission for UNESCO",
        None,
    ),
    ("learning_city_plan", "A learning city plan", Some("plan")),
    (
        "coordinating_structure",
        "A coordinating structure of all stakeholders",
        Some("involve"),
    ),
    (
        "monitoring_process",
        "A monitoring and evaluation process",
        Some("monitor-evaluate"),
    ),
];

/// Builds the plan of the applicant `city`. `paths` are the best
/// introduction paths from it (one graph search); `load` is how many
/// applicants each mentor carries in the current assignment, `current` the
/// applicant's own current mentors. `None` if `city` has no request.
pub fn build_plan(
    market: &Market,
    city: CityId,
    paths: &BTreeMap<CityId, TrustPath>,
    load: &BTreeMap<CityId, usize>,
    current: &[CityId],
    params: &PlanParams,
) -> Option<Plan> {
    let ai = market.applicant_index(city)?;
    let applicant = &market.applicants[ai];
    let config = &market.config;
    let own: Vec<&Evidence> = market
        .evidence
        .get(&city)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    let needed: BTreeMap<TopicId, Priority> = applicant
        .request
        .needs
        .iter()
        .map(|n| (n.topic, n.priority))
        .collect();

    // Stage order: requested topics by priority (then the areas' order),
    // then the areas not asked for in their order.
    let mut topics: Vec<_> = market
        .topics
        .values()
        .filter_map(|t| {
            let stage = match t.kind {
                TopicKind::AreaOfAction { stage } => stage,
                TopicKind::Cluster => u8::MAX,
            };
            match needed.get(&t.id) {
                Some(p) => Some(((0u8, std::cmp::Reverse(p.get()), stage), t)),
                None if stage < u8::MAX => Some(((1u8, std::cmp::Reverse(0), stage), t)),
                None => None,
            }
        })
        .collect();
    topics.sort_by(|(ka, ta), (kb, tb)| ka.cmp(kb).then(ta.id.cmp(&tb.id)));
    let most = usize::from(applicant.request.max_mentors);

    let mut leads: Vec<CityId> = Vec::new();
    let mut stages = Vec::new();
    for (order, (_, topic)) in topics.into_iter().enumerate() {
        let own_expertise = config.evidence.expertise(city, topic.id, &own, config.year);
        let priority = needed.get(&topic.id).map(|p| p.get());
        let status = if own_expertise.score >= params.done_threshold {
            StageStatus::Done
        } else if priority.is_some() {
            StageStatus::Needed
        } else {
            StageStatus::Suggested
        };
        let mut stage = Stage {
            order: order + 1,
            topic: topic.id,
            slug: topic.slug.as_str().to_string(),
            name: topic.name.clone(),
            kind: topic.kind.name(),
            priority,
            status,
            own_expertise,
            lead: None,
            alternates: Vec::new(),
            note: None,
        };
        if status != StageStatus::Done {
            fill_mentors(
                market, applicant, &mut stage, paths, load, current, &leads, most, params,
            );
            if let Some(l) = &stage.lead
                && !leads.contains(&l.mentor)
            {
                leads.push(l.mentor);
            }
        }
        stages.push(stage);
    }

    let readiness = CHECKLIST
        .iter()
        .map(|(item, label, area)| {
            let stage = area.and_then(|slug| stages.iter().find(|s| s.slug == slug));
            let (status, basis) = match (area, stage) {
                (None, _) => (
                    Readiness::NotRecorded,
                    "twinmatch holds no record of it yet".to_string(),
                ),
                (Some(slug), None) => (
                    Readiness::NotRecorded,
                    format!("no '{slug}' topic in this network"),
                ),
                (Some(_), Some(s)) if s.status == StageStatus::Done => (
                    Readiness::Done,
                    format!(
                        "own evidence gives expertise {:.2} in '{}'",
                        s.own_expertise.score, s.name
                    ),
                ),
                (Some(_), Some(s)) => (
                    Readiness::NotYet,
                    format!(
                        "own evidence gives expertise {:.2} in '{}' (done from {:.2})",
                        s.own_expertise.score, s.name, params.done_threshold
                    ),
                ),
            };
            ReadinessItem {
                item,
                label,
                status,
                basis,
            }
        })
        .collect();

    let without_ties = stages
        .iter()
        .filter_map(|s| s.lead.as_ref())
        .all(|l| l.path.is_none());
    Some(Plan {
        applicant: city,
        name: applicant.place.name.clone(),
        distinct_mentors: leads.len(),
        stages,
        without_ties,
        readiness,
    })
}

#[allow(clippy::too_many_arguments)]
fn fill_mentors(
    market: &Market,
    applicant: &Applicant,
    stage: &mut Stage,
    paths: &BTreeMap<CityId, TrustPath>,
    load: &BTreeMap<CityId, usize>,
    current: &[CityId],
    leads: &[CityId],
    most: usize,
    params: &PlanParams,
) {
    // The applicant as if it asked for this one topic.
    let mut single = applicant.clone();
    single.request.needs = vec![Need {
        topic: stage.topic,
        priority: Priority::parse(i64::from(stage.priority.unwrap_or(3))).expect("1..=5"),
    }];
    let mut scored: Vec<(PairScore, bool)> = market
        .mentors
        .iter()
        .filter(|m| exclusion(m, &single).is_none())
        .map(|m| {
            let ev: Vec<&Evidence> = market
                .evidence
                .get(&m.place.city)
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let pair = score_pair(
                m,
                &single,
                paths.get(&m.place.city),
                &ev,
                &market.topics,
                &market.config,
            );
            let used = load.get(&m.place.city).copied().unwrap_or(0);
            let full =
                !current.contains(&m.place.city) && used >= usize::from(m.offer.capacity.get());
            (pair, full)
        })
        .collect();
    scored.sort_by(|(a, _), (b, _)| b.score.cmp(&a.score).then(a.mentor.cmp(&b.mentor)));
    if scored.is_empty() {
        stage.note = Some("no mentor offers this topic in a shared language".into());
        return;
    }
    // The mentors the plan has (its own and earlier leads), and whether
    // the request leaves room for another.
    let mut kept: Vec<CityId> = current.to_vec();
    kept.extend(leads.iter().filter(|l| !current.contains(l)));
    let room = kept.len() < most;
    let own = scored.iter().position(|(p, _)| current.contains(&p.mentor));
    let best_free = scored.iter().position(|(_, full)| !full);
    let reuse = scored
        .iter()
        .position(|(p, full)| !full && kept.contains(&p.mentor));
    let lead_at = match (own, best_free, reuse) {
        (Some(o), _, _) => Some(o),
        (None, _, r) if !room => r,
        (None, Some(b), Some(r))
            if scored[r].0.score as f64
                >= (1.0 - params.reuse_tolerance) * scored[b].0.score as f64 =>
        {
            Some(r)
        }
        (None, b, _) => b,
    };
    let as_mentor = |(pair, full): &(PairScore, bool)| {
        let m = &market.mentors[market
            .mentor_index(pair.mentor)
            .expect("scored mentors exist")];
        StageMentor {
            mentor: pair.mentor,
            name: m.place.name.clone(),
            score: pair.score,
            modality: pair
                .explanation
                .shared_modalities
                .first()
                .or(m.offer.modalities.first())
                .copied(),
            path: paths.get(&pair.mentor).cloned(),
            explanation: pair.explanation.clone(),
            reused: leads.contains(&pair.mentor),
            proposed: current.contains(&pair.mentor),
            full: *full,
        }
    };
    stage.lead = lead_at.map(|i| as_mentor(&scored[i]));
    stage.alternates = scored
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != lead_at)
        .take(params.alternates)
        .map(|(_, s)| as_mentor(s))
        .collect();
    let full_above: Vec<&str> = scored[..lead_at.unwrap_or(scored.len())]
        .iter()
        .filter(|(_, full)| *full)
        .map(|(p, _)| {
            market.mentors[market.mentor_index(p.mentor).expect("exists")]
                .place
                .name
                .as_str()
        })
        .collect();
    stage.note = match (&stage.lead, full_above.is_empty()) {
        (None, _) if !room => Some(format!(
            "none of the {} mentors the request allows offers this topic",
            kept.len()
        )),
        (None, _) => {
            Some("every mentor offering this topic is full in the current assignment".into())
        }
        (Some(l), _) if l.proposed => Some("the applicant's mentor in the published round".into()),
        (Some(_), false) => Some(format!(
            "{} would fit better but {} full in the current assignment",
            full_above.join(", "),
            if full_above.len() == 1 { "is" } else { "are" }
        )),
        (Some(l), true) if l.reused => Some("reuses the mentor of an earlier stage".into()),
        _ => None,
    };
}
