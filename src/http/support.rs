//! What offers and requests share: turning the body's names (topic slugs,
//! languages, modalities, dates) into domain values, each error naming its
//! field, and checking a city may hold an offer or a request.

use serde::Deserialize;

use super::{ApiError, AppState};
use crate::domain::{CityId, CityStatus, Language, Modality, Topic, TopicId, parse_date};

pub fn topic_id(topics: &[Topic], field: String, slug: &str) -> Result<TopicId, ApiError> {
    topics
        .iter()
        .find(|t| t.slug.as_str() == slug.trim() || t.is_named(slug))
        .map(|t| t.id)
        .ok_or_else(|| {
            ApiError::invalid(field, format!("unknown topic '{slug}' (see /api/topics)"))
        })
}

pub fn topic_ids(
    topics: &[Topic],
    field: &str,
    slugs: &[String],
) -> Result<Vec<TopicId>, ApiError> {
    slugs
        .iter()
        .enumerate()
        .map(|(i, s)| topic_id(topics, format!("{field}[{i}]"), s))
        .collect()
}

pub fn languages(raw: &[String]) -> Result<Vec<Language>, ApiError> {
    raw.iter()
        .enumerate()
        .map(|(i, l)| {
            Language::parse(l).map_err(|e| ApiError::invalid(format!("languages[{i}]"), e.reason))
        })
        .collect()
}

pub fn modalities(raw: &[String]) -> Result<Vec<Modality>, ApiError> {
    raw.iter()
        .enumerate()
        .map(|(i, m)| {
            Modality::parse(m).map_err(|e| ApiError::invalid(format!("modalities[{i}]"), e.reason))
        })
        .collect()
}

pub fn date(
    field: &'static str,
    raw: &Option<String>,
) -> Result<Option<chrono::NaiveDate>, ApiError> {
    raw.as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date(field, d).map_err(ApiError::from))
        .transpose()
}

pub fn note(raw: &str) -> Result<String, ApiError> {
    if raw.chars().count() > 2000 {
        return Err(ApiError::invalid(
            "note",
            "a note has at most 2000 characters",
        ));
    }
    Ok(raw.trim().to_string())
}

/// Which statuses may hold an offer (members) or a request (non-members).
#[derive(Clone, Copy)]
pub enum Holder {
    Offer,
    Request,
}

/// The city exists and its status allows the offer or request.
pub async fn check_holder(state: &AppState, city: CityId, holder: Holder) -> Result<(), ApiError> {
    let c = state.store.get_city(city).await.map_err(|e| match e {
        crate::store::StoreError::NotFound { .. } => {
            ApiError::invalid("city", format!("city {city} does not exist"))
        }
        other => other.into(),
    })?;
    match (holder, c.status) {
        (Holder::Offer, CityStatus::Member { .. })
        | (Holder::Request, CityStatus::Applicant | CityStatus::Partner) => Ok(()),
        (Holder::Offer, _) => Err(ApiError::invalid(
            "city",
            format!(
                "{} is not a member of the network: only member cities offer support",
                c.name.as_str()
            ),
        )),
        (Holder::Request, _) => Err(ApiError::invalid(
            "city",
            format!(
                "{} is already a member: requests come from cities seeking to join",
                c.name.as_str()
            ),
        )),
    }
}

/// Filters shared by the offer and request lists.
#[derive(Debug, Default, Deserialize)]
pub struct ListFilter {
    pub city: Option<CityId>,
    pub topic: Option<TopicId>,
    pub language: Option<Language>,
}

impl ListFilter {
    pub fn from_params(params: &super::Params, topics: &[Topic]) -> Result<Self, ApiError> {
        Ok(Self {
            city: params.number::<i64>("city")?.map(CityId),
            topic: params
                .str("topic")
                .map(|t| topic_id(topics, "topic".into(), t))
                .transpose()?,
            language: params.parse("language", Language::parse)?,
        })
    }

    pub fn keeps(&self, city: CityId, topics: &[TopicId], langs: &[Language]) -> bool {
        self.city.is_none_or(|c| c == city)
            && self.topic.is_none_or(|t| topics.contains(&t))
            && self.language.as_ref().is_none_or(|l| langs.contains(l))
    }
}

/// One page of an in-memory list.
pub fn page<T>(items: Vec<T>, paging: crate::store::Paging) -> crate::store::Page<T> {
    let total = items.len() as i64;
    let items = items
        .into_iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .collect();
    crate::store::Page {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }
}
