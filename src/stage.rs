//! Stages of a round (and of an import) as `tracing` spans named `stage`,
//! with a `stage` name and a `size` (what the stage produced: candidates,
//! pairs, rows). Any subscriber sees them; [`StageReport`] prints each one
//! as it closes, with its time and the process's peak memory so far, when
//! `TWINMATCH_STAGES=1` (what `scripts/bench-world.sh` reads).

use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// Runs `f` inside a `stage` span and records `size(&result)`.
pub fn timed<T>(name: &'static str, size: impl FnOnce(&T) -> usize, f: impl FnOnce() -> T) -> T {
    let span = tracing::info_span!("stage", stage = name, size = tracing::field::Empty);
    let out = span.in_scope(f);
    span.record("size", size(&out) as u64);
    out
}

/// [`timed`] for an async stage.
pub async fn timed_async<T, F: std::future::Future<Output = T>>(
    name: &'static str,
    size: impl FnOnce(&T) -> usize,
    f: F,
) -> T {
    use tracing::Instrument;
    let span = tracing::info_span!("stage", stage = name, size = tracing::field::Empty);
    let out = f.instrument(span.clone()).await;
    span.record("size", size(&out) as u64);
    out
}

/// A layer printing `stage NAME size=N seconds=S peak_mb=M` to stderr as
/// each stage closes.
pub struct StageReport;

struct Timing {
    name: String,
    size: Option<u64>,
    started: Instant,
}

struct Fields<'a>(&'a mut Timing);

impl Visit for Fields<'_> {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "size" {
            self.0.size = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "stage" {
            self.0.name = value.to_string();
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// Peak resident memory of this process in MiB (Linux; 0 elsewhere).
pub fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

impl<S> tracing_subscriber::Layer<S> for StageReport
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "stage" {
            return;
        }
        let mut timing = Timing {
            name: String::new(),
            size: None,
            started: Instant::now(),
        };
        attrs.record(&mut Fields(&mut timing));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(timing);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(timing) = span.extensions_mut().get_mut::<Timing>()
        {
            values.record(&mut Fields(timing));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(t) = span.extensions().get::<Timing>()
        {
            eprintln!(
                "stage {} size={} seconds={:.3} peak_mb={:.0}",
                t.name,
                t.size.unwrap_or(0),
                t.started.elapsed().as_secs_f64(),
                peak_mib()
            );
        }
    }
}
