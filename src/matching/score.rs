//! Pair scores with explanations: who could mentor whom, how well, and why.
//!
//! A pair is a **candidate** only where it can work: the two are different
//! cities, they share a working language (exchanges fail without one), and
//! the mentor offers at least one topic the applicant needs. Its score is an
//! integer in 0..=10000 (integers keep the solver exact), the sum of four
//! named components, each `round(weight * fraction)`:
//!
//! | component | fraction in [0, 1] |
//! |---|---|
//! | `topic_fit` | Σ over shared topics of priority x expertise, over Σ of all needed priorities |
//! | `existing_ties` | trust of the most trusted chain of existing ties (graph), 0 if none within the hop limit |
//! | `modality_fit` | share of the applicant's preferred modalities the mentor offers (1 if it states none) |
//! | `regional_proximity` | see [`RegionalPreference`] |
//!
//! The components of an explanation sum exactly to the score.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::expertise::{EvidenceWeights, Expertise};
use crate::domain::{
    CityId, CountryCode, Evidence, Language, Modality, Region, Snapshot, SupportOffer,
    SupportRequest, Topic, TopicId,
};
use crate::graph::{NetworkGraph, TrustModel, TrustPath};

/// Points per component at a perfect fit; they sum to at most 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreWeights {
    pub topic_fit: i64,
    pub existing_ties: i64,
    pub modality_fit: i64,
    pub regional_proximity: i64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self {
            topic_fit: 6000,
            existing_ties: 2000,
            modality_fit: 1000,
            regional_proximity: 1000,
        }
    }
}

impl ScoreWeights {
    pub const MAX_TOTAL: i64 = 10_000;

    /// Checks every weight is >= 0 and they sum to at most 10,000.
    pub fn validate(&self) -> Result<(), String> {
        let all = [
            self.topic_fit,
            self.existing_ties,
            self.modality_fit,
            self.regional_proximity,
        ];
        if all.iter().any(|w| *w < 0) {
            return Err("score weights are non-negative".into());
        }
        let total: i64 = all.iter().sum();
        if total > Self::MAX_TOTAL {
            return Err(format!(
                "score weights sum to {total}; at most {}",
                Self::MAX_TOTAL
            ));
        }
        Ok(())
    }
}

/// Which direction of cooperation the regional component values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionalPreference {
    /// South-south cooperation (the default): same region 1.0; a mentor
    /// from the global south (Africa, Arab States, Asia-Pacific, Latin
    /// America, or any African or LDC country) 0.75; otherwise 0.4.
    #[default]
    SouthSouth,
    /// North-south support: a mentor in Europe and North America 1.0; same
    /// region 0.75; otherwise 0.4.
    NorthSouth,
    /// Proximity only: same region 1.0, otherwise 0.5.
    Neutral,
}

/// Everything that tunes scoring.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    pub weights: ScoreWeights,
    pub evidence: EvidenceWeights,
    pub regional: RegionalPreference,
    /// Hop limit of introduction paths.
    pub max_hops: usize,
    /// The year evidence is judged in (years in the network count up to it).
    pub year: i32,
    #[serde(skip)]
    pub trust: TrustModel,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            weights: ScoreWeights::default(),
            evidence: EvidenceWeights::default(),
            regional: RegionalPreference::default(),
            max_hops: 3,
            year: 2026,
            trust: TrustModel::default(),
        }
    }
}

/// Where a city stands, for tiers, regions and reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub city: CityId,
    pub name: String,
    pub country: CountryCode,
    pub region: Region,
    pub is_ldc: bool,
    pub is_african: bool,
}

impl Place {
    fn is_global_south(&self) -> bool {
        self.is_african || self.is_ldc || self.region != Region::EuropeNorthAmerica
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mentor {
    #[serde(flatten)]
    pub place: Place,
    pub offer: SupportOffer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applicant {
    #[serde(flatten)]
    pub place: Place,
    pub request: SupportRequest,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ComponentName {
    TopicFit,
    ExistingTies,
    ModalityFit,
    RegionalProximity,
}

impl ComponentName {
    /// Its name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            ComponentName::TopicFit => "topic_fit",
            ComponentName::ExistingTies => "existing_ties",
            ComponentName::ModalityFit => "modality_fit",
            ComponentName::RegionalProximity => "regional_proximity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Component {
    pub name: ComponentName,
    pub points: i64,
    /// Points at a perfect fit.
    pub weight: i64,
    pub fraction: f64,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TopicMatch {
    pub topic: TopicId,
    pub slug: String,
    pub priority: u8,
    pub expertise: Expertise,
}

/// Why a score is what it is.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Explanation {
    /// Sum exactly to the score.
    pub components: Vec<Component>,
    /// Needed topics the mentor offers, with the evidence behind its expertise.
    pub matched_topics: Vec<TopicMatch>,
    /// The most trusted chain of existing ties, when there is one.
    pub tie: Option<TrustPath>,
    pub shared_languages: Vec<Language>,
    pub shared_modalities: Vec<Modality>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PairScore {
    pub applicant: CityId,
    pub mentor: CityId,
    pub score: i64,
    pub explanation: Explanation,
}

/// Why a pair cannot be a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    SameCity,
    NoSharedLanguage,
    NoSharedTopic,
}

/// The applicants, the mentors and every candidate pair with its score:
/// what the assignment solvers work on. Pure function of the snapshot.
#[derive(Debug, Clone)]
pub struct Market {
    /// Ordered by city id.
    pub mentors: Vec<Mentor>,
    /// Ordered by city id.
    pub applicants: Vec<Applicant>,
    /// Candidate pairs ordered by (applicant, mentor) index.
    pub candidates: Vec<Candidate>,
    pub topics: BTreeMap<TopicId, Topic>,
    /// Evidence by city, for expertise beyond the candidates (plans).
    pub evidence: BTreeMap<CityId, Vec<Evidence>>,
    pub config: EngineConfig,
}

/// A candidate pair by index into the market's lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub applicant: usize,
    pub mentor: usize,
    pub pair: PairScore,
}

fn intersect<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut v: Vec<T> = a.iter().filter(|x| b.contains(x)).cloned().collect();
    v.sort();
    v.dedup();
    v
}

impl Market {
    /// Builds the market: places, then for each applicant one graph search
    /// to every city (introduction paths), then a score for every pair that
    /// passes the hard constraints. O(A x (search + M x topics)).
    pub fn build(net: &Snapshot, graph: &NetworkGraph, config: EngineConfig) -> Self {
        let countries: BTreeMap<_, _> = net.countries.iter().map(|c| (&c.code, c)).collect();
        let place = |id: CityId| -> Option<Place> {
            let city = net.cities.iter().find(|c| c.id == id)?;
            let country = countries.get(&city.country)?;
            Some(Place {
                city: id,
                name: city.name.as_str().to_string(),
                country: city.country.clone(),
                region: country.region,
                is_ldc: country.is_ldc,
                is_african: country.is_african,
            })
        };
        let mut mentors: Vec<Mentor> = net
            .offers
            .iter()
            .filter_map(|o| {
                Some(Mentor {
                    place: place(o.city)?,
                    offer: o.clone(),
                })
            })
            .collect();
        mentors.sort_by_key(|m| m.place.city);
        let mut applicants: Vec<Applicant> = net
            .requests
            .iter()
            .filter_map(|r| {
                Some(Applicant {
                    place: place(r.city)?,
                    request: r.clone(),
                })
            })
            .collect();
        applicants.sort_by_key(|a| a.place.city);
        let topics: BTreeMap<TopicId, Topic> =
            net.topics.iter().map(|t| (t.id, t.clone())).collect();
        let mut evidence: BTreeMap<CityId, Vec<Evidence>> = BTreeMap::new();
        for e in &net.evidence {
            evidence.entry(e.city).or_default().push(e.clone());
        }

        let mut candidates = Vec::new();
        for (ai, a) in applicants.iter().enumerate() {
            let ties = graph.best_paths_from(a.place.city, config.max_hops);
            for (mi, m) in mentors.iter().enumerate() {
                if exclusion(m, a).is_some() {
                    continue;
                }
                let ev: Vec<&Evidence> = evidence
                    .get(&m.place.city)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                let pair = score_pair(m, a, ties.get(&m.place.city), &ev, &topics, &config);
                candidates.push(Candidate {
                    applicant: ai,
                    mentor: mi,
                    pair,
                });
            }
        }
        Market {
            mentors,
            applicants,
            candidates,
            topics,
            evidence,
            config,
        }
    }

    pub fn mentor_index(&self, city: CityId) -> Option<usize> {
        self.mentors
            .binary_search_by_key(&city, |m| m.place.city)
            .ok()
    }

    pub fn applicant_index(&self, city: CityId) -> Option<usize> {
        self.applicants
            .binary_search_by_key(&city, |a| a.place.city)
            .ok()
    }

    /// "Who could help me?": the best `n` candidate mentors of an applicant,
    /// by score, ties by mentor id.
    pub fn suggestions_for_applicant(&self, city: CityId, n: usize) -> Vec<&PairScore> {
        let Some(ai) = self.applicant_index(city) else {
            return Vec::new();
        };
        top_n(
            self.candidates
                .iter()
                .filter(|c| c.applicant == ai)
                .map(|c| (&c.pair, c.pair.mentor)),
            n,
        )
    }

    /// "Whom could I help?": the best `n` candidate applicants of a mentor.
    pub fn suggestions_for_mentor(&self, city: CityId, n: usize) -> Vec<&PairScore> {
        let Some(mi) = self.mentor_index(city) else {
            return Vec::new();
        };
        top_n(
            self.candidates
                .iter()
                .filter(|c| c.mentor == mi)
                .map(|c| (&c.pair, c.pair.applicant)),
            n,
        )
    }
}

fn top_n<'a>(items: impl Iterator<Item = (&'a PairScore, CityId)>, n: usize) -> Vec<&'a PairScore> {
    let mut v: Vec<_> = items.collect();
    v.sort_by(|a, b| b.0.score.cmp(&a.0.score).then(a.1.cmp(&b.1)));
    v.into_iter().take(n).map(|(p, _)| p).collect()
}

/// The hard constraints: why `mentor` cannot help `applicant`, if it cannot.
pub fn exclusion(mentor: &Mentor, applicant: &Applicant) -> Option<Exclusion> {
    if mentor.place.city == applicant.place.city {
        return Some(Exclusion::SameCity);
    }
    if intersect(&mentor.offer.languages, &applicant.request.languages).is_empty() {
        return Some(Exclusion::NoSharedLanguage);
    }
    if !applicant
        .request
        .needs
        .iter()
        .any(|n| mentor.offer.topics.contains(&n.topic))
    {
        return Some(Exclusion::NoSharedTopic);
    }
    None
}

fn component(name: ComponentName, weight: i64, fraction: f64, detail: String) -> Component {
    let fraction = fraction.clamp(0.0, 1.0);
    Component {
        name,
        points: (weight as f64 * fraction).round() as i64,
        weight,
        fraction,
        detail,
    }
}

/// Scores one pair (hard constraints are the caller's business: a locked
/// pair is scored even when it breaks them). `tie` is the best introduction
/// path from the applicant to the mentor; `evidence` the mentor's.
pub fn score_pair(
    mentor: &Mentor,
    applicant: &Applicant,
    tie: Option<&TrustPath>,
    evidence: &[&Evidence],
    topics: &BTreeMap<TopicId, Topic>,
    config: &EngineConfig,
) -> PairScore {
    let w = &config.weights;
    let needs = &applicant.request.needs;
    let total_priority: u32 = needs.iter().map(|n| u32::from(n.priority.get())).sum();
    let matched_topics: Vec<TopicMatch> = needs
        .iter()
        .filter(|n| mentor.offer.topics.contains(&n.topic))
        .map(|n| TopicMatch {
            topic: n.topic,
            slug: topics
                .get(&n.topic)
                .map(|t| t.slug.as_str().to_string())
                .unwrap_or_default(),
            priority: n.priority.get(),
            expertise: config
                .evidence
                .expertise(mentor.place.city, n.topic, evidence, config.year),
        })
        .collect();
    let fit: f64 = matched_topics
        .iter()
        .map(|t| f64::from(t.priority) * t.expertise.score)
        .sum::<f64>()
        / f64::from(total_priority.max(1));
    let topic_fit = component(
        ComponentName::TopicFit,
        w.topic_fit,
        fit,
        format!(
            "{} of {} needed topics offered: {}",
            matched_topics.len(),
            needs.len(),
            matched_topics
                .iter()
                .map(|t| format!(
                    "{} (priority {}, expertise {:.2})",
                    t.slug, t.priority, t.expertise.score
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );

    let ties = component(
        ComponentName::ExistingTies,
        w.existing_ties,
        tie.map_or(0.0, |p| p.trust),
        match tie {
            Some(p) => format!(
                "{} hop(s) of existing ties, trust {:.3}",
                p.hops.len(),
                p.trust
            ),
            None => format!("no chain of existing ties within {} hops", config.max_hops),
        },
    );

    let shared_modalities = intersect(&mentor.offer.modalities, &applicant.request.modalities);
    let wanted = applicant.request.modalities.len();
    let modality_fit = component(
        ComponentName::ModalityFit,
        w.modality_fit,
        if wanted == 0 {
            1.0
        } else {
            shared_modalities.len() as f64 / wanted as f64
        },
        if wanted == 0 {
            "the applicant states no preferred modality".into()
        } else {
            format!(
                "{} of {} preferred modalities offered",
                shared_modalities.len(),
                wanted
            )
        },
    );

    let (m, a) = (&mentor.place, &applicant.place);
    let same = m.region == a.region;
    let (fraction, why) = match config.regional {
        RegionalPreference::SouthSouth if same => (1.0, "same region"),
        RegionalPreference::SouthSouth if m.is_global_south() => (0.75, "south-south cooperation"),
        RegionalPreference::SouthSouth => (0.4, "north-south cooperation"),
        RegionalPreference::NorthSouth if m.region == Region::EuropeNorthAmerica => {
            (1.0, "mentor from Europe and North America")
        }
        RegionalPreference::NorthSouth if same => (0.75, "same region"),
        RegionalPreference::NorthSouth => (0.4, "other region"),
        RegionalPreference::Neutral if same => (1.0, "same region"),
        RegionalPreference::Neutral => (0.5, "other region"),
    };
    let regional = component(
        ComponentName::RegionalProximity,
        w.regional_proximity,
        fraction,
        format!("{why}: {} -> {}", m.region.label(), a.region.label()),
    );

    let components = vec![topic_fit, ties, modality_fit, regional];
    PairScore {
        applicant: a.city,
        mentor: m.city,
        score: components.iter().map(|c| c.points).sum(),
        explanation: Explanation {
            components,
            matched_topics,
            tie: tie.cloned(),
            shared_languages: intersect(&mentor.offer.languages, &applicant.request.languages),
            shared_modalities,
        },
    }
}
