use serde::{Deserialize, Serialize};
use std::fmt;

use super::{CountryCode, DomainError, Language, names::name_key};

/// Database id of a city.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct CityId(pub i64);

impl fmt::Display for CityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A city's display name: trimmed, single-spaced, 1..=120 characters, with a
/// non-empty matching key (see [`name_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct CityName(String);

impl CityName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name_key(&name).is_empty() {
            return Err(DomainError::new(
                "name",
                "a city needs a name with letters or digits",
            ));
        }
        if name.chars().count() > 120 {
            return Err(DomainError::new(
                "name",
                "a city name has at most 120 characters",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised key names are matched by, within a country.
    pub fn key(&self) -> String {
        name_key(&self.0)
    }
}

/// Where a city stands towards the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CityStatus {
    /// A GNLC member; the year it joined when a source says so.
    Member { year_joined: Option<i32> },
    /// A city seeking partners (it has, or is preparing, a support request).
    Applicant,
    /// A city outside the network that appears in twin links.
    Partner,
}

impl CityStatus {
    pub fn name(&self) -> &'static str {
        match self {
            CityStatus::Member { .. } => "member",
            CityStatus::Applicant => "applicant",
            CityStatus::Partner => "partner",
        }
    }

    pub fn year_joined(&self) -> Option<i32> {
        match self {
            CityStatus::Member { year_joined } => *year_joined,
            _ => None,
        }
    }

    /// Builds the status from its stored parts; a year only goes with `member`.
    pub fn parse(name: &str, year_joined: Option<i32>) -> Result<Self, DomainError> {
        if let Some(y) = year_joined
            && !(2012..=2100).contains(&y)
        {
            return Err(DomainError::new(
                "year_joined",
                format!("{y} is not a plausible year (the network started in 2012)"),
            ));
        }
        match (name.trim().to_ascii_lowercase().as_str(), year_joined) {
            ("member", y) => Ok(CityStatus::Member { year_joined: y }),
            ("applicant", None) => Ok(CityStatus::Applicant),
            ("partner", None) => Ok(CityStatus::Partner),
            ("applicant" | "partner", Some(_)) => Err(DomainError::new(
                "year_joined",
                "only a member has a year joined",
            )),
            (other, _) => Err(DomainError::new(
                "status",
                format!("'{other}' is not a status (member, applicant, partner)"),
            )),
        }
    }

    /// Precedence when two sources speak of the same city: member beats
    /// applicant beats partner.
    pub fn rank(&self) -> u8 {
        match self {
            CityStatus::Member { .. } => 2,
            CityStatus::Applicant => 1,
            CityStatus::Partner => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct City {
    pub id: CityId,
    pub name: CityName,
    pub country: CountryCode,
    #[serde(flatten)]
    pub status: CityStatus,
    /// Working languages; the country's official languages unless stated.
    pub languages: Vec<Language>,
    pub population: Option<i64>,
    pub source: String,
}

impl City {
    pub fn new(
        id: CityId,
        name: CityName,
        country: CountryCode,
        status: CityStatus,
        languages: Vec<Language>,
        population: Option<i64>,
        source: String,
    ) -> Result<Self, DomainError> {
        if let Some(p) = population
            && p <= 0
        {
            return Err(DomainError::new(
                "population",
                "a population is a positive number",
            ));
        }
        Ok(Self {
            id,
            name,
            country,
            status,
            languages,
            population,
            source,
        })
    }

    pub fn is_member(&self) -> bool {
        matches!(self.status, CityStatus::Member { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_names_are_trimmed_and_single_spaced() {
        assert_eq!(
            CityName::parse("  Bobo-Dioulasso ").unwrap().as_str(),
            "Bobo-Dioulasso"
        );
        assert_eq!(
            CityName::parse("Saint  Louis").unwrap().as_str(),
            "Saint Louis"
        );
        assert!(CityName::parse(" - ").is_err());
        assert!(CityName::parse(&"x".repeat(121)).is_err());
    }

    #[test]
    fn only_members_carry_a_year_joined() {
        assert_eq!(
            CityStatus::parse("member", Some(2016)).unwrap(),
            CityStatus::Member {
                year_joined: Some(2016)
            }
        );
        assert!(CityStatus::parse("partner", Some(2016)).is_err());
        assert!(CityStatus::parse("member", Some(1990)).is_err());
        assert!(CityStatus::parse("mayor", None).is_err());
    }

    #[test]
    fn a_population_must_be_positive() {
        let city = |p| {
            City::new(
                CityId(1),
                CityName::parse("Beira").unwrap(),
                CountryCode::parse("MZ").unwrap(),
                CityStatus::Partner,
                vec![],
                p,
                String::new(),
            )
        };
        assert!(city(Some(0)).is_err());
        assert!(city(Some(530_000)).is_ok());
    }
}
