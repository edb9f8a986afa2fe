use serde::{Deserialize, Serialize};
use std::fmt;

use super::{DomainError, MessageCode, names::name_key};

/// ISO 3166-1 alpha-2 code, stored uppercase ("MZ").
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(DomainError::new(
                "country",
                format!("'{raw}' is not an ISO 3166 alpha-2 code (two letters, e.g. MZ)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> Self {
        c.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The five UNESCO regions.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Region {
    #[serde(rename = "Africa")]
    Africa,
    #[serde(rename = "Arab States")]
    ArabStates,
    #[serde(rename = "Asia and the Pacific")]
    AsiaPacific,
    #[serde(rename = "Europe and North America")]
    EuropeNorthAmerica,
    #[serde(rename = "Latin America and the Caribbean")]
    LatinAmericaCaribbean,
}

impl Region {
    pub const ALL: [Region; 5] = [
        Region::Africa,
        Region::ArabStates,
        Region::AsiaPacific,
        Region::EuropeNorthAmerica,
        Region::LatinAmericaCaribbean,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Region::Africa => "Africa",
            Region::ArabStates => "Arab States",
            Region::AsiaPacific => "Asia and the Pacific",
            Region::EuropeNorthAmerica => "Europe and North America",
            Region::LatinAmericaCaribbean => "Latin America and the Caribbean",
        }
    }

    /// Accepts the label in any case, or its slug ("arab-states").
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let key = name_key(raw);
        Self::ALL
            .into_iter()
            .find(|r| name_key(r.label()) == key)
            .ok_or_else(|| {
                DomainError::new(
                    "region",
                    format!(
                        "'{raw}' is not a UNESCO region (Africa, Arab States, Asia and the Pacific, \
                         Europe and North America, Latin America and the Caribbean)"
                    ),
                )
            })
    }
}

/// A language as an ISO 639-1 code ("en"). The five languages that matter
/// across Africa can also be given by their English name.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

const LANGUAGE_NAMES: [(&str, &str); 5] = [
    ("en", "English"),
    ("fr", "French"),
    ("ar", "Arabic"),
    ("pt", "Portuguese"),
    ("es", "Spanish"),
];

impl Language {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let t = raw.trim();
        if let Some((code, _)) = LANGUAGE_NAMES
            .iter()
            .find(|(code, name)| t.eq_ignore_ascii_case(code) || t.eq_ignore_ascii_case(name))
        {
            return Ok(Self((*code).to_string()));
        }
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Ok(Self(t.to_ascii_lowercase()));
        }
        Err(DomainError::coded(
            "languages",
            MessageCode::UnknownLanguage,
            vec![("value", raw.to_string())],
            format!("'{raw}' is not a language (an ISO 639-1 code such as en, fr, ar, pt, es)"),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Language {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Language> for String {
    fn from(l: Language) -> Self {
        l.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Country {
    pub code: CountryCode,
    pub name: String,
    pub region: Region,
    pub is_african: bool,
    pub is_ldc: bool,
    /// Official languages among those the network works in; may be empty.
    pub languages: Vec<Language>,
    pub source: String,
}

impl Country {
    pub fn new(
        code: CountryCode,
        name: &str,
        region: Region,
        is_african: bool,
        is_ldc: bool,
        languages: Vec<Language>,
        source: &str,
    ) -> Result<Self, DomainError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(DomainError::new("name", "a country needs a name"));
        }
        if is_african && region != Region::Africa && region != Region::ArabStates {
            return Err(DomainError::new(
                "region",
                format!(
                    "an African country lies in Africa or the Arab States, not {}",
                    region.label()
                ),
            ));
        }
        Ok(Self {
            code,
            name: name.to_string(),
            region,
            is_african,
            is_ldc,
            languages,
            source: source.trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_two_letters_uppercased() {
        assert_eq!(CountryCode::parse(" mz ").unwrap().as_str(), "MZ");
        assert!(CountryCode::parse("MOZ").is_err());
        assert!(CountryCode::parse("M1").is_err());
    }

    #[test]
    fn regions_parse_from_label_or_slug() {
        assert_eq!(Region::parse("Arab States").unwrap(), Region::ArabStates);
        assert_eq!(
            Region::parse("europe-and-north-america").unwrap(),
            Region::EuropeNorthAmerica
        );
        assert!(Region::parse("Oceania").is_err());
    }

    #[test]
    fn languages_parse_from_names_or_codes() {
        assert_eq!(Language::parse("French").unwrap().as_str(), "fr");
        assert_eq!(Language::parse("PT").unwrap().as_str(), "pt");
        assert_eq!(Language::parse("de").unwrap().as_str(), "de");
        assert!(Language::parse("Klingon").is_err());
    }

    #[test]
    fn an_african_country_cannot_sit_in_asia() {
        let code = CountryCode::parse("MZ").unwrap();
        assert!(
            Country::new(
                code,
                "Mozambique",
                Region::AsiaPacific,
                true,
                true,
                vec![],
                ""
            )
            .is_err()
        );
    }
}
