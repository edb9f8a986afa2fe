use serde::Serialize;
use std::fmt;

use super::{CityId, DomainError, TopicId};

/// A strategy period such as 2019-2021 (inclusive years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

impl Period {
    /// Parses "2019-2021" or a single year "2024".
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::new(
                "period",
                format!("'{raw}' is not a period such as 2019-2021"),
            )
        };
        let mut parts = raw.trim().splitn(2, ['-', '–']);
        let start: i32 = parts
            .next()
            .ok_or_else(bad)?
            .trim()
            .parse()
            .map_err(|_| bad())?;
        let end: i32 = match parts.next() {
            Some(e) => e.trim().parse().map_err(|_| bad())?,
            None => start,
        };
        if !(2000..=2100).contains(&start) || end < start || end > start + 10 {
            return Err(bad());
        }
        Ok(Self { start, end })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClusterRole {
    Member,
    Coordinator,
}

impl ClusterRole {
    pub fn name(self) -> &'static str {
        match self {
            ClusterRole::Member => "member",
            ClusterRole::Coordinator => "coordinator",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "member" => Ok(ClusterRole::Member),
            "coordinator" => Ok(ClusterRole::Coordinator),
            _ => Err(DomainError::new(
                "role",
                format!("'{raw}' is not a cluster role (member, coordinator)"),
            )),
        }
    }
}

/// A city's place in a thematic cluster during a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClusterMembership {
    pub id: i64,
    pub city: CityId,
    pub topic: TopicId,
    pub role: ClusterRole,
    pub period: Period,
    pub source: String,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    LearningCityAward,
    ClusterCoordinator,
    ClusterMember,
    NetworkYears,
    SelfAssessment,
    MentorshipOutcome,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 6] = [
        EvidenceKind::LearningCityAward,
        EvidenceKind::ClusterCoordinator,
        EvidenceKind::ClusterMember,
        EvidenceKind::NetworkYears,
        EvidenceKind::SelfAssessment,
        EvidenceKind::MentorshipOutcome,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EvidenceKind::LearningCityAward => "learning_city_award",
            EvidenceKind::ClusterCoordinator => "cluster_coordinator",
            EvidenceKind::ClusterMember => "cluster_member",
            EvidenceKind::NetworkYears => "network_years",
            EvidenceKind::SelfAssessment => "self_assessment",
            EvidenceKind::MentorshipOutcome => "mentorship_outcome",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let key = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|k| k.name() == key).ok_or_else(|| {
            DomainError::new(
                "kind",
                format!(
                    "'{raw}' is not an evidence kind (learning_city_award, cluster_coordinator, \
                     cluster_member, network_years, self_assessment, mentorship_outcome)"
                ),
            )
        })
    }
}

/// What a piece of evidence says, with exactly the data its kind needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceFact {
    /// UNESCO Learning City Award of that year (members only).
    LearningCityAward {
        year: i32,
    },
    /// Coordinating city of a cluster, from the period's first year.
    ClusterCoordinator {
        year: i32,
    },
    ClusterMember {
        year: i32,
    },
    /// Member of the network since that year.
    NetworkYears {
        since: i32,
    },
    /// The city's own rating of itself, 0-5.
    SelfAssessment {
        level: u8,
    },
    /// A completed mentorship in that year, rated 1-5 by the mentee.
    MentorshipOutcome {
        year: i32,
        rating: u8,
    },
}

impl EvidenceFact {
    pub fn kind(&self) -> EvidenceKind {
        match self {
            EvidenceFact::LearningCityAward { .. } => EvidenceKind::LearningCityAward,
            EvidenceFact::ClusterCoordinator { .. } => EvidenceKind::ClusterCoordinator,
            EvidenceFact::ClusterMember { .. } => EvidenceKind::ClusterMember,
            EvidenceFact::NetworkYears { .. } => EvidenceKind::NetworkYears,
            EvidenceFact::SelfAssessment { .. } => EvidenceKind::SelfAssessment,
            EvidenceFact::MentorshipOutcome { .. } => EvidenceKind::MentorshipOutcome,
        }
    }

    /// The year column as stored.
    pub fn year(&self) -> Option<i32> {
        match *self {
            EvidenceFact::LearningCityAward { year }
            | EvidenceFact::ClusterCoordinator { year }
            | EvidenceFact::ClusterMember { year }
            | EvidenceFact::MentorshipOutcome { year, .. } => Some(year),
            EvidenceFact::NetworkYears { since } => Some(since),
            EvidenceFact::SelfAssessment { .. } => None,
        }
    }

    /// The level column as stored (self-assessment level, outcome rating).
    pub fn level(&self) -> Option<u8> {
        match *self {
            EvidenceFact::SelfAssessment { level } => Some(level),
            EvidenceFact::MentorshipOutcome { rating, .. } => Some(rating),
            _ => None,
        }
    }

    /// Builds the fact from its stored parts, checking each kind has what it needs.
    pub fn parse(
        kind: EvidenceKind,
        year: Option<i32>,
        level: Option<i64>,
    ) -> Result<Self, DomainError> {
        let year_of = |y: Option<i32>| match y {
            Some(y) if (2000..=2100).contains(&y) => Ok(y),
            Some(y) => Err(DomainError::new(
                "year",
                format!("{y} is not a plausible year"),
            )),
            None => Err(DomainError::new(
                "year",
                format!("{} evidence needs a year", kind.name()),
            )),
        };
        let level_in = |range: std::ops::RangeInclusive<i64>| match level {
            Some(l) if range.contains(&l) => Ok(l as u8),
            Some(l) => Err(DomainError::new(
                "level",
                format!(
                    "{l} is outside {}..={} for {}",
                    range.start(),
                    range.end(),
                    kind.name()
                ),
            )),
            None => Err(DomainError::new(
                "level",
                format!("{} evidence needs a level", kind.name()),
            )),
        };
        Ok(match kind {
            EvidenceKind::LearningCityAward => EvidenceFact::LearningCityAward {
                year: year_of(year)?,
            },
            EvidenceKind::ClusterCoordinator => EvidenceFact::ClusterCoordinator {
                year: year_of(year)?,
            },
            EvidenceKind::ClusterMember => EvidenceFact::ClusterMember {
                year: year_of(year)?,
            },
            EvidenceKind::NetworkYears => EvidenceFact::NetworkYears {
                since: year_of(year)?,
            },
            EvidenceKind::SelfAssessment => EvidenceFact::SelfAssessment {
                level: level_in(0..=5)?,
            },
            EvidenceKind::MentorshipOutcome => EvidenceFact::MentorshipOutcome {
                year: year_of(year)?,
                rating: level_in(1..=5)?,
            },
        })
    }
}

/// A fact that speaks for a city's expertise. `topic` is `None` when the
/// fact speaks for the city as a learning city in general (an award, years
/// in the network). Expertise scores are derived from these by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: i64,
    pub city: CityId,
    pub topic: Option<TopicId>,
    #[serde(flatten)]
    pub fact: EvidenceFact,
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_ranges_and_single_years() {
        assert_eq!(
            Period::parse("2019-2021").unwrap(),
            Period {
                start: 2019,
                end: 2021
            }
        );
        assert_eq!(
            Period::parse("2024").unwrap(),
            Period {
                start: 2024,
                end: 2024
            }
        );
        assert!(Period::parse("2021-2019").is_err());
        assert!(Period::parse("soon").is_err());
    }

    #[test]
    fn each_evidence_kind_demands_its_own_data() {
        assert!(EvidenceFact::parse(EvidenceKind::LearningCityAward, None, None).is_err());
        assert_eq!(
            EvidenceFact::parse(EvidenceKind::LearningCityAward, Some(2019), None).unwrap(),
            EvidenceFact::LearningCityAward { year: 2019 }
        );
        assert!(EvidenceFact::parse(EvidenceKind::SelfAssessment, None, Some(6)).is_err());
        assert_eq!(
            EvidenceFact::parse(EvidenceKind::SelfAssessment, None, Some(0)).unwrap(),
            EvidenceFact::SelfAssessment { level: 0 }
        );
        assert!(EvidenceFact::parse(EvidenceKind::MentorshipOutcome, Some(2025), Some(0)).is_err());
    }
}
