//! Expertise of a city in a topic, derived from evidence.
//!
//! Each piece of evidence that speaks for the topic (or for the city in
//! general: an award, years in the network) is an independent signal with a
//! probability-like strength `p` in [0, 1); they combine by **noisy-or**:
//! `expertise = 1 - Π (1 - p_i)`. More evidence never lowers a score, one
//! strong signal cannot be outvoted, and the result stays in [0, 1).
//! All strengths live in [`EvidenceWeights`]; the derivation returns which
//! evidence gave how much, so every number can be explained.

use serde::{Deserialize, Serialize};

use crate::domain::{CityId, Evidence, EvidenceFact, EvidenceKind, TopicId};

/// The strength of each kind of evidence: the one place these numbers live.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceWeights {
    /// A UNESCO Learning City Award: the strongest public evidence; it
    /// speaks for every topic (the award judges the city as a whole).
    pub award: f64,
    /// Coordinating a thematic cluster (elected by peers), for that cluster.
    pub cluster_coordinator: f64,
    /// Membership of a thematic cluster, for that cluster.
    pub cluster_member: f64,
    /// Per year in the network (general), counted up to `network_years_cap`.
    pub per_network_year: f64,
    pub network_years_cap: u32,
    /// Per level of a self-assessment (0-5) in the topic: 5 gives 5x this.
    pub per_self_assessment_level: f64,
    /// Per rating point (1-5) of a completed mentorship in the topic.
    pub per_mentorship_rating: f64,
}

impl Default for EvidenceWeights {
    fn default() -> Self {
        Self {
            award: 0.45,
            cluster_coordinator: 0.5,
            cluster_member: 0.25,
            per_network_year: 0.03,
            network_years_cap: 10,
            per_self_assessment_level: 0.08,
            per_mentorship_rating: 0.12,
        }
    }
}

/// One piece of evidence and what it gave.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Contribution {
    pub evidence_id: i64,
    pub kind: EvidenceKind,
    /// Whether it speaks for this topic or for the city in general.
    pub general: bool,
    pub strength: f64,
    pub source: String,
}

/// A derived expertise score with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Expertise {
    pub topic: TopicId,
    /// In [0, 1).
    pub score: f64,
    pub contributions: Vec<Contribution>,
}

impl EvidenceWeights {
    /// The strength of one fact in `year` (years in the network count up to it).
    pub fn strength(&self, fact: &EvidenceFact, year: i32) -> f64 {
        let p = match *fact {
            EvidenceFact::LearningCityAward { .. } => self.award,
            EvidenceFact::ClusterCoordinator { .. } => self.cluster_coordinator,
            EvidenceFact::ClusterMember { .. } => self.cluster_member,
            EvidenceFact::NetworkYears { since } => {
                let years = (year - since).clamp(0, self.network_years_cap as i32);
                self.per_network_year * f64::from(years)
            }
            EvidenceFact::SelfAssessment { level } => {
                self.per_self_assessment_level * f64::from(level)
            }
            EvidenceFact::MentorshipOutcome { rating, .. } => {
                self.per_mentorship_rating * f64::from(rating)
            }
        };
        // Clamp below 1 so no single fact claims certainty.
        p.clamp(0.0, 0.99)
    }

    /// Expertise of `city` in `topic` from `evidence` (any order; the
    /// evidence of other cities is ignored). O(len(evidence)).
    pub fn expertise(
        &self,
        city: CityId,
        topic: TopicId,
        evidence: &[&Evidence],
        year: i32,
    ) -> Expertise {
        let mut contributions: Vec<Contribution> = evidence
            .iter()
            .filter(|e| e.city == city && e.topic.is_none_or(|t| t == topic))
            .map(|e| Contribution {
                evidence_id: e.id,
                kind: e.fact.kind(),
                general: e.topic.is_none(),
                strength: self.strength(&e.fact, year),
                source: e.source.clone(),
            })
            .filter(|c| c.strength > 0.0)
            .collect();
        contributions.sort_by_key(|c| c.evidence_id);
        let miss: f64 = contributions.iter().map(|c| 1.0 - c.strength).product();
        Expertise {
            topic,
            score: 1.0 - miss,
            contributions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: i64, topic: Option<i64>, fact: EvidenceFact) -> Evidence {
        Evidence {
            id,
            city: CityId(1),
            topic: topic.map(TopicId),
            fact,
            source: "t".into(),
        }
    }

    #[test]
    fn no_evidence_means_no_expertise() {
        let w = EvidenceWeights::default();
        assert_eq!(w.expertise(CityId(1), TopicId(1), &[], 2026).score, 0.0);
    }

    #[test]
    fn independent_evidence_combines_by_noisy_or() {
        let w = EvidenceWeights::default();
        let award = ev(1, None, EvidenceFact::LearningCityAward { year: 2019 });
        let coord = ev(2, Some(1), EvidenceFact::ClusterCoordinator { year: 2019 });
        let e = w.expertise(CityId(1), TopicId(1), &[&award, &coord], 2026);
        assert!((e.score - (1.0 - 0.55 * 0.5)).abs() < 1e-12);
        assert_eq!(e.contributions.len(), 2);
        assert!(e.contributions[0].general && !e.contributions[1].general);
    }

    #[test]
    fn more_evidence_never_lowers_a_score() {
        let w = EvidenceWeights::default();
        let facts = [
            ev(1, Some(1), EvidenceFact::SelfAssessment { level: 0 }),
            ev(2, Some(1), EvidenceFact::ClusterMember { year: 2020 }),
            ev(3, None, EvidenceFact::NetworkYears { since: 2016 }),
            ev(
                4,
                Some(1),
                EvidenceFact::MentorshipOutcome {
                    year: 2025,
                    rating: 5,
                },
            ),
            ev(5, None, EvidenceFact::LearningCityAward { year: 2024 }),
        ];
        let mut last = 0.0;
        for n in 0..=facts.len() {
            let refs: Vec<&Evidence> = facts[..n].iter().collect();
            let s = w.expertise(CityId(1), TopicId(1), &refs, 2026).score;
            assert!(s >= last && s < 1.0, "{n}: {s} < {last}");
            last = s;
        }
    }

    #[test]
    fn evidence_for_another_topic_does_not_count() {
        let w = EvidenceWeights::default();
        let other = ev(1, Some(2), EvidenceFact::ClusterCoordinator { year: 2019 });
        assert_eq!(
            w.expertise(CityId(1), TopicId(1), &[&other], 2026).score,
            0.0
        );
    }

    #[test]
    fn years_in_the_network_are_capped() {
        let w = EvidenceWeights::default();
        assert_eq!(
            w.strength(&EvidenceFact::NetworkYears { since: 2000 }, 2026),
            0.3
        );
        assert_eq!(
            w.strength(&EvidenceFact::NetworkYears { since: 2030 }, 2026),
            0.0
        );
    }
}
