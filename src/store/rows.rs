//! Database rows and their conversion into domain values. Rows decode on
//! both backends (integers are BIGINT/INTEGER -> i64, booleans BOOLEAN).
//! A row that fails the domain's checks is reported as a corrupt row.

use std::collections::BTreeMap;

use super::{StoreError, StoreResult, StoredProposal, StoredRun, TokenInfo};
use crate::domain::{
    City, CityId, CityName, CityStatus, ClusterMembership, ClusterRole, Country, CountryCode,
    DomainError, Evidence, EvidenceFact, EvidenceKind, Language, LinkKind, Modality, Need, Outcome,
    Period, Priority, ProposalState, ProposalStatus, Region, Role, RunStatus, SupportOffer,
    SupportRequest, Topic, TopicId, TopicKind, TopicSlug, TwinLink, parse_list,
};

fn corrupt(table: &str, id: impl std::fmt::Display) -> impl FnOnce(DomainError) -> StoreError {
    let at = format!("{table} {id}");
    move |e| StoreError::Other(format!("corrupt row in {at}: {e}"))
}

fn year(y: Option<i64>) -> Option<i32> {
    y.and_then(|y| i32::try_from(y).ok())
}

#[derive(sqlx::FromRow)]
pub struct CountryRow {
    pub code: String,
    pub name: String,
    pub region: String,
    pub is_african: bool,
    pub is_ldc: bool,
    pub languages: String,
    pub source: String,
}

impl CountryRow {
    pub fn into_domain(self) -> StoreResult<Country> {
        let err = corrupt("countries", &self.code);
        (|| {
            Country::new(
                CountryCode::parse(&self.code)?,
                &self.name,
                Region::parse(&self.region)?,
                self.is_african,
                self.is_ldc,
                parse_list(&self.languages, Language::parse)?,
                &self.source,
            )
        })()
        .map_err(err)
    }
}

pub const TOPIC_COLUMNS: &str = "id, slug, name, kind, stage, retired, aliases";

#[derive(sqlx::FromRow)]
pub struct TopicRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub stage: Option<i64>,
    pub retired: bool,
    pub aliases: String,
}

impl TopicRow {
    pub fn into_domain(self) -> StoreResult<Topic> {
        let err = corrupt("topics", self.id);
        (|| {
            Ok(Topic {
                id: TopicId(self.id),
                slug: TopicSlug::parse(&self.slug)?,
                name: self.name,
                kind: TopicKind::parse(&self.kind, self.stage)?,
                retired: self.retired,
                aliases: parse_list(&self.aliases, |s| Ok(s.to_string()))?,
            })
        })()
        .map_err(err)
    }
}

#[derive(sqlx::FromRow)]
pub struct CityRow {
    pub id: i64,
    pub name: String,
    pub country_code: String,
    pub status: String,
    pub year_joined: Option<i64>,
    pub languages: String,
    pub population: Option<i64>,
    pub source: String,
}

pub const CITY_COLUMNS: &str =
    "c.id, c.name, c.country_code, c.status, c.year_joined, c.languages, c.population, c.source";

impl CityRow {
    pub fn into_domain(self) -> StoreResult<City> {
        let err = corrupt("cities", self.id);
        (|| {
            City::new(
                CityId(self.id),
                CityName::parse(&self.name)?,
                CountryCode::parse(&self.country_code)?,
                CityStatus::parse(&self.status, year(self.year_joined))?,
                parse_list(&self.languages, Language::parse)?,
                self.population,
                self.source,
            )
        })()
        .map_err(err)
    }
}

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub city_a: i64,
    pub city_b: i64,
    pub kind: String,
    pub year_signed: Option<i64>,
    pub active: bool,
    pub source: String,
}

pub const LINK_COLUMNS: &str =
    "l.id, l.city_a, l.city_b, l.kind, l.year_signed, l.active, l.source";

impl LinkRow {
    pub fn into_domain(self) -> StoreResult<TwinLink> {
        let err = corrupt("twin_links", self.id);
        (|| {
            TwinLink::new(
                self.id,
                CityId(self.city_a),
                CityId(self.city_b),
                LinkKind::parse(&self.kind)?,
                year(self.year_signed),
                self.active,
                self.source,
            )
        })()
        .map_err(err)
    }
}

#[derive(sqlx::FromRow)]
pub struct LinkViewRow {
    #[sqlx(flatten)]
    pub link: LinkRow,
    pub name_a: String,
    pub country_a: String,
    pub name_b: String,
    pub country_b: String,
}

impl LinkViewRow {
    pub fn into_domain(self) -> StoreResult<super::LinkView> {
        let link = self.link.into_domain()?;
        Ok(super::LinkView {
            city_a: super::CityRef {
                id: link.a,
                name: self.name_a,
                country: self.country_a,
            },
            city_b: super::CityRef {
                id: link.b,
                name: self.name_b,
                country: self.country_b,
            },
            link,
        })
    }
}

pub const MEMBERSHIP_COLUMNS: &str =
    "id, city_id, topic_id, role, period_start, period_end, source";

#[derive(sqlx::FromRow)]
pub struct MembershipRow {
    pub id: i64,
    pub city_id: i64,
    pub topic_id: i64,
    pub role: String,
    pub period_start: i64,
    pub period_end: i64,
    pub source: String,
}

impl MembershipRow {
    pub fn into_domain(self) -> StoreResult<ClusterMembership> {
        let err = corrupt("cluster_memberships", self.id);
        (|| {
            Ok(ClusterMembership {
                id: self.id,
                city: CityId(self.city_id),
                topic: TopicId(self.topic_id),
                role: ClusterRole::parse(&self.role)?,
                period: Period::parse(&format!("{}-{}", self.period_start, self.period_end))?,
                source: self.source,
            })
        })()
        .map_err(err)
    }
}

pub const EVIDENCE_COLUMNS: &str = "id, city_id, topic_id, kind, year, level, source";

#[derive(sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: i64,
    pub city_id: i64,
    pub topic_id: Option<i64>,
    pub kind: String,
    pub year: Option<i64>,
    pub level: Option<i64>,
    pub source: String,
}

impl EvidenceRow {
    pub fn into_domain(self) -> StoreResult<Evidence> {
        let err = corrupt("evidence", self.id);
        (|| {
            Ok(Evidence {
                id: self.id,
                city: CityId(self.city_id),
                topic: self.topic_id.map(TopicId),
                fact: EvidenceFact::parse(
                    EvidenceKind::parse(&self.kind)?,
                    year(self.year),
                    self.level,
                )?,
                source: self.source,
            })
        })()
        .map_err(err)
    }
}

#[derive(sqlx::FromRow)]
pub struct OfferRow {
    pub id: i64,
    pub city_id: i64,
    pub capacity: i64,
    pub languages: String,
    pub modalities: String,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    pub note: String,
    pub source: String,
}

/// (offer or request id, topic id, priority) rows of the join tables.
#[derive(sqlx::FromRow)]
pub struct TopicLinkRow {
    pub owner_id: i64,
    pub topic_id: i64,
    pub priority: i64,
}

fn date(
    field: &'static str,
    raw: Option<String>,
) -> Result<Option<chrono::NaiveDate>, DomainError> {
    raw.map(|d| crate::domain::parse_date(field, &d))
        .transpose()
}

impl OfferRow {
    pub fn into_domain(
        self,
        topics: &BTreeMap<i64, Vec<TopicLinkRow>>,
    ) -> StoreResult<SupportOffer> {
        let err = corrupt("offers", self.id);
        let topic_ids = topics
            .get(&self.id)
            .map(|v| v.iter().map(|t| TopicId(t.topic_id)).collect())
            .unwrap_or_default();
        (|| {
            SupportOffer::new(
                self.id,
                CityId(self.city_id),
                topic_ids,
                crate::domain::Capacity::parse(self.capacity)?,
                parse_list(&self.languages, Language::parse)?,
                parse_list(&self.modalities, Modality::parse)?,
                date("available_from", self.available_from)?,
                date("available_until", self.available_until)?,
                self.note,
                self.source,
            )
        })()
        .map_err(err)
    }
}

#[derive(sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub city_id: i64,
    pub max_mentors: i64,
    pub languages: String,
    pub modalities: String,
    pub note: String,
    pub source: String,
}

impl RequestRow {
    pub fn into_domain(
        self,
        topics: &BTreeMap<i64, Vec<TopicLinkRow>>,
    ) -> StoreResult<SupportRequest> {
        let err = corrupt("requests", self.id);
        (|| {
            let needs = topics
                .get(&self.id)
                .map(|v| {
                    v.iter()
                        .map(|t| {
                            Ok(Need {
                                topic: TopicId(t.topic_id),
                                priority: Priority::parse(t.priority)?,
                            })
                        })
                        .collect::<Result<Vec<_>, DomainError>>()
                })
                .transpose()?
                .unwrap_or_default();
            SupportRequest::new(
                self.id,
                CityId(self.city_id),
                needs,
                parse_list(&self.languages, Language::parse)?,
                parse_list(&self.modalities, Modality::parse)?,
                self.max_mentors,
                self.note,
                self.source,
            )
        })()
        .map_err(err)
    }
}

/// Groups join-table rows by owner id.
pub fn group_topics(rows: Vec<TopicLinkRow>) -> BTreeMap<i64, Vec<TopicLinkRow>> {
    let mut map: BTreeMap<i64, Vec<TopicLinkRow>> = BTreeMap::new();
    for r in rows {
        map.entry(r.owner_id).or_default().push(r);
    }
    map
}

fn role_of(name: &str, city: Option<i64>) -> StoreResult<Role> {
    Role::parse(name, city.map(CityId))
        .map_err(|e| StoreError::Other(format!("corrupt token row: {e}")))
}

/// A JSON column read back into its type.
fn from_json<T: serde::de::DeserializeOwned>(table: &str, id: i64, raw: &str) -> StoreResult<T> {
    serde_json::from_str(raw)
        .map_err(|e| StoreError::Other(format!("corrupt row in {table} {id}: {e}")))
}

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub role: String,
    pub city_id: Option<i64>,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl TokenRow {
    pub fn into_info(self) -> StoreResult<TokenInfo> {
        Ok(TokenInfo {
            id: self.id,
            role: role_of(&self.role, self.city_id)?,
            label: self.label,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
        })
    }
}

pub const TOKEN_COLUMNS: &str = "id, role, city_id, label, created_at, revoked_at";

#[derive(sqlx::FromRow)]
pub struct RunRow {
    pub id: i64,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub mode: String,
    pub params: String,
    pub summary: String,
    pub published_at: Option<String>,
    pub name: Option<String>,
    pub discarded_at: Option<String>,
    pub superseded_by: Option<i64>,
}

impl RunRow {
    pub fn into_run(self) -> StoreResult<StoredRun> {
        Ok(StoredRun {
            params: from_json("runs", self.id, &self.params)?,
            summary: from_json("runs", self.id, &self.summary)?,
            id: self.id,
            created_at: self.created_at,
            created_by: self.created_by,
            mode: self.mode,
            status: RunStatus::of(
                self.published_at.is_some(),
                self.superseded_by.is_some(),
                self.discarded_at.is_some(),
            ),
            published_at: self.published_at,
            name: self.name,
            discarded_at: self.discarded_at,
            superseded_by: self.superseded_by,
        })
    }
}

pub const RUN_COLUMNS: &str = "id, created_at, created_by, mode, params, summary, published_at, name, discarded_at, superseded_by";

#[derive(sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub run_id: i64,
    pub mentor_id: i64,
    pub applicant_id: i64,
    pub score: i64,
    pub explanation: String,
    pub locked: bool,
    pub status: String,
    pub mentor_accepted: bool,
    pub applicant_accepted: bool,
    pub reason: Option<String>,
    pub rating: Option<i64>,
    pub report: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

pub const PROPOSAL_COLUMNS: &str = "p.id, p.run_id, p.mentor_id, p.applicant_id, p.score, p.explanation, p.locked, \
    p.status, p.mentor_accepted, p.applicant_accepted, p.reason, p.rating, p.report, p.version, p.updated_at";

impl ProposalRow {
    pub fn into_proposal(self) -> StoreResult<StoredProposal> {
        let corrupt = corrupt("proposals", self.id);
        let (status, outcome) = (|| {
            let status = ProposalStatus::parse(&self.status)?;
            let outcome = match (self.rating, &self.report) {
                (Some(r), Some(t)) => Some(Outcome::parse(r, t)?),
                _ => None,
            };
            Ok((status, outcome))
        })()
        .map_err(corrupt)?;
        Ok(StoredProposal {
            explanation: from_json("proposals", self.id, &self.explanation)?,
            id: self.id,
            run_id: self.run_id,
            mentor: CityId(self.mentor_id),
            applicant: CityId(self.applicant_id),
            score: self.score,
            locked: self.locked,
            state: ProposalState {
                status,
                mentor_accepted: self.mentor_accepted,
                applicant_accepted: self.applicant_accepted,
            },
            reason: self.reason,
            outcome,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}
