//! `twinmatch match` (the engine on the database) and `twinmatch solve`
//! (an exchange-format instance).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::app::network::network_now;
use crate::app::runs::{self, Previous, StartRun};
use crate::app::{App, plans};
use crate::domain::{CityId, CountryCode, Snapshot, names::name_key};
use crate::matching::instance::{self, Instance, SolveMode};
use crate::matching::{Market, Mode, Pair, PriorityTiers, Round, RunParams, TierRule};
use crate::store::Override;

/// Finds a city by id ("42") or by "Name, CC" (aliases and accents allowed).
pub fn find_city(net: &Snapshot, spec: &str) -> anyhow::Result<CityId> {
    let spec = spec.trim();
    if let Ok(id) = spec.parse::<i64>() {
        return net
            .cities
            .iter()
            .find(|c| c.id.0 == id)
            .map(|c| c.id)
            .ok_or_else(|| anyhow::anyhow!("no city with id {id}"));
    }
    let (name, cc) = spec
        .rsplit_once(',')
        .ok_or_else(|| anyhow::anyhow!("'{spec}' is neither a city id nor \"Name, CC\""))?;
    let cc = CountryCode::parse(cc).map_err(|e| anyhow::anyhow!("'{spec}': {e}"))?;
    let key = name_key(name);
    net.cities
        .iter()
        .find(|c| c.country == cc && c.name.key() == key)
        .map(|c| c.id)
        .ok_or_else(|| anyhow::anyhow!("no city '{}' in {cc}", name.trim()))
}

fn pairs(net: &Snapshot, specs: &[String], what: &str) -> anyhow::Result<Vec<Pair>> {
    specs
        .iter()
        .map(|s| {
            let (m, a) = s
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("--{what} '{s}': expected MENTOR=APPLICANT"))?;
            Ok(Pair {
                mentor: find_city(net, m)?,
                applicant: find_city(net, a)?,
            })
        })
        .collect()
}

fn tiers(raw: &[String]) -> anyhow::Result<PriorityTiers> {
    raw.iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            serde_json::from_value::<TierRule>(Value::String(t.trim().to_string())).map_err(|_| {
                anyhow::anyhow!(
                    "'{t}' is not a tier (ldc_african, ldc, african, ldc_or_african, any)"
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map(PriorityTiers)
}

/// The pairs of an earlier `match --out FILE.json`.
fn previous_pairs(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path)?)
        .map_err(|e| anyhow::anyhow!("{}: not a round in JSON: {e}", path.display()))?;
    let proposals = v["proposals"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("{}: no \"proposals\" list", path.display()))?;
    proposals
        .iter()
        .map(|p| {
            Ok(Pair {
                mentor: CityId(
                    p["mentor"]
                        .as_i64()
                        .ok_or_else(|| anyhow::anyhow!("a proposal without mentor"))?,
                ),
                applicant: CityId(
                    p["applicant"]
                        .as_i64()
                        .ok_or_else(|| anyhow::anyhow!("a proposal without applicant"))?,
                ),
            })
        })
        .collect()
}

/// A round as JSON, with city names beside the ids.
pub fn round_json(net: &Snapshot, round: &Round) -> Value {
    let name = |id: CityId| {
        net.cities
            .iter()
            .find(|c| c.id == id)
            .map(|c| format!("{}, {}", c.name.as_str(), c.country))
            .unwrap_or_default()
    };
    let a = &round.assignment;
    let mut v = serde_json::to_value(round).expect("a round serialises");
    if let Some(ps) = v["assignment"]["proposals"].as_array_mut() {
        for p in ps {
            let (m, ap) = (
                CityId(p["mentor"].as_i64().unwrap_or(0)),
                CityId(p["applicant"].as_i64().unwrap_or(0)),
            );
            p["mentor_name"] = json!(name(m));
            p["applicant_name"] = json!(name(ap));
        }
    }
    json!({
        "mode": a.mode,
        "summary": {
            "applicants": round.coverage.total.applicants,
            "applicants_covered": a.applicants_covered,
            "max_coverable": round.coverage.max_coverable,
            "pairs": a.pairs,
            "total_score": a.total_score,
            "blocking_pairs": round.blocking_pairs,
            "unmatched": round.unmatched.len(),
        },
        "proposals": v["assignment"]["proposals"],
        "coverage": v["coverage"],
        "unmatched": v["unmatched"],
        "diff": v["diff"],
    })
}

fn round_csv(round_json: &Value) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "mentor_id",
        "mentor",
        "applicant_id",
        "applicant",
        "score",
        "topic_fit",
        "existing_ties",
        "modality_fit",
        "regional_proximity",
        "matched_topics",
        "tie_hops",
        "tie_trust",
        "locked",
        "kept",
    ])?;
    for p in round_json["proposals"].as_array().into_iter().flatten() {
        let e = &p["explanation"];
        let points = |i: usize| e["components"][i]["points"].to_string();
        let topics: Vec<String> = e["matched_topics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| t["slug"].as_str().unwrap_or("").to_string())
            .collect();
        let cells = [
            p["mentor"].to_string(),
            p["mentor_name"].as_str().unwrap_or("").to_string(),
            p["applicant"].to_string(),
            p["applicant_name"].as_str().unwrap_or("").to_string(),
            p["score"].to_string(),
            points(0),
            points(1),
            points(2),
            points(3),
            topics.join(";"),
            e["tie"]["hops"]
                .as_array()
                .map_or(String::new(), |h| h.len().to_string()),
            e["tie"]["trust"]
                .as_f64()
                .map_or(String::new(), |t| format!("{t:.4}")),
            p["locked"].to_string(),
            p["kept"].to_string(),
        ];
        w.write_record(cells.iter().map(|c| crate::domain::csv_cell(c)))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// The problem the engine solved, in the exchange format: candidate pairs
/// with their integer scores, capacities and max_mentors after locks, bans
/// removed; ids are city ids.
pub fn export_instance(market: &Market, params: &RunParams) -> anyhow::Result<Instance> {
    let prepared = crate::matching::assign::prepare(
        market,
        &RunParams {
            mode: Mode::Score,
            prefer_previous: false,
            ..params.clone()
        },
    )?;
    let p = &prepared.problem;
    let topic_slug = |t| {
        market
            .topics
            .get(&t)
            .map(|t| t.slug.as_str().to_string())
            .unwrap_or_default()
    };
    let inst = json!({
        "format": instance::FORMAT,
        "generator": {"name": "twinmatch match --export-instance", "version": 1},
        "themes": market.topics.values().map(|t| t.slug.as_str()).collect::<Vec<_>>(),
        "applicants": market.applicants.iter().zip(&p.applicants).map(|(a, s)| json!({
            "id": a.place.city.0.to_string(),
            "max_mentors": s.max,
            "needs": a.request.needs.iter().map(|n| (topic_slug(n.topic), json!(f64::from(n.priority.get()) / 5.0))).collect::<serde_json::Map<String, Value>>(),
        })).collect::<Vec<_>>(),
        "mentors": market.mentors.iter().zip(&p.mentor_capacity).map(|(m, cap)| json!({
            "id": m.place.city.0.to_string(),
            "capacity": cap,
            "expertise": m.offer.topics.iter().map(|t| (topic_slug(*t), json!(1.0))).collect::<serde_json::Map<String, Value>>(),
        })).collect::<Vec<_>>(),
        "arcs": p.arcs.iter().map(|a| json!([a.applicant, a.mentor, a.score])).collect::<Vec<_>>(),
    });
    Ok(Instance::from_json_str(&inst.to_string())?)
}

/// The pairs `specs` name as locks or bans, each with the reason the
/// command line gives them.
fn overrides(net: &Snapshot, specs: &[String], action: &str) -> anyhow::Result<Vec<Override>> {
    Ok(pairs(net, specs, action)?
        .into_iter()
        .map(|p| Override {
            action: action.to_string(),
            mentor: p.mentor,
            applicant: p.applicant,
            reason: format!("--{action} at the command line"),
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
pub async fn run_match(
    app: &App,
    mode: &str,
    out: Option<PathBuf>,
    export: Option<PathBuf>,
    locks: &[String],
    bans: &[String],
    tier_rules: &[String],
    previous: Option<PathBuf>,
    prefer_previous: bool,
) -> anyhow::Result<ExitCode> {
    let snapshot = app.store.snapshot().await?;
    let command = StartRun {
        mode: Mode::parse(mode).map_err(|e| anyhow::anyhow!(e))?,
        tiers: tiers(tier_rules)?,
        weights: Default::default(),
        locks: overrides(&snapshot, locks, "lock")?,
        bans: overrides(&snapshot, bans, "ban")?,
        prefer_previous,
        previous: Previous::Pairs(
            previous
                .as_deref()
                .map(previous_pairs)
                .transpose()?
                .unwrap_or_default(),
        ),
        skip_removals: true,
        name: None,
    };
    let solved = runs::solve(app, &command).await?;
    let (round, market, params) = (&solved.round, &solved.network.market, &solved.params);
    let net = &solved.network.snapshot;
    let report = round_json(net, round);
    if let Some(path) = &export {
        instance::write_instance_file(&export_instance(market, params)?, path)?;
        eprintln!("wrote the solved problem to {}", path.display());
    }
    match out {
        Some(path)
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            std::fs::write(&path, round_csv(&report)?)?;
            eprintln!(
                "wrote {} proposals to {}",
                round.assignment.pairs,
                path.display()
            );
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"summary": report["summary"], "coverage": report["coverage"], "unmatched": report["unmatched"]})
                )?
            );
        }
        Some(path) => {
            std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
            eprintln!("wrote the round to {}", path.display());
            println!("{}", serde_json::to_string_pretty(&report["summary"])?);
        }
        None => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_solve(path: &Path, mode: &str, pairs_out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mode: SolveMode = mode.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let started = std::time::Instant::now();
    let inst = Instance::read_file(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let seconds_load = started.elapsed().as_secs_f64();
    let report = instance::solve_instance(&inst, mode)?;
    if let Some(out) = pairs_out {
        std::fs::write(out, serde_json::to_string(&report.pairs_out(&inst))?)?;
    }
    let mut line = serde_json::to_value(&report)?;
    line["seconds_load"] = json!(seconds_load);
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

pub async fn run_path(
    app: &App,
    from: &str,
    to: &str,
    k: usize,
    max_hops: usize,
) -> anyhow::Result<ExitCode> {
    let network = network_now(app).await?;
    let (from, to) = (
        find_city(&network.snapshot, from)?,
        find_city(&network.snapshot, to)?,
    );
    let answer = network.paths(from, to, k, Some(max_hops))?;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(ExitCode::SUCCESS)
}

pub async fn run_plan(app: &App, city: &str) -> anyhow::Result<ExitCode> {
    let city = find_city(&app.store.snapshot().await?, city)?;
    let plan = plans::plan_of(app, city).await?;
    println!("{}", serde_json::to_string_pretty(&plan)?);
    Ok(ExitCode::SUCCESS)
}
