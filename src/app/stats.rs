//! The figures of the network: counts, coverage of the round in force
//! (`runs::current`), and mentor load.

use serde::Serialize;

use super::policy::Reader;
use super::{App, AppResult, runs};
use crate::matching::report::CoverageRow;
use crate::store::{MentorLoad, Paging, RunQuery, Stats, StoredRun};

/// What `/api/stats` answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatsView {
    #[serde(flatten)]
    pub counts: Stats,
    pub runs: i64,
    /// Coverage of the round in force (for the secretariat, before the
    /// first publication, of the latest draft; null before the first run).
    pub coverage: Option<RunCoverage>,
    pub mentor_load: Vec<MentorLoad>,
}

/// The figures as `reader` may see them: an unpublished run's coverage is
/// the secretariat's, like the run.
pub async fn stats(app: &App, reader: Reader) -> AppResult<StatsView> {
    let db = app.store.as_ref();
    let all = db
        .list_runs(RunQuery {
            paging: Paging::one(),
            ..Default::default()
        })
        .await?;
    let coverage = runs::current(app, reader).await?.as_ref().map(coverage_of);
    Ok(StatsView {
        counts: db.stats().await?,
        runs: all.total,
        coverage,
        mentor_load: db.mentor_loads().await?,
    })
}

/// The coverage of a run as `/api/stats` shows it: the summary's
/// coverage without the tiers, with the run's id and state.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RunCoverage {
    pub run: i64,
    pub published: bool,
    #[schema(value_type = Object)]
    pub total: CoverageRow,
    pub max_coverable: usize,
    #[schema(value_type = Vec<Object>)]
    pub by_region: Vec<CoverageRow>,
    #[schema(value_type = Vec<Object>)]
    pub by_ldc: Vec<CoverageRow>,
    #[schema(value_type = Vec<Object>)]
    pub by_african: Vec<CoverageRow>,
}

/// The coverage a run's summary holds, with the run's id and state.
pub fn coverage_of(run: &StoredRun) -> RunCoverage {
    let c = &run.summary.coverage;
    RunCoverage {
        run: run.id,
        published: run.published_at.is_some(),
        total: c.total.clone(),
        max_coverable: c.max_coverable,
        by_region: c.by_region.clone(),
        by_ldc: c.by_ldc.clone(),
        by_african: c.by_african.clone(),
    }
}
