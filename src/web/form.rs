//! Forms that work without JavaScript: the posted fields ([`FormData`],
//! repeated names kept, the anti-forgery token checked), the errors to show
//! next to each field and in a summary at the top ([`FieldErrors`], filled
//! from the use-cases' refusals, each said in the reader's language by its
//! message code), and the field components in the GOV.UK Design System's
//! shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use maud::{Markup, html};

use super::error::WebError;
use super::i18n::Tr;
use super::session::Viewer;
use crate::app::AppError;

/// The fields of a posted form, in order; a name may repeat (checkboxes).
#[derive(Debug, Default, Clone)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Is `name` posted (a ticked checkbox)?
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// Refuses a form that does not carry this session's token.
    pub fn check_csrf(&self, viewer: &Viewer) -> Result<(), WebError> {
        viewer.actor()?;
        if self.get("csrf") != viewer.csrf() {
            return Err(WebError::BadRequest(
                "the form's anti-forgery token is missing or stale".into(),
            ));
        }
        Ok(())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| WebError::BadRequest(format!("unreadable form: {e}")))?;
        let form = FormData::parse(&bytes);
        if let Some((name, _)) = form.0.iter().find(|(k, v)| {
            crate::domain::control_char(k).is_some() || crate::domain::control_char(v).is_some()
        }) {
            return Err(WebError::BadRequest(format!(
                "the field {name} holds a control character: send plain text"
            )));
        }
        Ok(form)
    }
}

/// Field errors, in the order of the form.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if it has one.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// A use-case's refusal of a field as an error next to that field, in
    /// the reader's language: a field such as `needs[2].priority` belongs
    /// to the form field `needs`. Other refusals are not about a field and
    /// pass through.
    pub fn from_app(e: AppError, tr: Tr) -> Result<FieldErrors, WebError> {
        match e {
            AppError::Invalid { ref field, .. } => {
                let mut errors = FieldErrors::default();
                errors.add(form_field(field), message(tr, &e));
                Ok(errors)
            }
            other => Err(other.into()),
        }
    }
}

/// A refusal said in the reader's language: its message code's text with
/// the arguments filled; a refusal without a field, as the use-case said it.
pub fn message(tr: Tr, e: &AppError) -> String {
    match e {
        AppError::Invalid { code, args, .. } => {
            // A field a message names is named in the reader's language.
            let values: Vec<String> = args
                .iter()
                .map(|(k, v)| match *k {
                    "field" => tr.get(&format!("fields.{v}")).unwrap_or(v).to_string(),
                    _ => v.clone(),
                })
                .collect();
            let args: Vec<(&str, &dyn std::fmt::Display)> = args
                .iter()
                .zip(&values)
                .map(|((k, _), v)| (*k, v as &dyn std::fmt::Display))
                .collect();
            tr.f(code.key(), &args)
        }
        other => other.to_string(),
    }
}

/// The form field an API field path belongs to.
pub fn form_field(api_field: &str) -> String {
    api_field
        .split(['[', '.'])
        .next()
        .unwrap_or(api_field)
        .to_string()
}

/// The id of a field's input, for labels and the summary's links.
pub fn field_id(name: &str) -> String {
    format!(
        "field-{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    )
}

/// "There is a problem" with a link to each field in error; focus goes
/// here first (`autofocus`) so screen readers announce it.
pub fn error_summary(tr: Tr, errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 class="error-summary-title" id="error-summary-title" { (tr.t("form.problem")) }
                ul class="error-summary-list" {
                    @for (field, message) in &errors.0 {
                        li { a href={ "#" (field_id(field)) } { (message) } }
                    }
                }
            }
        }
    }
}

/// The message under a label, marked for screen readers.
fn error_message(tr: Tr, name: &str, errors: &FieldErrors) -> Markup {
    html! {
        @if let Some(message) = errors.of(name) {
            p class="error-message" id={ (field_id(name)) "-error" } {
                span class="visually-hidden" { (tr.t("form.error_prefix")) " " }
                (message)
            }
        }
    }
}

fn described_by(name: &str, hint: Option<&str>, errors: &FieldErrors) -> Option<String> {
    let mut ids = Vec::new();
    if hint.is_some() {
        ids.push(format!("{}-hint", field_id(name)));
    }
    if errors.of(name).is_some() {
        ids.push(format!("{}-error", field_id(name)));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled input (`kind`: text, number, date, password...).
pub struct Input<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub value: &'a str,
    pub kind: &'a str,
    pub width: &'a str,
}

impl<'a> Input<'a> {
    pub fn new(name: &'a str, label: &'a str, value: &'a str) -> Self {
        Input {
            name,
            label,
            hint: None,
            value,
            kind: "text",
            width: "input-wide",
        }
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    /// `input-narrow` (a number), `input-medium` or `input-wide`.
    pub fn width(mut self, width: &'a str) -> Self {
        self.width = width;
        self
    }

    pub fn render(&self, tr: Tr, errors: &FieldErrors) -> Markup {
        let id = field_id(self.name);
        let bad = errors.of(self.name).is_some();
        html! {
            div class={ "form-group" @if bad { " form-group-error" } } {
                label class="label" for=(id) { (self.label) }
                @if let Some(hint) = self.hint { div class="hint" id={ (id) "-hint" } { (hint) } }
                (error_message(tr, self.name, errors))
                input class={ "input " (self.width) @if bad { " input-error" } }
                    id=(id) name=(self.name) type=(self.kind) value=(self.value)
                    aria-describedby=[described_by(self.name, self.hint, errors)]
                    autocomplete="off";
            }
        }
    }
}

/// A labelled multi-line text box.
pub fn textarea(
    tr: Tr,
    errors: &FieldErrors,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
) -> Markup {
    let id = field_id(name);
    let bad = errors.of(name).is_some();
    html! {
        div class={ "form-group" @if bad { " form-group-error" } } {
            label class="label" for=(id) { (label) }
            @if let Some(hint) = hint { div class="hint" id={ (id) "-hint" } { (hint) } }
            (error_message(tr, name, errors))
            textarea class={ "textarea" @if bad { " input-error" } } id=(id) name=(name) rows="4"
                aria-describedby=[described_by(name, hint, errors)] { (value) }
        }
    }
}

/// One choice of a group of checkboxes or radios.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
}

/// A fieldset of checkboxes (`multiple`) or radios sharing `name`.
pub fn choices(
    tr: Tr,
    errors: &FieldErrors,
    name: &str,
    legend: &str,
    hint: Option<&str>,
    items: &[Choice],
    multiple: bool,
) -> Markup {
    let id = field_id(name);
    let bad = errors.of(name).is_some();
    let kind = if multiple { "checkbox" } else { "radio" };
    html! {
        div class={ "form-group" @if bad { " form-group-error" } } {
            fieldset class="fieldset" aria-describedby=[described_by(name, hint, errors)] {
                legend class="legend" { (legend) }
                @if let Some(hint) = hint { div class="hint" id={ (id) "-hint" } { (hint) } }
                (error_message(tr, name, errors))
                div class={ "choices " (kind) "es" } {
                    @for (i, item) in items.iter().enumerate() {
                        @let item_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                        div class="choice" {
                            input class="choice-input" id=(item_id) name=(name) type=(kind)
                                value=(item.value) checked[item.checked];
                            label class="choice-label" for=(item_id) {
                                (item.label)
                                @if let Some(h) = &item.hint { span class="hint choice-hint" { (h) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A labelled drop-down list.
pub fn select(
    tr: Tr,
    errors: &FieldErrors,
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    let id = field_id(name);
    let bad = errors.of(name).is_some();
    html! {
        div class={ "form-group" @if bad { " form-group-error" } } {
            label class="label" for=(id) { (label) }
            (error_message(tr, name, errors))
            select class="select" id=(id) name=(name) aria-describedby=[described_by(name, None, errors)] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// The hidden anti-forgery field every signed-in form carries.
pub fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf()); }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept_and_blank_ones_dropped() {
        let f = FormData::parse(b"languages=en&languages=fr&languages=&note=a+b%21");
        assert_eq!(f.all("languages"), vec!["en", "fr"]);
        assert_eq!(f.get("note"), "a b!");
        assert_eq!(f.get("missing"), "");
        assert!(f.has("languages") && !f.has("capacity"));
    }

    #[test]
    fn an_api_field_path_belongs_to_its_form_field() {
        assert_eq!(form_field("needs[2].priority"), "needs");
        assert_eq!(form_field("capacity"), "capacity");
        assert_eq!(form_field("locks[0].reason"), "locks");
    }

    #[test]
    fn a_refusal_of_a_field_becomes_that_fields_error_in_the_readers_language() {
        use crate::domain::MessageCode;
        use crate::web::i18n::Lang;
        let refusal = || {
            AppError::invalid(
                "languages[1]",
                MessageCode::UnknownLanguage,
                vec![("value", "xx".into())],
                "'xx' is not a language",
            )
        };
        let en = FieldErrors::from_app(refusal(), Tr(Lang::En)).unwrap();
        let fr = FieldErrors::from_app(refusal(), Tr(Lang::Fr)).unwrap();
        let (en, fr) = (en.of("languages").unwrap(), fr.of("languages").unwrap());
        assert!(en.contains("xx") && fr.contains("xx"), "{en} / {fr}");
        assert_ne!(en, fr, "the French reader reads French");
        assert!(FieldErrors::from_app(AppError::NotFound("x".into()), Tr::default()).is_err());
    }
}
