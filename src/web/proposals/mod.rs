//! `/proposals`: the pairings proposed to the cities and where each stands.
//! A city sees its own proposals (as mentor or as applicant) of published
//! runs; the secretariat sees every proposal of a run. `/proposals/{id}`
//! shows one in full (score breakdown, topics and evidence, introduction
//! path, history) with the answers its reader may give now. Every answer is
//! the same use-case as the JSON API's (`crate::app::proposals`): same rules,
//! same optimistic concurrency on the proposal's version, refusals in the
//! reader's language.
//!
//! [`list`] is the list, [`detail`] one proposal in full, [`answers`] the
//! forms and the answers posted from them.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::error::WebError;
use super::form::{Choice, FieldErrors, FormData, choices, csrf_field, select, textarea};
use super::i18n::Tr;
use super::layout;
use super::parts::{run_status_name, run_title, status_tag};
use super::see_other;
use super::session::Viewer;
use crate::app::policy::side_of;
use crate::app::proposals::{self as workflow, Answer, Cancel, Complete, ListProposals};
use crate::app::{App, AppError, runs};
use crate::domain::{CityId, ProposalStatus, Role, Side};
use crate::store::{Actor, Paging, StoredProposal};

mod answers;
mod detail;
mod list;

pub fn router() -> Router<App> {
    Router::new()
        .route("/proposals", get(list::list))
        .route("/proposals/{id}", get(detail::show))
        .route("/proposals/{id}/accept", post(answers::accept))
        .route("/proposals/{id}/decline", post(answers::decline))
        .route("/proposals/{id}/complete", post(answers::complete))
        .route("/proposals/{id}/cancel", post(answers::cancel))
}

/// A path id that is not a number names no proposal.
pub(super) fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// "Bristol, GB" for each city asked, read once.
#[derive(Default)]
pub(super) struct Names(HashMap<CityId, String>);

impl Names {
    pub(super) async fn of(&mut self, state: &App, city: CityId) -> Result<String, WebError> {
        if let Some(n) = self.0.get(&city) {
            return Ok(n.clone());
        }
        let c = state.store.get_city(city).await?;
        let name = format!("{}, {}", c.name.as_str(), c.country.as_str());
        self.0.insert(city, name.clone());
        Ok(name)
    }

    pub(super) fn get(&self, city: CityId) -> String {
        self.0
            .get(&city)
            .cloned()
            .unwrap_or_else(|| city.to_string())
    }
}

pub(super) fn open(p: &StoredProposal) -> bool {
    matches!(
        p.state.status,
        ProposalStatus::Proposed | ProposalStatus::Accepted
    )
}

pub(super) fn has_accepted(p: &StoredProposal, side: Side) -> bool {
    match side {
        Side::Mentor => p.state.mentor_accepted,
        Side::Applicant => p.state.applicant_accepted,
    }
}

/// What the reader has to do next about `p`.
pub(super) fn next_step(tr: Tr, role: Role, p: &StoredProposal) -> String {
    let mine = role.city().and_then(|c| side_of(p, c));
    match (p.state.status, mine) {
        (ProposalStatus::Proposed | ProposalStatus::Accepted, Some(side)) => {
            if has_accepted(p, side) {
                tr.t("proposals.next_wait_other").to_string()
            } else {
                tr.t("proposals.next_answer").to_string()
            }
        }
        (ProposalStatus::Proposed, None) => tr.t("proposals.next_wait_both").to_string(),
        (ProposalStatus::Accepted, None) if p.state.mentor_accepted => {
            tr.t("proposals.next_wait_applicant").to_string()
        }
        (ProposalStatus::Accepted, None) => tr.t("proposals.next_wait_mentor").to_string(),
        (ProposalStatus::Active, _) if role == Role::Observer => {
            tr.t("proposals.next_nothing").to_string()
        }
        (ProposalStatus::Active, _) => tr.t("proposals.next_outcome").to_string(),
        _ => tr.t("proposals.next_nothing").to_string(),
    }
}

pub(super) fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

pub(super) fn status_name(tr: Tr, s: ProposalStatus) -> &'static str {
    match s {
        ProposalStatus::Proposed => tr.t("proposals.status_proposed"),
        ProposalStatus::Accepted => tr.t("proposals.status_accepted"),
        ProposalStatus::Declined => tr.t("proposals.status_declined"),
        ProposalStatus::Active => tr.t("proposals.status_active"),
        ProposalStatus::Completed => tr.t("proposals.status_completed"),
        ProposalStatus::Cancelled => tr.t("proposals.status_cancelled"),
    }
}

/// A proposal the reader may see: a draft's is the secretariat's, and a
/// city sees only its own.
pub(super) async fn visible(
    state: &App,
    viewer: &Viewer,
    id: i64,
) -> Result<StoredProposal, WebError> {
    viewer.actor()?;
    Ok(workflow::read_own(state, viewer.reader(), id).await?)
}

/// What the reader typed into a form that comes back with errors.
#[derive(Default)]
pub(super) struct Typed {
    pub(super) errors: FieldErrors,
    pub(super) reason: String,
    pub(super) side: String,
    pub(super) rating: String,
    pub(super) report: String,
    pub(super) cancel_reason: String,
    /// The decline form's "this bans the pair for good" box was ticked.
    pub(super) confirmed: bool,
}

pub(super) enum Notice {
    None,
    /// A success banner after an action.
    Done(&'static str),
    /// Someone answered first, or the workflow no longer allows the answer.
    Conflict,
}
