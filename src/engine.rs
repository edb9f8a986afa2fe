//! The engine façade: one immutable view of the network (snapshot, graph,
//! market) and the questions the service and the command line ask of it:
//! introduction paths, suggestions, rounds and plans. Pure and
//! synchronous; callers run it off the async threads.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::{CityId, Snapshot};
use crate::graph::{NetworkGraph, PastMentorship, TrustPath};
use crate::matching::plan::{Plan, PlanParams, build_plan};
use crate::matching::{EngineConfig, Market, Pair, PairScore, Round, RunParams, run_round};

/// The engine's default settings, judging evidence as of the current year.
pub fn config_now() -> EngineConfig {
    EngineConfig {
        year: chrono::Datelike::year(&chrono::Utc::now()),
        ..EngineConfig::default()
    }
}

/// The network as the engine sees it at one moment.
pub struct Network {
    pub snapshot: Snapshot,
    pub graph: Arc<NetworkGraph>,
    pub market: Market,
}

/// A city named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Named {
    pub id: CityId,
    pub name: String,
    pub country: String,
}

/// `twinmatch path` and `GET /api/paths`: the best path's `trust` and
/// `hops` at the top, the alternatives in `paths`, and a message when there
/// is no path.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PathAnswer {
    pub from: Named,
    pub to: Named,
    pub max_hops: usize,
    pub trust: f64,
    pub hops: Vec<crate::graph::Hop>,
    pub paths: Vec<TrustPath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = SuggestionRole)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Mentor,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    pub city: Named,
    /// Mentors for an applicant, applicants for a mentor.
    pub role: Role,
    pub items: Vec<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub city: Named,
    pub score: i64,
    #[serde(flatten)]
    pub pair: PairScore,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("city {0} does not exist")]
    UnknownCity(CityId),
    #[error(
        "{0} has no support request: a plan starts from what the city asks for (file a request first)"
    )]
    NoRequest(String),
    #[error("{0} has neither a support offer nor a support request: there is nothing to suggest")]
    NeitherRole(String),
}

impl Network {
    /// Builds graph and market from a snapshot. O(applicants x graph search).
    pub fn build(snapshot: Snapshot, config: EngineConfig) -> Self {
        Self::build_with_mentorships(snapshot, &[], config)
    }

    /// [`build`](Self::build) with the ties of completed mentorships.
    pub fn build_with_mentorships(
        snapshot: Snapshot,
        mentorships: &[PastMentorship],
        config: EngineConfig,
    ) -> Self {
        use crate::stage::timed;
        let graph = timed(
            "graph",
            |g: &Arc<NetworkGraph>| g.tie_count(),
            || {
                Arc::new(NetworkGraph::build_with_mentorships(
                    &snapshot,
                    &config.trust,
                    mentorships,
                ))
            },
        );
        let market = timed(
            "candidates",
            |m: &Market| m.candidates.len(),
            || Market::build(&snapshot, &graph, config),
        );
        Self {
            snapshot,
            graph,
            market,
        }
    }

    pub fn named(&self, id: CityId) -> Result<Named, EngineError> {
        self.snapshot
            .cities
            .binary_search_by_key(&id, |c| c.id)
            .map(|i| {
                let c = &self.snapshot.cities[i];
                Named {
                    id,
                    name: c.name.as_str().to_string(),
                    country: c.country.to_string(),
                }
            })
            .map_err(|_| EngineError::UnknownCity(id))
    }

    /// The `k` most trusted chains of ties between two cities.
    pub fn paths(
        &self,
        from: CityId,
        to: CityId,
        k: usize,
        max_hops: Option<usize>,
    ) -> Result<PathAnswer, EngineError> {
        let (f, t) = (self.named(from)?, self.named(to)?);
        let max_hops = max_hops.unwrap_or(self.market.config.max_hops);
        let paths = self.graph.k_best_paths(from, to, k.max(1), max_hops);
        let message = match (paths.is_empty(), from == to) {
            (_, true) => Some("the two cities are the same".to_string()),
            (true, _) => Some(format!(
                "no path: {} and {} have no chain of existing ties within {max_hops} hops",
                f.name, t.name
            )),
            _ => None,
        };
        let best = paths.first();
        Ok(PathAnswer {
            trust: best.map_or(0.0, |p| p.trust),
            hops: best.map(|p| p.hops.clone()).unwrap_or_default(),
            from: f,
            to: t,
            max_hops,
            paths,
            message,
        })
    }

    /// Who could help an applicant, or whom a mentor could help.
    pub fn suggestions(&self, city: CityId, n: usize) -> Result<Suggestions, EngineError> {
        let named = self.named(city)?;
        let m = &self.market;
        let (role, pairs) = if m.applicant_index(city).is_some() {
            (Role::Applicant, m.suggestions_for_applicant(city, n))
        } else if m.mentor_index(city).is_some() {
            (Role::Mentor, m.suggestions_for_mentor(city, n))
        } else {
            return Err(EngineError::NeitherRole(named.name));
        };
        let items = pairs
            .into_iter()
            .map(|p| {
                let other = if role == Role::Applicant {
                    p.mentor
                } else {
                    p.applicant
                };
                Ok(Suggestion {
                    city: self.named(other)?,
                    score: p.score,
                    pair: p.clone(),
                })
            })
            .collect::<Result<_, EngineError>>()?;
        Ok(Suggestions {
            city: named,
            role,
            items,
        })
    }

    pub fn round(&self, params: &RunParams) -> Result<Round, crate::matching::assign::AssignError> {
        run_round(&self.market, params)
    }

    /// The staged plan of an applicant. Mentor loads come from `current`,
    /// the assignment in force (until rounds are stored, the caller passes
    /// the engine's default round).
    pub fn plan(
        &self,
        city: CityId,
        current: &Round,
        params: &PlanParams,
    ) -> Result<Plan, EngineError> {
        let pairs: Vec<Pair> = current
            .assignment
            .proposals
            .iter()
            .map(|p| Pair {
                mentor: p.mentor,
                applicant: p.applicant,
            })
            .chain(current.assignment.committed.iter().copied())
            .collect();
        self.plan_with_pairs(city, &pairs, params)
    }

    /// The staged plan of an applicant, with mentor loads counted from the
    /// pairs that hold a slot now.
    pub fn plan_with_pairs(
        &self,
        city: CityId,
        pairs: &[Pair],
        params: &PlanParams,
    ) -> Result<Plan, EngineError> {
        let named = self.named(city)?;
        if self.market.applicant_index(city).is_none() {
            return Err(EngineError::NoRequest(named.name));
        }
        let mut load: BTreeMap<CityId, usize> = BTreeMap::new();
        let mut mine = Vec::new();
        for p in pairs {
            *load.entry(p.mentor).or_default() += 1;
            if p.applicant == city {
                mine.push(p.mentor);
            }
        }
        let paths = self
            .graph
            .best_paths_from(city, self.market.config.max_hops);
        build_plan(&self.market, city, &paths, &load, &mine, params)
            .ok_or(EngineError::NoRequest(named.name))
    }
}
