//! Where mentors and applicants are, and the links between them, on an
//! equirectangular picture of the world with a faint graticule. The data
//! has no city coordinates: a city is drawn at its country's centroid
//! (from the `keshvar` crate), cities of one country spread on a small
//! spiral around it. Mentors are blue circles, applicants red triangles;
//! current pairs are solid lines, twin links between a mentor and an
//! applicant dashed. A legend and a summary in words go with the picture.

use std::collections::{BTreeMap, BTreeSet};

use maud::{Markup, html};

use super::coverage_chart::fmt;
use super::i18n::Tr;
use crate::domain::{CityId, CityStatus, CountryCode, Snapshot};

/// Degrees of the picture: the inhabited latitudes.
const NORTH: f64 = 75.0;
const SOUTH: f64 = -50.0;
const SCALE: f64 = 2.4;
const WIDTH: f64 = 360.0 * SCALE;
const HEIGHT: f64 = (NORTH - SOUTH) * SCALE;

/// A country's centroid (latitude, longitude), if known.
pub fn centroid(code: &CountryCode) -> Option<(f64, f64)> {
    let country = keshvar::Country::try_from(code.as_str()).ok()?;
    let geo = country.geo();
    Some((geo.latitude(), geo.longitude()))
}

fn project(lat: f64, lon: f64) -> (f64, f64) {
    let lat = lat.clamp(SOUTH, NORTH);
    ((lon + 180.0) * SCALE, (NORTH - lat) * SCALE)
}

/// What the picture shows.
pub struct MapData<'a> {
    pub snapshot: &'a Snapshot,
    /// Current pairs (mentor, applicant).
    pub pairs: Vec<(CityId, CityId)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mentor,
    Applicant,
}

pub fn map(tr: Tr, data: &MapData) -> Markup {
    let s = data.snapshot;
    let mentors: BTreeSet<CityId> = s.offers.iter().map(|o| o.city).collect();
    let mut people: Vec<(CityId, Kind, &CountryCode, &str)> = Vec::new();
    for c in &s.cities {
        let kind = if mentors.contains(&c.id) {
            Kind::Mentor
        } else if c.status == CityStatus::Applicant {
            Kind::Applicant
        } else {
            continue;
        };
        people.push((c.id, kind, &c.country, c.name.as_str()));
    }
    // Place each city near its country's centroid.
    let mut per_country: BTreeMap<&CountryCode, usize> = BTreeMap::new();
    let mut at: BTreeMap<CityId, (f64, f64)> = BTreeMap::new();
    let mut not_drawn = 0usize;
    for (id, _, country, _) in &people {
        let Some((lat, lon)) = centroid(country) else {
            not_drawn += 1;
            continue;
        };
        let k = per_country.entry(country).or_default();
        let (x, y) = project(lat, lon);
        let angle = *k as f64 * 2.4;
        let r = 3.2 * (*k as f64).sqrt();
        at.insert(*id, (x + r * angle.cos(), y + r * angle.sin()));
        *k += 1;
    }
    let kind_of: BTreeMap<CityId, Kind> = people.iter().map(|p| (p.0, p.1)).collect();
    let name_of: BTreeMap<CityId, &str> = people.iter().map(|p| (p.0, p.3)).collect();
    let twins: Vec<(CityId, CityId)> = s
        .links
        .iter()
        .filter(|l| l.active)
        .filter_map(|l| match (kind_of.get(&l.a), kind_of.get(&l.b)) {
            (Some(Kind::Mentor), Some(Kind::Applicant)) => Some((l.a, l.b)),
            (Some(Kind::Applicant), Some(Kind::Mentor)) => Some((l.b, l.a)),
            _ => None,
        })
        .collect();
    let line = |(a, b): &(CityId, CityId)| Some((*at.get(a)?, *at.get(b)?));
    let n_mentors = people.iter().filter(|p| p.1 == Kind::Mentor).count();
    let n_applicants = people.len() - n_mentors;
    let countries = |kind: Kind| {
        people
            .iter()
            .filter(|p| p.1 == kind)
            .map(|p| p.2)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let summary = tr.f(
        "overview.map_summary",
        &[
            ("mentors", &n_mentors),
            ("mentor_countries", &countries(Kind::Mentor)),
            ("applicants", &n_applicants),
            ("applicant_countries", &countries(Kind::Applicant)),
            ("pairs", &data.pairs.len()),
            ("twins", &twins.len()),
        ],
    );
    // Counts per country, for the table.
    let country_name: BTreeMap<&CountryCode, &str> = s
        .countries
        .iter()
        .map(|c| (&c.code, c.name.as_str()))
        .collect();
    let mut by_country: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, kind, country, _) in &people {
        let name = country_name
            .get(country)
            .copied()
            .unwrap_or(country.as_str());
        let e = by_country.entry(name).or_default();
        match kind {
            Kind::Mentor => e.0 += 1,
            Kind::Applicant => e.1 += 1,
        }
    }
    let name = |id: &CityId| name_of.get(id).copied().unwrap_or("?").to_string();
    html! {
        figure class="figure" {
            svg class="chart world-map" role="img" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
                width=(WIDTH) height=(HEIGHT) aria-labelledby="map-title map-desc" {
                title id="map-title" { (tr.t("overview.map_title")) }
                desc id="map-desc" { (summary) }
                rect class="map-sea" x="0" y="0" width=(WIDTH) height=(HEIGHT) {}
                @for lon in (-150..=150).step_by(30) {
                    @let (x, _) = project(0.0, lon as f64);
                    line class="map-grid" x1=(fmt(x)) y1="0" x2=(fmt(x)) y2=(HEIGHT) {}
                }
                @for lat in [60, 30, 0, -30] {
                    @let (_, y) = project(lat as f64, 0.0);
                    line class={ "map-grid" @if lat == 0 { " map-equator" } } x1="0" y1=(fmt(y)) x2=(WIDTH) y2=(fmt(y)) {}
                }
                @for pair in &twins {
                    @if let Some(((x1, y1), (x2, y2))) = line(pair) {
                        line class="map-twin" x1=(fmt(x1)) y1=(fmt(y1)) x2=(fmt(x2)) y2=(fmt(y2)) {}
                    }
                }
                @for pair in &data.pairs {
                    @if let Some(((x1, y1), (x2, y2))) = line(pair) {
                        line class="map-pair" x1=(fmt(x1)) y1=(fmt(y1)) x2=(fmt(x2)) y2=(fmt(y2)) {}
                    }
                }
                @for (id, kind, _, _) in &people {
                    @if let Some((x, y)) = at.get(id) {
                        @match kind {
                            Kind::Mentor => circle class="map-mentor" cx=(fmt(*x)) cy=(fmt(*y)) r="3.5" {},
                            Kind::Applicant => polygon class="map-applicant"
                                points=(format!("{},{} {},{} {},{}", fmt(*x), fmt(y - 4.5), fmt(x - 4.0), fmt(y + 3.0), fmt(x + 4.0), fmt(y + 3.0))) {},
                        }
                    }
                }
            }
            figcaption { (tr.t("overview.map_caption")) }
        }
        ul class="list-plain map-legend" {
            li {
                svg class="legend-shape" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false" {
                    circle class="map-mentor" cx="8" cy="8" r="5" {}
                }
                (tr.t("overview.legend_mentor"))
            }
            li {
                svg class="legend-shape" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false" {
                    polygon class="map-applicant" points="8,2 2,13 14,13" {}
                }
                (tr.t("overview.legend_applicant"))
            }
            li {
                svg class="legend-shape" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" focusable="false" {
                    line class="map-pair" x1="0" y1="8" x2="24" y2="8" {}
                }
                (tr.t("overview.legend_pair"))
            }
            li {
                svg class="legend-shape" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" focusable="false" {
                    line class="map-twin" x1="0" y1="8" x2="24" y2="8" {}
                }
                (tr.t("overview.legend_twin"))
            }
        }
        p class="body" { (summary) }
        @if not_drawn > 0 {
            p class="body secondary" { (tr.f("overview.map_not_drawn", &[("n", &not_drawn)])) }
        }
        details class="details" {
            summary { (tr.t("overview.map_in_words")) }
            div class="details-text" {
                div class="table-wrap" tabindex="0" {
                    table class="table" {
                        caption class="caption" { (tr.t("overview.map_countries_caption")) }
                        thead {
                            tr {
                                th scope="col" { (tr.t("overview.col_country")) }
                                th scope="col" class="num" { (tr.t("overview.col_mentors")) }
                                th scope="col" class="num" { (tr.t("overview.col_applicant_cities")) }
                            }
                        }
                        tbody {
                            @for (country, (m, a)) in &by_country {
                                tr {
                                    th scope="row" { (country) }
                                    td class="num" { (m) }
                                    td class="num" { (a) }
                                }
                            }
                        }
                    }
                }
                @if !data.pairs.is_empty() {
                    h3 class="heading-s" { (tr.t("overview.map_pairs_heading")) }
                    ul class="list" {
                        @for (m, a) in &data.pairs {
                            li { (tr.f("overview.map_pair", &[("mentor", &name(m)), ("applicant", &name(a))])) }
                        }
                    }
                }
            }
        }
    }
}
