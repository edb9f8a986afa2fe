//! The store contract: one walk through every `Store` method, run on SQLite
//! and (when `TWINMATCH_TEST_POSTGRES_URL` is set) on PostgreSQL.

mod common;

use twinmatch::domain::{
    CityId, CityStatus, CountryCode, EvidenceFact, LinkKind, Region, TopicKind,
};
use twinmatch::store::import::{self, ImportError};
use twinmatch::store::{
    CityKey, CityQuery, CitySort, ImportPlan, LinkQuery, NewLink, Paging, Store, StoreError,
};

async fn city_named(store: &dyn Store, q: &str) -> twinmatch::domain::City {
    let page = store
        .list_cities(&CityQuery {
            name_contains: Some(q.to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "exactly one city matches '{q}'");
    page.items.into_iter().next().unwrap()
}

async fn walk_the_contract(store: &dyn Store) {
    assert!(store.schema_version().await.unwrap() >= 1);
    assert!(store.is_empty().await.unwrap(), "a fresh database is empty");
    assert_eq!(
        store.list_topics().await.unwrap().len(),
        13,
        "migrations seed the topics"
    );

    // apply_import (through the importer) and what it reports
    let report = import::import(store, &common::tiny_network())
        .await
        .unwrap();
    let w = &report.written;
    assert_eq!((w.countries, w.cities, w.partners, w.aliases), (4, 5, 2, 1));
    assert_eq!(
        (w.links, w.memberships, w.evidence, w.offers, w.requests),
        (3, 1, 6, 1, 1)
    );
    assert_eq!(
        report.duplicate_rows, 2,
        "Fès repeats Fez, Coimbra-Fez repeats Fes-Coimbra"
    );
    assert_eq!(report.unresolved_names, vec!["Coimbra, PT".to_string()]);
    assert!(!store.is_empty().await.unwrap());

    // name_index
    let index = store.name_index().await.unwrap();
    let key = |cc: &str, k: &str| CityKey {
        country: CountryCode::parse(cc).unwrap(),
        name_key: k.into(),
    };
    assert!(index.cities.contains_key(&key("MA", "fez")));
    assert_eq!(
        index.aliases.get(&key("MA", "fes")),
        Some(&key("MA", "fez"))
    );
    assert_eq!(index.countries.len(), 4);

    // countries and topics
    let codes: Vec<_> = store
        .list_countries()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code.to_string())
        .collect();
    assert_eq!(codes, ["GB", "MA", "MZ", "PT"]);
    let stages: Vec<u8> = store
        .list_topics()
        .await
        .unwrap()
        .iter()
        .filter_map(|t| match t.kind {
            TopicKind::AreaOfAction { stage } => Some(stage),
            TopicKind::Cluster => None,
        })
        .collect();
    assert_eq!(stages, [1, 2, 3, 4, 5, 6]);

    // list_cities: filters, sorting, paging
    let names = |q: CityQuery| async move {
        store
            .list_cities(&q)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.name.as_str().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(CityQuery {
            status: Some("member"),
            ..Default::default()
        })
        .await,
        ["Bristol", "Fez", "Lisbon"]
    );
    assert_eq!(
        names(CityQuery {
            region: Some(Region::Africa),
            ..Default::default()
        })
        .await,
        ["Beira"]
    );
    assert_eq!(
        names(CityQuery {
            african: Some(true),
            ..Default::default()
        })
        .await,
        ["Beira", "Fez"]
    );
    assert_eq!(
        names(CityQuery {
            ldc: Some(true),
            ..Default::default()
        })
        .await,
        ["Beira"]
    );
    assert_eq!(
        names(CityQuery {
            country: Some(CountryCode::parse("PT").unwrap()),
            ..Default::default()
        })
        .await,
        ["Coimbra", "Lisbon"]
    );
    assert_eq!(
        names(CityQuery {
            sort: CitySort::Name,
            descending: true,
            paging: Paging {
                page: 2,
                per_page: 2
            },
            ..Default::default()
        })
        .await,
        ["Coimbra", "Bristol"]
    );
    let page = store
        .list_cities(&CityQuery {
            paging: Paging {
                page: 3,
                per_page: 2,
            },
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (5, 1));

    // get_city
    let beira = city_named(store, "beira").await;
    assert_eq!(
        beira.status,
        CityStatus::Applicant,
        "a partner with a request becomes an applicant"
    );
    assert_eq!(store.get_city(beira.id).await.unwrap(), beira);
    assert!(matches!(
        store.get_city(CityId(999_999)).await,
        Err(StoreError::NotFound { .. })
    ));
    let fez = city_named(store, "fez").await;
    assert_eq!(
        fez.status,
        CityStatus::Member {
            year_joined: Some(2024)
        }
    );
    assert_eq!(
        fez.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        ["ar"],
        "the country's languages by default"
    );

    // list_twin_links
    let links = |q: LinkQuery| async move { store.list_twin_links(&q).await.unwrap() };
    let of_beira = links(LinkQuery {
        city: Some(beira.id),
        ..Default::default()
    })
    .await;
    assert_eq!(of_beira.total, 2);
    let mut partners: Vec<_> = of_beira
        .items
        .iter()
        .map(|l| {
            if l.city_a.id == beira.id {
                l.city_b.name.clone()
            } else {
                l.city_a.name.clone()
            }
        })
        .collect();
    partners.sort();
    assert_eq!(partners, ["Bristol", "Lisbon"]);
    assert_eq!(
        links(LinkQuery {
            country: Some(CountryCode::parse("PT").unwrap()),
            ..Default::default()
        })
        .await
        .total,
        2
    );
    assert_eq!(
        links(LinkQuery {
            kind: Some(LinkKind::Twinning),
            ..Default::default()
        })
        .await
        .total,
        3
    );
    assert_eq!(
        links(LinkQuery {
            active: Some(false),
            ..Default::default()
        })
        .await
        .total,
        0
    );
    assert_eq!(
        links(LinkQuery {
            paging: Paging {
                page: 2,
                per_page: 2
            },
            ..Default::default()
        })
        .await
        .items
        .len(),
        1
    );

    // memberships, evidence, offer, request
    let lisbon = city_named(store, "lisbon").await;
    let ms = store.memberships_of(lisbon.id).await.unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].period.to_string(), "2019-2021");
    let bristol = city_named(store, "bristol").await;
    let facts: Vec<_> = store
        .evidence_of(bristol.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.fact)
        .collect();
    assert_eq!(
        facts,
        [
            EvidenceFact::NetworkYears { since: 2016 },
            EvidenceFact::LearningCityAward { year: 2019 }
        ]
    );
    let offer = store
        .offer_of(lisbon.id)
        .await
        .unwrap()
        .expect("Lisbon offers support");
    assert_eq!(
        (
            offer.capacity.get(),
            offer.topics.len(),
            offer.languages.len()
        ),
        (2, 2, 2)
    );
    assert!(store.offer_of(beira.id).await.unwrap().is_none());
    assert_eq!(store.list_offers().await.unwrap(), vec![offer.clone()]);
    assert_eq!(
        store
            .list_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.city)
            .collect::<Vec<_>>(),
        vec![beira.id]
    );
    let request = store
        .request_of(beira.id)
        .await
        .unwrap()
        .expect("Beira asks for support");
    assert_eq!(
        request.needs.iter().map(|n| n.priority.get()).max(),
        Some(5)
    );
    assert_eq!(request.max_mentors, 1);

    // stats and snapshot agree
    let stats = store.stats().await.unwrap();
    assert_eq!(
        (
            stats.cities,
            stats.members,
            stats.applicants,
            stats.partners,
            stats.countries
        ),
        (5, 3, 1, 1, 4)
    );
    assert_eq!(
        (
            stats.twin_links,
            stats.topics,
            stats.offers,
            stats.requests,
            stats.evidence
        ),
        (3, 13, 1, 1, 6)
    );
    let snap = store.snapshot().await.unwrap();
    assert_eq!(
        (
            snap.cities.len(),
            snap.links.len(),
            snap.evidence.len(),
            snap.memberships.len()
        ),
        (5, 3, 6, 1)
    );
    assert_eq!(
        (
            snap.offers.len(),
            snap.requests.len(),
            snap.countries.len(),
            snap.topics.len()
        ),
        (1, 1, 4, 13)
    );
    assert!(
        snap.cities.windows(2).all(|w| w[0].id < w[1].id),
        "snapshot is ordered by id"
    );

    // idempotence: the same files again change nothing
    let again = import::import(store, &common::tiny_network())
        .await
        .unwrap();
    assert_eq!(
        again.written.cities + again.written.links + again.written.evidence + again.written.offers,
        0
    );
    assert_eq!(store.stats().await.unwrap(), stats);

    // all or nothing: a plan that fails half-way writes nothing
    let bad = ImportPlan {
        links: vec![
            NewLink {
                a: key("MZ", "beira"),
                b: key("MA", "fez"),
                kind: LinkKind::Friendship,
                year_signed: None,
                active: true,
                source: "t".into(),
            },
            NewLink {
                a: key("MZ", "beira"),
                b: key("MZ", "atlantis"),
                kind: LinkKind::Twinning,
                year_signed: None,
                active: true,
                source: "t".into(),
            },
        ],
        ..ImportPlan::default()
    };
    assert!(matches!(
        store.apply_import(&bad).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store.stats().await.unwrap(),
        stats,
        "the first link of a failed plan was rolled back"
    );

    // and a bad row is reported, not written
    let err = import::import(
        store,
        &[common::file("twin_links.csv", "city_a,country_a_iso2,city_b,country_b_iso2,source\nBeira,MZ,Maputo,MZ,t\nBeira,MZ,Beira,MZ,t\n")],
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ImportError::BadRows(ref rows) if rows.len() == 1 && rows[0].line == 3));
    assert_eq!(store.stats().await.unwrap(), stats);
}

#[tokio::test]
async fn every_store_method_behaves_the_same_on_every_backend() {
    for db in common::every_backend().await {
        eprintln!("store contract on {:?}", db.store.backend());
        walk_the_contract(db.store.as_ref()).await;
    }
}
