use std::fmt;

pub use super::message::{MessageArgs, MessageCode};

/// Why a value could not be built: the field it concerns, a reason a
/// person can act on (English, as the API answers it), and the reason's
/// message code and arguments (for the pages, which speak the reader's
/// language). The HTTP layer turns it into a 400 with the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub field: &'static str,
    pub reason: String,
    pub code: MessageCode,
    pub args: MessageArgs,
}

impl DomainError {
    /// A refusal without a code of its own (`messages.invalid`).
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            field,
            args: vec![("detail", reason.clone())],
            reason,
            code: MessageCode::Invalid,
        }
    }

    /// A refusal with its message code and arguments.
    pub fn coded(
        field: &'static str,
        code: MessageCode,
        args: MessageArgs,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            field,
            reason: reason.into(),
            code,
            args,
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for DomainError {}
