//! Who is looking at a page: the holder of a signed-in session (or nobody),
//! the language they read, and the anti-forgery token their forms carry.
//!
//! Signing in with an API token opens a session: the browser keeps a random
//! secret in an `HttpOnly`, `SameSite=Lax` cookie; the database keeps its
//! SHA-256 and the token it stands for. Revoking the token ends the session.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::error::WebError;
use super::i18n::{Lang, Tr};
use crate::app::App;
use crate::domain::{CityId, Role};
use crate::store::{Actor, TokenInfo};

pub const SESSION_COOKIE: &str = "twinmatch_session";
pub const LANG_COOKIE: &str = "twinmatch_lang";
/// How long a session lasts after signing in.
pub const SESSION_HOURS: i64 = 12;

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The reader's language: their remembered choice, else their browser's.
pub fn language(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The stored form of a session secret.
pub fn session_hash(secret: &str) -> String {
    crate::auth::hash_token(secret)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reader of a page.
pub struct Viewer {
    pub token: Option<TokenInfo>,
    /// The name of the city a city token acts for ("Bristol, GB").
    pub city_name: Option<String>,
    pub tr: Tr,
    /// The path and query of the page, to come back to after signing in.
    pub here: String,
    session: Option<String>,
}

impl Viewer {
    pub async fn from_headers(
        state: &App,
        headers: &HeaderMap,
        here: String,
    ) -> Result<Self, WebError> {
        let tr = Tr(language(headers));
        let mut session = None;
        let mut token = None;
        if let Some(secret) = cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty()) {
            token = state.store.session_token(&session_hash(secret)).await?;
            if token.is_some() {
                session = Some(secret.to_string());
            }
        }
        let city_name = match token.as_ref().and_then(|t| t.role.city()) {
            Some(c) => {
                let city = state.store.get_city(c).await?;
                Some(format!("{}, {}", city.name.as_str(), city.country.as_str()))
            }
            None => None,
        };
        Ok(Viewer {
            token,
            city_name,
            tr,
            here,
            session,
        })
    }

    /// A reader nobody is signed in as (when the session cannot be read).
    pub fn anonymous(headers: &HeaderMap, here: String) -> Self {
        Viewer {
            token: None,
            city_name: None,
            tr: Tr(language(headers)),
            here,
            session: None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.token.as_ref().map(|t| t.role)
    }

    /// The reader as the use-cases know it.
    pub fn reader(&self) -> crate::app::Reader {
        crate::app::Reader(self.role())
    }

    pub fn is_secretariat(&self) -> bool {
        self.role() == Some(Role::Secretariat)
    }

    /// The city a city token acts for.
    pub fn city(&self) -> Option<CityId> {
        self.role().and_then(|r| r.city())
    }

    /// May this reader change `city`'s offer, request or answers?
    pub fn may_act_for(&self, city: CityId) -> bool {
        self.role().is_some_and(|r| r.may_act_for(city))
    }

    /// The anti-forgery token of this session's forms.
    pub fn csrf(&self) -> String {
        let secret = self.session.as_deref().unwrap_or_default();
        hex(&Sha256::digest(format!("csrf:{secret}").as_bytes()))[..32].to_string()
    }

    /// The signed-in actor, or a trip to the sign-in page.
    pub fn actor(&self) -> Result<Actor, WebError> {
        let info = self.token.as_ref().ok_or_else(|| WebError::SignIn {
            back: self.here.clone(),
        })?;
        Ok(Actor {
            token_id: Some(info.id),
            role: info.role,
        })
    }

    /// The secretariat, or a refusal.
    pub fn secretariat(&self) -> Result<Actor, WebError> {
        let actor = self.actor()?;
        if actor.role != Role::Secretariat {
            return Err(WebError::Forbidden);
        }
        Ok(actor)
    }

    /// The secretariat or `city` itself, or a refusal.
    pub fn acting_for(&self, city: CityId) -> Result<Actor, WebError> {
        let actor = self.actor()?;
        if !actor.role.may_act_for(city) {
            return Err(WebError::Forbidden);
        }
        Ok(actor)
    }
}

impl FromRequestParts<App> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        Viewer::from_headers(state, &parts.headers, here).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others_and_across_headers() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; twinmatch_lang=fr"));
        h.append(COOKIE, HeaderValue::from_static("twinmatch_session=abc"));
        assert_eq!(cookie(&h, LANG_COOKIE), Some("fr"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
        assert_eq!(language(&h), Lang::Fr);
    }

    #[test]
    fn the_remembered_language_wins_over_the_browsers() {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("fr-FR,fr;q=0.9"));
        assert_eq!(language(&h), Lang::Fr);
        h.insert(COOKIE, HeaderValue::from_static("twinmatch_lang=en"));
        assert_eq!(language(&h), Lang::En);
    }
}
