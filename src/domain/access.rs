use serde::Serialize;

use super::{CityId, DomainError, MessageCode};

/// Who is asking. A `City` role acts for one city only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "role", content = "city", rename_all = "snake_case")]
pub enum Role {
    /// The network's coordination team: everything, including runs and overrides.
    Secretariat,
    /// A member or applicant city: its own offer, request and proposals.
    City(CityId),
    /// Read-only.
    Observer,
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Secretariat => "secretariat",
            Role::City(_) => "city",
            Role::Observer => "observer",
        }
    }

    pub fn city(&self) -> Option<CityId> {
        match self {
            Role::City(c) => Some(*c),
            _ => None,
        }
    }

    /// Builds a role from its stored parts: a city goes with `city` only.
    pub fn parse(name: &str, city: Option<CityId>) -> Result<Self, DomainError> {
        match (name.trim().to_ascii_lowercase().as_str(), city) {
            ("secretariat", None) => Ok(Role::Secretariat),
            ("observer", None) => Ok(Role::Observer),
            ("city", Some(c)) => Ok(Role::City(c)),
            ("city", None) => Err(DomainError::new(
                "city",
                "a city token is bound to one city (--city)",
            )),
            ("secretariat" | "observer", Some(_)) => Err(DomainError::new(
                "city",
                "only a city token is bound to a city",
            )),
            (other, _) => Err(DomainError::new(
                "role",
                format!("'{other}' is not a role (secretariat, city, observer)"),
            )),
        }
    }

    /// May this role change data that belongs to `city`?
    pub fn may_act_for(&self, city: CityId) -> bool {
        match self {
            Role::Secretariat => true,
            Role::City(c) => *c == city,
            Role::Observer => false,
        }
    }
}

/// A short free text a person must give (a reason, a report): trimmed,
/// non-empty, at most `max` characters.
pub fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::coded(
            field,
            MessageCode::TextRequired,
            vec![("field", field.to_string())],
            format!("{field} must not be empty"),
        ));
    }
    if t.chars().count() > max {
        return Err(DomainError::coded(
            field,
            MessageCode::TextTooLong,
            vec![("field", field.to_string()), ("max", max.to_string())],
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// The first control character of a text that may not hold one: any
/// but tab, newline and carriage return (a NUL cannot even be stored on
/// PostgreSQL; the others are invisible and can hide a different text).
pub fn control_char(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// A cell a spreadsheet shows as text: one that would start a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// apostrophe; numbers stay numbers.
pub fn csv_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_start_a_formula_is_text_and_numbers_stay_numbers() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://evil\")"),
            "'=HYPERLINK(\"http://evil\")"
        );
        assert_eq!(csv_cell("+1 call"), "'+1 call");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-12"), "-12");
        assert_eq!(csv_cell("Beira, MZ"), "Beira, MZ");
    }

    #[test]
    fn a_text_may_break_lines_but_hold_no_other_control_character() {
        assert_eq!(control_char("two\nlines,\ta tab"), None);
        assert_eq!(control_char("nul\u{0}"), Some('\u{0}'));
        assert_eq!(control_char("bell\u{7}"), Some('\u{7}'));
        assert_eq!(control_char("c1 \u{85}"), Some('\u{85}'));
    }

    #[test]
    fn a_city_role_is_bound_to_exactly_one_city() {
        assert_eq!(
            Role::parse("city", Some(CityId(3))).unwrap(),
            Role::City(CityId(3))
        );
        assert!(Role::parse("city", None).is_err());
        assert!(Role::parse("observer", Some(CityId(3))).is_err());
        assert!(Role::parse("mayor", None).is_err());
    }

    #[test]
    fn only_the_secretariat_and_the_city_itself_may_act_for_a_city() {
        assert!(Role::Secretariat.may_act_for(CityId(1)));
        assert!(Role::City(CityId(1)).may_act_for(CityId(1)));
        assert!(!Role::City(CityId(2)).may_act_for(CityId(1)));
        assert!(!Role::Observer.may_act_for(CityId(1)));
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required_text("reason", "  busy  ", 10).unwrap(), "busy");
        assert!(required_text("reason", "   ", 10).is_err());
        assert!(required_text("reason", &"x".repeat(11), 10).is_err());
    }
}
