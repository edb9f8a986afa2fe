//! Query-string parsing with our error format: every parameter is checked,
//! a wrong one names itself, an unknown one is refused (a typo such as
//! `?contry=MZ` must not silently return everything).

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use std::collections::BTreeMap;
use std::str::FromStr;

use super::{ApiError, App};
use crate::domain::control_char;
use crate::store::Paging;

pub struct Params(BTreeMap<String, String>);

/// The query parameters that name a city: an id, or "Name, CC".
const CITY_PARAMS: [&str; 3] = ["city", "from", "to"];

impl FromRequestParts<App> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &App) -> Result<Self, Self::Rejection> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::invalid("query", format!("unreadable query string: {e}")))?;
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            if let Some(c) = control_char(&name).or_else(|| control_char(&value)) {
                let c = u32::from(c);
                return Err(ApiError::invalid(
                    name,
                    format!("control character U+{c:04X} in the query"),
                ));
            }
            if value.trim().is_empty() {
                return Err(ApiError::invalid(
                    name.clone(),
                    format!("{name} is empty: give a value or leave the parameter out"),
                ));
            }
            if map.contains_key(&name) {
                return Err(ApiError::invalid(
                    name.clone(),
                    format!("{name} is given twice: give it once"),
                ));
            }
            let value = if CITY_PARAMS.contains(&name.as_str()) && value.contains(',') {
                crate::app::network::city_named(state.store.as_ref(), &name, &value)
                    .await?
                    .to_string()
            } else {
                value
            };
            map.insert(name, value);
        }
        Ok(Params(map))
    }
}

impl Params {
    /// Refuses parameters outside `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.0.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(ApiError::UnknownParameter(k.clone())),
            None => Ok(()),
        }
    }

    /// The trimmed value, `None` when absent or empty.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// Parses a value with a domain parser, reporting errors under `name`.
    pub fn parse<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ApiError> {
        self.str(name)
            .map(|v| parse(v).map_err(|e| ApiError::invalid(name, e.to_string())))
            .transpose()
    }

    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.parse(name, |v| {
            v.parse::<T>()
                .map_err(|_| format!("'{v}' is not a valid number"))
        })
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.parse(name, |v| match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(format!("'{v}' is not true or false")),
        })
    }

    /// `page` (from 1) and `per_page` (1..=500, default 50).
    pub fn paging(&self) -> Result<Paging, ApiError> {
        let page = self.number::<u32>("page")?.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::invalid("page", "pages are numbered from 1"));
        }
        let per_page = self
            .number::<u32>("per_page")?
            .unwrap_or(Paging::default().per_page);
        if !(1..=Paging::MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid(
                "per_page",
                format!("per_page is between 1 and {}", Paging::MAX_PER_PAGE),
            ));
        }
        Ok(Paging { page, per_page })
    }
}
