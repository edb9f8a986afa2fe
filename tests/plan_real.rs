//! Capacity-building plans of every applicant of the real network with the
//! demo sample, against the default coverage round as the assignment in
//! force: stage order, leads that have room, explanations that add up,
//! introductions through twin links, plans without ties, determinism.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use twinmatch::domain::CityId;
use twinmatch::engine::Network;
use twinmatch::graph::Relation;
use twinmatch::matching::plan::{Plan, PlanParams, StageMentor, StageStatus};
use twinmatch::matching::{EngineConfig, Round, RunParams};

const AREAS: [&str; 6] = [
    "plan",
    "involve",
    "celebrate",
    "make-accessible",
    "monitor-evaluate",
    "fund",
];

/// The real network, the engine on it and its default round.
struct Real {
    _db: common::TestDb,
    net: Network,
    round: Round,
}

async fn real() -> Real {
    let db = common::sqlite().await;
    common::load_everything(db.store.as_ref()).await;
    let net = Network::build(db.store.snapshot().await.unwrap(), EngineConfig::default());
    let round = net.round(&RunParams::default()).unwrap();
    Real {
        _db: db,
        net,
        round,
    }
}

impl Real {
    fn name(&self, id: CityId) -> String {
        let c = self.net.named(id).unwrap();
        format!("{} ({})", c.name, c.country)
    }

    fn plan(&self, applicant: CityId) -> Plan {
        self.net
            .plan(applicant, &self.round, &PlanParams::default())
            .unwrap_or_else(|e| panic!("{}: {e}", self.name(applicant)))
    }

    /// Every applicant with its plan, in id order.
    fn plans(&self) -> Vec<Plan> {
        self.net
            .market
            .applicants
            .iter()
            .map(|a| self.plan(a.place.city))
            .collect()
    }
}

fn leads(plan: &Plan) -> impl Iterator<Item = &StageMentor> {
    plan.stages.iter().filter_map(|s| s.lead.as_ref())
}

#[tokio::test]
async fn every_real_applicant_gets_ordered_stages_free_leads_and_explanations_that_add_up() {
    let real = real().await;
    let market = &real.net.market;
    let mut load: BTreeMap<CityId, usize> = BTreeMap::new();
    let mut held: BTreeSet<(CityId, CityId)> = BTreeSet::new();
    for p in &real.round.assignment.proposals {
        *load.entry(p.mentor).or_default() += 1;
        held.insert((p.applicant, p.mentor));
    }
    let capacity = |m: CityId| {
        let i = market.mentor_index(m).expect("a lead is a mentor");
        usize::from(market.mentors[i].offer.capacity.get())
    };
    let full_mentors = load.iter().filter(|(m, n)| **n >= capacity(**m)).count();
    assert!(
        full_mentors > 0,
        "the check below is vacuous if no mentor is full in the default round"
    );

    let (mut stages, mut with_lead, mut full_alternates, mut held_full_leads) = (0, 0, 0, 0);
    for (applicant, plan) in market.applicants.iter().zip(real.plans()) {
        let who = real.name(plan.applicant);
        assert_eq!(plan.applicant, applicant.place.city);

        let slugs: Vec<&str> = plan.stages.iter().map(|s| s.slug.as_str()).collect();
        let requested: BTreeMap<_, _> = applicant
            .request
            .needs
            .iter()
            .map(|n| (n.topic, n.priority.get()))
            .collect();
        // What it asked for first, by decreasing priority; then the areas
        // of action it did not ask for, in the Guidelines' order.
        let asked = requested.len();
        assert_eq!(
            plan.stages[..asked]
                .iter()
                .map(|s| s.topic)
                .collect::<BTreeSet<_>>(),
            requested.keys().copied().collect::<BTreeSet<_>>(),
            "{who}: the requested topics first, {slugs:?}"
        );
        let priorities: Vec<u8> = plan.stages[..asked]
            .iter()
            .map(|s| s.priority.unwrap())
            .collect();
        assert!(
            priorities.windows(2).all(|w| w[0] >= w[1]),
            "{who}: by decreasing priority, {slugs:?} {priorities:?}"
        );
        let rest: Vec<&str> = slugs[asked..].to_vec();
        let areas_left: Vec<&str> = AREAS
            .iter()
            .copied()
            .filter(|a| !slugs[..asked].contains(a))
            .collect();
        assert_eq!(rest, areas_left, "{who}: then the other areas, in order");
        let leads: BTreeSet<CityId> = plan
            .stages
            .iter()
            .filter_map(|s| s.lead.as_ref().map(|l| l.mentor))
            .collect();
        assert!(
            leads.len() <= usize::from(applicant.request.max_mentors),
            "{who}: {} lead mentors for a request of at most {}",
            leads.len(),
            applicant.request.max_mentors
        );
        assert_eq!(plan.distinct_mentors, leads.len(), "{who}");

        for (i, stage) in plan.stages.iter().enumerate() {
            let at = format!("{who}, stage {} '{}'", stage.order, stage.slug);
            assert_eq!(stage.order, i + 1, "{at}");
            assert_eq!(stage.priority, requested.get(&stage.topic).copied(), "{at}");
            if stage.status == StageStatus::Done {
                assert!(stage.lead.is_none() && stage.alternates.is_empty(), "{at}");
                continue;
            }
            stages += 1;
            assert_eq!(
                stage.status == StageStatus::Needed,
                stage.priority.is_some(),
                "{at}: needed exactly when requested"
            );
            let Some(lead) = &stage.lead else {
                assert!(stage.note.is_some(), "{at}: no lead and no note saying why");
                continue;
            };
            with_lead += 1;
            let holds = held.contains(&(plan.applicant, lead.mentor));
            assert_eq!(lead.proposed, holds, "{at}: the round's own mentors say so");
            let carried = load.get(&lead.mentor).copied().unwrap_or(0);
            assert!(
                holds || carried < capacity(lead.mentor),
                "{at}: lead {} carries {carried} of {} in the round",
                lead.name,
                capacity(lead.mentor)
            );
            held_full_leads += usize::from(holds && carried >= capacity(lead.mentor));
            assert!(!lead.full, "{at}: a lead is never marked full");
            assert_eq!(
                lead.explanation
                    .components
                    .iter()
                    .map(|c| c.points)
                    .sum::<i64>(),
                lead.score,
                "{at}: the lead's explanation sums to its score"
            );
            assert!(
                stage.alternates.iter().all(|a| a.mentor != lead.mentor),
                "{at}: an alternate repeats the lead {}",
                lead.name
            );
            for alternate in &stage.alternates {
                let holds = held.contains(&(plan.applicant, alternate.mentor));
                let carried = load.get(&alternate.mentor).copied().unwrap_or(0);
                assert_eq!(
                    alternate.full,
                    !holds && carried >= capacity(alternate.mentor),
                    "{at}: alternate {} is marked full exactly when it has no room for it",
                    alternate.name
                );
                full_alternates += usize::from(alternate.full);
            }
        }
    }
    println!(
        "{} applicants, {stages} open stages, {with_lead} with a lead; {full_mentors} mentors \
         full in the default round, {full_alternates} full alternates, {held_full_leads} leads \
         that are full but already hold the applicant",
        market.applicants.len()
    );
    assert!(with_lead > 0);
}

#[tokio::test]
async fn some_real_applicant_is_introduced_to_a_lead_through_its_own_twin_link() {
    let real = real().await;
    let (plan, lead) = real
        .plans()
        .into_iter()
        .find_map(|plan| {
            let lead = leads(&plan)
                .find(|l| l.path.as_ref().is_some_and(|p| p.hops.len() == 1))
                .cloned();
            lead.map(|l| (plan, l))
        })
        .expect("some applicant is twinned with one of its leads");
    let hop = &lead.path.as_ref().unwrap().hops[0];
    assert!(
        matches!(hop.relation, Relation::TwinLink { .. }),
        "{} -> {}: {hop:?}",
        plan.name,
        lead.name
    );
    assert!(!plan.without_ties);
    let answer = real
        .net
        .paths(plan.applicant, lead.mentor, 1, None)
        .unwrap();
    assert_eq!(answer.hops.len(), 1);
    assert_eq!(answer.message, None);
    println!(
        "{} is twinned with {}, its lead for some stage",
        real.name(plan.applicant),
        real.name(lead.mentor)
    );
}

#[tokio::test]
async fn a_real_applicant_tied_to_no_mentor_gets_a_plan_without_ties_and_no_path_to_its_leads() {
    let real = real().await;
    let max_hops = real.net.market.config.max_hops;
    let mentors: BTreeSet<CityId> = real
        .net
        .market
        .mentors
        .iter()
        .map(|m| m.place.city)
        .collect();
    let untied: Vec<CityId> = real
        .net
        .market
        .applicants
        .iter()
        .map(|a| a.place.city)
        .filter(|&a| {
            let reach = real.net.graph.best_paths_from(a, max_hops);
            mentors.iter().all(|m| !reach.contains_key(m))
        })
        .collect();
    println!(
        "applicants tied to no mentor within {max_hops} hops: {:?}",
        untied.iter().map(|a| real.name(*a)).collect::<Vec<_>>()
    );
    let mut checked = 0;
    for applicant in untied {
        let plan = real.plan(applicant);
        assert!(plan.without_ties, "{}", plan.name);
        for lead in leads(&plan) {
            assert_eq!(lead.path, None);
            let answer = real.net.paths(applicant, lead.mentor, 3, None).unwrap();
            assert!(answer.hops.is_empty() && answer.paths.is_empty());
            let message = answer.message.unwrap_or_default();
            assert!(message.starts_with("no path"), "{message}");
            checked += 1;
        }
    }
    assert!(checked > 0, "some untied applicant has a lead");
}

#[tokio::test]
async fn real_plans_are_deterministic() {
    let first = real().await;
    let second = real().await;
    assert_eq!(first.round, second.round);
    let plans = first.plans();
    assert_eq!(plans, second.plans(), "same input, same plans");
    assert_eq!(plans, first.plans(), "and again on the same engine");
    assert_eq!(
        serde_json::to_string(&plans).unwrap(),
        serde_json::to_string(&second.plans()).unwrap()
    );
}
