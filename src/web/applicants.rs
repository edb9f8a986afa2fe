//! `/applicants`: the applicant cities, filtered with a plain GET form
//! (region, LDC, African, covered or not, topic requested), sorted by name
//! or country, 50 a page. Each row says what the latest round the reader
//! may see did for the city: its proposals' status, or why it was left out.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use maud::{Markup, html};

use super::coverage_chart::group_label;
use super::error::{WebError, encode};
use super::form::{FieldErrors, select};
use super::i18n::Tr;
use super::latest;
use super::layout;
use super::parts::change_text;
use super::session::Viewer;
use crate::app::App;
use crate::domain::{CityId, ProposalStatus, Region};
use crate::engine::Network;
use crate::matching::diagnose::{Reason, Unmatched};
use crate::store::{CityQuery, CitySort, Paging};

pub const PER_PAGE: usize = 50;

pub fn router() -> Router<App> {
    Router::new().route("/applicants", get(applicants))
}

/// The filters as asked; values no form of ours sends count as "any".
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Filters {
    region: String,
    ldc: String,
    african: String,
    covered: String,
    topic: String,
    sort: String,
    page: String,
}

fn yes_no(raw: &str) -> Option<bool> {
    match raw {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn region_slug(r: Region) -> String {
    r.label().to_ascii_lowercase().replace(' ', "-")
}

impl Filters {
    /// The query string of these filters (without the page), to link with.
    fn query(&self, page: Option<usize>) -> String {
        let mut parts: Vec<String> = [
            ("region", &self.region),
            ("ldc", &self.ldc),
            ("african", &self.african),
            ("covered", &self.covered),
            ("topic", &self.topic),
            ("sort", &self.sort),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
        if let Some(p) = page {
            parts.push(format!("page={p}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&amp;"))
        }
    }
}

/// What the latest visible round did for an applicant.
pub enum Status {
    NoRequest,
    NoRound,
    Covered(Vec<ProposalStatus>),
    /// Left out, with the reason the round gives (if it considered it).
    NotCovered(Option<Box<Unmatched>>),
}

fn status_tag(tr: Tr, s: ProposalStatus) -> Markup {
    let class = match s {
        ProposalStatus::Proposed => "tag",
        ProposalStatus::Accepted | ProposalStatus::Active => "tag tag-green",
        ProposalStatus::Completed => "tag tag-purple",
        ProposalStatus::Declined | ProposalStatus::Cancelled => "tag tag-grey",
    };
    html! { strong class=(class) { (tr.t(&format!("applicants.proposal_{}", s.name()))) } }
}

/// An engine reason (see `matching::diagnose::Reason`) in the reader's language.
pub fn reason_text(tr: Tr, network: &Network, unmatched: &Unmatched) -> String {
    let mut text = match &unmatched.reason {
        Reason::NoSharedLanguage { languages } => {
            let langs: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
            tr.f(
                "applicants.reason_no_shared_language",
                &[("languages", &langs.join(", "))],
            )
        }
        Reason::NoTopicOffered {
            mentors_sharing_a_language,
        } => tr.f(
            "applicants.reason_no_topic_offered",
            &[("n", mentors_sharing_a_language)],
        ),
        Reason::AllCandidatesBanned { candidates } => tr.f(
            "applicants.reason_all_candidates_banned",
            &[("n", candidates)],
        ),
        Reason::CandidatesFull { candidates, .. } => {
            tr.f("applicants.reason_candidates_full", &[("n", candidates)])
        }
    };
    if let Some(change) = &unmatched.smallest_change {
        text.push(' ');
        text.push_str(&tr.f(
            "applicants.smallest_change",
            &[("change", &change_text(tr, network, change))],
        ));
    }
    text
}

async fn applicants(
    State(state): State<App>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> Result<Markup, WebError> {
    let tr = viewer.tr;
    let db = state.store.as_ref();
    let region = Region::ALL
        .into_iter()
        .find(|r| region_slug(*r) == filters.region);
    let sort_country = filters.sort == "country";
    let cities = db
        .list_cities(&CityQuery {
            status: Some("applicant"),
            region,
            ldc: yes_no(&filters.ldc),
            african: yes_no(&filters.african),
            sort: if sort_country {
                CitySort::Country
            } else {
                CitySort::Name
            },
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
            ..CityQuery::default()
        })
        .await?
        .items;
    let countries: BTreeMap<_, _> = db
        .list_countries()
        .await?
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect();
    let topics: BTreeMap<_, _> = db
        .list_topics()
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let requests: BTreeMap<CityId, _> = db
        .list_requests()
        .await?
        .into_iter()
        .map(|r| (r.city, r))
        .collect();
    let run = latest::run(&state, &viewer).await?;
    let network = crate::app::network::network_now(&state).await?;
    let mut proposals: BTreeMap<CityId, Vec<ProposalStatus>> = BTreeMap::new();
    let mut unmatched: BTreeMap<CityId, Unmatched> = BTreeMap::new();
    if let Some(run) = &run {
        for p in crate::app::network::proposals_with(db, None, Some(run.id)).await? {
            proposals
                .entry(p.applicant)
                .or_default()
                .push(p.state.status);
        }
        for pair in &run.summary.committed {
            proposals.entry(pair.applicant).or_default();
        }
        for u in &run.summary.unmatched {
            unmatched.insert(u.applicant, u.clone());
        }
    }
    let status_of = |id: CityId| -> Status {
        if !requests.contains_key(&id) {
            Status::NoRequest
        } else if run.is_none() {
            Status::NoRound
        } else if let Some(list) = proposals.get(&id) {
            Status::Covered(list.clone())
        } else {
            Status::NotCovered(unmatched.get(&id).cloned().map(Box::new))
        }
    };
    let topic_filter = topics
        .values()
        .find(|t| t.slug.as_str() == filters.topic)
        .map(|t| t.id);
    let covered_filter = yes_no(&filters.covered);
    let rows: Vec<_> = cities
        .iter()
        .map(|c| (c, status_of(c.id)))
        .filter(|(c, status)| {
            let topic_ok = topic_filter.is_none_or(|t| {
                requests
                    .get(&c.id)
                    .is_some_and(|r| r.needs.iter().any(|n| n.topic == t))
            });
            let covered_ok =
                covered_filter.is_none_or(|want| matches!(status, Status::Covered(_)) == want);
            topic_ok && covered_ok
        })
        .collect();
    let pages = rows.len().div_ceil(PER_PAGE).max(1);
    let page = filters.page.parse::<usize>().unwrap_or(1).clamp(1, pages);
    let shown = &rows[(page - 1) * PER_PAGE..(page * PER_PAGE).min(rows.len())];

    let requested: BTreeSet<_> = requests
        .values()
        .flat_map(|r| r.needs.iter().map(|n| n.topic))
        .collect();
    let mut topic_options: Vec<(String, String)> = requested
        .iter()
        .filter_map(|id| topics.get(id))
        .map(|t| (t.slug.as_str().to_string(), t.name.clone()))
        .collect();
    topic_options.sort_by(|a, b| a.1.cmp(&b.1));
    topic_options.insert(0, (String::new(), tr.t("applicants.any").to_string()));
    let mut region_options = vec![(String::new(), tr.t("applicants.any").to_string())];
    region_options.extend(
        Region::ALL
            .into_iter()
            .map(|r| (region_slug(r), group_label(tr, r.label()))),
    );
    let yes_no_options = vec![
        (String::new(), tr.t("applicants.any").to_string()),
        ("yes".to_string(), tr.t("applicants.yes").to_string()),
        ("no".to_string(), tr.t("applicants.no").to_string()),
    ];
    let sort_options = vec![
        ("name".to_string(), tr.t("applicants.sort_name").to_string()),
        (
            "country".to_string(),
            tr.t("applicants.sort_country").to_string(),
        ),
    ];
    let none = FieldErrors::default();
    let content = html! {
        h1 class="heading-xl" { (tr.t("applicants.title")) }
        p class="lead" { (tr.t("applicants.lead")) }
        @match &run {
            Some(r) => p class="body" {
                (tr.f("applicants.from_run", &[("run", &r.id)]))
                @if r.published_at.is_none() { " " strong class="tag tag-yellow" { (tr.t("overview.not_published")) } }
            },
            None => p class="body" { (tr.t("applicants.no_run")) },
        }
        form method="get" action="/applicants" class="filters no-print" {
            h2 class="heading-s" { (tr.t("applicants.filters")) }
            div class="filters-row" {
                (select(tr, &none, "region", tr.t("applicants.region"), &region_options, &filters.region))
                (select(tr, &none, "ldc", tr.t("applicants.ldc"), &yes_no_options, &filters.ldc))
                (select(tr, &none, "african", tr.t("applicants.african"), &yes_no_options, &filters.african))
                (select(tr, &none, "covered", tr.t("applicants.covered"), &yes_no_options, &filters.covered))
                (select(tr, &none, "topic", tr.t("applicants.topic"), &topic_options, &filters.topic))
                (select(tr, &none, "sort", tr.t("applicants.sort"), &sort_options, if sort_country { "country" } else { "name" }))
            }
            div class="button-group" {
                button type="submit" class="button" { (tr.t("applicants.apply")) }
                a href="/applicants" class="body" { (tr.t("applicants.clear")) }
            }
        }
        p class="body" id="applicants-count" role="status" { (tr.f("applicants.count", &[("n", &rows.len())])) }
        @if !rows.is_empty() {
            div class="table-wrap" tabindex="0" {
                table class="table applicants-table" {
                    caption class="caption" {
                        (tr.f("applicants.caption", &[("page", &page), ("pages", &pages)]))
                    }
                    thead {
                        tr {
                            th scope="col" { (tr.t("applicants.col_city")) }
                            th scope="col" { (tr.t("applicants.col_country")) }
                            th scope="col" { (tr.t("applicants.col_region")) }
                            th scope="col" { (tr.t("applicants.col_tags")) }
                            th scope="col" { (tr.t("applicants.col_topics")) }
                            th scope="col" { (tr.t("applicants.col_status")) }
                        }
                    }
                    tbody {
                        @for (city, status) in shown {
                            @let country = countries.get(&city.country);
                            tr {
                                th scope="row" { a href={ "/cities/" (city.id) } { (city.name.as_str()) } }
                                td { (country.map_or(city.country.as_str(), |c| c.name.as_str())) }
                                td { (country.map(|c| group_label(tr, c.region.label())).unwrap_or_default()) }
                                td {
                                    @if country.is_some_and(|c| c.is_ldc) { strong class="tag tag-purple" { (tr.t("applicants.tag_ldc")) } " " }
                                    @if country.is_some_and(|c| c.is_african) { strong class="tag" { (tr.t("applicants.tag_african")) } }
                                }
                                td {
                                    @match requests.get(&city.id) {
                                        Some(r) => ul class="topic-list" {
                                            @for need in &r.needs {
                                                li { (topics.get(&need.topic).map_or("?", |t| t.name.as_str())) }
                                            }
                                        },
                                        None => span class="secondary" { (tr.t("applicants.no_topics")) },
                                    }
                                }
                                td { (status_cell(tr, &network, status)) }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav aria-label=(tr.t("applicants.pagination")) {
                ul class="pagination" {
                    @if page > 1 {
                        li { a href={ "/applicants" (maud::PreEscaped(filters.query(Some(page - 1)))) } rel="prev" { (tr.t("applicants.previous")) } }
                    }
                    li { (tr.f("applicants.page_of", &[("page", &page), ("pages", &pages)])) }
                    @if page < pages {
                        li { a href={ "/applicants" (maud::PreEscaped(filters.query(Some(page + 1)))) } rel="next" { (tr.t("applicants.next")) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, tr.t("applicants.title"), content))
}

fn status_cell(tr: Tr, network: &Network, status: &Status) -> Markup {
    html! {
        @match status {
            Status::NoRequest => strong class="tag tag-grey" { (tr.t("applicants.status_no_request")) },
            Status::NoRound => strong class="tag tag-grey" { (tr.t("applicants.status_no_round")) },
            Status::Covered(list) => {
                strong class="tag tag-green" { (tr.t("applicants.status_covered")) }
                @for s in list { " " (status_tag(tr, *s)) }
            },
            Status::NotCovered(reason) => {
                strong class="tag tag-red" { (tr.t("applicants.status_not_covered")) }
                span class="status-reason" {
                    @match reason {
                        Some(u) => (reason_text(tr, network, u)),
                        None => (tr.t("applicants.reason_not_in_round")),
                    }
                }
            },
        }
    }
}
