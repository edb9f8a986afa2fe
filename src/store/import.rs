//! Import of the network's CSV files (the format of `fixtures/gnlc/` and
//! `fixtures/demo/`): parse every row, resolve city names through the
//! normalised key and the alias table (within the country), then hand the
//! resolved [`ImportPlan`] to the store, which applies it in one transaction.
//!
//! All or nothing: if any row cannot be used, nothing is written and every
//! bad row is reported with its file, line and reason.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{
    CityKey, ImportApplied, ImportPlan, NameIndex, NewAlias, NewCity, NewEvidence, NewLink,
    NewMembership, NewOffer, NewRequest, Store, StoreError,
};
use crate::domain::{
    Capacity, CityId, CityName, CityStatus, ClusterRole, Country, CountryCode, DomainError,
    EvidenceFact, EvidenceKind, Language, LinkKind, Modality, Need, Period, Priority, Region,
    SupportOffer, SupportRequest, Topic, TopicId, names::name_key, parse_date, parse_list,
};

/// The files an import understands, in the order they are applied.
pub const KNOWN_FILES: [&str; 9] = [
    "countries.csv",
    "aliases.csv",
    "cities.csv",
    "twin_links.csv",
    "awards.csv",
    "clusters.csv",
    "evidence.csv",
    "offers.csv",
    "requests.csv",
];

/// One input file: its name (one of [`KNOWN_FILES`]) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Reads the known files a folder holds; at least one must be there.
pub fn read_dir(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let mut files = Vec::new();
    for name in KNOWN_FILES {
        let path = dir.join(name);
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            files.push(SourceFile {
                name: name.to_string(),
                text,
            });
        }
    }
    if files.is_empty() {
        anyhow::bail!("{} holds none of {}", dir.display(), KNOWN_FILES.join(", "));
    }
    Ok(files)
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} row(s) could not be used; nothing was written", .0.len())]
    BadRows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import read, resolved and wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Data rows read per file.
    pub rows: BTreeMap<String, u64>,
    /// Rows that repeat an earlier row of the same import (after resolution).
    pub duplicate_rows: u64,
    /// "Name, CC -> Canonical, CC" and how many rows used it.
    pub resolved_through_aliases: BTreeMap<String, u64>,
    /// Twin-link ends that matched no known city and became partner cities.
    pub unresolved_names: Vec<String>,
    pub written: ImportApplied,
}

/// Parses and resolves `files` against what the store holds, then applies
/// the result in one transaction.
pub async fn import(store: &dyn Store, files: &[SourceFile]) -> Result<ImportReport, ImportError> {
    let index = store.name_index().await?;
    let (plan, mut report) = plan_import(&index, files).map_err(ImportError::BadRows)?;
    report.written = store.apply_import(&plan).await?;
    Ok(report)
}

fn yes_no(field: &'static str, raw: &str) -> Result<bool, DomainError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "y" => Ok(true),
        "no" | "false" | "0" | "n" => Ok(false),
        _ => Err(DomainError::new(field, format!("'{raw}' is not yes or no"))),
    }
}

fn opt_year(field: &'static str, raw: &str) -> Result<Option<i32>, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| DomainError::new(field, format!("'{raw}' is not a year")))
}

fn opt(raw: &Option<String>) -> &str {
    raw.as_deref().unwrap_or("").trim()
}

#[derive(Deserialize)]
struct CountryCsv {
    iso2: String,
    name: String,
    region: String,
    is_african: String,
    is_ldc: String,
    languages: String,
    source: String,
}

#[derive(Deserialize)]
struct AliasCsv {
    alias: String,
    alias_country_iso2: String,
    name: String,
    country_iso2: String,
}

#[derive(Deserialize)]
struct CityCsv {
    name: String,
    country_iso2: String,
    gnlc_member: String,
    year_joined: Option<String>,
    source: String,
    languages: Option<String>,
}

#[derive(Deserialize)]
struct LinkCsv {
    city_a: String,
    country_a_iso2: String,
    city_b: String,
    country_b_iso2: String,
    source: String,
    kind: Option<String>,
    year_signed: Option<String>,
    active: Option<String>,
}

#[derive(Deserialize)]
struct AwardCsv {
    year: String,
    city: String,
    country_iso2: String,
    source: String,
}

#[derive(Deserialize)]
struct ClusterCsv {
    cluster: String,
    period: String,
    city: String,
    country_iso2: String,
    role: String,
    source: String,
}

#[derive(Deserialize)]
struct EvidenceCsv {
    city: String,
    country_iso2: String,
    topic: Option<String>,
    kind: String,
    year: Option<String>,
    level: Option<String>,
    source: String,
}

#[derive(Deserialize)]
struct OfferCsv {
    city: String,
    country_iso2: String,
    topics: String,
    capacity: String,
    languages: String,
    modalities: String,
    available_from: Option<String>,
    available_until: Option<String>,
    note: Option<String>,
    source: String,
}

#[derive(Deserialize)]
struct RequestCsv {
    city: String,
    country_iso2: String,
    /// `slug:priority;slug:priority`
    needs: String,
    max_mentors: Option<String>,
    languages: String,
    modalities: Option<String>,
    note: Option<String>,
    source: String,
}

/// Name resolution state: what the database knows plus what this import adds.
struct Resolver<'a> {
    index: &'a NameIndex,
    countries: BTreeSet<CountryCode>,
    /// alias key -> (canonical key, canonical display name when given here)
    aliases: BTreeMap<CityKey, (CityKey, Option<String>)>,
    /// cities this import creates or confirms, by key -> position in plan.cities
    planned: BTreeMap<CityKey, usize>,
    report: ImportReport,
}

impl Resolver<'_> {
    fn country(&self, raw: &str) -> Result<CountryCode, DomainError> {
        let code = CountryCode::parse(raw)?;
        if self.countries.contains(&code) {
            Ok(code)
        } else {
            Err(DomainError::new(
                "country",
                format!("unknown country code {code}"),
            ))
        }
    }

    /// The key a name resolves to, and the canonical display name if an alias applied.
    fn resolve(&mut self, name: &str, cc: &str) -> Result<(CityKey, Option<String>), DomainError> {
        let country = self.country(cc)?;
        let key = CityKey {
            country,
            name_key: name_key(name),
        };
        if key.name_key.is_empty() {
            return Err(DomainError::new(
                "name",
                format!("'{name}' is not a city name"),
            ));
        }
        if let Some((canonical, display)) = self.aliases.get(&key).cloned() {
            *self
                .report
                .resolved_through_aliases
                .entry(format!(
                    "{name}, {cc} -> {}, {}",
                    display.as_deref().unwrap_or(&canonical.name_key),
                    canonical.country
                ))
                .or_default() += 1;
            return Ok((canonical, display));
        }
        Ok((key, None))
    }

    fn is_known(&self, key: &CityKey) -> bool {
        self.planned.contains_key(key) || self.index.cities.contains_key(key)
    }

    fn status_of(&self, key: &CityKey, plan: &ImportPlan) -> Option<CityStatus> {
        self.planned
            .get(key)
            .map(|i| plan.cities[*i].status)
            .into_iter()
            .chain(self.index.cities.get(key).map(|k| k.status))
            .max_by_key(CityStatus::rank)
    }

    /// A city that must already exist (awards, clusters, offers...).
    fn known_city(&mut self, name: &str, cc: &str) -> Result<CityKey, DomainError> {
        let (key, _) = self.resolve(name, cc)?;
        if self.is_known(&key) {
            Ok(key)
        } else {
            Err(DomainError::new(
                "city",
                format!("unknown city '{name}, {cc}' (add it to cities.csv or aliases.csv)"),
            ))
        }
    }

    fn add_city(&mut self, plan: &mut ImportPlan, city: NewCity) {
        match self.planned.get(&city.key) {
            Some(&i) => {
                let old = &mut plan.cities[i];
                self.report.duplicate_rows += 1;
                if city.status.rank() > old.status.rank()
                    || (old.status.year_joined().is_none() && city.status.year_joined().is_some())
                {
                    old.status = city.status;
                }
            }
            None => {
                self.planned.insert(city.key.clone(), plan.cities.len());
                plan.cities.push(city);
            }
        }
    }
}

fn topic_by_name<'t>(topics: &'t [Topic], raw: &str) -> Result<&'t Topic, DomainError> {
    topics
        .iter()
        .find(|t| t.is_named(raw))
        .ok_or_else(|| DomainError::new("topic", format!("unknown topic '{raw}'")))
}

/// Reads every row of one file, collecting its errors under the file name.
fn rows<T: for<'de> Deserialize<'de>>(
    file: &SourceFile,
    errors: &mut Vec<RowError>,
    report: &mut ImportReport,
    mut each: impl FnMut(T) -> Result<(), DomainError>,
) {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file.text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(RowError {
                file: file.name.clone(),
                line: 1,
                reason: format!("unreadable header: {e}"),
            });
            return;
        }
    };
    let mut n = 0;
    for record in reader.records() {
        n += 1;
        let (line, result) = match record {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                let parsed = rec.deserialize::<T>(Some(&headers)).map_err(|e| {
                    DomainError::new("row", format!("malformed line: {}", csv_reason(&e)))
                });
                (line, parsed.and_then(&mut each))
            }
            Err(e) => (
                e.position().map(|p| p.line()).unwrap_or(0),
                Err(DomainError::new(
                    "row",
                    format!("malformed line: {}", csv_reason(&e)),
                )),
            ),
        };
        if let Err(e) = result {
            errors.push(RowError {
                file: file.name.clone(),
                line,
                reason: e.to_string(),
            });
        }
    }
    report.rows.insert(file.name.clone(), n);
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(i) => format!("field {}: {}", i + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    }
}

/// Parses and resolves the files (pure: reads nothing but its arguments).
pub fn plan_import(
    index: &NameIndex,
    files: &[SourceFile],
) -> Result<(ImportPlan, ImportReport), Vec<RowError>> {
    let mut plan = ImportPlan::default();
    let mut errors = Vec::new();
    let mut r = Resolver {
        index,
        countries: index.countries.keys().cloned().collect(),
        aliases: index
            .aliases
            .iter()
            .map(|(a, c)| {
                (
                    a.clone(),
                    (c.clone(), index.cities.get(c).map(|k| k.name.clone())),
                )
            })
            .collect(),
        planned: BTreeMap::new(),
        report: ImportReport::default(),
    };
    let mut report = ImportReport::default();
    let file = |name: &str| files.iter().find(|f| f.name == name);
    for f in files {
        if !KNOWN_FILES.contains(&f.name.as_str()) {
            errors.push(RowError {
                file: f.name.clone(),
                line: 0,
                reason: format!("unknown file; expected one of {}", KNOWN_FILES.join(", ")),
            });
        }
    }

    if let Some(f) = file("countries.csv") {
        let mut seen = BTreeSet::new();
        rows(f, &mut errors, &mut report, |row: CountryCsv| {
            let c = Country::new(
                CountryCode::parse(&row.iso2)?,
                &row.name,
                Region::parse(&row.region)?,
                yes_no("is_african", &row.is_african)?,
                yes_no("is_ldc", &row.is_ldc)?,
                parse_list(&row.languages, Language::parse)?,
                &row.source,
            )?;
            if seen.insert(c.code.clone()) {
                r.countries.insert(c.code.clone());
                plan.countries.push(c);
            } else {
                r.report.duplicate_rows += 1;
            }
            Ok(())
        });
    }

    let mut alias_rows = Vec::new();
    if let Some(f) = file("aliases.csv") {
        rows(f, &mut errors, &mut report, |row: AliasCsv| {
            let alias = CityKey {
                country: r.country(&row.alias_country_iso2)?,
                name_key: name_key(&row.alias),
            };
            let canonical_name = CityName::parse(&row.name)?;
            let city = CityKey {
                country: r.country(&row.country_iso2)?,
                name_key: canonical_name.key(),
            };
            if alias == city {
                return Err(DomainError::new(
                    "alias",
                    "an alias must differ from the name it stands for",
                ));
            }
            r.aliases.insert(
                alias.clone(),
                (city.clone(), Some(canonical_name.as_str().to_string())),
            );
            alias_rows.push((alias, city, canonical_name));
            Ok(())
        });
    }

    if let Some(f) = file("cities.csv") {
        rows(f, &mut errors, &mut report, |row: CityCsv| {
            let name = CityName::parse(&row.name)?;
            let (key, canonical) = r.resolve(name.as_str(), &row.country_iso2)?;
            let status = match row.gnlc_member.trim().to_ascii_lowercase().as_str() {
                "yes" | "member" => {
                    CityStatus::parse("member", opt_year("year_joined", opt(&row.year_joined))?)?
                }
                "applicant" => CityStatus::Applicant,
                "unknown" | "no" | "partner" | "" => CityStatus::Partner,
                other => {
                    return Err(DomainError::new(
                        "gnlc_member",
                        format!("'{other}' is not yes, no, unknown or applicant"),
                    ));
                }
            };
            let languages = match opt(&row.languages) {
                "" => None,
                l => Some(parse_list(l, Language::parse)?),
            };
            if let CityStatus::Member {
                year_joined: Some(since),
            } = status
            {
                plan.evidence.push(NewEvidence {
                    city: key.clone(),
                    topic: None,
                    fact: EvidenceFact::NetworkYears { since },
                    source: row.source.clone(),
                });
            }
            let name = match canonical {
                Some(c) => CityName::parse(&c)?,
                None => name,
            };
            r.add_city(
                &mut plan,
                NewCity {
                    key,
                    name,
                    status,
                    languages,
                    source: row.source,
                },
            );
            Ok(())
        });
    }

    // Aliases point at cities: make sure each target exists (created as a
    // partner under its canonical name when nothing else names it).
    for (alias, city, name) in alias_rows {
        if !r.is_known(&city) {
            r.add_city(
                &mut plan,
                NewCity {
                    key: city.clone(),
                    name,
                    status: CityStatus::Partner,
                    languages: None,
                    source: "aliases.csv".into(),
                },
            );
        }
        plan.aliases.push(NewAlias { alias, city });
    }

    if let Some(f) = file("twin_links.csv") {
        let mut pairs = BTreeSet::new();
        rows(f, &mut errors, &mut report, |row: LinkCsv| {
            let mut ends = Vec::with_capacity(2);
            for (name, cc) in [
                (&row.city_a, &row.country_a_iso2),
                (&row.city_b, &row.country_b_iso2),
            ] {
                let (key, canonical) = r.resolve(name, cc)?;
                if !r.is_known(&key) {
                    r.report
                        .unresolved_names
                        .push(format!("{}, {}", name.trim(), key.country));
                    let name = CityName::parse(canonical.as_deref().unwrap_or(name))?;
                    r.add_city(
                        &mut plan,
                        NewCity {
                            key: key.clone(),
                            name,
                            status: CityStatus::Partner,
                            languages: None,
                            source: format!("twin_links.csv ({})", row.source),
                        },
                    );
                }
                ends.push(key);
            }
            let (b, a) = (ends.pop().expect("two ends"), ends.pop().expect("two ends"));
            if a == b {
                return Err(DomainError::new(
                    "city_b",
                    format!(
                        "'{}' and '{}' are the same city: a city cannot be twinned with itself",
                        row.city_a, row.city_b
                    ),
                ));
            }
            let kind = match opt(&row.kind) {
                "" => LinkKind::Twinning,
                k => LinkKind::parse(k)?,
            };
            let active = match opt(&row.active) {
                "" => true,
                a => yes_no("active", a)?,
            };
            let year_signed = opt_year("year_signed", opt(&row.year_signed))?;
            if pairs.insert(if a < b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            }) {
                plan.links.push(NewLink {
                    a,
                    b,
                    kind,
                    year_signed,
                    active,
                    source: row.source,
                });
            } else {
                r.report.duplicate_rows += 1;
            }
            Ok(())
        });
    }

    if let Some(f) = file("awards.csv") {
        rows(f, &mut errors, &mut report, |row: AwardCsv| {
            let city = r.known_city(&row.city, &row.country_iso2)?;
            let year = opt_year("year", &row.year)?
                .ok_or_else(|| DomainError::new("year", "an award has a year"))?;
            let fact = EvidenceFact::parse(EvidenceKind::LearningCityAward, Some(year), None)?;
            plan.evidence.push(NewEvidence {
                city,
                topic: None,
                fact,
                source: row.source,
            });
            Ok(())
        });
    }

    if let Some(f) = file("clusters.csv") {
        rows(f, &mut errors, &mut report, |row: ClusterCsv| {
            let city = r.known_city(&row.city, &row.country_iso2)?;
            let topic = topic_by_name(&index.topics, &row.cluster)?;
            if topic.kind != crate::domain::TopicKind::Cluster {
                return Err(DomainError::new(
                    "cluster",
                    format!("'{}' is not a cluster", row.cluster),
                ));
            }
            let role = ClusterRole::parse(&row.role)?;
            let period = Period::parse(&row.period)?;
            let fact = match role {
                ClusterRole::Coordinator => EvidenceFact::ClusterCoordinator { year: period.start },
                ClusterRole::Member => EvidenceFact::ClusterMember { year: period.start },
            };
            plan.evidence.push(NewEvidence {
                city: city.clone(),
                topic: Some(topic.id),
                fact,
                source: row.source.clone(),
            });
            plan.memberships.push(NewMembership {
                city,
                topic: topic.id,
                role,
                period,
                source: row.source,
            });
            Ok(())
        });
    }

    if let Some(f) = file("evidence.csv") {
        rows(f, &mut errors, &mut report, |row: EvidenceCsv| {
            let city = r.known_city(&row.city, &row.country_iso2)?;
            let topic = match opt(&row.topic) {
                "" => None,
                t => Some(topic_by_name(&index.topics, t)?.id),
            };
            let level = match opt(&row.level) {
                "" => None,
                l => Some(
                    l.parse::<i64>()
                        .map_err(|_| DomainError::new("level", format!("'{l}' is not a number")))?,
                ),
            };
            let fact = EvidenceFact::parse(
                EvidenceKind::parse(&row.kind)?,
                opt_year("year", opt(&row.year))?,
                level,
            )?;
            plan.evidence.push(NewEvidence {
                city,
                topic,
                fact,
                source: row.source,
            });
            Ok(())
        });
    }

    let topic_list = |raw: &str| -> Result<Vec<TopicId>, DomainError> {
        parse_list(raw, |t| Ok(topic_by_name(&index.topics, t)?.id))
    };

    if let Some(f) = file("offers.csv") {
        rows(f, &mut errors, &mut report, |row: OfferCsv| {
            let city = r.known_city(&row.city, &row.country_iso2)?;
            if !matches!(r.status_of(&city, &plan), Some(CityStatus::Member { .. })) {
                return Err(DomainError::new(
                    "city",
                    format!(
                        "{} is not a member city: only members offer support",
                        row.city
                    ),
                ));
            }
            let capacity = Capacity::parse(row.capacity.trim().parse().map_err(|_| {
                DomainError::new("capacity", format!("'{}' is not a number", row.capacity))
            })?)?;
            let date = |field, raw: &Option<String>| match opt(raw) {
                "" => Ok(None),
                d => parse_date(field, d).map(Some),
            };
            let offer = SupportOffer::new(
                0,
                CityId(0),
                topic_list(&row.topics)?,
                capacity,
                parse_list(&row.languages, Language::parse)?,
                parse_list(&row.modalities, Modality::parse)?,
                date("available_from", &row.available_from)?,
                date("available_until", &row.available_until)?,
                opt(&row.note).to_string(),
                row.source,
            )?;
            plan.offers.push(NewOffer { city, offer });
            Ok(())
        });
    }

    if let Some(f) = file("requests.csv") {
        rows(f, &mut errors, &mut report, |row: RequestCsv| {
            let city = r.known_city(&row.city, &row.country_iso2)?;
            if matches!(r.status_of(&city, &plan), Some(CityStatus::Member { .. })) {
                return Err(DomainError::new(
                    "city",
                    format!(
                        "{} is already a member: requests come from applicant cities",
                        row.city
                    ),
                ));
            }
            let needs = parse_list(&row.needs, |item| {
                let (topic, priority) = item.rsplit_once(':').ok_or_else(|| {
                    DomainError::new("needs", format!("'{item}' is not topic:priority"))
                })?;
                let priority = priority.trim().parse().map_err(|_| {
                    DomainError::new("needs", format!("'{priority}' is not a priority"))
                })?;
                Ok(Need {
                    topic: topic_by_name(&index.topics, topic)?.id,
                    priority: Priority::parse(priority)?,
                })
            })?;
            let max_mentors = match opt(&row.max_mentors) {
                "" => 1,
                m => m.parse().map_err(|_| {
                    DomainError::new("max_mentors", format!("'{m}' is not a number"))
                })?,
            };
            let request = SupportRequest::new(
                0,
                CityId(0),
                needs,
                parse_list(&row.languages, Language::parse)?,
                parse_list(opt(&row.modalities), Modality::parse)?,
                max_mentors,
                opt(&row.note).to_string(),
                row.source,
            )?;
            plan.requests.push(NewRequest { city, request });
            Ok(())
        });
    }

    if !errors.is_empty() {
        errors.sort_by(|a, b| {
            (KNOWN_FILES.iter().position(|f| *f == a.file), a.line)
                .cmp(&(KNOWN_FILES.iter().position(|f| *f == b.file), b.line))
        });
        return Err(errors);
    }
    report.duplicate_rows += r.report.duplicate_rows;
    report.resolved_through_aliases = r.report.resolved_through_aliases;
    report.unresolved_names = r.report.unresolved_names;
    Ok((plan, report))
}
