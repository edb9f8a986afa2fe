//! The latest matching round a reader may see (the secretariat sees runs
//! not yet published; everybody else the latest published one), and its
//! coverage, or a preview of a default round when none has been run.

use serde::Deserialize;
use serde_json::Value;

use super::error::WebError;
use super::session::Viewer;
use crate::app::App;
use crate::app::runs::{self, StartRun};
use crate::app::stats::{coverage_in, coverage_of};
use crate::store::StoredRun;

/// The latest run `viewer` may see.
pub async fn run(state: &App, viewer: &Viewer) -> Result<Option<StoredRun>, WebError> {
    Ok(runs::latest_visible(state, viewer.reader()).await?)
}

/// One group of a coverage summary.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Row {
    pub group: String,
    pub applicants: usize,
    pub covered: usize,
    pub mentors_asked: usize,
    pub pairs: usize,
}

/// Coverage as the overview and the exports show it.
pub struct Coverage {
    /// The run it comes from; `None` for a preview.
    pub run: Option<StoredRun>,
    pub total: Option<Row>,
    pub max_coverable: Option<usize>,
    pub by_region: Vec<Row>,
    pub by_ldc: Vec<Row>,
    pub by_african: Vec<Row>,
    /// For a preview: a run exists, but the reader may not see it yet.
    pub unpublished_exists: bool,
}

impl Coverage {
    fn from_value(run: Option<StoredRun>, v: &Value) -> Self {
        let rows =
            |key: &str| -> Vec<Row> { serde_json::from_value(v[key].clone()).unwrap_or_default() };
        Coverage {
            total: serde_json::from_value(v["total"].clone()).ok(),
            max_coverable: v["max_coverable"].as_u64().map(|n| n as usize),
            by_region: rows("by_region"),
            by_ldc: rows("by_ldc"),
            by_african: rows("by_african"),
            unpublished_exists: false,
            run,
        }
    }

    /// Every row with the kind of group it belongs to.
    pub fn rows(&self) -> Vec<(&'static str, &Row)> {
        let mut out: Vec<(&'static str, &Row)> = Vec::new();
        out.extend(self.total.iter().map(|r| ("all", r)));
        out.extend(self.by_region.iter().map(|r| ("region", r)));
        out.extend(self.by_ldc.iter().map(|r| ("ldc", r)));
        out.extend(self.by_african.iter().map(|r| ("african", r)));
        out
    }
}

/// The coverage of `run` (the latest a reader may see), or, before any, of
/// a default coverage-mode round solved now on the network as it is.
pub async fn coverage(state: &App, run: Option<StoredRun>) -> Result<Coverage, WebError> {
    match run {
        Some(run) => {
            let v = coverage_of(&run);
            Ok(Coverage::from_value(Some(run), &v))
        }
        None => {
            let any = runs::any_exists(state).await?;
            let solved = runs::solve(state, &StartRun::default()).await?;
            let mut coverage = Coverage::from_value(None, &coverage_in(&solved.summary()));
            coverage.unpublished_exists = any;
            Ok(coverage)
        }
    }
}
