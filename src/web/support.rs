//! `/cities/{id}/offer` and `/cities/{id}/request`: a member city's offer
//! and an applicant's request, filled with what is stored and saved through
//! the same use-case as the JSON API (`app::held::save`), so the page shows
//! the same refusals, in the reader's language, next to their field.
//! Only the city itself and the secretariat may open them.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::city::{load_city, modality_name};
use super::error::WebError;
use super::form::{
    Choice, FieldErrors, FormData, Input, choices, csrf_field, error_summary, field_id, textarea,
};
use super::i18n::Tr;
use super::layout;
use super::parts::priority_name;
use super::see_other;
use super::session::Viewer;
use crate::app::App;
use crate::app::held::{self, Holding, OfferDraft, RequestDraft};
use crate::domain::{City, Modality, SupportOffer, SupportRequest, Topic};
use crate::store::Actor;

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/cities/{id}/offer",
            get(page::<SupportOffer>).post(post::<SupportOffer>),
        )
        .route(
            "/cities/{id}/offer/retire",
            get(retire_confirm::<SupportOffer>).post(retire_post::<SupportOffer>),
        )
        .route(
            "/cities/{id}/request",
            get(page::<SupportRequest>).post(post::<SupportRequest>),
        )
        .route(
            "/cities/{id}/request/retire",
            get(retire_confirm::<SupportRequest>).post(retire_post::<SupportRequest>),
        )
}

/// What the page of a held resource needs besides the use-case: the
/// values its form shows, reading them back from a posted form, and the
/// form itself. `Holding::NAME` is its path and its texts' section.
trait HeldForm: Holding + Send {
    type Values: Send + Sync;
    /// What the form shows for what is stored (or for nothing yet).
    fn values(current: Option<&Self>, topics: &[Topic]) -> Self::Values;
    fn posted(form: &FormData, topics: &[Topic]) -> Self::Values;
    /// The use-case's draft, or the error of a field that is not even a number.
    fn draft(values: &Self::Values, tr: Tr) -> Result<Self::Draft, FieldErrors>;
    /// The form's own fields, between its heading and its buttons.
    fn fields(
        tr: Tr,
        city: &City,
        topics: &[Topic],
        values: &Self::Values,
        errors: &FieldErrors,
    ) -> Markup;
}

impl HeldForm for SupportOffer {
    type Values = OfferValues;
    fn values(current: Option<&Self>, topics: &[Topic]) -> OfferValues {
        current
            .map(|o| OfferValues::of(o, topics))
            .unwrap_or_default()
    }
    fn posted(form: &FormData, _topics: &[Topic]) -> OfferValues {
        OfferValues::posted(form)
    }
    fn draft(values: &OfferValues, tr: Tr) -> Result<OfferDraft, FieldErrors> {
        values.draft(tr)
    }
    fn fields(
        tr: Tr,
        city: &City,
        topics: &[Topic],
        values: &OfferValues,
        errors: &FieldErrors,
    ) -> Markup {
        html! {
            (choices(tr, errors, "topics", tr.t("offer.topics"), Some(tr.t("offer.topics_hint")), &topic_choices(topics, &values.topics), true))
            (Input::new("capacity", tr.t("offer.capacity"), &values.capacity)
                .hint(tr.t("offer.capacity_hint")).kind("number").width("input-narrow").render(tr, errors))
            (choices(tr, errors, "languages", tr.t("offer.languages"), Some(tr.t("offer.languages_hint")), &language_choices(tr, city, &values.languages), true))
            (choices(tr, errors, "modalities", tr.t("offer.modalities"), Some(tr.t("offer.modalities_hint")), &modality_choices(tr, &values.modalities), true))
            (Input::new("available_from", tr.t("offer.available_from"), &values.available_from)
                .hint(tr.t("offer.date_hint")).kind("date").width("input-medium").render(tr, errors))
            (Input::new("available_until", tr.t("offer.available_until"), &values.available_until)
                .hint(tr.t("offer.date_hint")).kind("date").width("input-medium").render(tr, errors))
            (textarea(tr, errors, "note", tr.t("offer.note"), Some(tr.t("offer.note_hint")), &values.note))
        }
    }
}

impl HeldForm for SupportRequest {
    type Values = RequestValues;
    fn values(current: Option<&Self>, topics: &[Topic]) -> RequestValues {
        current.map_or_else(
            || RequestValues {
                max_mentors: "1".into(),
                ..Default::default()
            },
            |r| RequestValues::of(r, topics),
        )
    }
    fn posted(form: &FormData, topics: &[Topic]) -> RequestValues {
        RequestValues::posted(form, topics)
    }
    fn draft(values: &RequestValues, tr: Tr) -> Result<RequestDraft, FieldErrors> {
        values.draft(tr)
    }
    fn fields(
        tr: Tr,
        city: &City,
        topics: &[Topic],
        values: &RequestValues,
        errors: &FieldErrors,
    ) -> Markup {
        html! {
            (needs_field(tr, errors, topics, values))
            (choices(tr, errors, "languages", tr.t("request.languages"), Some(tr.t("request.languages_hint")), &language_choices(tr, city, &values.languages), true))
            (choices(tr, errors, "modalities", tr.t("request.modalities"), Some(tr.t("request.modalities_hint")), &modality_choices(tr, &values.modalities), true))
            (Input::new("max_mentors", tr.t("request.max_mentors"), &values.max_mentors)
                .hint(tr.t("request.max_mentors_hint")).kind("number").width("input-narrow").render(tr, errors))
            (textarea(tr, errors, "note", tr.t("request.note"), Some(tr.t("request.note_hint")), &values.note))
        }
    }
}

/// The page of `H`'s form: its heading, its fields, its buttons, and
/// the way to withdraw what is stored.
fn form_page_of<H: HeldForm>(
    viewer: &Viewer,
    city: &City,
    topics: &[Topic],
    values: &H::Values,
    errors: &FieldErrors,
    exists: bool,
) -> Response {
    let tr = viewer.tr;
    let t = |key: &str| tr.t(&format!("{}.{key}", H::NAME));
    let name = city.name.as_str();
    let title = tr.f(&format!("{}.title", H::NAME), &[("city", &name)]);
    let content = html! {
        a class="back-link no-print" href={ "/cities/" (city.id) } { (t("back")) }
        (error_summary(tr, errors))
        span class="caption" { (name) }
        h1 class="heading-l" { (title) }
        p class="body" { (t("intro")) }
        form method="post" action={ "/cities/" (city.id) "/" (H::NAME) } novalidate {
            (csrf_field(viewer))
            (H::fields(tr, city, topics, values, errors))
            div class="button-group" {
                button type="submit" class="button" { (t("save")) }
                a class="link-button" href={ "/cities/" (city.id) } { (tr.t("form.cancel")) }
            }
        }
        @if exists {
            h2 class="heading-m" { (t("retire_title")) }
            p class="body" { (t("retire_body")) }
            p class="body" { a class="button button-warning" href={ "/cities/" (city.id) "/" (H::NAME) "/retire" } { (t("retire")) } }
        }
    };
    form_page(viewer, title, errors, content)
}

/// The city of `raw` when the reader may act for it and it may hold an
/// `H` (members offers, others requests); otherwise a 404 or 403.
async fn holder<H: HeldForm>(
    state: &App,
    viewer: &Viewer,
    raw: &str,
) -> Result<(City, Actor), WebError> {
    let city = load_city(state, raw).await?;
    let actor = viewer.acting_for(city.id)?;
    if !H::may_hold(&city.status) {
        return Err(WebError::NotFound);
    }
    Ok((city, actor))
}

/// The form, filled with what is stored.
async fn page<H: HeldForm>(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let (city, _) = holder::<H>(&state, &viewer, &raw).await?;
    let topics = state.store.list_topics().await?;
    let current = H::of(state.store.as_ref(), city.id).await?;
    let values = H::values(current.as_ref(), &topics);
    let none = FieldErrors::default();
    Ok(form_page_of::<H>(
        &viewer,
        &city,
        &topics,
        &values,
        &none,
        current.is_some(),
    ))
}

/// Saves the posted form through the same use-case as the JSON API, or
/// shows it again with each refusal next to its field.
async fn post<H: HeldForm>(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    form.check_csrf(&viewer)?;
    let (city, actor) = holder::<H>(&state, &viewer, &raw).await?;
    let topics = state.store.list_topics().await?;
    let values = H::posted(&form, &topics);
    let exists = H::of(state.store.as_ref(), city.id).await?.is_some();
    let errors = match H::draft(&values, viewer.tr) {
        Err(errors) => errors,
        Ok(draft) => match held::save::<H>(&state, &actor, city.id, &draft).await {
            Ok(_) => return Ok(see_other(format!("/cities/{}?saved={}", city.id, H::NAME))),
            Err(e) => FieldErrors::from_app(e, viewer.tr)?,
        },
    };
    Ok(form_page_of::<H>(
        &viewer, &city, &topics, &values, &errors, exists,
    ))
}

const LANGUAGES: [&str; 5] = ["en", "fr", "ar", "pt", "es"];

/// The languages to offer as checkboxes: the network's five, the city's
/// own, and any already chosen.
fn language_choices(tr: Tr, city: &City, chosen: &[String]) -> Vec<Choice> {
    let mut codes: Vec<String> = LANGUAGES.iter().map(|s| s.to_string()).collect();
    for l in &city.languages {
        if !codes.iter().any(|c| c == l.as_str()) {
            codes.push(l.as_str().to_string());
        }
    }
    for c in chosen {
        if !codes.contains(c) {
            codes.push(c.clone());
        }
    }
    codes
        .into_iter()
        .map(|code| Choice {
            label: match code.as_str() {
                "en" => tr.t("offer.lang_en").to_string(),
                "fr" => tr.t("offer.lang_fr").to_string(),
                "ar" => tr.t("offer.lang_ar").to_string(),
                "pt" => tr.t("offer.lang_pt").to_string(),
                "es" => tr.t("offer.lang_es").to_string(),
                other => other.to_string(),
            },
            checked: chosen.contains(&code),
            value: code,
            hint: None,
        })
        .collect()
}

fn modality_choices(tr: Tr, chosen: &[String]) -> Vec<Choice> {
    Modality::ALL
        .into_iter()
        .map(|m| Choice {
            value: m.name().to_string(),
            label: modality_name(tr, m).to_string(),
            hint: None,
            checked: chosen.iter().any(|c| c == m.name()),
        })
        .collect()
}

fn live_topics(topics: &[Topic], chosen: &[String]) -> Vec<Topic> {
    topics
        .iter()
        .filter(|t| !t.retired || chosen.iter().any(|c| c == t.slug.as_str()))
        .cloned()
        .collect()
}

fn topic_choices(topics: &[Topic], chosen: &[String]) -> Vec<Choice> {
    live_topics(topics, chosen)
        .into_iter()
        .map(|t| Choice {
            checked: chosen.iter().any(|c| c == t.slug.as_str()),
            value: t.slug.as_str().to_string(),
            label: t.name.clone(),
            hint: None,
        })
        .collect()
}

fn form_page(viewer: &Viewer, title: String, errors: &FieldErrors, content: Markup) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page_title = if errors.is_empty() {
        title
    } else {
        format!("{}: {title}", viewer.tr.t("form.problem"))
    };
    (status, layout::page(viewer, &page_title, content)).into_response()
}

// ---------------------------------------------------------------- offer

/// What the offer form shows: what is stored, or what was typed.
#[derive(Debug, Default)]
struct OfferValues {
    topics: Vec<String>,
    capacity: String,
    languages: Vec<String>,
    modalities: Vec<String>,
    available_from: String,
    available_until: String,
    note: String,
}

impl OfferValues {
    fn of(offer: &SupportOffer, topics: &[Topic]) -> Self {
        OfferValues {
            topics: offer
                .topics
                .iter()
                .filter_map(|id| topics.iter().find(|t| t.id == *id))
                .map(|t| t.slug.as_str().to_string())
                .collect(),
            capacity: offer.capacity.get().to_string(),
            languages: offer
                .languages
                .iter()
                .map(|l| l.as_str().to_string())
                .collect(),
            modalities: offer
                .modalities
                .iter()
                .map(|m| m.name().to_string())
                .collect(),
            available_from: offer
                .available_from
                .map(|d| d.to_string())
                .unwrap_or_default(),
            available_until: offer
                .available_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
            note: offer.note.clone(),
        }
    }

    fn posted(form: &FormData) -> Self {
        OfferValues {
            topics: form.all("topics"),
            capacity: form.get("capacity").trim().to_string(),
            languages: form.all("languages"),
            modalities: form.all("modalities"),
            available_from: form.get("available_from").trim().to_string(),
            available_until: form.get("available_until").trim().to_string(),
            note: form.get("note").to_string(),
        }
    }

    /// The use-case's draft, or the error of a field that is not even a number.
    fn draft(&self, tr: Tr) -> Result<OfferDraft, FieldErrors> {
        let capacity = self.capacity.parse::<i64>().map_err(|_| {
            let mut e = FieldErrors::default();
            e.add("capacity", tr.t("offer.capacity_not_number"));
            e
        })?;
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(OfferDraft {
            topics: self.topics.clone(),
            capacity,
            languages: self.languages.clone(),
            modalities: self.modalities.clone(),
            available_from: opt(&self.available_from),
            available_until: opt(&self.available_until),
            note: self.note.clone(),
        })
    }
}

// -------------------------------------------------------------- request

#[derive(Debug, Default)]
struct RequestValues {
    /// Ticked topics (slugs).
    needs: Vec<String>,
    /// Priority typed per topic slug.
    priorities: Vec<(String, String)>,
    languages: Vec<String>,
    modalities: Vec<String>,
    max_mentors: String,
    note: String,
}

impl RequestValues {
    fn of(r: &SupportRequest, topics: &[Topic]) -> Self {
        let slug = |id| {
            topics
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.slug.as_str().to_string())
        };
        RequestValues {
            needs: r.needs.iter().filter_map(|n| slug(n.topic)).collect(),
            priorities: r
                .needs
                .iter()
                .filter_map(|n| Some((slug(n.topic)?, n.priority.get().to_string())))
                .collect(),
            languages: r.languages.iter().map(|l| l.as_str().to_string()).collect(),
            modalities: r.modalities.iter().map(|m| m.name().to_string()).collect(),
            max_mentors: r.max_mentors.to_string(),
            note: r.note.clone(),
        }
    }

    fn posted(form: &FormData, topics: &[Topic]) -> Self {
        RequestValues {
            needs: form.all("needs"),
            priorities: topics
                .iter()
                .map(|t| {
                    let slug = t.slug.as_str();
                    (
                        slug.to_string(),
                        form.get(&format!("priority-{slug}")).trim().to_string(),
                    )
                })
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            languages: form.all("languages"),
            modalities: form.all("modalities"),
            max_mentors: form.get("max_mentors").trim().to_string(),
            note: form.get("note").to_string(),
        }
    }

    fn priority(&self, slug: &str) -> &str {
        self.priorities
            .iter()
            .find(|(s, _)| s == slug)
            .map_or("", |(_, v)| v.as_str())
    }

    fn draft(&self, tr: Tr) -> Result<RequestDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut needs = Vec::new();
        for slug in &self.needs {
            match self.priority(slug).parse::<i64>() {
                Ok(priority) => needs.push((slug.clone(), priority)),
                Err(_) => {
                    if errors.of("needs").is_none() {
                        errors.add("needs", tr.t("request.priority_not_number"));
                    }
                }
            }
        }
        let max_mentors = match self.max_mentors.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.add("max_mentors", tr.t("request.max_mentors_not_number"));
                0
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(RequestDraft {
            needs,
            languages: self.languages.clone(),
            modalities: self.modalities.clone(),
            max_mentors,
            note: self.note.clone(),
        })
    }
}

/// Each topic: a checkbox to need it and its priority (1 to 5).
fn needs_field(tr: Tr, errors: &FieldErrors, topics: &[Topic], values: &RequestValues) -> Markup {
    let id = field_id("needs");
    let bad = errors.of("needs").is_some();
    html! {
        div class={ "form-group" @if bad { " form-group-error" } } {
            fieldset class="fieldset" aria-describedby={ (id) "-hint" @if bad { " " (id) "-error" } } {
                legend class="legend" { (tr.t("request.needs")) }
                div class="hint" id={ (id) "-hint" } { (tr.t("request.needs_hint")) }
                @if let Some(message) = errors.of("needs") {
                    p class="error-message" id={ (id) "-error" } {
                        span class="visually-hidden" { (tr.t("form.error_prefix")) " " }
                        (message)
                    }
                }
                div class="needs" {
                    @for (i, t) in live_topics(topics, &values.needs).iter().enumerate() {
                        @let slug = t.slug.as_str();
                        @let item_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                        @let pid = field_id(&format!("priority-{slug}"));
                        div class="need-row" {
                            div class="choice" {
                                input class="choice-input" id=(item_id) name="needs" type="checkbox"
                                    value=(slug) checked[values.needs.iter().any(|n| n == slug)];
                                label class="choice-label" for=(item_id) { (t.name) }
                            }
                            div class="need-priority" {
                                label class="label small" for=(pid) {
                                    (tr.t("request.priority")) span class="visually-hidden" { " — " (t.name) }
                                }
                                // Most needed first, each level in words.
                                select class={ "select" @if bad { " input-error" } } id=(pid) name={ "priority-" (slug) } {
                                    option value="" selected[values.priority(slug).is_empty()] { "—" }
                                    @for n in (1..=5u8).rev() {
                                        option value=(n) selected[values.priority(slug) == n.to_string()] {
                                            (n) " — " (priority_name(tr, n))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------ retiring

fn retire_page(viewer: &Viewer, city: &City, what: &str) -> Markup {
    let tr = viewer.tr;
    let name = city.name.as_str();
    let title = tr.f(&format!("{what}.retire_confirm_title"), &[("city", &name)]);
    let content = html! {
        a class="back-link no-print" href={ "/cities/" (city.id) "/" (what) } { (tr.t("form.cancel")) }
        h1 class="heading-l" { (title) }
        p class="body" { (tr.t(&format!("{what}.retire_confirm_body"))) }
        form method="post" action={ "/cities/" (city.id) "/" (what) "/retire" } {
            (csrf_field(viewer))
            div class="button-group" {
                button type="submit" class="button button-warning" { (tr.t(&format!("{what}.retire"))) }
                a class="link-button" href={ "/cities/" (city.id) } { (tr.t("form.cancel")) }
            }
        }
    };
    layout::page(viewer, &title, content)
}

/// Asks to confirm withdrawing the offer or request.
async fn retire_confirm<H: HeldForm>(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Result<Markup, WebError> {
    let (city, _) = holder::<H>(&state, &viewer, &raw).await?;
    if H::of(state.store.as_ref(), city.id).await?.is_none() {
        return Err(WebError::NotFound);
    }
    Ok(retire_page(&viewer, &city, H::NAME))
}

/// Withdraws it through the same use-case as the JSON API.
async fn retire_post<H: HeldForm>(
    State(state): State<App>,
    viewer: Viewer,
    Path(raw): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    form.check_csrf(&viewer)?;
    let city = load_city(&state, &raw).await?;
    let actor = viewer.acting_for(city.id)?;
    held::retire::<H>(&state, &actor, city.id).await?;
    Ok(see_other(format!(
        "/cities/{}?saved={}-retired",
        city.id,
        H::NAME
    )))
}
