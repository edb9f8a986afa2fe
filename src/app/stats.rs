//! The figures of the network: counts, coverage of the latest round a
//! reader may see, and mentor load.

use serde::Serialize;
use serde_json::{Value, json};

use super::policy::Reader;
use super::{App, AppResult, runs};
use crate::store::{MentorLoad, Paging, RunQuery, Stats, StoredRun};

/// What `/api/stats` answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatsView {
    #[serde(flatten)]
    pub counts: Stats,
    pub runs: i64,
    /// Coverage of the latest run (null before the first run).
    pub coverage: Value,
    pub mentor_load: Vec<MentorLoad>,
}

/// The figures as `reader` may see them: an unpublished run's coverage is
/// the secretariat's, like the run.
pub async fn stats(app: &App, reader: Reader) -> AppResult<StatsView> {
    let db = app.store.as_ref();
    let all = db
        .list_runs(RunQuery {
            published_only: false,
            paging: Paging {
                page: 1,
                per_page: 1,
            },
        })
        .await?;
    let coverage = runs::latest_visible(app, reader)
        .await?
        .as_ref()
        .map_or(Value::Null, coverage_of);
    Ok(StatsView {
        counts: db.stats().await?,
        runs: all.total,
        coverage,
        mentor_load: db.mentor_loads().await?,
    })
}

/// The coverage a run's summary holds, with the run's id and state.
pub fn coverage_of(run: &StoredRun) -> Value {
    let mut coverage = coverage_in(&run.summary);
    coverage["run"] = json!(run.id);
    coverage["published"] = json!(run.published_at.is_some());
    coverage
}

/// The coverage part of a run's summary (stored, or of a round not stored).
pub fn coverage_in(summary: &Value) -> Value {
    json!({
        "total": summary["coverage"]["total"],
        "max_coverable": summary["coverage"]["max_coverable"],
        "by_region": summary["coverage"]["by_region"],
        "by_ldc": summary["coverage"]["by_ldc"],
        "by_african": summary["coverage"]["by_african"],
    })
}
