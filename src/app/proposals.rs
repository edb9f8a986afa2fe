//! The workflow of a proposed pairing. The two cities answer (accept,
//! decline with a reason); both accepting makes the mentorship active; it
//! completes with an outcome or the secretariat cancels it. Every answer
//! carries the `version` it answers: a later answer to an earlier state is
//! refused with the current state and changes nothing.
//!
//! Two rules live here and nowhere else: a decline bans the pair from later
//! runs, and a completed mentorship becomes evidence of the mentor's
//! expertise in every topic the pairing was about.

use super::policy::{Reader, side_of};
use super::{App, AppError, AppResult};
use crate::domain::{
    Evidence, EvidenceFact, Forbidden, MessageCode, Outcome, ProposalStatus, Role, Side,
    required_text,
};
use crate::store::{
    Actor, Page, Paging, ProposalQuery, ProposalUpdate, StoreError, StoredProposal,
};

/// One side's answer: accept, or decline with a reason.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// The version of the proposal being answered (from the last read).
    pub version: i64,
    /// Which side the secretariat answers for, as given (a city answers for itself).
    pub side: Option<String>,
    pub reason: Option<String>,
}

/// The outcome of an active mentorship.
#[derive(Debug, Clone, Default)]
pub struct Complete {
    pub version: i64,
    pub rating: i64,
    pub report: String,
}

/// The secretariat's cancellation.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    pub version: i64,
    pub reason: String,
}

/// Which proposals to list.
#[derive(Debug, Clone, Default)]
pub struct ListProposals {
    pub run: Option<i64>,
    /// Either side.
    pub city: Option<crate::domain::CityId>,
    pub status: Option<ProposalStatus>,
    pub paging: Paging,
}

/// Proposal `id` and whether its run is published; a draft's proposal is
/// unknown to all but the secretariat.
async fn load(app: &App, reader: Reader, id: i64) -> AppResult<(StoredProposal, bool)> {
    let p = app.store.get_proposal(id).await?;
    let run = app.store.get_run(p.run_id).await?;
    if !reader.sees_run(&run) {
        return Err(AppError::NotFound(format!(
            "proposal {id} does not exist or is not published yet"
        )));
    }
    Ok((p, run.published_at.is_some()))
}

/// Proposal `id` as `reader` may see it.
pub async fn read(app: &App, reader: Reader, id: i64) -> AppResult<StoredProposal> {
    Ok(load(app, reader, id).await?.0)
}

/// Proposal `id` when `reader` may see it and, if a city, is one of its sides
/// (the pages show a city its own proposals only).
pub async fn read_own(app: &App, reader: Reader, id: i64) -> AppResult<StoredProposal> {
    let p = read(app, reader, id).await?;
    if let Some(c) = reader.city()
        && side_of(&p, c).is_none()
    {
        return Err(AppError::Forbidden(format!(
            "proposal {id} is between cities {} and {}",
            p.mentor, p.applicant
        )));
    }
    Ok(p)
}

/// One page of proposals as `reader` may see them.
pub async fn list(app: &App, reader: Reader, q: &ListProposals) -> AppResult<Page<StoredProposal>> {
    Ok(app
        .store
        .list_proposals(&ProposalQuery {
            run: q.run,
            city: q.city,
            status: q.status,
            published_only: !reader.sees_drafts(),
            paging: q.paging,
        })
        .await?)
}

/// Every proposal of `city`, as `reader` may see them.
pub async fn all_of_city(
    app: &App,
    reader: Reader,
    city: crate::domain::CityId,
) -> AppResult<Vec<StoredProposal>> {
    Ok(super::network::proposals_where(
        app.store.as_ref(),
        ProposalQuery {
            city: Some(city),
            published_only: !reader.sees_drafts(),
            ..Default::default()
        },
    )
    .await?)
}

/// How many proposals hold a place at mentor `city` now (what its capacity
/// must cover): in force, or open in the published round in force.
pub async fn live_load(app: &App, city: crate::domain::CityId) -> AppResult<usize> {
    let db = app.store.as_ref();
    let pairs = match super::network::current_pairs(db).await? {
        Some(pairs) => pairs,
        None => super::network::committed_pairs(db).await?,
    };
    Ok(pairs.iter().filter(|p| p.mentor == city).count())
}

fn forbidden_transition(e: Forbidden, p: &StoredProposal) -> AppError {
    AppError::Transition {
        message: format!("{e} (proposal {} is {})", p.id, p.state.status.name()),
        current: Box::new(p.clone()),
    }
}

/// A stale answer is refused before anything else: the caller must read
/// the proposal again, whatever it now allows.
fn check_version(p: &StoredProposal, version: i64) -> AppResult<()> {
    if version != p.version {
        return Err(AppError::Stale {
            message: format!(
                "proposal {} is at version {}, not {version}: read it again and answer its current state",
                p.id, p.version
            ),
            current: Box::new(p.clone()),
        });
    }
    Ok(())
}

/// Applies a transition computed from the current state, guarded by version.
async fn commit(
    app: &App,
    actor: &Actor,
    p: &StoredProposal,
    version: i64,
    action: &'static str,
    update: ProposalUpdate,
) -> AppResult<StoredProposal> {
    match app
        .store
        .update_proposal(actor, p.id, version, action, &update)
        .await
    {
        Ok(p) => Ok(p),
        Err(StoreError::Conflict(message)) => match app.store.get_proposal(p.id).await {
            Ok(now) => Err(AppError::Stale {
                message,
                current: Box::new(now),
            }),
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// The side the actor answers for.
fn side(role: Role, p: &StoredProposal, given: Option<&str>) -> AppResult<Side> {
    match role {
        Role::City(city) => side_of(p, city).ok_or_else(|| {
            AppError::Forbidden(format!(
                "proposal {} is between cities {} and {}: this token acts for city {city}",
                p.id, p.mentor, p.applicant
            ))
        }),
        Role::Secretariat => match given {
            Some("mentor") => Ok(Side::Mentor),
            Some("applicant") => Ok(Side::Applicant),
            Some(other) => Err(AppError::invalid(
                "side",
                MessageCode::UnknownSide,
                vec![("value", other.into())],
                format!("'{other}' is not a side (mentor, applicant)"),
            )),
            None => Err(AppError::invalid(
                "side",
                MessageCode::SideRequired,
                vec![],
                "the secretariat answers for a side: give side = mentor or applicant",
            )),
        },
        Role::Observer => Err(AppError::Forbidden("an observer token is read-only".into())),
    }
}

/// The proposal a writer answers: it must be published. An observer is
/// refused before anything is read.
async fn answerable(app: &App, actor: &Actor, id: i64) -> AppResult<StoredProposal> {
    if actor.role == Role::Observer {
        return Err(AppError::Forbidden("an observer token is read-only".into()));
    }
    let (p, published) = load(app, Reader(Some(actor.role)), id).await?;
    if !published {
        return Err(AppError::Conflict(format!(
            "proposal {id} belongs to run {} which is not published yet",
            p.run_id
        )));
    }
    Ok(p)
}

/// One side accepts proposal `id` at `a.version`; both sides: active.
pub async fn accept(app: &App, actor: &Actor, id: i64, a: &Answer) -> AppResult<StoredProposal> {
    let p = answerable(app, actor, id).await?;
    let side = side(actor.role, &p, a.side.as_deref())?;
    check_version(&p, a.version)?;
    let next = p
        .state
        .accept(side)
        .map_err(|e| forbidden_transition(e, &p))?;
    commit(
        app,
        actor,
        &p,
        a.version,
        "accept",
        ProposalUpdate::to(next),
    )
    .await
}

/// One side declines proposal `id` at `a.version` with a reason; the pair
/// is banned from later runs.
pub async fn decline(app: &App, actor: &Actor, id: i64, a: &Answer) -> AppResult<StoredProposal> {
    let p = answerable(app, actor, id).await?;
    side(actor.role, &p, a.side.as_deref())?;
    check_version(&p, a.version)?;
    let reason = required_text("reason", a.reason.as_deref().unwrap_or(""), 500)?;
    let next = p.state.decline().map_err(|e| forbidden_transition(e, &p))?;
    let update = ProposalUpdate {
        reason: Some(reason),
        ban: true,
        ..ProposalUpdate::to(next)
    };
    commit(app, actor, &p, a.version, "decline", update).await
}

/// Active proposal `id` at `c.version` completes with its outcome, which
/// becomes evidence of the mentor's expertise.
pub async fn complete(
    app: &App,
    actor: &Actor,
    id: i64,
    c: &Complete,
) -> AppResult<StoredProposal> {
    let p = answerable(app, actor, id).await?;
    if let Role::City(_) = actor.role {
        side(actor.role, &p, None)?;
    }
    check_version(&p, c.version)?;
    let outcome = Outcome::parse(c.rating, &c.report)?;
    let next = p
        .state
        .complete()
        .map_err(|e| forbidden_transition(e, &p))?;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let evidence = matched_topics(&p)
        .into_iter()
        .map(|topic| Evidence {
            id: 0,
            city: p.mentor,
            topic: Some(topic),
            fact: EvidenceFact::MentorshipOutcome {
                year,
                rating: outcome.rating,
            },
            source: format!(
                "proposal {} completed, rated {} by the mentee",
                p.id, outcome.rating
            ),
        })
        .collect();
    let update = ProposalUpdate {
        outcome: Some(outcome),
        evidence,
        ..ProposalUpdate::to(next)
    };
    commit(app, actor, &p, c.version, "complete", update).await
}

/// The secretariat cancels proposal `id` at `c.version`, with a reason.
pub async fn cancel(app: &App, actor: &Actor, id: i64, c: &Cancel) -> AppResult<StoredProposal> {
    if actor.role != Role::Secretariat {
        return Err(AppError::Forbidden(format!(
            "only the secretariat may do this (this token is a {} token)",
            actor.role.name()
        )));
    }
    let (p, _) = load(app, Reader(Some(actor.role)), id).await?;
    check_version(&p, c.version)?;
    let reason = required_text("reason", &c.reason, 500)?;
    let next = p.state.cancel().map_err(|e| forbidden_transition(e, &p))?;
    let update = ProposalUpdate {
        reason: Some(reason),
        ..ProposalUpdate::to(next)
    };
    commit(app, actor, &p, c.version, "cancel", update).await
}

/// The topics a proposal matched, from its stored explanation.
fn matched_topics(p: &StoredProposal) -> Vec<crate::domain::TopicId> {
    p.explanation
        .matched_topics
        .iter()
        .map(|t| t.topic)
        .collect()
}
