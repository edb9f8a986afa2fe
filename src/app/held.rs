//! What a city holds: a member city's support offer, an applicant's support
//! request. One implementation for both: who may hold one, creating,
//! replacing, withdrawing, finding and listing, each write checked and
//! audited the same way. [`Holding`] says what differs.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::{App, AppError, AppResult};
use crate::domain::{
    Capacity, City, CityId, CityStatus, Held, Language, MessageCode, Modality, Need, Priority,
    SupportOffer, SupportRequest, Topic, TopicId, parse_date,
};
use crate::store::{Actor, Db, Expect, Page, Paging, StoreError, StoreResult};

/// Where the API and the pages write: written down once per resource.
const SOURCE: &str = "entered through the API";

/// A resource a city holds at most one of.
#[async_trait]
pub trait Holding: Held + Send + Sync + 'static {
    /// What a face parsed from a body or a form (names still unresolved).
    type Draft: Send + Sync;
    /// "offer" or "request", in messages.
    const NAME: &'static str;
    /// Its collection in the API, for the messages that point there.
    const ROUTE: &'static str;

    /// The topics and languages the list filters look at.
    fn topics(&self) -> Vec<TopicId>;
    fn languages(&self) -> &[Language];
    /// May `status` hold one (members offer, the others request)?
    fn may_hold(status: &CityStatus) -> bool;
    /// Why `city` may not hold one.
    fn refusal(city: &City) -> AppError;
    /// Builds it from `draft` for `city` (its `id`, 0 when new).
    fn build(draft: &Self::Draft, topics: &[Topic], city: CityId, id: i64) -> AppResult<Self>;

    async fn of(db: &dyn Db, city: CityId) -> StoreResult<Option<Self>>;
    async fn all(db: &dyn Db) -> StoreResult<Vec<Self>>;
    async fn put(db: &dyn Db, actor: &Actor, held: &Self, expect: Expect) -> StoreResult<Self>;
    async fn retire(db: &dyn Db, actor: &Actor, city: CityId) -> StoreResult<()>;
}

/// An offer as a face parsed it.
#[derive(Debug, Clone, Default)]
pub struct OfferDraft {
    pub topics: Vec<String>,
    pub capacity: i64,
    pub languages: Vec<String>,
    pub modalities: Vec<String>,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    pub note: String,
}

/// A request as a face parsed it: each need's topic and priority.
#[derive(Debug, Clone, Default)]
pub struct RequestDraft {
    pub needs: Vec<(String, i64)>,
    pub languages: Vec<String>,
    pub modalities: Vec<String>,
    pub max_mentors: i64,
    pub note: String,
}

/// A topic by slug or name; the refusal names `field`.
pub fn topic_id(topics: &[Topic], field: String, slug: &str) -> AppResult<TopicId> {
    topics
        .iter()
        .find(|t| t.slug.as_str() == slug.trim() || t.is_named(slug))
        .map(|t| t.id)
        .ok_or_else(|| {
            AppError::invalid(
                field,
                MessageCode::UnknownTopic,
                vec![("value", slug.into())],
                format!("unknown topic '{slug}' (see /api/topics)"),
            )
        })
}

/// Parses every item of a list, each refusal naming `field[i]`.
pub fn parse_each<T>(
    field: &str,
    raw: &[String],
    parse: impl Fn(&str) -> Result<T, crate::domain::DomainError>,
) -> AppResult<Vec<T>> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| parse(r).map_err(|e| AppError::at(format!("{field}[{i}]"), e)))
        .collect()
}

fn date(field: &'static str, raw: &Option<String>) -> AppResult<Option<NaiveDate>> {
    Ok(raw
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date(field, d))
        .transpose()?)
}

fn note(raw: &str) -> AppResult<String> {
    const MAX: usize = 2000;
    if raw.chars().count() > MAX {
        return Err(AppError::invalid(
            "note",
            MessageCode::TextTooLong,
            vec![("field", "note".to_string()), ("max", MAX.to_string())],
            "a note has at most 2000 characters",
        ));
    }
    Ok(raw.trim().to_string())
}

#[async_trait]
impl Holding for SupportOffer {
    type Draft = OfferDraft;
    const NAME: &'static str = "offer";
    const ROUTE: &'static str = "/api/offers";

    fn topics(&self) -> Vec<TopicId> {
        self.topics.clone()
    }
    fn languages(&self) -> &[Language] {
        &self.languages
    }
    fn may_hold(status: &CityStatus) -> bool {
        matches!(status, CityStatus::Member { .. })
    }
    fn refusal(city: &City) -> AppError {
        AppError::invalid(
            "city",
            MessageCode::NotAMember,
            vec![("city", city.name.as_str().into())],
            format!(
                "{} is not a member of the network: only member cities offer support",
                city.name.as_str()
            ),
        )
    }
    fn build(d: &OfferDraft, topics: &[Topic], city: CityId, id: i64) -> AppResult<Self> {
        let ids = d
            .topics
            .iter()
            .enumerate()
            .map(|(i, s)| topic_id(topics, format!("topics[{i}]"), s))
            .collect::<AppResult<_>>()?;
        Ok(SupportOffer::new(
            id,
            city,
            ids,
            Capacity::parse(d.capacity)?,
            parse_each("languages", &d.languages, Language::parse)?,
            parse_each("modalities", &d.modalities, Modality::parse)?,
            date("available_from", &d.available_from)?,
            date("available_until", &d.available_until)?,
            note(&d.note)?,
            SOURCE.into(),
        )?)
    }

    async fn of(db: &dyn Db, city: CityId) -> StoreResult<Option<Self>> {
        db.offer_of(city).await
    }
    async fn all(db: &dyn Db) -> StoreResult<Vec<Self>> {
        db.list_offers().await
    }
    async fn put(db: &dyn Db, actor: &Actor, held: &Self, expect: Expect) -> StoreResult<Self> {
        db.put_offer(actor, held, expect).await
    }
    async fn retire(db: &dyn Db, actor: &Actor, city: CityId) -> StoreResult<()> {
        db.retire_offer(actor, city).await
    }
}

#[async_trait]
impl Holding for SupportRequest {
    type Draft = RequestDraft;
    const NAME: &'static str = "request";
    const ROUTE: &'static str = "/api/requests";

    fn topics(&self) -> Vec<TopicId> {
        self.needs.iter().map(|n| n.topic).collect()
    }
    fn languages(&self) -> &[Language] {
        &self.languages
    }
    fn may_hold(status: &CityStatus) -> bool {
        matches!(status, CityStatus::Applicant | CityStatus::Partner)
    }
    fn refusal(city: &City) -> AppError {
        AppError::invalid(
            "city",
            MessageCode::AlreadyAMember,
            vec![("city", city.name.as_str().into())],
            format!(
                "{} is already a member: requests come from cities seeking to join",
                city.name.as_str()
            ),
        )
    }
    fn build(d: &RequestDraft, topics: &[Topic], city: CityId, id: i64) -> AppResult<Self> {
        let needs = d
            .needs
            .iter()
            .enumerate()
            .map(|(i, (topic, priority))| {
                Ok(Need {
                    topic: topic_id(topics, format!("needs[{i}].topic"), topic)?,
                    priority: Priority::parse(*priority)
                        .map_err(|e| AppError::at(format!("needs[{i}].priority"), e))?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(SupportRequest::new(
            id,
            city,
            needs,
            parse_each("languages", &d.languages, Language::parse)?,
            parse_each("modalities", &d.modalities, Modality::parse)?,
            d.max_mentors,
            note(&d.note)?,
            SOURCE.into(),
        )?)
    }

    async fn of(db: &dyn Db, city: CityId) -> StoreResult<Option<Self>> {
        db.request_of(city).await
    }
    async fn all(db: &dyn Db) -> StoreResult<Vec<Self>> {
        db.list_requests().await
    }
    async fn put(db: &dyn Db, actor: &Actor, held: &Self, expect: Expect) -> StoreResult<Self> {
        db.put_request(actor, held, expect).await
    }
    async fn retire(db: &dyn Db, actor: &Actor, city: CityId) -> StoreResult<()> {
        db.retire_request(actor, city).await
    }
}

/// The city exists and may hold an `H`.
async fn check_holder<H: Holding>(app: &App, city: CityId) -> AppResult<City> {
    let c = app.store.get_city(city).await.map_err(|e| match e {
        StoreError::NotFound { .. } => AppError::invalid(
            "city",
            MessageCode::UnknownCity,
            vec![("id", city.to_string())],
            format!("city {city} does not exist"),
        ),
        other => other.into(),
    })?;
    if !H::may_hold(&c.status) {
        return Err(H::refusal(&c));
    }
    Ok(c)
}

/// Creates `city`'s `H` from `draft`: the city may hold one and has none
/// (checked in the write's own transaction).
pub async fn create<H: Holding>(
    app: &App,
    actor: &Actor,
    city: CityId,
    draft: &H::Draft,
) -> AppResult<H> {
    check_holder::<H>(app, city).await?;
    let topics = app.store.list_topics().await?;
    let held = H::build(draft, &topics, city, 0)?;
    H::put(app.store.as_ref(), actor, &held, Expect::New)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict(format!(
                "city {city} already has {} {}: replace it with PUT {}/{{id}}",
                article(H::NAME),
                H::NAME,
                H::ROUTE
            )),
            other => other.into(),
        })
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Replaces `current` with `draft`; `moved_to` is a city the caller named,
/// which must be the holder's own.
pub async fn replace<H: Holding>(
    app: &App,
    actor: &Actor,
    current: &H,
    moved_to: Option<CityId>,
    draft: &H::Draft,
) -> AppResult<H> {
    if moved_to.is_some_and(|c| c != current.city()) {
        return Err(AppError::invalid(
            "city",
            MessageCode::HolderMoved,
            vec![],
            format!(
                "{} {} cannot move to another city",
                article(H::NAME),
                H::NAME
            ),
        ));
    }
    let topics = app.store.list_topics().await?;
    let held = H::build(draft, &topics, current.city(), current.id())?;
    Ok(H::put(app.store.as_ref(), actor, &held, Expect::Id(current.id())).await?)
}

/// Creates or replaces `city`'s `H`: what the pages save.
pub async fn save<H: Holding>(
    app: &App,
    actor: &Actor,
    city: CityId,
    draft: &H::Draft,
) -> AppResult<H> {
    match H::of(app.store.as_ref(), city).await? {
        Some(current) => replace(app, actor, &current, None, draft).await,
        None => create(app, actor, city, draft).await,
    }
}

/// Withdraws `city`'s `H`.
pub async fn retire<H: Holding>(app: &App, actor: &Actor, city: CityId) -> AppResult<()> {
    Ok(H::retire(app.store.as_ref(), actor, city).await?)
}

/// The `H` with this id.
pub async fn find<H: Holding>(app: &App, id: i64) -> AppResult<H> {
    H::all(app.store.as_ref())
        .await?
        .into_iter()
        .find(|h| h.id() == id)
        .ok_or_else(|| AppError::NotFound(format!("{} {id} does not exist", H::NAME)))
}

/// Filters of the lists.
#[derive(Debug, Clone, Default)]
pub struct HeldFilter {
    pub city: Option<CityId>,
    pub topic: Option<TopicId>,
    pub language: Option<Language>,
}

impl HeldFilter {
    fn keeps<H: Holding>(&self, h: &H) -> bool {
        self.city.is_none_or(|c| c == h.city())
            && self.topic.is_none_or(|t| h.topics().contains(&t))
            && self
                .language
                .as_ref()
                .is_none_or(|l| h.languages().contains(l))
    }
}

/// One page of the `H`s that `filter` keeps, by id.
pub async fn list<H: Holding>(
    app: &App,
    filter: &HeldFilter,
    paging: Paging,
) -> AppResult<Page<H>> {
    let kept: Vec<H> = H::all(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|h| filter.keeps(h))
        .collect();
    Ok(Page::of(kept, paging))
}
