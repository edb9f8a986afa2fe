//! The proposal workflow as a pure state machine.
//!
//! ```text
//! proposed --(one side accepts)--> accepted --(other side accepts)--> active
//! proposed | accepted --(either side declines)--> declined
//! active --(complete, with an outcome)--> completed
//! proposed | accepted | active --(secretariat cancels)--> cancelled
//! ```

use serde::Serialize;

use super::{DomainError, MessageCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Proposed,
    Accepted,
    Declined,
    Active,
    Completed,
    Cancelled,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 6] = [
        ProposalStatus::Proposed,
        ProposalStatus::Accepted,
        ProposalStatus::Declined,
        ProposalStatus::Active,
        ProposalStatus::Completed,
        ProposalStatus::Cancelled,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProposalStatus::Proposed => "proposed",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Declined => "declined",
            ProposalStatus::Active => "active",
            ProposalStatus::Completed => "completed",
            ProposalStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == raw.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    "status",
                    format!("'{raw}' is not a proposal status (proposed, accepted, declined, active, completed, cancelled)"),
                )
            })
    }

    /// In force: the pair holds the mentor's slot in every later round
    /// (accepted by one side, or active). An open proposal holds one only
    /// while its run is the latest published (`app::network::current_pairs`).
    pub fn in_force(self) -> bool {
        matches!(self, ProposalStatus::Accepted | ProposalStatus::Active)
    }
}

/// Where a matching round stands. Only a draft can be published or
/// discarded; publishing one supersedes the round in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Stored for the secretariat to review; no city sees it.
    Draft,
    /// The round in force: its proposals went to the cities.
    Published,
    /// Published once, then replaced by a later published round.
    Superseded,
    /// A draft set aside: kept for the record, never published.
    Discarded,
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Draft,
        RunStatus::Published,
        RunStatus::Superseded,
        RunStatus::Discarded,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Draft => "draft",
            RunStatus::Published => "published",
            RunStatus::Superseded => "superseded",
            RunStatus::Discarded => "discarded",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == raw.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    "status",
                    format!(
                        "'{raw}' is not a round status (draft, published, superseded, discarded)"
                    ),
                )
            })
    }

    /// The status of a run from what is stored of it.
    pub fn of(published: bool, superseded: bool, discarded: bool) -> Self {
        match (published, superseded, discarded) {
            (true, true, _) => RunStatus::Superseded,
            (true, false, _) => RunStatus::Published,
            (false, _, true) => RunStatus::Discarded,
            (false, _, false) => RunStatus::Draft,
        }
    }
}

/// Which side of a proposal answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Mentor,
    Applicant,
}

/// Where a proposal stands: its status and who has accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProposalState {
    pub status: ProposalStatus,
    pub mentor_accepted: bool,
    pub applicant_accepted: bool,
}

/// A transition the workflow forbids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from} proposal cannot be {action}")]
pub struct Forbidden {
    pub from: &'static str,
    pub action: &'static str,
}

impl ProposalState {
    pub fn new() -> Self {
        Self {
            status: ProposalStatus::Proposed,
            mentor_accepted: false,
            applicant_accepted: false,
        }
    }

    fn forbid(&self, action: &'static str) -> Forbidden {
        Forbidden {
            from: self.status.name(),
            action,
        }
    }

    /// One side accepts; both -> active.
    pub fn accept(self, side: Side) -> Result<Self, Forbidden> {
        if !matches!(
            self.status,
            ProposalStatus::Proposed | ProposalStatus::Accepted
        ) {
            return Err(self.forbid("accepted"));
        }
        let (m, a) = match side {
            Side::Mentor if self.mentor_accepted => {
                return Err(Forbidden {
                    from: "mentor-accepted",
                    action: "accepted again by the mentor",
                });
            }
            Side::Applicant if self.applicant_accepted => {
                return Err(Forbidden {
                    from: "applicant-accepted",
                    action: "accepted again by the applicant",
                });
            }
            Side::Mentor => (true, self.applicant_accepted),
            Side::Applicant => (self.mentor_accepted, true),
        };
        let status = if m && a {
            ProposalStatus::Active
        } else {
            ProposalStatus::Accepted
        };
        Ok(Self {
            status,
            mentor_accepted: m,
            applicant_accepted: a,
        })
    }

    /// Either side declines before the mentorship starts.
    pub fn decline(self) -> Result<Self, Forbidden> {
        match self.status {
            ProposalStatus::Proposed | ProposalStatus::Accepted => Ok(Self {
                status: ProposalStatus::Declined,
                ..self
            }),
            _ => Err(self.forbid("declined")),
        }
    }

    pub fn complete(self) -> Result<Self, Forbidden> {
        match self.status {
            ProposalStatus::Active => Ok(Self {
                status: ProposalStatus::Completed,
                ..self
            }),
            _ => Err(self.forbid("completed")),
        }
    }

    pub fn cancel(self) -> Result<Self, Forbidden> {
        match self.status {
            ProposalStatus::Proposed | ProposalStatus::Accepted | ProposalStatus::Active => {
                Ok(Self {
                    status: ProposalStatus::Cancelled,
                    ..self
                })
            }
            _ => Err(self.forbid("cancelled")),
        }
    }
}

impl Default for ProposalState {
    fn default() -> Self {
        Self::new()
    }
}

/// The outcome of a completed mentorship, reported by the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// 1 (poor) to 5 (excellent).
    pub rating: u8,
    pub report: String,
}

impl Outcome {
    pub fn parse(rating: i64, report: &str) -> Result<Self, DomainError> {
        if !(1..=5).contains(&rating) {
            return Err(DomainError::coded(
                "rating",
                MessageCode::RatingRange,
                vec![("value", rating.to_string())],
                format!("{rating} is not a rating (1 to 5)"),
            ));
        }
        Ok(Self {
            rating: rating as u8,
            report: super::access::required_text("report", report, 2000)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_is_a_draft_until_published_and_superseded_once_replaced() {
        assert_eq!(RunStatus::of(false, false, false), RunStatus::Draft);
        assert_eq!(RunStatus::of(false, false, true), RunStatus::Discarded);
        assert_eq!(RunStatus::of(true, false, false), RunStatus::Published);
        assert_eq!(RunStatus::of(true, true, false), RunStatus::Superseded);
        for s in RunStatus::ALL {
            assert_eq!(RunStatus::parse(&s.name().to_uppercase()).unwrap(), s);
        }
        assert!(RunStatus::parse("open").is_err());
    }

    #[test]
    fn both_sides_accepting_makes_a_proposal_active() {
        let s = ProposalState::new().accept(Side::Mentor).unwrap();
        assert_eq!(s.status, ProposalStatus::Accepted);
        assert!(
            s.accept(Side::Mentor).is_err(),
            "the same side cannot accept twice"
        );
        let s = s.accept(Side::Applicant).unwrap();
        assert_eq!(s.status, ProposalStatus::Active);
        assert_eq!(s.complete().unwrap().status, ProposalStatus::Completed);
    }

    #[test]
    fn a_declined_proposal_cannot_be_accepted_or_completed() {
        let s = ProposalState::new().decline().unwrap();
        assert_eq!(
            s.accept(Side::Applicant).unwrap_err().to_string(),
            "a declined proposal cannot be accepted"
        );
        assert!(s.complete().is_err());
        assert!(s.cancel().is_err());
        assert!(s.decline().is_err());
    }

    #[test]
    fn only_an_active_mentorship_completes() {
        assert!(ProposalState::new().complete().is_err());
        assert!(
            ProposalState::new()
                .accept(Side::Applicant)
                .unwrap()
                .complete()
                .is_err()
        );
    }

    #[test]
    fn outcomes_have_a_rating_and_a_report() {
        assert!(Outcome::parse(0, "fine").is_err());
        assert!(Outcome::parse(5, " ").is_err());
        assert_eq!(Outcome::parse(4, "good visit").unwrap().rating, 4);
    }
}
