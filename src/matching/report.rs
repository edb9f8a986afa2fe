//! Coverage of a round: how many applicants got a mentor, by region, LDC
//! and African status and priority tier, against the most that could be
//! covered under the same locks and bans.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::assign::{AssignError, Assignment, Mode, PriorityTiers, RunParams, prepare};
use super::flow;
use super::score::Market;
use crate::domain::CityId;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CoverageRow {
    pub group: String,
    pub applicants: usize,
    pub covered: usize,
    /// Mentors asked for (sum of max_mentors) and pairs proposed.
    pub mentors_asked: usize,
    pub pairs: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Coverage {
    pub total: CoverageRow,
    /// The most applicants any assignment could cover (same locks and bans).
    pub max_coverable: usize,
    pub by_region: Vec<CoverageRow>,
    pub by_ldc: Vec<CoverageRow>,
    pub by_african: Vec<CoverageRow>,
    pub by_tier: Vec<CoverageRow>,
}

/// Summarises `assignment`; solves one more b-matching for `max_coverable`.
pub fn coverage(
    market: &Market,
    params: &RunParams,
    assignment: &Assignment,
) -> Result<Coverage, AssignError> {
    let mut pairs_of: BTreeMap<CityId, usize> = BTreeMap::new();
    let committed = assignment.committed.iter().map(|p| p.applicant);
    for applicant in assignment
        .proposals
        .iter()
        .map(|p| p.applicant)
        .chain(committed)
    {
        *pairs_of.entry(applicant).or_default() += 1;
    }
    let mut groups: BTreeMap<(u8, String), CoverageRow> = BTreeMap::new();
    let mut total = CoverageRow {
        group: "all".into(),
        applicants: 0,
        covered: 0,
        mentors_asked: 0,
        pairs: 0,
    };
    for a in &market.applicants {
        let p = &a.place;
        let tier = params.tiers.tier(p.is_ldc, p.is_african);
        let tier_name = match params.tiers.0.get(tier) {
            Some(rule) => format!(
                "tier {}: {}",
                tier + 1,
                serde_json::to_value(rule)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
            None => format!("tier {}: rest", tier + 1),
        };
        let keys = [
            (0, p.region.label().to_string()),
            (
                1,
                if p.is_ldc {
                    "LDC".into()
                } else {
                    "not LDC".into()
                },
            ),
            (
                2,
                if p.is_african {
                    "African".into()
                } else {
                    "not African".into()
                },
            ),
            (3, tier_name),
        ];
        let n = pairs_of.get(&p.city).copied().unwrap_or(0);
        let count = |row: &mut CoverageRow| {
            row.applicants += 1;
            row.covered += usize::from(n > 0);
            row.mentors_asked += usize::from(a.request.max_mentors);
            row.pairs += n;
        };
        for k in keys {
            let group = k.1.clone();
            count(groups.entry(k).or_insert(CoverageRow {
                group,
                applicants: 0,
                covered: 0,
                mentors_asked: 0,
                pairs: 0,
            }));
        }
        count(&mut total);
    }
    let pick = |i: u8| {
        groups
            .iter()
            .filter(|((k, _), _)| *k == i)
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>()
    };
    Ok(Coverage {
        total,
        max_coverable: max_coverable(market, params)?,
        by_region: pick(0),
        by_ldc: pick(1),
        by_african: pick(2),
        by_tier: pick(3),
    })
}

/// The most applicants with at least one mentor, under the run's locks and bans.
pub fn max_coverable(market: &Market, params: &RunParams) -> Result<usize, AssignError> {
    let single_tier = RunParams {
        mode: Mode::Coverage,
        tiers: PriorityTiers(vec![]),
        prefer_previous: false,
        ..params.clone()
    };
    let prepared = prepare(market, &single_tier)?;
    let solution =
        flow::solve(&prepared.problem).map_err(|e| AssignError::TooLarge(e.to_string()))?;
    let mut covered: BTreeSet<usize> = params
        .committed
        .iter()
        .filter_map(|p| market.applicant_index(p.applicant))
        .collect();
    covered.extend(
        prepared
            .locked
            .iter()
            .map(|&ci| market.candidates[ci].applicant),
    );
    covered.extend(
        solution
            .chosen
            .iter()
            .map(|&arc| market.candidates[prepared.arc_candidate[arc as usize]].applicant),
    );
    Ok(covered.len())
}
