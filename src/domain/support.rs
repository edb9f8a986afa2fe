use chrono::NaiveDate;
use serde::Serialize;

use super::{CityId, DomainError, Language, MessageCode, TopicId};

/// How support is given.
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
pub enum Modality {
    ExchangeVisit,
    OnlineMentoring,
    Training,
    ExpertSecondment,
    InKind,
    Financial,
}

impl Modality {
    pub const ALL: [Modality; 6] = [
        Modality::ExchangeVisit,
        Modality::OnlineMentoring,
        Modality::Training,
        Modality::ExpertSecondment,
        Modality::InKind,
        Modality::Financial,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Modality::ExchangeVisit => "exchange_visit",
            Modality::OnlineMentoring => "online_mentoring",
            Modality::Training => "training",
            Modality::ExpertSecondment => "expert_secondment",
            Modality::InKind => "in_kind",
            Modality::Financial => "financial",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let key = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|m| m.name() == key)
            .ok_or_else(|| {
                DomainError::coded(
                    "modalities",
                    MessageCode::UnknownModality,
                    vec![("value", raw.to_string())],
                    format!(
                        "'{raw}' is not a modality (exchange_visit, online_mentoring, training, \
                     expert_secondment, in_kind, financial)"
                    ),
                )
            })
    }
}

impl AsRef<str> for Modality {
    fn as_ref(&self) -> &str {
        self.name()
    }
}

/// How many cities a mentor can support at once: 1..=20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Capacity(u8);

impl Capacity {
    pub const MAX: u8 = 20;

    pub fn parse(n: i64) -> Result<Self, DomainError> {
        if (1..=Self::MAX as i64).contains(&n) {
            Ok(Self(n as u8))
        } else {
            Err(DomainError::coded(
                "capacity",
                MessageCode::CapacityRange,
                vec![("value", n.to_string()), ("max", Self::MAX.to_string())],
                format!(
                    "{n} is not a capacity: a mentor supports 1 to {} cities at once",
                    Self::MAX
                ),
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// How much an applicant needs a topic: 1 (nice to have) ..= 5 (urgent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Priority(u8);

impl Priority {
    pub fn parse(n: i64) -> Result<Self, DomainError> {
        if (1..=5).contains(&n) {
            Ok(Self(n as u8))
        } else {
            Err(DomainError::coded(
                "priority",
                MessageCode::PriorityRange,
                vec![("value", n.to_string())],
                format!("{n} is not a priority (1 to 5)"),
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Need {
    pub topic: TopicId,
    pub priority: Priority,
}

/// A member city's offer of support.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupportOffer {
    pub id: i64,
    pub city: CityId,
    pub topics: Vec<TopicId>,
    pub capacity: Capacity,
    pub languages: Vec<Language>,
    pub modalities: Vec<Modality>,
    pub available_from: Option<NaiveDate>,
    pub available_until: Option<NaiveDate>,
    pub note: String,
    pub source: String,
}

/// An applicant city's request for support.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupportRequest {
    pub id: i64,
    pub city: CityId,
    pub needs: Vec<Need>,
    pub languages: Vec<Language>,
    pub modalities: Vec<Modality>,
    /// How many mentors the applicant asks for at once (1..=5).
    pub max_mentors: u8,
    pub note: String,
    pub source: String,
}

fn sorted_unique<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

/// Parses an ISO date (YYYY-MM-DD).
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        DomainError::coded(
            field,
            MessageCode::NotADate,
            vec![("value", raw.to_string())],
            format!("'{raw}' is not a date (YYYY-MM-DD)"),
        )
    })
}

/// What a city holds one of at most: its support offer, its support
/// request.
pub trait Held: Clone {
    fn id(&self) -> i64;
    fn city(&self) -> CityId;
    /// The same, stored under `id`.
    fn with_id(&self, id: i64) -> Self;
}

macro_rules! held {
    ($($t:ident),*) => {$(
        impl Held for $t {
            fn id(&self) -> i64 {
                self.id
            }
            fn city(&self) -> CityId {
                self.city
            }
            fn with_id(&self, id: i64) -> Self {
                Self { id, ..self.clone() }
            }
        }
    )*};
}

held!(SupportOffer, SupportRequest);

impl SupportOffer {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: i64,
        city: CityId,
        topics: Vec<TopicId>,
        capacity: Capacity,
        languages: Vec<Language>,
        modalities: Vec<Modality>,
        available_from: Option<NaiveDate>,
        available_until: Option<NaiveDate>,
        note: String,
        source: String,
    ) -> Result<Self, DomainError> {
        if topics.is_empty() {
            return Err(DomainError::coded(
                "topics",
                MessageCode::OfferNeedsTopic,
                vec![],
                "an offer names at least one topic",
            ));
        }
        if languages.is_empty() {
            return Err(DomainError::coded(
                "languages",
                MessageCode::OfferNeedsLanguage,
                vec![],
                "an offer names at least one working language",
            ));
        }
        if modalities.is_empty() {
            return Err(DomainError::coded(
                "modalities",
                MessageCode::OfferNeedsModality,
                vec![],
                "an offer names at least one modality",
            ));
        }
        if let (Some(from), Some(until)) = (available_from, available_until)
            && until < from
        {
            return Err(DomainError::coded(
                "available_until",
                MessageCode::OfferEndsBeforeStart,
                vec![],
                "the offer ends before it starts",
            ));
        }
        Ok(Self {
            id,
            city,
            topics: sorted_unique(topics),
            capacity,
            languages: sorted_unique(languages),
            modalities: sorted_unique(modalities),
            available_from,
            available_until,
            note,
            source,
        })
    }
}

impl SupportRequest {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: i64,
        city: CityId,
        mut needs: Vec<Need>,
        languages: Vec<Language>,
        modalities: Vec<Modality>,
        max_mentors: i64,
        note: String,
        source: String,
    ) -> Result<Self, DomainError> {
        if needs.is_empty() {
            return Err(DomainError::coded(
                "needs",
                MessageCode::RequestNeedsTopic,
                vec![],
                "a request names at least one topic",
            ));
        }
        needs.sort_by_key(|n| n.topic);
        if needs.windows(2).any(|w| w[0].topic == w[1].topic) {
            return Err(DomainError::coded(
                "needs",
                MessageCode::RequestTopicTwice,
                vec![],
                "each topic appears once in a request",
            ));
        }
        if languages.is_empty() {
            return Err(DomainError::coded(
                "languages",
                MessageCode::RequestNeedsLanguage,
                vec![],
                "a request names at least one working language",
            ));
        }
        if !(1..=5).contains(&max_mentors) {
            return Err(DomainError::coded(
                "max_mentors",
                MessageCode::MaxMentorsRange,
                vec![],
                "an applicant asks for 1 to 5 mentors",
            ));
        }
        Ok(Self {
            id,
            city,
            needs,
            languages: sorted_unique(languages),
            modalities: sorted_unique(modalities),
            max_mentors: max_mentors as u8,
            note,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Vec<Language> {
        vec![Language::parse("en").unwrap()]
    }

    #[test]
    fn capacity_and_priority_have_bounds() {
        assert!(Capacity::parse(0).is_err());
        assert_eq!(Capacity::parse(4).unwrap().get(), 4);
        assert!(Capacity::parse(21).is_err());
        assert!(Priority::parse(6).is_err());
        assert_eq!(Priority::parse(5).unwrap().get(), 5);
    }

    #[test]
    fn modalities_parse_loosely() {
        assert_eq!(
            Modality::parse("Online mentoring").unwrap(),
            Modality::OnlineMentoring
        );
        assert!(Modality::parse("telepathy").is_err());
    }

    #[test]
    fn an_offer_needs_topics_languages_and_a_sane_period() {
        let offer = |topics: Vec<TopicId>, from: &str, until: &str| {
            SupportOffer::new(
                1,
                CityId(1),
                topics,
                Capacity::parse(2).unwrap(),
                en(),
                vec![Modality::Training],
                Some(parse_date("available_from", from).unwrap()),
                Some(parse_date("available_until", until).unwrap()),
                String::new(),
                String::new(),
            )
        };
        assert!(offer(vec![], "2026-01-01", "2026-12-31").is_err());
        assert_eq!(
            offer(vec![TopicId(1)], "2026-12-31", "2026-01-01")
                .unwrap_err()
                .field,
            "available_until"
        );
        assert!(
            offer(
                vec![TopicId(2), TopicId(1), TopicId(2)],
                "2026-01-01",
                "2026-12-31"
            )
            .is_ok()
        );
    }

    #[test]
    fn a_request_names_each_topic_once() {
        let need = |t, p| Need {
            topic: TopicId(t),
            priority: Priority::parse(p).unwrap(),
        };
        let req = |needs| {
            SupportRequest::new(
                1,
                CityId(1),
                needs,
                en(),
                vec![],
                1,
                String::new(),
                String::new(),
            )
        };
        assert!(req(vec![need(1, 5), need(1, 3)]).is_err());
        assert!(req(vec![need(2, 5), need(1, 3)]).is_ok());
        assert!(
            SupportRequest::new(
                1,
                CityId(1),
                vec![need(1, 1)],
                en(),
                vec![],
                9,
                String::new(),
                String::new()
            )
            .is_err()
        );
    }
}
