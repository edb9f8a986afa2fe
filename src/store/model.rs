//! Types the store takes and returns besides the domain nouns: queries,
//! pages, counts, the snapshot, and the resolved import plan.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::domain::{
    CityId, CityName, CityStatus, ClusterRole, Country, CountryCode, EvidenceFact, Language,
    LinkKind, Period, Region, SupportOffer, SupportRequest, Topic, TopicId, TwinLink,
};

/// One page of a list, with what a client needs to fetch the next.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }

    /// The same page with each item turned into another, or the first error.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        })
    }

    /// One page of a list already in memory.
    pub fn of(items: Vec<T>, paging: Paging) -> Self {
        let total = items.len() as i64;
        let items = items
            .into_iter()
            .skip(paging.offset() as usize)
            .take(paging.per_page as usize)
            .collect();
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        }
    }
}

/// Page number (from 1) and size (1..=500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    /// The first item only.
    pub fn one() -> Self {
        Paging {
            page: 1,
            per_page: 1,
        }
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 50,
        }
    }
}

impl Paging {
    pub const MAX_PER_PAGE: u32 = 500;

    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CitySort {
    #[default]
    Name,
    Id,
    Country,
}

#[derive(Debug, Clone, Default)]
pub struct CityQuery {
    /// "member", "applicant" or "partner".
    pub status: Option<&'static str>,
    pub country: Option<CountryCode>,
    pub region: Option<Region>,
    pub ldc: Option<bool>,
    pub african: Option<bool>,
    /// Matched against the normalised name and its aliases (accents and case ignored).
    pub name_contains: Option<String>,
    pub sort: CitySort,
    pub descending: bool,
    pub paging: Paging,
}

#[derive(Debug, Clone, Default)]
pub struct LinkQuery {
    /// Links that have this city at either end.
    pub city: Option<CityId>,
    /// Links with an end in this country.
    pub country: Option<CountryCode>,
    pub kind: Option<LinkKind>,
    pub active: Option<bool>,
    pub paging: Paging,
}

/// A city named in passing: enough to show and link to it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CityRef {
    pub id: CityId,
    pub name: String,
    pub country: String,
}

/// A twin link with the names of its ends.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct LinkView {
    #[serde(flatten)]
    pub link: TwinLink,
    pub city_a: CityRef,
    pub city_b: CityRef,
}

/// Counts for `/api/stats`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Stats {
    pub cities: i64,
    pub members: i64,
    pub applicants: i64,
    pub partners: i64,
    pub countries: i64,
    pub twin_links: i64,
    pub topics: i64,
    pub cluster_memberships: i64,
    pub offers: i64,
    pub requests: i64,
    pub evidence: i64,
}

/// A city named by country and normalised name, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CityKey {
    pub country: CountryCode,
    pub name_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCity {
    pub id: CityId,
    pub name: String,
    pub status: CityStatus,
}

/// What name resolution needs from the database.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    /// Known cities by key.
    pub cities: BTreeMap<CityKey, KnownCity>,
    /// Alias key -> canonical city key.
    pub aliases: BTreeMap<CityKey, CityKey>,
    pub countries: BTreeMap<CountryCode, Vec<Language>>,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone)]
pub struct NewCity {
    pub key: CityKey,
    pub name: CityName,
    pub status: CityStatus,
    /// None: the country's official languages.
    pub languages: Option<Vec<Language>>,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct NewAlias {
    pub alias: CityKey,
    pub city: CityKey,
}

#[derive(Debug, Clone)]
pub struct NewLink {
    pub a: CityKey,
    pub b: CityKey,
    pub kind: LinkKind,
    pub year_signed: Option<i32>,
    pub active: bool,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct NewMembership {
    pub city: CityKey,
    pub topic: TopicId,
    pub role: ClusterRole,
    pub period: Period,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub city: CityKey,
    pub topic: Option<TopicId>,
    pub fact: EvidenceFact,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct NewOffer {
    pub city: CityKey,
    pub offer: SupportOffer,
}

#[derive(Debug, Clone)]
pub struct NewRequest {
    pub city: CityKey,
    pub request: SupportRequest,
}

/// An import after parsing and name resolution: every row valid, every city
/// named by key. Applying it twice changes nothing the second time.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub countries: Vec<Country>,
    pub cities: Vec<NewCity>,
    pub aliases: Vec<NewAlias>,
    pub links: Vec<NewLink>,
    pub memberships: Vec<NewMembership>,
    pub evidence: Vec<NewEvidence>,
    pub offers: Vec<NewOffer>,
    pub requests: Vec<NewRequest>,
}

/// What applying a plan changed (rows already present are not counted).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportApplied {
    pub countries: u64,
    pub cities: u64,
    pub partners: u64,
    pub promoted: u64,
    pub aliases: u64,
    pub links: u64,
    pub memberships: u64,
    pub evidence: u64,
    pub offers: u64,
    pub requests: u64,
    /// Rows already in the database.
    pub already_present: u64,
}
