//! Matching rounds, for the secretariat: the list of rounds, the form that
//! starts one (mode, priority tiers, locks and bans with reasons, prefer
//! the previous round), and the review of a round: coverage, the diff
//! against the previous round, each proposal with its score breakdown,
//! introduction path and what removing it would change, the unmatched
//! applicants with reasons and smallest changes; then publishing it or
//! discarding it, each a confirmed step (publishing says what it
//! supersedes).
//!
//! Starting a run is the application's own use-case (`app::runs::start`):
//! the same validation as the API, its messages next to the fields.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::PageId;
use super::error::WebError;
use super::form::{
    Choice, FieldErrors, FormData, Input, choices, csrf_field, error_summary, message, select,
};
use super::i18n::Tr;
use super::layout;
use super::parts::{
    change_text, city_link, path_of, reason_text, run_status_name, run_status_tag, run_title,
    score_bars, status_tag,
};
use super::see_other;
use super::session::Viewer;
use crate::app::network::{latest_run, network_now};
use crate::app::runs::{self, StartRun};
use crate::app::{App, AppError};
use crate::domain::{CityId, RunStatus};
use crate::engine::Network;
use crate::matching::whatif::IfRemoved;
use crate::store::{Override, Paging, StoredRun};

pub fn router() -> Router<App> {
    Router::new()
        .route("/rounds", get(list).post(create))
        .route("/rounds/new", get(new_form))
        .route("/rounds/{id}", get(review))
        .route("/rounds/{id}/publish", get(confirm_publish).post(publish))
        .route("/rounds/{id}/discard", get(confirm_discard).post(discard))
}

const MODES: [&str; 3] = ["coverage", "score", "stable"];
const TIERS: [&str; 5] = ["ldc_african", "ldc", "african", "ldc_or_african", "any"];
const TIER_SLOTS: usize = 3;

// ---------------------------------------------------------------------------
// The list of rounds

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<u32>,
    status: String,
}

async fn list(
    State(state): State<App>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    viewer.secretariat()?;
    let tr = viewer.tr;
    let page = q.page.unwrap_or(1).max(1);
    let status = match q.status.trim() {
        "" => None,
        raw => Some(RunStatus::parse(raw).map_err(|_| WebError::NotFound)?),
    };
    let runs = runs::list(
        &state,
        viewer.reader(),
        status,
        Paging { page, per_page: 20 },
    )
    .await?;
    let last_page = (runs.total.max(1) as u32).div_ceil(20);
    let status_param = status.map_or(String::new(), |s| format!("&status={}", s.name()));
    let mut status_options = vec![(String::new(), tr.t("round.status_any").to_string())];
    status_options.extend(
        RunStatus::ALL
            .iter()
            .map(|s| (s.name().to_string(), run_status_name(tr, *s).to_string())),
    );
    let content = html! {
        h1 class="heading-xl" { (tr.t("round.list_title")) }
        p class="lead" { (tr.t("round.list_lead")) }
        a class="button" href="/rounds/new" { (tr.t("round.start")) }
        form method="get" action="/rounds" class="filters no-print" {
            div class="filters-row" {
                (select(tr, &FieldErrors::default(), "status", tr.t("round.filter_status"), &status_options,
                    status.map_or("", |s| s.name())))
                div class="form-group" {
                    button type="submit" class="button button-secondary" { (tr.t("round.filter_apply")) }
                }
            }
        }
        @if runs.items.is_empty() {
            p class="body" { (tr.t("round.none_yet")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.t("round.list_title")) }
                    thead { tr {
                        th scope="col" { (tr.t("round.col_round")) }
                        th scope="col" { (tr.t("round.col_created")) }
                        th scope="col" { (tr.t("round.col_mode")) }
                        th scope="col" class="num" { (tr.t("round.col_covered")) }
                        th scope="col" class="num" { (tr.t("round.col_pairs")) }
                        th scope="col" { (tr.t("round.col_status")) }
                    } }
                    tbody {
                        @for run in &runs.items {
                            tr {
                                td { a href={ "/rounds/" (run.id) } { (run_title(tr, run)) } }
                                td { (run.created_at.replace('T', " ").trim_end_matches('Z')) }
                                td { (mode_label(tr, &run.mode)) }
                                td class="num" {
                                    (run.summary.applicants_covered) " / " (run.summary.applicants)
                                }
                                td class="num" { (run.summary.pairs) }
                                td { (run_status_tag(tr, run.status)) }
                            }
                        }
                    }
                }
            }
            @if last_page > 1 {
                nav aria-label=(tr.t("round.pages")) {
                    ul class="pagination" {
                        @if page > 1 { li { a href={ "/rounds?page=" (page - 1) (status_param) } { (tr.t("round.newer")) } } }
                        li { (tr.f("round.page_of", &[("page", &page), ("pages", &last_page)])) }
                        @if page < last_page { li { a href={ "/rounds?page=" (page + 1) (status_param) } { (tr.t("round.older")) } } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, tr.t("round.list_title"), content))
}

fn mode_label(tr: Tr, mode: &str) -> &'static str {
    match mode {
        "score" => tr.t("round.mode_score"),
        "stable" => tr.t("round.mode_stable"),
        _ => tr.t("round.mode_coverage"),
    }
}

fn tier_label(tr: Tr, tier: &str) -> &'static str {
    match tier {
        "ldc_african" => tr.t("round.tier_ldc_african"),
        "ldc" => tr.t("round.tier_ldc"),
        "african" => tr.t("round.tier_african"),
        "ldc_or_african" => tr.t("round.tier_ldc_or_african"),
        _ => tr.t("round.tier_any"),
    }
}

// ---------------------------------------------------------------------------
// The form that starts a round

/// What the form holds: filled from a query, a previous run or a post.
#[derive(Debug, Clone, Default)]
struct Settings {
    name: String,
    mode: String,
    tiers: Vec<String>,
    prefer_previous: bool,
    locks: Vec<(i64, i64)>,
    lock_reason: String,
    bans: Vec<(i64, i64)>,
    ban_reason: String,
    lock_mentor: String,
    lock_applicant: String,
    ban_mentor: String,
    ban_applicant: String,
}

fn parse_pair(raw: &str) -> Option<(i64, i64)> {
    let (m, a) = raw.split_once('-')?;
    Some((m.trim().parse().ok()?, a.trim().parse().ok()?))
}

impl Settings {
    /// The defaults of the engine: coverage, LDC-and-African first.
    fn fresh(has_previous: bool) -> Self {
        Settings {
            mode: "coverage".into(),
            tiers: vec!["ldc_african".into(), "ldc_or_african".into()],
            prefer_previous: has_previous,
            ..Default::default()
        }
    }

    /// A run's own settings, to change and run again.
    fn of_run(run: &StoredRun) -> Self {
        let p = &run.params;
        let overrides = |list: &[Override]| -> (Vec<(i64, i64)>, String) {
            let pairs = list.iter().map(|o| (o.mentor.0, o.applicant.0)).collect();
            let mut reasons: Vec<String> = list.iter().map(|o| o.reason.clone()).collect();
            reasons.dedup();
            (pairs, reasons.join("; "))
        };
        let (locks, lock_reason) = overrides(&p.locks);
        let (bans, ban_reason) = overrides(&p.bans);
        Settings {
            mode: run.mode.clone(),
            tiers: p.tiers.0.iter().map(|t| t.name().to_string()).collect(),
            prefer_previous: true,
            locks,
            lock_reason,
            bans,
            ban_reason,
            ..Default::default()
        }
    }

    /// Ticked pairs from the review page (`lock=M-A`, `ban=M-A`) on top.
    fn with_ticked(mut self, form: &FormData) -> Self {
        for (name, list) in [("lock", &mut self.locks), ("ban", &mut self.bans)] {
            for raw in form.all(name) {
                if let Some(pair) = parse_pair(&raw).filter(|p| !list.contains(p)) {
                    list.push(pair);
                }
            }
        }
        self
    }

    /// What a posted form says, with the field errors it has before the
    /// engine sees it (pairs that are not pairs).
    fn from_post(form: &FormData, tr: Tr) -> (Self, FieldErrors) {
        let mut errors = FieldErrors::default();
        let mut s = Settings {
            name: form.get("name").to_string(),
            mode: form.get("mode").to_string(),
            tiers: (1..=TIER_SLOTS)
                .map(|i| form.get(&format!("tier_{i}")).to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            prefer_previous: form.has("prefer_previous"),
            lock_reason: form.get("lock_reason").trim().to_string(),
            ban_reason: form.get("ban_reason").trim().to_string(),
            lock_mentor: form.get("lock_mentor").to_string(),
            lock_applicant: form.get("lock_applicant").to_string(),
            ban_mentor: form.get("ban_mentor").to_string(),
            ban_applicant: form.get("ban_applicant").to_string(),
            ..Default::default()
        };
        for (name, list) in [("lock", &mut s.locks), ("ban", &mut s.bans)] {
            for raw in form.all(name) {
                match parse_pair(&raw) {
                    Some(pair) if !list.contains(&pair) => list.push(pair),
                    Some(_) => {}
                    None => errors.add(name, tr.t("round.error_pair")),
                }
            }
        }
        // A new pair from the two drop-downs, when both are chosen.
        for (kind, m, a) in [
            ("lock", s.lock_mentor.clone(), s.lock_applicant.clone()),
            ("ban", s.ban_mentor.clone(), s.ban_applicant.clone()),
        ] {
            let list = if kind == "lock" {
                &mut s.locks
            } else {
                &mut s.bans
            };
            match (m.parse::<i64>().ok(), a.parse::<i64>().ok()) {
                (Some(m), Some(a)) => {
                    if !list.contains(&(m, a)) {
                        list.push((m, a));
                    }
                }
                (None, None) => {}
                _ => errors.add(format!("{kind}_mentor"), tr.t("round.error_both_cities")),
            }
        }
        if errors.is_empty() {
            s.lock_mentor.clear();
            s.lock_applicant.clear();
            s.ban_mentor.clear();
            s.ban_applicant.clear();
        }
        (s, errors)
    }

    /// The use-case's command; a refusal names the API's field
    /// (`locks[0].reason`), which [`run_field`] places on the form.
    fn command(&self) -> Result<StartRun, AppError> {
        let overrides = |list: &[(i64, i64)], field: &str, action: &str, reason: &str| {
            list.iter()
                .enumerate()
                .map(|(i, &(m, a))| {
                    runs::parse_override(&format!("{field}[{i}]"), action, m, a, reason)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(StartRun {
            name: runs::parse_name("name", &self.name)?,
            mode: match self.mode.as_str() {
                "" => Default::default(),
                m => runs::parse_mode("mode", m)?,
            },
            tiers: crate::matching::PriorityTiers(
                self.tiers
                    .iter()
                    .enumerate()
                    .map(|(i, t)| runs::parse_tier(&format!("tiers[{i}]"), t))
                    .collect::<Result<_, _>>()?,
            ),
            locks: overrides(&self.locks, "locks", "lock", &self.lock_reason)?,
            bans: overrides(&self.bans, "bans", "ban", &self.ban_reason)?,
            prefer_previous: self.prefer_previous,
            ..Default::default()
        })
    }
}

/// The form field an API refusal of a run belongs to.
fn run_field(api_field: &str) -> &'static str {
    let kind = if api_field.starts_with("bans") {
        "ban"
    } else if api_field.starts_with("locks") {
        "lock"
    } else if api_field.starts_with("tiers") {
        return "tier_1";
    } else if api_field == "name" {
        return "name";
    } else {
        return "mode";
    };
    match (kind, api_field.ends_with(".reason")) {
        ("ban", true) => "ban_reason",
        ("ban", false) => "ban",
        (_, true) => "lock_reason",
        _ => "lock",
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    from: Option<i64>,
}

async fn new_form(
    State(state): State<App>,
    viewer: Viewer,
    Query(q): Query<NewQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Markup, WebError> {
    viewer.secretariat()?;
    let ticked = FormData::parse(raw.unwrap_or_default().as_bytes());
    let latest = latest_run(state.store.as_ref()).await?;
    let settings = match q.from {
        Some(id) => Settings::of_run(&state.store.get_run(id).await?),
        None => Settings::fresh(latest.is_some()),
    }
    .with_ticked(&ticked);
    let network = network_now(&state).await?;
    Ok(round_form(
        &viewer,
        &network,
        &settings,
        &FieldErrors::default(),
        latest,
    ))
}

fn pair_name(network: &Network, (m, a): (i64, i64)) -> String {
    let name = |id: i64| {
        network.named(CityId(id)).map_or_else(
            |_| format!("#{id}"),
            |n| format!("{}, {}", n.name, n.country),
        )
    };
    format!("{} → {}", name(m), name(a))
}

fn round_form(
    viewer: &Viewer,
    network: &Network,
    s: &Settings,
    errors: &FieldErrors,
    previous: Option<i64>,
) -> Markup {
    let tr = viewer.tr;
    let mode_choices: Vec<Choice> = MODES
        .iter()
        .map(|m| Choice {
            value: m.to_string(),
            label: mode_label(tr, m).to_string(),
            hint: Some(tr.t(&format!("round.mode_{m}_hint")).to_string()),
            checked: s.mode == *m,
        })
        .collect();
    let mut tier_options = vec![(String::new(), tr.t("round.tier_none").to_string())];
    tier_options.extend(
        TIERS
            .iter()
            .map(|t| (t.to_string(), tier_label(tr, t).to_string())),
    );
    let mut mentors: Vec<(String, String)> = network
        .market
        .mentors
        .iter()
        .map(|m| {
            (
                m.place.city.0.to_string(),
                format!("{}, {}", m.place.name, m.place.country.as_str()),
            )
        })
        .collect();
    mentors.sort_by(|a, b| a.1.cmp(&b.1));
    let mut applicants: Vec<(String, String)> = network
        .market
        .applicants
        .iter()
        .map(|a| {
            (
                a.place.city.0.to_string(),
                format!("{}, {}", a.place.name, a.place.country.as_str()),
            )
        })
        .collect();
    applicants.sort_by(|a, b| a.1.cmp(&b.1));
    let with_none = |list: &[(String, String)]| {
        let mut v = vec![(String::new(), tr.t("round.choose_city").to_string())];
        v.extend(list.iter().cloned());
        v
    };
    let override_block = |kind: &str, list: &[(i64, i64)], reason: &str, m: &str, a: &str| {
        let pairs: Vec<Choice> = list
            .iter()
            .map(|&(mm, aa)| Choice {
                value: format!("{mm}-{aa}"),
                label: pair_name(network, (mm, aa)),
                hint: None,
                checked: true,
            })
            .collect();
        html! {
            h2 class="heading-m" { (tr.t(&format!("round.{kind}s_title"))) }
            p class="body" { (tr.t(&format!("round.{kind}s_intro"))) }
            @if !pairs.is_empty() {
                (choices(tr, errors, kind, tr.t(&format!("round.{kind}s_chosen")), None, &pairs, true))
            } @else if errors.of(kind).is_some() {
                (choices(tr, errors, kind, tr.t(&format!("round.{kind}s_chosen")), None, &[], true))
            }
            div class="filters-row" {
                (select(tr, errors, &format!("{kind}_mentor"), tr.t("round.mentor"), &with_none(&mentors), m))
                (select(tr, errors, &format!("{kind}_applicant"), tr.t("round.applicant"), &with_none(&applicants), a))
            }
            (super::form::textarea(tr, errors, &format!("{kind}_reason"), tr.t(&format!("round.{kind}_reason")),
                Some(tr.t("round.reason_hint")), reason))
        }
    };
    let content = html! {
        (error_summary(tr, errors))
        a class="back-link" href="/rounds" { (tr.t("round.back_to_list")) }
        h1 class="heading-xl" { (tr.t("round.new_title")) }
        p class="lead" { (tr.t("round.new_lead")) }
        form method="post" action="/rounds" novalidate {
            (csrf_field(viewer))
            (Input::new("name", tr.t("round.name_label"), &s.name)
                .hint(tr.t("round.name_hint"))
                .render(tr, errors))
            (choices(tr, errors, "mode", tr.t("round.mode_legend"), None, &mode_choices, false))
            div class="form-group" {
                fieldset class="fieldset" {
                    legend class="legend" { (tr.t("round.tiers_legend")) }
                    div class="hint" { (tr.t("round.tiers_hint")) }
                    div class="filters-row" {
                        @for i in 1..=TIER_SLOTS {
                            (select(tr, errors, &format!("tier_{i}"), &tr.f("round.tier_n", &[("n", &i)]),
                                &tier_options, s.tiers.get(i - 1).map_or("", String::as_str)))
                        }
                    }
                }
            }
            @if previous.is_some() {
                (choices(tr, errors, "prefer_previous", tr.t("round.previous_legend"), None, &[Choice {
                    value: "yes".into(),
                    label: tr.f("round.prefer_previous", &[("id", &previous.unwrap_or_default())]),
                    hint: Some(tr.t("round.prefer_previous_hint").into()),
                    checked: s.prefer_previous,
                }], true))
            }
            (override_block("lock", &s.locks, &s.lock_reason, &s.lock_mentor, &s.lock_applicant))
            (override_block("ban", &s.bans, &s.ban_reason, &s.ban_mentor, &s.ban_applicant))
            button type="submit" class="button" { (tr.t("round.run")) }
        }
    };
    layout::page(viewer, tr.t("round.new_title"), content)
}

async fn create(
    State(state): State<App>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, WebError> {
    form.check_csrf(&viewer)?;
    let actor = viewer.secretariat()?;
    let tr = viewer.tr;
    let (settings, mut errors) = Settings::from_post(&form, tr);
    if errors.is_empty() {
        let started = match settings.command() {
            Ok(command) => runs::start(&state, &actor, &command).await,
            Err(e) => Err(e),
        };
        match started {
            Ok(started) => return Ok(see_other(format!("/rounds/{}?created=1", started.run.id))),
            Err(AppError::Conflict(m)) => errors.add("mode", m),
            Err(e) => match &e {
                AppError::Invalid { field, .. } => errors.add(run_field(field), message(tr, &e)),
                _ => return Err(e.into()),
            },
        }
    }
    let network = network_now(&state).await?;
    let latest = latest_run(state.store.as_ref()).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        round_form(&viewer, &network, &settings, &errors, latest),
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// The review of a round

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ReviewQuery {
    created: Option<u8>,
    published: Option<u8>,
    discarded: Option<u8>,
    /// Only the proposals whose mentor or applicant is named so.
    q: String,
    /// score (default), applicant (grouped by applicant) or mentor.
    sort: String,
}

/// The proposals the review lists: those naming `q` (accents and case
/// ignored), by score, or grouped by applicant or mentor.
fn review_rows<'a>(
    network: &Network,
    proposals: &'a [crate::store::StoredProposal],
    q: &str,
    sort: &str,
) -> Vec<&'a crate::store::StoredProposal> {
    use crate::domain::names::name_key;
    let name = |c: CityId| network.named(c).map(|n| n.name).unwrap_or_default();
    let wanted = name_key(q);
    let mut rows: Vec<&crate::store::StoredProposal> = proposals
        .iter()
        .filter(|p| {
            wanted.is_empty()
                || name_key(&name(p.mentor)).contains(&wanted)
                || name_key(&name(p.applicant)).contains(&wanted)
        })
        .collect();
    match sort {
        "applicant" => rows.sort_by_key(|p| (name(p.applicant), -p.score, p.id)),
        "mentor" => rows.sort_by_key(|p| (name(p.mentor), -p.score, p.id)),
        _ => rows.sort_by_key(|p| (-p.score, p.id)),
    }
    rows
}

/// Each mentor of the round with its pairs and capacity, the fullest first.
fn mentor_loads(
    network: &Network,
    proposals: &[crate::store::StoredProposal],
) -> Vec<(CityId, usize, usize)> {
    let mut pairs: std::collections::BTreeMap<CityId, usize> = Default::default();
    for p in proposals {
        *pairs.entry(p.mentor).or_default() += 1;
    }
    let mut loads: Vec<(CityId, usize, usize)> = pairs
        .into_iter()
        .map(|(m, n)| {
            let capacity = network.market.mentor_index(m).map_or(n, |i| {
                usize::from(network.market.mentors[i].offer.capacity.get())
            });
            (m, n, capacity)
        })
        .collect();
    loads.sort_by(|a, b| {
        (b.1 * a.2)
            .cmp(&(a.1 * b.2))
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    loads
}

async fn review(
    State(state): State<App>,
    viewer: Viewer,
    PageId(id): PageId,
    Query(q): Query<ReviewQuery>,
) -> Result<Markup, WebError> {
    viewer.secretariat()?;
    let tr = viewer.tr;
    let run = runs::visible(&state, viewer.reader(), id).await?;
    let proposals = runs::proposals_of(&state, viewer.reader(), id).await?;
    let network = network_now(&state).await?;
    let s = &run.summary;
    let name = |c: CityId| city_link(&network, c);
    let removal = |m: CityId, a: CityId| {
        s.if_removed
            .iter()
            .find(|r| r.mentor == m && r.applicant == a)
    };
    let content = html! {
        a class="back-link" href="/rounds" { (tr.t("round.back_to_list")) }
        @if q.created.is_some() {
            div class="banner banner-success" role="status" {
                h2 class="banner-title" { (tr.t("round.done")) }
                div class="banner-body" { p class="body" { (tr.t("round.created_banner")) } }
            }
        }
        @if q.published.is_some() {
            div class="banner banner-success" role="status" {
                h2 class="banner-title" { (tr.t("round.done")) }
                div class="banner-body" { p class="body" { (tr.t("round.published_banner")) } }
            }
        }
        @if q.discarded.is_some() {
            div class="banner banner-success" role="status" {
                h2 class="banner-title" { (tr.t("round.done")) }
                div class="banner-body" { p class="body" { (tr.t("round.discarded_banner")) } }
            }
        }
        @if let Some(by) = run.superseded_by {
            div class="banner" role="note" {
                div class="banner-body" { p class="body" {
                    (tr.t("round.superseded_note")) " "
                    a href={ "/rounds/" (by) } { (tr.f("round.name", &[("id", &by)])) }
                } }
            }
        }
        span class="caption" { (mode_label(tr, &run.mode)) " · " (run.created_at.replace('T', " ").trim_end_matches('Z')) }
        h1 class="heading-xl" { (run_title(tr, &run)) " " (run_status_tag(tr, run.status)) }
        dl class="summary" {
            div class="summary-row" {
                dt { (tr.t("round.covered")) }
                dd {
                    (tr.f("round.covered_value", &[
                        ("covered", &s.applicants_covered), ("applicants", &s.applicants), ("max", &s.max_coverable)]))
                    @if !s.unmatched.is_empty() {
                        " · " a href="#unmatched" { (tr.f("round.see_unmatched", &[("n", &s.unmatched.len())])) }
                    }
                }
            }
            div class="summary-row" { dt { (tr.t("round.col_pairs")) } dd { (s.pairs) } }
            div class="summary-row" { dt { (tr.t("round.committed")) } dd { (s.committed.len()) } }
            div class="summary-row" { dt { (tr.t("round.total_score")) } dd { (s.total_score) } }
            @if run.mode == "stable" {
                div class="summary-row" { dt { (tr.t("round.blocking_pairs")) } dd { (s.blocking_pairs) } }
            }
            div class="summary-row" {
                dt { (tr.t("round.tiers_legend")) }
                dd { @for (i, t) in run.params.tiers.0.iter().enumerate() {
                    @if i > 0 { ", " } (tier_label(tr, t.name()))
                } }
            }
            @for (list, label) in [(&run.params.locks, "round.locks_title"), (&run.params.bans, "round.bans_title")] {
                div class="summary-row" {
                    dt { (tr.t(label)) }
                    dd {
                        @if list.is_empty() { (tr.t("round.none")) }
                        ul class="list-plain" {
                            @for o in list {
                                li { (name(o.mentor)) " → " (name(o.applicant)) ": " (o.reason) }
                            }
                        }
                    }
                }
            }
        }
        div class="button-group" {
            @if run.status == RunStatus::Draft {
                a class="button" href={ "/rounds/" (run.id) "/publish" } { (tr.t("round.publish")) }
            }
            a class="button button-secondary" href={ "/rounds/new?from=" (run.id) } { (tr.t("round.change_and_rerun")) }
            @if run.status == RunStatus::Draft {
                a class="button button-warning" href={ "/rounds/" (run.id) "/discard" } { (tr.t("round.discard")) }
            }
        }
        @if run.status == RunStatus::Draft {
            p class="hint" { (tr.t("round.publish_hint")) }
        }

        details class="details" {
            summary { (tr.t("round.coverage_by_group")) }
            div class="grid grid-2" {
                div { (super::coverage_chart::chart(tr, "region", tr.t("overview.chart_region_title"), &s.coverage.by_region)) }
                div {
                    (super::coverage_chart::chart(tr, "ldc", tr.t("overview.chart_ldc_title"), &s.coverage.by_ldc))
                    (super::coverage_chart::chart(tr, "african", tr.t("overview.chart_african_title"), &s.coverage.by_african))
                }
            }
            p class="body secondary" { (tr.t("overview.africa_note")) }
        }
        @let loads = mentor_loads(&network, &proposals);
        details class="details" id="mentor-load" {
            summary { (tr.f("round.mentor_load_summary", &[
                ("mentors", &loads.len()),
                ("full", &loads.iter().filter(|(_, n, c)| n >= c).count()),
            ])) }
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption { (tr.t("round.mentor_load_caption")) }
                    thead { tr {
                        th scope="col" { (tr.t("round.mentor")) }
                        th scope="col" class="num" { (tr.t("round.col_pairs")) }
                        th scope="col" class="num" { (tr.t("round.capacity")) }
                    } }
                    tbody {
                        @for (m, n, c) in &loads {
                            tr {
                                td { (city_link(&network, *m)) }
                                td class="num" { (n) }
                                td class="num" { (c) }
                            }
                        }
                    }
                }
            }
        }

        h2 class="heading-l" id="diff" { (tr.t("round.diff_title")) }
        @if let (Some(prev), Some(diff)) = (s.previous_run, &s.diff) {
            p class="body" {
                (tr.f("round.diff_intro", &[
                    ("id", &prev),
                    ("kept", &diff.kept.len()),
                    ("added", &diff.added.len()),
                    ("removed", &diff.removed.len()),
                ]))
                " " a href={ "/rounds/" (prev) } { (tr.f("round.name", &[("id", &prev)])) }
            }
            div class="grid grid-2" {
                @for (list, title) in [(&diff.added, "round.diff_added"), (&diff.removed, "round.diff_removed")] {
                    div {
                        h3 class="heading-s" { (tr.t(title)) }
                        @if list.is_empty() { p class="body secondary" { (tr.t("round.none")) } }
                        ul class="list" {
                            @for p in list {
                                li { (name(p.mentor)) " → " (name(p.applicant)) }
                            }
                        }
                    }
                }
            }
        } @else {
            p class="body" { (tr.t("round.diff_none")) }
        }

        h2 class="heading-l" id="proposals" { (tr.f("round.proposals_title", &[("n", &proposals.len())])) }
        form method="get" action={ "/rounds/" (run.id) "#proposals" } class="filters no-print" {
            div class="filters-row" {
                (Input::new("q", tr.t("round.filter_city"), &q.q).width("input-medium").render(tr, &FieldErrors::default()))
                (select(tr, &FieldErrors::default(), "sort", tr.t("round.sort"), &[
                    ("score".to_string(), tr.t("round.sort_score").to_string()),
                    ("applicant".to_string(), tr.t("round.sort_applicant").to_string()),
                    ("mentor".to_string(), tr.t("round.sort_mentor").to_string()),
                ], if q.sort.is_empty() { "score" } else { &q.sort }))
                div class="form-group" {
                    button type="submit" class="button button-secondary" { (tr.t("round.filter_apply_proposals")) }
                }
            }
        }
        @let rows = review_rows(&network, &proposals, &q.q, &q.sort);
        @if rows.len() < proposals.len() {
            p class="body" { (tr.f("round.showing", &[("shown", &rows.len()), ("n", &proposals.len())])) }
        }
        p class="body" { (tr.t("round.proposals_intro")) }
        form method="get" action="/rounds/new" id="rerun-form" {
            input type="hidden" name="from" value=(run.id);
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.f("round.proposals_title", &[("n", &proposals.len())])) }
                    thead { tr {
                        th scope="col" { (tr.t("round.mentor")) }
                        th scope="col" { (tr.t("round.applicant")) }
                        th scope="col" { (tr.t("round.score")) }
                        th scope="col" { (tr.t("round.path")) }
                        th scope="col" { (tr.t("round.if_removed")) }
                        th scope="col" { (tr.t("round.col_status")) }
                        th scope="col" { (tr.t("round.change")) }
                    } }
                    tbody {
                        @for p in &rows {
                            @let pair = format!("{}-{}", p.mentor.0, p.applicant.0);
                            @let label = pair_name(&network, (p.mentor.0, p.applicant.0));
                            tr {
                                td { (city_link(&network, p.mentor)) @if p.locked { " " strong class="tag tag-purple" { (tr.t("round.locked")) } } }
                                td { (city_link(&network, p.applicant)) }
                                td { strong { (p.score) } (score_bars(tr, &p.explanation)) }
                                td { (path_of(tr, &network, p.explanation.tie.as_ref())) }
                                td class="small" { (removal_text(tr, &network, removal(p.mentor, p.applicant))) }
                                td { (status_tag(tr, p)) }
                                td {
                                    div class="choice" {
                                        input class="choice-input" type="checkbox" id={ "lock-" (pair) } name="lock" value=(pair);
                                        label class="choice-label small" for={ "lock-" (pair) } {
                                            (tr.t("round.lock")) span class="visually-hidden" { " " (label) }
                                        }
                                    }
                                    div class="choice" {
                                        input class="choice-input" type="checkbox" id={ "ban-" (pair) } name="ban" value=(pair);
                                        label class="choice-label small" for={ "ban-" (pair) } {
                                            (tr.t("round.ban")) span class="visually-hidden" { " " (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" class="button button-secondary" { (tr.t("round.rerun_ticked")) }
        }

        h2 class="heading-l" id="unmatched" { (tr.t("round.unmatched_title")) }
        @let unmatched = &s.unmatched;
        @if unmatched.is_empty() {
            p class="body" { (tr.t("round.unmatched_none")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption class="visually-hidden" { (tr.t("round.unmatched_title")) }
                    thead { tr {
                        th scope="col" { (tr.t("round.applicant")) }
                        th scope="col" class="num" { (tr.t("round.got")) }
                        th scope="col" { (tr.t("round.reason")) }
                        th scope="col" { (tr.t("round.smallest_change")) }
                    } }
                    tbody {
                        @for u in unmatched {
                            tr {
                                td { (name(u.applicant)) }
                                td class="num" { (u.got) " / " (u.asked) }
                                td { (reason_text(tr, &u.reason)) }
                                td { (u.smallest_change.as_ref().map_or_else(|| tr.t("round.none").to_string(), |c| change_text(tr, &network, c))) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, &run_title(tr, &run), content))
}

fn removal_text(tr: Tr, network: &Network, removal: Option<&IfRemoved>) -> Markup {
    let Some(r) = removal else {
        return html! { (tr.t("round.none")) };
    };
    html! {
        @if r.applicant_gets.is_empty() {
            (tr.t("round.removed_uncovered"))
        } @else {
            (tr.t("round.removed_gets")) " "
            @for (i, m) in r.applicant_gets.iter().enumerate() {
                @if i > 0 { ", " }
                (city_link(network, *m))
            }
        }
        br;
        (tr.f("round.removed_delta", &[
            ("score", &r.total_delta),
            ("covered", &r.covered_delta),
            ("others", &r.other_changes),
        ]))
    }
}

/// The rows of a coverage summary the confirmation names (LDC, African).
fn coverage_of<'a>(
    rows: &'a [crate::matching::report::CoverageRow],
    group: &str,
) -> Option<&'a crate::matching::report::CoverageRow> {
    rows.iter().find(|r| r.group == group)
}

/// "Publish this round?": what it proposes and what it supersedes, then
/// the one button that does it. A round that is not a draft any more goes
/// back to its review, which says why.
async fn confirm_publish(
    State(state): State<App>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, WebError> {
    viewer.secretariat()?;
    let tr = viewer.tr;
    let publication = match runs::publication(&state, id).await {
        Ok(p) => p,
        Err(AppError::Conflict(_)) => return Ok(see_other(format!("/rounds/{id}"))),
        Err(e) => return Err(e.into()),
    };
    let run = &publication.run;
    let s = &run.summary;
    let title = run_title(tr, run);
    let share = |row: Option<&crate::matching::report::CoverageRow>| {
        row.map_or_else(
            || tr.t("round.none").to_string(),
            |r| {
                tr.f(
                    "round.covered_of",
                    &[("covered", &r.covered), ("applicants", &r.applicants)],
                )
            },
        )
    };
    let content = html! {
        a class="back-link" href={ "/rounds/" (id) } { (tr.f("round.back_to_round", &[("round", &title)])) }
        h1 class="heading-xl" { (tr.f("round.publish_title", &[("round", &title)])) }
        p class="lead" { (tr.t("round.publish_lead")) }
        dl class="summary" {
            div class="summary-row" { dt { (tr.t("round.col_pairs")) } dd { (s.pairs) } }
            div class="summary-row" {
                dt { (tr.t("round.covered")) }
                dd { (tr.f("round.covered_value", &[
                    ("covered", &s.applicants_covered), ("applicants", &s.applicants), ("max", &s.max_coverable)])) }
            }
            div class="summary-row" { dt { (tr.t("round.covered_ldc")) } dd { (share(coverage_of(&s.coverage.by_ldc, "LDC"))) } }
            div class="summary-row" { dt { (tr.t("round.covered_african")) } dd { (share(coverage_of(&s.coverage.by_african, "African"))) } }
            div class="summary-row" { dt { (tr.t("round.unmatched_title")) } dd { (s.unmatched.len()) } }
        }
        h2 class="heading-m" { (tr.t("round.supersedes_title")) }
        @if publication.supersedes.is_empty() {
            p class="body" { (tr.t("round.supersedes_none")) }
        } @else {
            ul class="list" {
                @for r in &publication.supersedes {
                    li {
                        a href={ "/rounds/" (r.run) } { (r.name.clone().unwrap_or_else(|| tr.f("round.name", &[("id", &r.run)]))) }
                        ": " (tr.f("round.supersedes_item", &[("open", &r.open_proposals), ("kept", &r.kept_in_force)]))
                    }
                }
            }
        }
        div class="warning-text" {
            p class="body" { strong { (tr.t("round.publish_warning")) } }
        }
        (confirm_form(&viewer, id, "publish", "button", &tr.f("round.publish_confirm", &[("round", &title)])))
    };
    Ok(layout::page(
        &viewer,
        &tr.f("round.publish_title", &[("round", &title)]),
        content,
    )
    .into_response())
}

async fn publish(
    State(state): State<App>,
    viewer: Viewer,
    PageId(id): PageId,
    form: FormData,
) -> Result<Response, WebError> {
    on_draft(
        &viewer,
        id,
        &form,
        "publish",
        "published",
        |actor| async move { runs::publish(&state, &actor, id).await },
    )
    .await
}

/// The button of a confirmation page (`step`: publish or discard) and the
/// way back.
fn confirm_form(viewer: &Viewer, id: i64, step: &str, class: &str, label: &str) -> Markup {
    html! {
        form method="post" action={ "/rounds/" (id) "/" (step) } {
            (csrf_field(viewer))
            input type="hidden" name="confirm" value="yes";
            div class="button-group" {
                button type="submit" class=(class) { (label) }
                a class="button button-secondary" href={ "/rounds/" (id) } { (viewer.tr.t("round.cancel")) }
            }
        }
    }
}

/// A confirmed step on draft `id`: only its confirmation page's button
/// (`confirm=yes`) does it, then the review says `done`. A round that is
/// not a draft any more (a twice-clicked button) goes back to its review,
/// which says why.
async fn on_draft<F, Fut>(
    viewer: &Viewer,
    id: i64,
    form: &FormData,
    step: &str,
    done: &str,
    act: F,
) -> Result<Response, WebError>
where
    F: FnOnce(crate::store::Actor) -> Fut,
    Fut: std::future::Future<Output = Result<StoredRun, AppError>>,
{
    form.check_csrf(viewer)?;
    let actor = viewer.secretariat()?;
    if form.get("confirm") != "yes" {
        return Ok(see_other(format!("/rounds/{id}/{step}")));
    }
    match act(actor).await {
        Ok(_) => Ok(see_other(format!("/rounds/{id}?{done}=1"))),
        Err(AppError::Conflict(_)) => Ok(see_other(format!("/rounds/{id}"))),
        Err(e) => Err(e.into()),
    }
}

/// "Discard this draft?": it stays on record but is never published.
async fn confirm_discard(
    State(state): State<App>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, WebError> {
    viewer.secretariat()?;
    let tr = viewer.tr;
    let run = runs::visible(&state, viewer.reader(), id).await?;
    if run.status != RunStatus::Draft {
        return Ok(see_other(format!("/rounds/{id}")));
    }
    let title = run_title(tr, &run);
    let content = html! {
        a class="back-link" href={ "/rounds/" (id) } { (tr.f("round.back_to_round", &[("round", &title)])) }
        h1 class="heading-xl" { (tr.f("round.discard_title", &[("round", &title)])) }
        p class="lead" { (tr.t("round.discard_lead")) }
        (confirm_form(&viewer, id, "discard", "button button-warning", &tr.f("round.discard_confirm", &[("round", &title)])))
    };
    Ok(layout::page(
        &viewer,
        &tr.f("round.discard_title", &[("round", &title)]),
        content,
    )
    .into_response())
}

async fn discard(
    State(state): State<App>,
    viewer: Viewer,
    PageId(id): PageId,
    form: FormData,
) -> Result<Response, WebError> {
    on_draft(
        &viewer,
        id,
        &form,
        "discard",
        "discarded",
        |actor| async move { runs::discard(&state, &actor, id).await },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_pairs_are_read_and_bad_ones_named() {
        let form = FormData::parse(b"lock=3-7&lock=3-7&ban=x-1&lock_mentor=4&mode=score");
        let (s, errors) = Settings::from_post(&form, Tr::default());
        assert_eq!(s.locks, vec![(3, 7)]);
        assert!(s.bans.is_empty());
        assert!(errors.of("ban").is_some(), "a ban that is not a pair");
        assert!(
            errors.of("lock_mentor").is_some(),
            "a mentor without an applicant"
        );
    }

    #[test]
    fn api_refusals_of_a_run_land_on_the_form_fields() {
        assert_eq!(run_field("locks[0].reason"), "lock_reason");
        assert_eq!(run_field("locks[1]"), "lock");
        assert_eq!(run_field("bans[0].applicant"), "ban");
        assert_eq!(run_field("bans[2].reason"), "ban_reason");
        assert_eq!(run_field("tiers[0]"), "tier_1");
        assert_eq!(run_field("name"), "name");
        assert_eq!(run_field("mode"), "mode");
    }
}
