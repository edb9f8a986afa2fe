//! Signing in with an API token, signing out, and choosing a language.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, routing::post};
use maud::html;
use serde::Deserialize;

use super::error::WebError;
use super::form::{FieldErrors, FormData, Input, error_summary};
use super::i18n::Lang;
use super::layout;
use super::see_other;
use super::session::{LANG_COOKIE, SESSION_COOKIE, SESSION_HOURS, Viewer, cookie, session_hash};
use crate::app::App;

pub fn router() -> Router<App> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/language", get(language))
}

/// Only our own pages are places to come back to: one `/` followed by
/// something that is not a separator, and no control character or
/// backslash anywhere (browsers drop tabs and newlines, so `/<TAB>/evil`
/// would become `//evil`, another site).
pub fn safe_back(back: &str) -> &str {
    let ours = back.starts_with('/')
        && !back[1..].starts_with(['/', '\\'])
        && !back.chars().any(|c| c.is_control() || c == '\\');
    if ours { back } else { "/" }
}

#[derive(Deserialize)]
struct Back {
    #[serde(default)]
    back: String,
}

fn sign_in_form(viewer: &Viewer, back: &str, errors: &FieldErrors) -> Response {
    let tr = viewer.tr;
    let content = html! {
        (error_summary(tr, errors))
        h1 class="heading-l" { (tr.t("sign_in.title")) }
        p class="body" { (tr.t("sign_in.intro")) }
        form method="post" action="/sign-in" novalidate {
            input type="hidden" name="back" value=(back);
            (Input::new("token", tr.t("sign_in.token_label"), "")
                .hint(tr.t("sign_in.token_hint"))
                .kind("password")
                .render(tr, errors))
            button type="submit" class="button" { (tr.t("sign_in.submit")) }
        }
        h2 class="heading-m" { (tr.t("sign_in.no_token_title")) }
        p class="body" { (tr.t("sign_in.no_token_body")) }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, layout::page(viewer, tr.t("sign_in.title"), content)).into_response()
}

async fn sign_in_page(viewer: Viewer, Query(q): Query<Back>) -> Response {
    sign_in_form(&viewer, safe_back(&q.back), &FieldErrors::default())
}

async fn sign_in(
    State(state): State<App>,
    viewer: Viewer,
    form: FormData,
) -> Result<Response, WebError> {
    let tr = viewer.tr;
    let back = safe_back(form.get("back"));
    let token = form.get("token").trim();
    let mut errors = FieldErrors::default();
    if token.is_empty() {
        errors.add("token", tr.t("sign_in.error_empty"));
        return Ok(sign_in_form(&viewer, back, &errors));
    }
    let Some(info) = state
        .store
        .token_by_hash(&crate::auth::hash_token(token))
        .await?
    else {
        errors.add("token", tr.t("sign_in.error_unknown"));
        return Ok(sign_in_form(&viewer, back, &errors));
    };
    let (secret, hash) = crate::auth::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let expires = chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS);
    state
        .store
        .create_session(
            &hash,
            info.id,
            &expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )
        .await?;
    let mut response = see_other(back);
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_HOURS * 3600
    );
    response.headers_mut().insert(
        SET_COOKIE,
        cookie.parse().expect("a cookie is a header value"),
    );
    Ok(response)
}

async fn sign_out(
    State(state): State<App>,
    viewer: Viewer,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    if viewer.token.is_some() {
        form.check_csrf(&viewer)?;
    }
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&session_hash(secret)).await?;
    }
    let mut response = see_other("/");
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    response.headers_mut().insert(
        SET_COOKIE,
        cookie.parse().expect("a cookie is a header value"),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct ToLanguage {
    #[serde(default)]
    to: String,
    #[serde(default)]
    back: String,
}

/// Remembers the chosen language for a year and goes back.
async fn language(Query(q): Query<ToLanguage>) -> Response {
    let lang = Lang::parse(&q.to).unwrap_or_default();
    let mut response = see_other(safe_back(&q.back));
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    response.headers_mut().insert(
        SET_COOKIE,
        cookie.parse().expect("a cookie is a header value"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_our_own_paths_are_places_to_come_back_to() {
        assert_eq!(safe_back("/rounds/3?x=1"), "/rounds/3?x=1");
        assert_eq!(safe_back("//evil.example"), "/");
        assert_eq!(safe_back("https://evil.example"), "/");
        assert_eq!(safe_back("/\\evil"), "/");
        assert_eq!(
            safe_back("/\t/evil.example"),
            "/",
            "a tab is dropped by browsers"
        );
        assert_eq!(safe_back("/\n/evil.example"), "/");
        assert_eq!(safe_back("/x\u{0}y"), "/");
        assert_eq!(safe_back("/"), "/");
        assert_eq!(safe_back(""), "/");
    }
}
