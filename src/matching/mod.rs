//! The matching engine: pure, synchronous and deterministic (same input,
//! same output; ties broken by id). No I/O.
//!
//! * [`expertise`]: expertise per city and topic derived from evidence;
//! * [`score`]: candidates, pair scores with explanations, suggestions;
//! * [`assign`]: the global assignment (score, coverage with tiers, stable),
//!   locks, bans, stability across runs, diffs;
//! * [`flow`]: the exact b-matching solver (min-cost flow) and its oracle;
//! * [`stable`]: deferred acceptance and the blocking-pair audit;
//! * [`diagnose`]: why an applicant was not matched, and the smallest change;
//! * [`plan`]: the staged capacity-building plan of one applicant;
//! * [`report`]: coverage by region, LDC and African status, tier;
//! * [`instance`]: the `mentor-match-instance/1` exchange format;
//! * [`gen`]: the benchmark instance generator.

pub mod assign;
pub mod diagnose;
pub mod expertise;
pub mod flow;
pub mod r#gen;
pub mod instance;
pub mod par;
pub mod plan;
pub mod report;
pub mod round;
pub mod score;
pub mod stable;
pub mod whatif;

pub use assign::{
    Assignment, Mode, Pair, PriorityTiers, Proposal, RunDiff, RunParams, TierRule, assign, diff,
};
pub use round::{Round, run_round};
pub use score::{EngineConfig, Market, PairScore, RegionalPreference, ScoreWeights};
