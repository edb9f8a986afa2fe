//! A city's neighbourhood in the network, two hops out over its twin links
//! and past mentorships, drawn as an SVG on the server: the city in the
//! centre, its direct ties on the inner ring, theirs on the outer ring.
//! Mentors (cities with an offer) are blue squares, applicants red
//! triangles, others grey circles: shape and colour both tell. A list of
//! the ties is the text alternative.

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::PI;

use maud::{Markup, PreEscaped, html};
use petgraph::visit::EdgeRef;

use super::i18n::Tr;
use crate::domain::CityId;
use crate::engine::Network;
use crate::graph::Relation;

/// At most this many cities around the centre are drawn.
pub const MAX_NODES: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mentor,
    Applicant,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieKind {
    Link,
    Mentorship,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: CityId,
    pub name: String,
    pub kind: Kind,
    /// 1 or 2 hops from the centre.
    pub ring: u8,
    /// The city it is reached through (the centre for ring 1).
    pub via: CityId,
    pub tie: TieKind,
}

#[derive(Debug, Clone)]
pub struct Hood {
    pub centre: CityId,
    pub centre_kind: Kind,
    pub nodes: Vec<Node>,
    /// Cities within two hops that are not drawn.
    pub left_out: usize,
}

fn kind_of(net: &Network, c: CityId) -> Kind {
    if net.market.mentor_index(c).is_some() {
        Kind::Mentor
    } else if net.market.applicant_index(c).is_some() {
        Kind::Applicant
    } else {
        Kind::Other
    }
}

/// The ties of `city` that are twin links or mentorships: neighbour ->
/// (strongest trust, kind).
fn ties(net: &Network, city: CityId) -> BTreeMap<CityId, (f64, TieKind)> {
    let g = net.graph.graph();
    let mut out: BTreeMap<CityId, (f64, TieKind)> = BTreeMap::new();
    let Some(n) = g.node_indices().find(|&n| g[n] == city) else {
        return out;
    };
    for e in g.edges(n) {
        let kind = match e.weight().relation {
            Relation::TwinLink { .. } => TieKind::Link,
            Relation::PastMentorship { .. } => TieKind::Mentorship,
            Relation::SharedCluster { .. } => continue,
        };
        let other = if e.source() == n {
            g[e.target()]
        } else {
            g[e.source()]
        };
        let trust = e.weight().trust;
        let entry = out.entry(other).or_insert((trust, kind));
        entry.0 = entry.0.max(trust);
        if kind == TieKind::Mentorship {
            entry.1 = kind;
        }
    }
    out
}

/// The cities two hops around `city`, at most `cap` of them: the direct
/// ties first (mentors first, then by trust), then theirs.
pub fn around(net: &Network, city: CityId, cap: usize) -> Hood {
    let name = |c: CityId| {
        net.named(c)
            .map_or_else(|_| c.to_string(), |n| format!("{}, {}", n.name, n.country))
    };
    let mut first: Vec<(CityId, f64, TieKind)> = ties(net, city)
        .into_iter()
        .map(|(c, (t, k))| (c, t, k))
        .collect();
    first.sort_by(|a, b| {
        let ma = kind_of(net, a.0) == Kind::Mentor;
        let mb = kind_of(net, b.0) == Kind::Mentor;
        mb.cmp(&ma).then(b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0))
    });
    let mut seen: BTreeSet<CityId> = first.iter().map(|f| f.0).collect();
    seen.insert(city);
    let mut second: Vec<Node> = Vec::new();
    for (via, _, _) in &first {
        let mut next: Vec<(CityId, f64, TieKind)> = ties(net, *via)
            .into_iter()
            .filter(|(c, _)| !seen.contains(c))
            .map(|(c, (t, k))| (c, t, k))
            .collect();
        next.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (c, _, k) in next {
            seen.insert(c);
            second.push(Node {
                id: c,
                name: name(c),
                kind: kind_of(net, c),
                ring: 2,
                via: *via,
                tie: k,
            });
        }
    }
    let total = first.len() + second.len();
    let mut nodes: Vec<Node> = first
        .iter()
        .take(cap)
        .map(|(c, _, k)| Node {
            id: *c,
            name: name(*c),
            kind: kind_of(net, *c),
            ring: 1,
            via: city,
            tie: *k,
        })
        .collect();
    let shown: BTreeSet<CityId> = nodes.iter().map(|n| n.id).collect();
    let room = cap.saturating_sub(nodes.len());
    // Mentors two hops out matter most to an applicant: draw them first.
    second.sort_by_key(|n| n.kind != Kind::Mentor);
    nodes.extend(
        second
            .into_iter()
            .filter(|n| shown.contains(&n.via))
            .take(room),
    );
    Hood {
        centre: city,
        centre_kind: kind_of(net, city),
        left_out: total - nodes.len(),
        nodes,
    }
}

const SIZE: f64 = 640.0;
const C: f64 = SIZE / 2.0;
const R1: f64 = 150.0;
const R2: f64 = 280.0;

fn shape(kind: Kind, x: f64, y: f64, r: f64, extra: &str) -> String {
    match kind {
        Kind::Mentor => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" class="hood-mentor{extra}"/>"#,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        Kind::Applicant => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" class="hood-applicant{extra}"/>"#,
            x,
            y - r * 1.2,
            x - r * 1.1,
            y + r * 0.8,
            x + r * 1.1,
            y + r * 0.8
        ),
        Kind::Other => {
            format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" class="hood-other{extra}"/>"#)
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The picture, its legend and the list of ties.
pub fn render(tr: Tr, centre_name: &str, hood: &Hood) -> Markup {
    if hood.nodes.is_empty() {
        return html! { p class="body" { (tr.t("city.hood_empty")) } };
    }
    let ring1: Vec<&Node> = hood.nodes.iter().filter(|n| n.ring == 1).collect();
    let ring2: Vec<&Node> = hood.nodes.iter().filter(|n| n.ring == 2).collect();
    let mut pos: BTreeMap<CityId, (f64, f64)> = BTreeMap::new();
    pos.insert(hood.centre, (C, C));
    let place = |i: usize, n: usize, r: f64| {
        let a = -PI / 2.0 + 2.0 * PI * (i as f64) / (n.max(1) as f64);
        (C + r * a.cos(), C + r * a.sin())
    };
    for (i, n) in ring1.iter().enumerate() {
        pos.insert(n.id, place(i, ring1.len(), R1));
    }
    // Outer ring in the order of the inner cities they hang from.
    let order: BTreeMap<CityId, usize> = ring1.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut outer = ring2.clone();
    outer.sort_by_key(|n| order.get(&n.via).copied().unwrap_or(usize::MAX));
    for (i, n) in outer.iter().enumerate() {
        pos.insert(n.id, place(i, outer.len(), R2));
    }
    let mut svg = String::new();
    for n in &hood.nodes {
        let (Some(a), Some(b)) = (pos.get(&n.via), pos.get(&n.id)) else {
            continue;
        };
        let class = match n.tie {
            TieKind::Link => "hood-tie",
            TieKind::Mentorship => "hood-tie hood-tie-mentorship",
        };
        svg.push_str(&format!(
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" class="{class}"/>"#,
            a.0, a.1, b.0, b.1
        ));
    }
    svg.push_str(&shape(hood.centre_kind, C, C, 16.0, " hood-centre"));
    for n in &hood.nodes {
        let (x, y) = pos[&n.id];
        let r = if n.ring == 1 { 9.0 } else { 6.0 };
        svg.push_str(&format!(
            "<g><title>{}</title>{}</g>",
            esc(&n.name),
            shape(n.kind, x, y, r, "")
        ));
        if n.ring == 1 && ring1.len() <= 16 {
            let anchor = if x < C - 1.0 {
                "end"
            } else if x > C + 1.0 {
                "start"
            } else {
                "middle"
            };
            let dx = if anchor == "end" {
                -13.0
            } else if anchor == "start" {
                13.0
            } else {
                0.0
            };
            let dy = if anchor == "middle" { -14.0 } else { 4.0 };
            let short = n.name.split(',').next().unwrap_or(&n.name);
            svg.push_str(&format!(
                r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" class="hood-label">{}</text>"#,
                x + dx,
                y + dy,
                esc(short)
            ));
        }
    }
    let label = tr.f(
        "city.hood_label",
        &[
            ("city", &centre_name),
            ("near", &ring1.len()),
            ("far", &ring2.len()),
        ],
    );
    let kind_key = |k: Kind| match k {
        Kind::Mentor => "city.hood_mentor",
        Kind::Applicant => "city.hood_applicant",
        Kind::Other => "city.hood_other",
    };
    let tie_key = |k: TieKind| match k {
        TieKind::Link => "city.hood_link",
        TieKind::Mentorship => "city.hood_mentorship",
    };
    html! {
        figure class="figure" {
            svg class="chart hood" viewBox={ "0 0 " (SIZE) " " (SIZE) } width="640" height="640"
                role="img" aria-labelledby="hood-title" {
                title id="hood-title" { (label) }
                (PreEscaped(svg))
            }
            figcaption {
                (label)
                @if hood.left_out > 0 { " " (tr.f("city.hood_left_out", &[("n", &hood.left_out)])) }
            }
        }
        ul class="list-plain hood-legend" {
            li { svg class="legend-key" viewBox="0 0 12 12" aria-hidden="true" { rect x="1" y="1" width="10" height="10" class="hood-mentor" {} } (tr.t("city.hood_mentor_key")) }
            li { svg class="legend-key" viewBox="0 0 12 12" aria-hidden="true" { polygon points="6,0 12,11 0,11" class="hood-applicant" {} } (tr.t("city.hood_applicant_key")) }
            li { svg class="legend-key" viewBox="0 0 12 12" aria-hidden="true" { circle cx="6" cy="6" r="5" class="hood-other" {} } (tr.t("city.hood_other_key")) }
            li { (tr.t("city.hood_dashed_key")) }
        }
        details class="details" {
            summary { span { (tr.t("city.hood_list")) } }
            div class="details-text" {
                ul class="list" {
                    @for n in &ring1 {
                        li {
                            a href={ "/cities/" (n.id) } { (n.name) }
                            " — " (tr.t(tie_key(n.tie))) ", " (tr.t(kind_key(n.kind)))
                            @let children: Vec<&&Node> = ring2.iter().filter(|m| m.via == n.id).collect();
                            @if !children.is_empty() {
                                ul class="list" {
                                    @for m in children {
                                        li {
                                            a href={ "/cities/" (m.id) } { (m.name) }
                                            " — " (tr.t(tie_key(m.tie))) ", " (tr.t(kind_key(m.kind)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
