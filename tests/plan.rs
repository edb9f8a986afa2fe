//! Capacity-building plans and the engine routes (paths, plans,
//! suggestions), on a tiny hand-made network and on the real one.

mod common;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use twinmatch::domain::CityId;
use twinmatch::engine::Network;
use twinmatch::matching::EngineConfig;
use twinmatch::matching::plan::{PlanParams, Readiness, StageStatus, build_plan};
use twinmatch::store::import;

async fn tiny_with(extra: &[(&str, &str)]) -> (common::TestDb, Network) {
    let db = common::sqlite().await;
    import::import(db.store.as_ref(), &common::tiny_network())
        .await
        .unwrap();
    if !extra.is_empty() {
        let files: Vec<_> = extra.iter().map(|(n, t)| common::file(n, t)).collect();
        import::import(db.store.as_ref(), &files).await.unwrap();
    }
    let net = Network::build(db.store.snapshot().await.unwrap(), EngineConfig::default());
    (db, net)
}

fn id_of(net: &Network, name: &str) -> CityId {
    net.snapshot
        .cities
        .iter()
        .find(|c| c.name.as_str() == name)
        .unwrap()
        .id
}

const EVIDENCE: &str = "city,country_iso2,topic,kind,year,level,source\n";
const OFFERS: &str = "city,country_iso2,topics,capacity,languages,modalities,available_from,available_until,note,source\n";

#[tokio::test]
async fn a_plan_lists_the_requested_topics_first_then_the_other_areas_in_order() {
    let (_db, net) = tiny_with(&[(
        "evidence.csv",
        &format!("{EVIDENCE}Beira,MZ,involve,self_assessment,,5,t\n"),
    )])
    .await;
    let beira = id_of(&net, "Beira");
    let plan = build_plan(
        &net.market,
        beira,
        &net.graph.best_paths_from(beira, 3),
        &BTreeMap::new(),
        &[],
        &PlanParams::default(),
    )
    .expect("Beira has a request");
    let slugs: Vec<&str> = plan.stages.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "plan",
            "esd",
            "involve",
            "celebrate",
            "make-accessible",
            "monitor-evaluate",
            "fund"
        ],
        "plan (priority 5) and esd (2) first, then the other areas"
    );
    let status: Vec<StageStatus> = plan.stages.iter().map(|s| s.status).collect();
    assert_eq!(
        status[0],
        StageStatus::Needed,
        "plan is requested with priority 5"
    );
    assert_eq!(
        status[2],
        StageStatus::Done,
        "own self-assessment 5 in involve covers it"
    );
    assert_eq!(status[3], StageStatus::Suggested);
    assert!(
        plan.stages[2].lead.is_none(),
        "a done stage needs no mentor"
    );
    // Lisbon offers 'plan' in Portuguese and is twinned with Beira.
    let lead = plan.stages[0]
        .lead
        .as_ref()
        .expect("Lisbon leads the plan stage");
    assert_eq!(lead.name, "Lisbon");
    assert_eq!(lead.path.as_ref().map(|p| p.hops.len()), Some(1));
    let sum: i64 = lead.explanation.components.iter().map(|c| c.points).sum();
    assert_eq!(
        sum, lead.score,
        "stage explanations have the pair shape and sum to the score"
    );
    assert!(!plan.without_ties);
    // nobody offers ESD in Portuguese
    assert!(plan.stages[1].lead.is_none() && plan.stages[1].note.is_some());
    let readiness: BTreeMap<&str, Readiness> =
        plan.readiness.iter().map(|r| (r.item, r.status)).collect();
    assert_eq!(readiness["coordinating_structure"], Readiness::Done);
    assert_eq!(readiness["learning_city_plan"], Readiness::NotYet);
    assert_eq!(readiness["mayor_commitment"], Readiness::NotRecorded);
}

#[tokio::test]
async fn a_full_mentor_is_an_alternate_not_a_lead_and_the_plan_says_so() {
    let (_db, net) = tiny_with(&[]).await;
    let (beira, lisbon) = (id_of(&net, "Beira"), id_of(&net, "Lisbon"));
    let load = BTreeMap::from([(lisbon, 2usize)]);
    let plan = build_plan(
        &net.market,
        beira,
        &net.graph.best_paths_from(beira, 3),
        &load,
        &[],
        &PlanParams::default(),
    )
    .unwrap();
    let stage = &plan.stages[0];
    assert!(stage.lead.is_none());
    assert!(
        stage
            .alternates
            .iter()
            .any(|a| a.mentor == lisbon && a.full)
    );
    assert!(
        stage.note.as_deref().unwrap().contains("full"),
        "{:?}",
        stage.note
    );
    // ... unless the applicant is already one of Lisbon's mentees.
    let plan = build_plan(
        &net.market,
        beira,
        &net.graph.best_paths_from(beira, 3),
        &load,
        &[lisbon],
        &PlanParams::default(),
    )
    .unwrap();
    assert_eq!(plan.stages[0].lead.as_ref().map(|l| l.mentor), Some(lisbon));
}

#[tokio::test]
async fn stages_reuse_an_earlier_mentor_when_the_loss_in_fit_is_small() {
    // Bristol also offers 'plan' and 'fund' in Portuguese, with an award;
    // Lisbon offers only 'plan'. With a generous tolerance one mentor leads both.
    let offers = format!("{OFFERS}Bristol,GB,plan;fund,2,pt;en,training,,,,t\n");
    let two = "city,country_iso2,needs,max_mentors,languages,modalities,note,source\n\
               Beira,MZ,plan:5;esd:2,2,pt,training,,t\n";
    let (_db, net) = tiny_with(&[("offers.csv", &offers), ("requests.csv", two)]).await;
    let beira = id_of(&net, "Beira");
    let paths = net.graph.best_paths_from(beira, 3);
    let leads = |tolerance: f64| {
        let p = build_plan(
            &net.market,
            beira,
            &paths,
            &BTreeMap::new(),
            &[],
            &PlanParams {
                reuse_tolerance: tolerance,
                ..PlanParams::default()
            },
        )
        .unwrap();
        (
            p.distinct_mentors,
            p.stages
                .iter()
                .filter_map(|s| s.lead.as_ref().map(|l| l.name.clone()))
                .collect::<Vec<_>>(),
        )
    };
    let (strict_n, _) = leads(0.0);
    let (loose_n, loose) = leads(1.0);
    assert!(loose_n <= strict_n);
    assert_eq!(loose_n, 1, "{loose:?}");
}

#[tokio::test]
async fn a_plan_keeps_to_the_mentors_asked_for_and_starts_from_the_published_round() {
    // Bristol and Fez offer other areas in Portuguese; Beira asks for one mentor.
    let offers = format!(
        "{OFFERS}Bristol,GB,plan;celebrate;fund,2,pt,training,,,,t\n\
         Fez,MA,make-accessible;monitor-evaluate,2,pt,training,,,,t\n"
    );
    let (_db, net) = tiny_with(&[("offers.csv", &offers)]).await;
    let (beira, bristol) = (id_of(&net, "Beira"), id_of(&net, "Bristol"));
    let paths = net.graph.best_paths_from(beira, 3);
    let plan_with = |current: &[CityId]| {
        build_plan(
            &net.market,
            beira,
            &paths,
            &BTreeMap::new(),
            current,
            &PlanParams::default(),
        )
        .unwrap()
    };
    let leads = |plan: &twinmatch::matching::plan::Plan| {
        plan.stages
            .iter()
            .filter_map(|s| s.lead.as_ref().map(|l| l.mentor))
            .collect::<std::collections::BTreeSet<_>>()
    };

    let alone = plan_with(&[]);
    assert_eq!(
        leads(&alone).len(),
        1,
        "one mentor asked for, one in the plan"
    );
    let unled: Vec<&str> = alone
        .stages
        .iter()
        .filter(|s| s.lead.is_none() && s.status != StageStatus::Done)
        .map(|s| s.slug.as_str())
        .collect();
    assert!(!unled.is_empty());
    assert!(
        alone
            .stages
            .iter()
            .filter(|s| s.lead.is_none() && s.status != StageStatus::Done)
            .all(|s| s.note.is_some()),
        "each stage without a lead says why: {unled:?}"
    );

    // Bristol is Beira's mentor in the published round: it leads every
    // stage it offers, says so, and is the plan's one mentor.
    let from_round = plan_with(&[bristol]);
    assert_eq!(leads(&from_round), [bristol].into_iter().collect());
    for slug in ["plan", "celebrate", "fund"] {
        let stage = from_round.stages.iter().find(|s| s.slug == slug).unwrap();
        let lead = stage.lead.as_ref().expect("Bristol leads what it offers");
        assert!(lead.proposed, "{slug}: the lead is the round's mentor");
    }
}

struct Api {
    app: axum::Router,
    _db: common::TestDb,
}

impl Api {
    async fn real() -> Self {
        let db = common::sqlite().await;
        common::load_everything(db.store.as_ref()).await;
        Self {
            app: twinmatch::server::app(db.store.clone()),
            _db: db,
        }
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let res = self
            .app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn id(&self, q: &str, cc: &str) -> i64 {
        self.get(&format!("/api/cities?q={q}&country={cc}")).await.1["items"][0]["id"]
            .as_i64()
            .unwrap()
    }
}

#[tokio::test]
async fn the_paths_route_returns_hops_and_says_when_there_is_no_path() {
    let api = Api::real().await;
    let (beira, bristol) = (api.id("beira", "MZ").await, api.id("bristol", "GB").await);
    let (status, body) = api
        .get(&format!("/api/paths?from={beira}&to={bristol}&k=2"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["hops"].as_array().unwrap().len(), 1);
    assert_eq!(body["hops"][0]["relation"]["type"], "twin_link");
    assert!(body["paths"].as_array().unwrap().len() <= 2);
    let kabul = api.id("kabul", "AF").await;
    let (_, none) = api
        .get(&format!("/api/paths?from={kabul}&to={bristol}&max_hops=1"))
        .await;
    assert_eq!(none["hops"], Value::Array(vec![]));
    assert!(none["message"].as_str().unwrap().starts_with("no path"));
    assert_eq!(
        api.get(&format!("/api/paths?from={beira}&to=999999"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/api/paths?from={beira}")).await.1["error"]["field"],
        "to"
    );
    assert_eq!(
        api.get(&format!("/api/paths?from={beira}&to={bristol}&k=0"))
            .await
            .1["error"]["field"],
        "k"
    );
}

#[tokio::test]
async fn plans_are_for_cities_with_a_request_and_suggestions_for_either_side() {
    let api = Api::real().await;
    let applicant = api.get("/api/cities?status=applicant&per_page=1").await.1["items"][0]["id"]
        .as_i64()
        .unwrap();
    let (status, plan) = api.get(&format!("/api/cities/{applicant}/plan")).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let stages = plan["stages"].as_array().unwrap();
    assert!(stages.len() >= 6);
    assert!(
        stages[0]["priority"].is_u64(),
        "the plan starts with what the applicant asked for: {}",
        stages[0]
    );
    assert_eq!(plan["readiness"].as_array().unwrap().len(), 5);

    let bristol = api.id("bristol", "GB").await;
    let (status, body) = api.get(&format!("/api/cities/{bristol}/plan")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no support request")
    );
    assert_eq!(
        api.get("/api/cities/999999/plan").await.0,
        StatusCode::NOT_FOUND
    );

    let (_, s) = api
        .get(&format!("/api/cities/{applicant}/suggestions?n=3"))
        .await;
    assert_eq!(s["role"], "applicant");
    let scores: Vec<i64> = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["score"].as_i64().unwrap())
        .collect();
    assert!(
        !scores.is_empty() && scores.len() <= 3 && scores.windows(2).all(|w| w[0] >= w[1]),
        "{scores:?}"
    );
    let mentor = s["items"][0]["city"]["id"].as_i64().unwrap();
    let (_, m) = api.get(&format!("/api/cities/{mentor}/suggestions")).await;
    assert_eq!(m["role"], "mentor");
    let beira = api.id("beira", "MZ").await;
    let (status, body) = api.get(&format!("/api/cities/{beira}/suggestions")).await;
    assert!(
        status == StatusCode::CONFLICT || body["role"] == "applicant",
        "{body}"
    );
    assert_eq!(
        api.get(&format!("/api/cities/{applicant}/suggestions?n=0"))
            .await
            .1["error"]["field"],
        "n"
    );
}
