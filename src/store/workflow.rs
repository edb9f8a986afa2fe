//! What the service stores besides the network: API tokens, matching runs
//! and their proposals, persistent bans, the audit trail, and the writes of
//! offers and requests. Every write records who made it in the audit log,
//! in the same transaction.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Page, Paging, StoreResult};
use crate::domain::{
    City, CityId, ClusterMembership, Evidence, EvidenceKind, Outcome, ProposalState,
    ProposalStatus, Role, RunStatus, SupportOffer, SupportRequest, Topic, TopicId, TwinLink,
};
use crate::matching::assign::{Mode, Pair, PriorityTiers, RunDiff, TierRule};
use crate::matching::diagnose::Unmatched;
use crate::matching::report::Coverage;
use crate::matching::score::{Explanation, ScoreWeights};
use crate::matching::whatif::IfRemoved;

#[derive(Debug, Clone, Default)]
pub struct EvidenceQuery {
    pub city: Option<CityId>,
    pub topic: Option<TopicId>,
    pub kind: Option<EvidenceKind>,
    pub paging: Paging,
}

/// Who makes a change: a token's holder, or the command line (no token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub token_id: Option<i64>,
    pub role: Role,
}

impl Actor {
    /// The operator at the command line, with the secretariat's rights.
    pub const CLI: Actor = Actor {
        token_id: None,
        role: Role::Secretariat,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    #[serde(flatten)]
    pub role: Role,
    pub label: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub token_id: Option<i64>,
    pub role: String,
    pub actor_city: Option<CityId>,
    pub kind: String,
    pub entity_id: String,
    pub action: String,
    pub city: Option<CityId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub city: Option<CityId>,
    pub kind: Option<String>,
    pub paging: Paging,
}

/// One change to record: built with [`Change::new`], then what it was
/// [`before`](Change::before), what it became [`after`](Change::after) and
/// [`why`](Change::because).
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub kind: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub city: Option<CityId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: Option<&'a str>,
}

impl<'a> Change<'a> {
    /// `action` on the `kind` with this id, about `city` (if any).
    pub fn new(
        kind: &'static str,
        entity_id: impl ToString,
        action: &'static str,
        city: Option<CityId>,
    ) -> Self {
        Self {
            kind,
            entity_id: entity_id.to_string(),
            action,
            city,
            before: None,
            after: None,
            reason: None,
        }
    }

    pub fn before(self, value: &impl Serialize) -> Self {
        Self {
            before: serde_json::to_value(value).ok(),
            ..self
        }
    }

    pub fn after(self, value: &impl Serialize) -> Self {
        Self {
            after: serde_json::to_value(value).ok(),
            ..self
        }
    }

    pub fn because(self, reason: Option<&'a str>) -> Self {
        Self { reason, ..self }
    }
}

/// The parameters a run was made with, as stored in `runs.params` (a
/// field an older version did not store reads as its default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RunSettings {
    pub mode: Mode,
    #[schema(value_type = Vec<TierRule>)]
    pub tiers: PriorityTiers,
    pub weights: ScoreWeights,
    #[schema(value_type = Vec<Object>)]
    pub locks: Vec<Override>,
    #[schema(value_type = Vec<Object>)]
    pub bans: Vec<Override>,
    pub prefer_previous: bool,
    pub previous_run: Option<i64>,
}

/// What a run achieved, as stored in `runs.summary` (a field an older
/// version did not store reads as its default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RunSummary {
    pub applicants: usize,
    pub applicants_covered: usize,
    /// The most applicants any assignment could cover (same locks and bans).
    pub max_coverable: usize,
    pub pairs: usize,
    /// Pairs in force before the run (accepted or active proposals).
    pub committed: Vec<Pair>,
    pub total_score: i64,
    /// Candidate pairs that would both rather be together (0 in stable mode).
    pub blocking_pairs: usize,
    #[schema(value_type = Object)]
    pub coverage: Coverage,
    #[schema(value_type = Vec<Object>)]
    pub unmatched: Vec<Unmatched>,
    #[schema(value_type = Option<Object>)]
    pub diff: Option<RunDiff>,
    pub previous_run: Option<i64>,
    /// Per proposal, what removing it would change (empty when skipped).
    #[schema(value_type = Vec<Object>)]
    pub if_removed: Vec<IfRemoved>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredRun {
    pub id: i64,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub mode: String,
    pub params: RunSettings,
    pub summary: RunSummary,
    pub published_at: Option<String>,
    /// The secretariat's name for it (`None`: "Round {id}").
    pub name: Option<String>,
    pub status: RunStatus,
    pub discarded_at: Option<String>,
    /// The published round that replaced this one.
    pub superseded_by: Option<i64>,
}

/// A run to store: what was asked and what the engine proposed.
#[derive(Debug, Clone, Copy)]
pub struct NewRun<'a> {
    pub name: Option<&'a str>,
    pub mode: &'a str,
    pub params: &'a RunSettings,
    pub summary: &'a RunSummary,
    pub proposals: &'a [NewProposal],
    pub overrides: &'a [Override],
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewProposal {
    pub mentor: CityId,
    pub applicant: CityId,
    pub score: i64,
    pub explanation: Explanation,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredProposal {
    pub id: i64,
    pub run_id: i64,
    pub mentor: CityId,
    pub applicant: CityId,
    pub score: i64,
    pub explanation: Explanation,
    pub locked: bool,
    #[serde(flatten)]
    pub state: ProposalState,
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct ProposalQuery {
    pub run: Option<i64>,
    /// Either side.
    pub city: Option<CityId>,
    pub status: Option<ProposalStatus>,
    /// Only proposals of published runs (what cities and observers see).
    pub published_only: bool,
    pub paging: Paging,
}

/// The new state of a proposal, and what it brings along.
#[derive(Debug, Clone)]
pub struct ProposalUpdate {
    pub state: ProposalState,
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
    /// A decline bans the pair in later runs.
    pub ban: bool,
    /// A completed mentorship becomes evidence of the mentor's expertise.
    pub evidence: Vec<crate::domain::Evidence>,
}

impl ProposalUpdate {
    /// A move to `state` with no reason, outcome, ban or evidence.
    pub fn to(state: ProposalState) -> Self {
        Self {
            state,
            reason: None,
            outcome: None,
            ban: false,
            evidence: Vec::new(),
        }
    }
}

/// Which runs to list, latest first.
#[derive(Debug, Clone, Default)]
pub struct RunQuery {
    /// Only published runs (what cities and observers see).
    pub published_only: bool,
    /// Only runs in this state; `None`: every state but discarded.
    pub status: Option<RunStatus>,
    pub paging: Paging,
}

/// An open proposal that publishing a later run cancels, at the version it
/// was read at (a proposal answered meanwhile makes the publish fail).
#[derive(Debug, Clone)]
pub struct Superseded {
    pub proposal: i64,
    pub version: i64,
    pub update: ProposalUpdate,
}

/// A secretariat override of the engine in a run, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Override {
    /// "lock" or "ban"
    pub action: String,
    pub mentor: CityId,
    pub applicant: CityId,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Ban {
    pub mentor: CityId,
    pub applicant: CityId,
    pub reason: String,
    pub created_at: String,
    pub proposal: Option<i64>,
}

/// How many applicants a mentor carries now (accepted or active
/// proposals) and over all runs (every proposal ever made to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MentorLoad {
    pub mentor: CityId,
    pub now: i64,
    pub all_runs: i64,
}

/// What a write of a held resource expects to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// None yet (a Conflict otherwise).
    New,
    /// The one with this id (NotFound otherwise: withdrawn meanwhile).
    Id(i64),
}

/// API tokens and the web sessions opened with them.
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(
        &self,
        actor: &Actor,
        role: Role,
        label: &str,
        token_hash: &str,
    ) -> StoreResult<TokenInfo>;
    /// A live (not revoked) token by the hash of its secret.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>>;
    async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes a live token; the last live secretariat token is a Conflict.
    async fn revoke_token(&self, actor: &Actor, id: i64) -> StoreResult<TokenInfo>;

    /// Opens a web session for a live token until `expires_at` (RFC 3339).
    async fn create_session(
        &self,
        session_hash: &str,
        token_id: i64,
        expires_at: &str,
    ) -> StoreResult<()>;
    /// The live token behind an unexpired session.
    async fn session_token(&self, session_hash: &str) -> StoreResult<Option<TokenInfo>>;
    /// Ends a session (and sweeps expired ones); ending an unknown one is no error.
    async fn end_session(&self, session_hash: &str) -> StoreResult<()>;
}

/// The writes of what cities hold (their reads are in [`Store`](super::Store)).
#[async_trait]
pub trait HeldStore: Send + Sync {
    /// Creates or replaces the offer of `offer.city`, as `expect` says.
    async fn put_offer(
        &self,
        actor: &Actor,
        offer: &SupportOffer,
        expect: Expect,
    ) -> StoreResult<SupportOffer>;
    async fn retire_offer(&self, actor: &Actor, city: CityId) -> StoreResult<()>;
    /// Creates or replaces the request of `request.city`, as `expect` says
    /// (a partner city becomes an applicant).
    async fn put_request(
        &self,
        actor: &Actor,
        request: &SupportRequest,
        expect: Expect,
    ) -> StoreResult<SupportRequest>;
    async fn retire_request(&self, actor: &Actor, city: CityId) -> StoreResult<()>;
}

/// Matching runs.
#[async_trait]
pub trait RunStore: Send + Sync {
    /// Stores a run with its proposals and overrides (its bans kept for
    /// later rounds), audited as `create`, in one transaction.
    async fn create_run(
        &self,
        actor: &Actor,
        run: &NewRun<'_>,
    ) -> StoreResult<(StoredRun, Vec<StoredProposal>)>;
    async fn get_run(&self, id: i64) -> StoreResult<StoredRun>;
    async fn list_runs(&self, query: RunQuery) -> StoreResult<Page<StoredRun>>;
    /// Publishes run `id` and applies each superseding update (version
    /// guarded, audited as `supersede`) in the same transaction. Publishes
    /// wait for each other; one that leaves an open proposal of another
    /// published run unsuperseded (it read before another publish) is
    /// `StoreError::Changed` and writes nothing.
    async fn publish_run(
        &self,
        actor: &Actor,
        id: i64,
        superseded: &[Superseded],
    ) -> StoreResult<StoredRun>;
    /// Sets a draft aside for good (audited as `discard`): it is kept but
    /// never published. NotFound without run `id`; Conflict unless a draft.
    async fn discard_run(&self, actor: &Actor, id: i64) -> StoreResult<StoredRun>;
    /// Names run `id` (`None`: back to "Round {id}"), audited as `rename`.
    async fn rename_run(
        &self,
        actor: &Actor,
        id: i64,
        name: Option<&str>,
    ) -> StoreResult<StoredRun>;
}

/// Proposals, the bans their declines leave, and mentors' loads.
#[async_trait]
pub trait ProposalStore: Send + Sync {
    async fn get_proposal(&self, id: i64) -> StoreResult<StoredProposal>;
    async fn list_proposals(&self, query: &ProposalQuery) -> StoreResult<Page<StoredProposal>>;
    /// Moves a proposal to `update.state` if its version is still
    /// `expected_version`; otherwise a Conflict. Side effects (ban,
    /// evidence) and the audit entry happen in the same transaction.
    async fn update_proposal(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        action: &'static str,
        update: &ProposalUpdate,
    ) -> StoreResult<StoredProposal>;

    async fn list_bans(&self) -> StoreResult<Vec<Ban>>;
    async fn mentor_loads(&self) -> StoreResult<Vec<MentorLoad>>;
}

/// The secretariat's edits of the network.
#[async_trait]
pub trait EditStore: Send + Sync {
    /// Adds a city (its languages default to the country's when empty).
    async fn create_city(&self, actor: &Actor, city: &City) -> StoreResult<City>;
    /// Replaces a city's editable fields (name, status, languages, population).
    async fn update_city(&self, actor: &Actor, city: &City) -> StoreResult<City>;
    async fn get_link(&self, id: i64) -> StoreResult<TwinLink>;
    async fn create_link(&self, actor: &Actor, link: &TwinLink) -> StoreResult<TwinLink>;
    /// Replaces a link's kind, year and state (retiring = inactive).
    async fn update_link(&self, actor: &Actor, link: &TwinLink) -> StoreResult<TwinLink>;
    async fn list_memberships(
        &self,
        city: Option<CityId>,
        topic: Option<TopicId>,
    ) -> StoreResult<Vec<ClusterMembership>>;
    /// Adds a membership and the evidence it is (cluster member or coordinator).
    async fn create_membership(
        &self,
        actor: &Actor,
        m: &ClusterMembership,
    ) -> StoreResult<ClusterMembership>;
    async fn delete_membership(&self, actor: &Actor, id: i64) -> StoreResult<()>;
    async fn list_evidence(&self, query: &EvidenceQuery) -> StoreResult<Page<Evidence>>;
    async fn create_evidence(&self, actor: &Actor, e: &Evidence) -> StoreResult<Evidence>;
    async fn delete_evidence(&self, actor: &Actor, id: i64) -> StoreResult<()>;
    /// Adds a topic (a new strategy period's cluster).
    async fn create_topic(&self, actor: &Actor, topic: &Topic) -> StoreResult<Topic>;
    /// Renames a topic, changes its aliases, retires or revives it.
    async fn update_topic(&self, actor: &Actor, topic: &Topic) -> StoreResult<Topic>;
}

/// The audit trail every write adds to.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn list_audit(&self, query: &AuditQuery) -> StoreResult<Page<AuditEntry>>;
}
