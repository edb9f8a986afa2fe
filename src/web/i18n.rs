//! The pages' texts: one catalogue per language in `locales/<code>.toml`
//! (sections of `key = "text"`), looked up as `section.key`. A text may
//! hold `{name}` placeholders filled by [`Tr::f`]. English is the fallback:
//! a key missing in another language shows the English text (tests check
//! that both catalogues hold the same keys and every key the code uses).

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::LazyLock;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| code == l.code() || code.starts_with(&format!("{}-", l.code())))
    }

    /// The first language of an `Accept-Language` header we have.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Lang::parse)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("locales/en.toml"),
            Lang::Fr => include_str!("locales/fr.toml"),
        }
    }
}

type Catalogue = HashMap<String, String>;

/// Flattens `[section] key = "text"` into `section.key`.
pub fn parse_catalogue(source: &str) -> Result<Catalogue, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Catalogue) -> Result<(), String> {
        for (key, value) in table {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::String(s) => {
                    out.insert(name, s.clone());
                }
                toml::Value::Table(t) => walk(&name, t, out)?,
                other => {
                    return Err(format!(
                        "{name}: a text must be a string, not a {}",
                        other.type_str()
                    ));
                }
            }
        }
        Ok(())
    }
    let table: toml::Table = source.parse().map_err(|e| format!("{e}"))?;
    let mut out = Catalogue::new();
    walk("", &table, &mut out)?;
    Ok(out)
}

static CATALOGUES: LazyLock<Vec<(Lang, Catalogue)>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .map(|l| {
            let c = parse_catalogue(l.source())
                .unwrap_or_else(|e| panic!("locales/{}.toml: {e}", l.code()));
            (l, c)
        })
        .collect()
});

fn catalogue(lang: Lang) -> &'static Catalogue {
    &CATALOGUES
        .iter()
        .find(|(l, _)| *l == lang)
        .expect("every language has a catalogue")
        .1
}

/// Every key of a language's catalogue (for tests and tools).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<_> = catalogue(lang).keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// A key no catalogue has shows as itself (logged once; each distinct
/// key is kept once, so a page rendered again does not grow memory).
fn missing(key: &str) -> &'static str {
    static SEEN: LazyLock<std::sync::Mutex<HashMap<String, &'static str>>> =
        LazyLock::new(Default::default);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = seen.get(key) {
        return k;
    }
    tracing::warn!(key, "missing text");
    let leaked: &'static str = Box::leak(key.to_string().into_boxed_str());
    seen.insert(key.to_string(), leaked);
    leaked
}

/// The texts of one language.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn lang(self) -> Lang {
        self.0
    }

    /// The text for `key`; English when this language lacks it, the key
    /// itself when no language has it.
    pub fn t(self, key: &str) -> &'static str {
        catalogue(self.0)
            .get(key)
            .or_else(|| catalogue(Lang::En).get(key))
            .map(String::as_str)
            .unwrap_or_else(|| missing(key))
    }

    /// The text for `key`, if a catalogue has one.
    pub fn get(self, key: &str) -> Option<&'static str> {
        catalogue(self.0)
            .get(key)
            .or_else(|| catalogue(Lang::En).get(key))
            .map(String::as_str)
    }

    /// The text for `key` with its `{name}` placeholders filled.
    pub fn f(self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_exactly_the_english_keys() {
        let en = keys(Lang::En);
        for lang in Lang::ALL {
            let other = keys(lang);
            let missing: Vec<_> = en.iter().filter(|k| !other.contains(k)).collect();
            let extra: Vec<_> = other.iter().filter(|k| !en.contains(k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_the_pages_use_is_in_the_catalogue() {
        let en = keys(Lang::En);
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web")),
            &mut files,
        );
        let mut unknown = Vec::new();
        for path in files {
            let source = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".f(\""] {
                for (i, _) in source.match_indices(call) {
                    let rest = &source[i + call.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if !en.contains(&key) {
                        unknown.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(unknown.is_empty(), "keys without a text: {unknown:#?}");
    }

    #[test]
    fn every_message_code_has_a_text_in_every_language() {
        for lang in Lang::ALL {
            let keys = keys(lang);
            let missing: Vec<_> = crate::domain::MessageCode::ALL
                .iter()
                .map(|c| c.key())
                .filter(|k| !keys.contains(k))
                .collect();
            assert!(
                missing.is_empty(),
                "{}: no text for {missing:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn placeholders_are_filled_and_the_same_in_every_language() {
        let tr = Tr(Lang::Fr);
        for key in keys(Lang::En) {
            let holes = |text: &str| {
                let mut h: Vec<String> = text
                    .match_indices('{')
                    .filter_map(|(i, _)| {
                        text[i..].find('}').map(|j| text[i..i + j + 1].to_string())
                    })
                    .collect();
                h.sort();
                h
            };
            assert_eq!(
                holes(Tr(Lang::En).t(key)),
                holes(tr.t(key)),
                "placeholders of {key} differ"
            );
        }
    }

    #[test]
    fn accept_language_picks_the_first_language_we_have() {
        assert_eq!(
            Lang::from_accept_language("de-DE, fr-CA;q=0.8, en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
    }
}
