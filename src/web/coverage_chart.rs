//! A coverage chart drawn on the server: one bar per group as long as its
//! applicants, the covered part filled, the figures written beside it (so
//! colour is never the only cue), and the same figures as a table.

use maud::{Markup, html};

use super::i18n::Tr;
use super::latest::Row;

const WIDTH: f64 = 640.0;
const BAR: f64 = 420.0;
const ROW: f64 = 46.0;

/// The name of a coverage group in the reader's language.
pub fn group_label(tr: Tr, group: &str) -> String {
    let key = match group {
        "all" => "overview.group_all",
        "Africa" => "overview.region_africa",
        "Arab States" => "overview.region_arab_states",
        "Asia and the Pacific" => "overview.region_asia_pacific",
        "Europe and North America" => "overview.region_europe_north_america",
        "Latin America and the Caribbean" => "overview.region_latin_america_caribbean",
        "LDC" => "overview.group_ldc",
        "not LDC" => "overview.group_not_ldc",
        "African" => "overview.group_african",
        "not African" => "overview.group_not_african",
        other => return other.to_string(),
    };
    tr.t(key).to_string()
}

/// A figure with the bar chart of `rows` and, in a details, its table.
/// `id` makes the chart's element ids unique on the page.
pub fn chart(tr: Tr, id: &str, title: &str, rows: &[Row]) -> Markup {
    let max = rows.iter().map(|r| r.applicants).max().unwrap_or(0).max(1) as f64;
    let height = 30.0 + ROW * rows.len() as f64;
    let title_id = format!("chart-{id}-title");
    let desc_id = format!("chart-{id}-desc");
    let summary: Vec<String> = rows
        .iter()
        .map(|r| {
            tr.f(
                "overview.chart_row",
                &[
                    ("group", &group_label(tr, &r.group)),
                    ("covered", &r.covered),
                    ("applicants", &r.applicants),
                ],
            )
        })
        .collect();
    html! {
        figure class="figure" {
            svg class="chart coverage-chart" role="img" viewBox={ "0 0 " (WIDTH) " " (height) }
                width=(WIDTH) height=(height) aria-labelledby={ (title_id) " " (desc_id) } {
                title id=(title_id) { (title) }
                desc id=(desc_id) { (summary.join("; ")) }
                // Legend
                rect class="bar-covered" x="0" y="4" width="14" height="14" {}
                text x="20" y="16" { (tr.t("overview.legend_covered")) }
                rect class="bar-applicants" x="200" y="4" width="14" height="14" {}
                text x="220" y="16" { (tr.t("overview.legend_not_covered")) }
                @for (i, r) in rows.iter().enumerate() {
                    @let y = 30.0 + ROW * i as f64;
                    @let full = BAR * r.applicants as f64 / max;
                    @let covered = BAR * r.covered as f64 / max;
                    text x="0" y=(y + 14.0) { (group_label(tr, &r.group)) }
                    rect class="bar-applicants" x="0" y=(y + 20.0) width=(fmt(full)) height="16" {}
                    rect class="bar-covered" x="0" y=(y + 20.0) width=(fmt(covered)) height="16" {}
                    text x=(fmt(full + 8.0)) y=(y + 33.0) {
                        (tr.f("overview.chart_value", &[("covered", &r.covered), ("applicants", &r.applicants)]))
                    }
                }
            }
            figcaption { (title) }
        }
        details class="details" {
            summary { (tr.t("overview.show_table")) }
            div class="details-text table-wrap" {
                (table(tr, title, rows))
            }
        }
    }
}

/// The figures of a chart.
pub fn table(tr: Tr, caption: &str, rows: &[Row]) -> Markup {
    html! {
        table class="table" {
            caption class="caption" { (caption) }
            thead {
                tr {
                    th scope="col" { (tr.t("overview.col_group")) }
                    th scope="col" class="num" { (tr.t("overview.col_applicants")) }
                    th scope="col" class="num" { (tr.t("overview.col_covered")) }
                    th scope="col" class="num" { (tr.t("overview.col_mentors_asked")) }
                    th scope="col" class="num" { (tr.t("overview.col_pairs")) }
                }
            }
            tbody {
                @for r in rows {
                    tr {
                        th scope="row" { (group_label(tr, &r.group)) }
                        td class="num" { (r.applicants) }
                        td class="num" { (r.covered) }
                        td class="num" { (r.mentors_asked) }
                        td class="num" { (r.pairs) }
                    }
                }
            }
        }
    }
}

/// A coordinate with one decimal.
pub fn fmt(x: f64) -> String {
    format!("{x:.1}")
}
