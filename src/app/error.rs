//! The one error of the use-cases. The faces translate it: the JSON API
//! into its codes and statuses, the pages into field errors in the reader's
//! language (looked up by [`MessageCode`]) or an error page.

use crate::domain::{DomainError, MessageArgs, MessageCode};
use crate::engine::EngineError;
use crate::matching::assign::AssignError;
use crate::store::{StoreError, StoredProposal};

#[derive(Debug, Clone)]
pub enum AppError {
    /// A field of the command is wrong: `message` is the English text the
    /// API answers; `code` and `args` let a page say it in its language.
    Invalid {
        field: String,
        code: MessageCode,
        args: MessageArgs,
        message: String,
    },
    /// The reader's role or city does not allow this.
    Forbidden(String),
    /// No such thing, or not one this reader may see.
    NotFound(String),
    /// The state of the data forbids this (a second offer, a published run).
    Conflict(String),
    /// The proposal changed since the caller read it; `current` is it now.
    Stale {
        message: String,
        current: Box<StoredProposal>,
    },
    /// The workflow forbids this step from the proposal's state.
    Transition {
        message: String,
        current: Box<StoredProposal>,
    },
    /// Logged by the face; the reader sees an apology.
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A field refused with its message code.
    pub fn invalid(
        field: impl Into<String>,
        code: MessageCode,
        args: MessageArgs,
        message: impl Into<String>,
    ) -> Self {
        AppError::Invalid {
            field: field.into(),
            code,
            args,
            message: message.into(),
        }
    }

    /// A domain refusal of a value that sits at `field` of the command
    /// (`needs[2].priority` rather than the domain's `priority`).
    pub fn at(field: impl Into<String>, e: DomainError) -> Self {
        AppError::invalid(field, e.code, e.args, e.reason)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Invalid { field, message, .. } => write!(f, "{field}: {message}"),
            AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::Internal(m)
            | AppError::Stale { message: m, .. }
            | AppError::Transition { message: m, .. } => f.write_str(m),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::at(e.field, e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => {
                AppError::NotFound(format!("{what} {id} does not exist"))
            }
            StoreError::Conflict(m) | StoreError::Changed(m) => AppError::Conflict(m),
            StoreError::Invalid { field, reason } => AppError::invalid(
                field,
                MessageCode::Invalid,
                vec![("detail", reason.clone())],
                reason,
            ),
            StoreError::Other(m) => AppError::Internal(m),
        }
    }
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::UnknownCity(_) => AppError::NotFound(e.to_string()),
            EngineError::NoRequest(_) | EngineError::NeitherRole(_) => {
                AppError::Conflict(e.to_string())
            }
        }
    }
}

impl From<AssignError> for AppError {
    fn from(e: AssignError) -> Self {
        AppError::Conflict(e.to_string())
    }
}

impl std::error::Error for AppError {}
