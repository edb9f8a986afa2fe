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
use std::sync::Arc;

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
    #[schema(minimum = 0, maximum = 10000)]
    pub topic_fit: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub existing_ties: i64,
    #[schema(minimum = 0, maximum = 10000)]
    pub modality_fit: i64,
    #[schema(minimum = 0, maximum = 10000)]
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
        // Saturating: a weight near i64::MAX is too much, not a wrap.
        let total = all.iter().fold(0i64, |sum, w| sum.saturating_add(*w));
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
///
/// A candidate holds its score and the nodes of its best chain of ties, not
/// its explanation: [`Market::explain`] builds that, for the pairs someone
/// reads (proposals, suggestions), with the same arithmetic.
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
    /// The graph the chains of ties run in (none: no chains to explain).
    pub graph: Option<Arc<NetworkGraph>>,
    /// Graph nodes of the candidates' chains of ties, one run per candidate.
    pub tie_nodes: Vec<u32>,
}

/// A candidate pair by index into the market's lists, with its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub applicant: usize,
    pub mentor: usize,
    pub pair: Scored,
    /// Its chain of ties in [`Market::tie_nodes`] (`len` 0: none).
    pub tie: TieNodes,
}

/// A pair and its score, without the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub applicant: CityId,
    pub mentor: CityId,
    pub score: i64,
}

/// Where a candidate's chain of ties lies in [`Market::tie_nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TieNodes {
    pub start: u32,
    pub len: u32,
}

fn intersect<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut v: Vec<T> = a.iter().filter(|x| b.contains(x)).cloned().collect();
    v.sort();
    v.dedup();
    v
}

impl Market {
    /// Builds the market: places, then for each applicant one graph search
    /// (introduction paths) and a score for every mentor that shares one of
    /// its languages and offers one of its topics, found through a language
    /// index and a topic index rather than by trying every pair.
    /// O(A x (search + candidates)).
    pub fn build(net: &Snapshot, graph: &Arc<NetworkGraph>, config: EngineConfig) -> Self {
        let countries: BTreeMap<_, _> = net.countries.iter().map(|c| (&c.code, c)).collect();
        let place = |id: CityId| -> Option<Place> {
            let city = &net.cities[net.cities.binary_search_by_key(&id, |c| c.id).ok()?];
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

        // Each mentor's expertise in each topic it offers, once.
        let expertise: Vec<BTreeMap<TopicId, f64>> = mentors
            .iter()
            .map(|m| {
                let ev: Vec<&Evidence> = evidence
                    .get(&m.place.city)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                m.offer
                    .topics
                    .iter()
                    .map(|&t| {
                        let e = config.evidence.expertise(m.place.city, t, &ev, config.year);
                        (t, e.score)
                    })
                    .collect()
            })
            .collect();
        // Mentors by language and by topic, as bit sets.
        let words = mentors.len().div_ceil(64);
        let mut by_language: BTreeMap<&Language, Vec<u64>> = BTreeMap::new();
        let mut by_topic: BTreeMap<TopicId, Vec<u64>> = BTreeMap::new();
        for (mi, m) in mentors.iter().enumerate() {
            for l in &m.offer.languages {
                by_language.entry(l).or_insert_with(|| vec![0; words])[mi / 64] |= 1 << (mi % 64);
            }
            for t in &m.offer.topics {
                by_topic.entry(*t).or_insert_with(|| vec![0; words])[mi / 64] |= 1 << (mi % 64);
            }
        }
        let union = |sets: &mut dyn Iterator<Item = Option<&Vec<u64>>>| {
            let mut out = vec![0u64; words];
            for set in sets.flatten() {
                for (o, w) in out.iter_mut().zip(set) {
                    *o |= w;
                }
            }
            out
        };

        let mut candidates = Vec::new();
        let mut tie_nodes = Vec::new();
        for (ai, a) in applicants.iter().enumerate() {
            let speaking = union(&mut a.request.languages.iter().map(|l| by_language.get(l)));
            let offering = union(&mut a.request.needs.iter().map(|n| by_topic.get(&n.topic)));
            let paths = graph.paths_from(a.place.city, config.max_hops);
            for (w, (x, y)) in speaking.iter().zip(&offering).enumerate() {
                let mut bits = x & y;
                while bits != 0 {
                    let mi = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let m = &mentors[mi];
                    if m.place.city == a.place.city {
                        continue;
                    }
                    debug_assert!(exclusion(m, a).is_none());
                    let trust = paths.trust(m.place.city);
                    let score = score_of(m, a, trust, |t| expertise[mi][&t], &config);
                    let start = tie_nodes.len() as u32;
                    if let Some(nodes) = paths.nodes(m.place.city) {
                        tie_nodes.extend(nodes);
                    }
                    candidates.push(Candidate {
                        applicant: ai,
                        mentor: mi,
                        pair: Scored {
                            applicant: a.place.city,
                            mentor: m.place.city,
                            score,
                        },
                        tie: TieNodes {
                            start,
                            len: tie_nodes.len() as u32 - start,
                        },
                    });
                }
            }
        }
        Market {
            mentors,
            applicants,
            candidates,
            topics,
            evidence,
            config,
            graph: Some(graph.clone()),
            tie_nodes,
        }
    }

    /// The score of candidate `ci` with its explanation.
    pub fn explain(&self, ci: usize) -> PairScore {
        let c = &self.candidates[ci];
        let (m, a) = (&self.mentors[c.mentor], &self.applicants[c.applicant]);
        let tie = self.graph.as_ref().filter(|_| c.tie.len > 0).map(|g| {
            let at = c.tie.start as usize;
            g.path_of(&self.tie_nodes[at..at + c.tie.len as usize])
        });
        let ev: Vec<&Evidence> = self
            .evidence
            .get(&m.place.city)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let mut pair = score_pair(m, a, tie.as_ref(), &ev, &self.topics, &self.config);
        debug_assert!(
            self.graph.is_none() || pair.score == c.pair.score,
            "the explanation of {:?} scores {}",
            c.pair,
            pair.score
        );
        pair.score = c.pair.score;
        pair
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
    /// by score, ties by mentor id, explained.
    pub fn suggestions_for_applicant(&self, city: CityId, n: usize) -> Vec<PairScore> {
        let Some(ai) = self.applicant_index(city) else {
            return Vec::new();
        };
        let from = self.candidates.partition_point(|c| c.applicant < ai);
        let to = self.candidates.partition_point(|c| c.applicant <= ai);
        self.top_n(
            (from..to).map(|ci| (ci, self.candidates[ci].pair.mentor)),
            n,
        )
    }

    /// "Whom could I help?": the best `n` candidate applicants of a mentor.
    pub fn suggestions_for_mentor(&self, city: CityId, n: usize) -> Vec<PairScore> {
        let Some(mi) = self.mentor_index(city) else {
            return Vec::new();
        };
        self.top_n(
            (0..self.candidates.len())
                .filter(|&ci| self.candidates[ci].mentor == mi)
                .map(|ci| (ci, self.candidates[ci].pair.applicant)),
            n,
        )
    }

    fn top_n(&self, items: impl Iterator<Item = (usize, CityId)>, n: usize) -> Vec<PairScore> {
        let mut v: Vec<_> = items.collect();
        v.sort_by(|a, b| {
            let score = |ci: usize| self.candidates[ci].pair.score;
            score(b.0).cmp(&score(a.0)).then(a.1.cmp(&b.1))
        });
        v.into_iter()
            .take(n)
            .map(|(ci, _)| self.explain(ci))
            .collect()
    }
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

/// `round(weight x fraction)`, the fraction clamped to [0, 1].
fn points(weight: i64, fraction: f64) -> i64 {
    (weight as f64 * fraction.clamp(0.0, 1.0)).round() as i64
}

fn component(name: ComponentName, weight: i64, fraction: f64, detail: String) -> Component {
    Component {
        name,
        points: points(weight, fraction),
        weight,
        fraction: fraction.clamp(0.0, 1.0),
        detail,
    }
}

/// Σ over the needs the mentor offers of priority x expertise, over Σ of
/// every need's priority.
fn topic_fraction(
    mentor: &Mentor,
    applicant: &Applicant,
    expertise: impl Fn(TopicId) -> f64,
) -> f64 {
    let needs = &applicant.request.needs;
    let total_priority: u32 = needs.iter().map(|n| u32::from(n.priority.get())).sum();
    needs
        .iter()
        .filter(|n| mentor.offer.topics.contains(&n.topic))
        .map(|n| f64::from(n.priority.get()) * expertise(n.topic))
        .sum::<f64>()
        / f64::from(total_priority.max(1))
}

fn modality_fraction(shared: usize, wanted: usize) -> f64 {
    if wanted == 0 {
        1.0
    } else {
        shared as f64 / wanted as f64
    }
}

fn regional_fraction(
    mentor: &Place,
    applicant: &Place,
    pref: RegionalPreference,
) -> (f64, &'static str) {
    let same = mentor.region == applicant.region;
    match pref {
        RegionalPreference::SouthSouth if same => (1.0, "same region"),
        RegionalPreference::SouthSouth if mentor.is_global_south() => {
            (0.75, "south-south cooperation")
        }
        RegionalPreference::SouthSouth => (0.4, "north-south cooperation"),
        RegionalPreference::NorthSouth if mentor.region == Region::EuropeNorthAmerica => {
            (1.0, "mentor from Europe and North America")
        }
        RegionalPreference::NorthSouth if same => (0.75, "same region"),
        RegionalPreference::NorthSouth => (0.4, "other region"),
        RegionalPreference::Neutral if same => (1.0, "same region"),
        RegionalPreference::Neutral => (0.5, "other region"),
    }
}

/// The score [`score_pair`] gives, without building its explanation:
/// `trust` is the best chain's, `expertise` the mentor's per topic.
fn score_of(
    mentor: &Mentor,
    applicant: &Applicant,
    trust: Option<f64>,
    expertise: impl Fn(TopicId) -> f64,
    config: &EngineConfig,
) -> i64 {
    let w = &config.weights;
    let shared = intersect(&mentor.offer.modalities, &applicant.request.modalities).len();
    points(w.topic_fit, topic_fraction(mentor, applicant, expertise))
        + points(w.existing_ties, trust.unwrap_or(0.0))
        + points(
            w.modality_fit,
            modality_fraction(shared, applicant.request.modalities.len()),
        )
        + points(
            w.regional_proximity,
            regional_fraction(&mentor.place, &applicant.place, config.regional).0,
        )
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
    let fit = topic_fraction(mentor, applicant, |t| {
        matched_topics
            .iter()
            .find(|m| m.topic == t)
            .map_or(0.0, |m| m.expertise.score)
    });
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
        modality_fraction(shared_modalities.len(), wanted),
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
    let (fraction, why) = regional_fraction(m, a, config.regional);
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
