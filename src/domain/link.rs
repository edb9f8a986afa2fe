use serde::Serialize;

use super::{CityId, DomainError};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Twinning,
    SisterCity,
    Friendship,
    CooperationAgreement,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Twinning,
        LinkKind::SisterCity,
        LinkKind::Friendship,
        LinkKind::CooperationAgreement,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Twinning => "twinning",
            LinkKind::SisterCity => "sister_city",
            LinkKind::Friendship => "friendship",
            LinkKind::CooperationAgreement => "cooperation_agreement",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let key = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|k| k.name() == key).ok_or_else(|| {
            DomainError::new(
                "kind",
                format!("'{raw}' is not a link kind (twinning, sister_city, friendship, cooperation_agreement)"),
            )
        })
    }
}

/// An undirected tie between two distinct cities. The ends are kept in id
/// order (`a < b`), so one unordered pair has exactly one representation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TwinLink {
    pub id: i64,
    pub a: CityId,
    pub b: CityId,
    pub kind: LinkKind,
    pub year_signed: Option<i32>,
    pub active: bool,
    pub source: String,
}

impl TwinLink {
    pub fn new(
        id: i64,
        one: CityId,
        other: CityId,
        kind: LinkKind,
        year_signed: Option<i32>,
        active: bool,
        source: String,
    ) -> Result<Self, DomainError> {
        if one == other {
            return Err(DomainError::new(
                "city_b",
                "a city cannot be linked to itself",
            ));
        }
        if let Some(y) = year_signed
            && !(1900..=2100).contains(&y)
        {
            return Err(DomainError::new(
                "year_signed",
                format!("{y} is not a plausible year"),
            ));
        }
        let (a, b) = if one < other {
            (one, other)
        } else {
            (other, one)
        };
        Ok(Self {
            id,
            a,
            b,
            kind,
            year_signed,
            active,
            source,
        })
    }

    /// The other end of the link, seen from `city`.
    pub fn other(&self, city: CityId) -> Option<CityId> {
        if city == self.a {
            Some(self.b)
        } else if city == self.b {
            Some(self.a)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_orders_its_ends_and_refuses_a_self_link() {
        let l = TwinLink::new(
            1,
            CityId(9),
            CityId(3),
            LinkKind::Twinning,
            None,
            true,
            String::new(),
        )
        .unwrap();
        assert_eq!((l.a, l.b), (CityId(3), CityId(9)));
        assert_eq!(l.other(CityId(3)), Some(CityId(9)));
        assert!(
            TwinLink::new(
                1,
                CityId(3),
                CityId(3),
                LinkKind::Twinning,
                None,
                true,
                String::new()
            )
            .is_err()
        );
    }

    #[test]
    fn link_kinds_parse_loosely() {
        assert_eq!(
            LinkKind::parse("Sister city").unwrap(),
            LinkKind::SisterCity
        );
        assert!(LinkKind::parse("marriage").is_err());
    }
}
