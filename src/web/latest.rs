//! The round a page shows unless asked for another (the published round in
//! force; before the first publication, the secretariat's latest draft),
//! and its coverage, or a preview of a default round when none has been run.

use super::error::WebError;
use super::session::Viewer;
use crate::app::App;
use crate::app::runs::{self, StartRun};
use crate::store::{RunSummary, StoredRun};

/// The round `viewer` sees by default (`runs::current`).
pub async fn run(state: &App, viewer: &Viewer) -> Result<Option<StoredRun>, WebError> {
    Ok(runs::current(state, viewer.reader()).await?)
}

/// One group of a coverage summary.
pub use crate::matching::report::CoverageRow as Row;

/// Coverage as the overview and the exports show it.
pub struct Coverage {
    /// The run it comes from; `None` for a preview.
    pub run: Option<StoredRun>,
    pub total: Row,
    pub max_coverable: usize,
    pub by_region: Vec<Row>,
    pub by_ldc: Vec<Row>,
    pub by_african: Vec<Row>,
    /// For a preview: a run exists, but the reader may not see it yet.
    pub unpublished_exists: bool,
}

impl Coverage {
    fn of(run: Option<StoredRun>, summary: &RunSummary) -> Self {
        let c = &summary.coverage;
        Coverage {
            total: c.total.clone(),
            max_coverable: c.max_coverable,
            by_region: c.by_region.clone(),
            by_ldc: c.by_ldc.clone(),
            by_african: c.by_african.clone(),
            unpublished_exists: false,
            run,
        }
    }

    /// Every row with the kind of group it belongs to.
    pub fn rows(&self) -> Vec<(&'static str, &Row)> {
        let mut out: Vec<(&'static str, &Row)> = vec![("all", &self.total)];
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
            let summary = run.summary.clone();
            Ok(Coverage::of(Some(run), &summary))
        }
        None => {
            let any = runs::any_exists(state).await?;
            // A preview shows coverage: no "what if removed" for it.
            let preview = StartRun {
                skip_removals: true,
                ..StartRun::default()
            };
            let solved = runs::solve(state, &preview).await?;
            let mut coverage = Coverage::of(None, &solved.summary());
            coverage.unpublished_exists = any;
            Ok(coverage)
        }
    }
}
