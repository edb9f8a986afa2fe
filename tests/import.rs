//! Import of the real network data: counts, name resolution through the
//! alias table, idempotence, adding new links, and all-or-nothing failure.

mod common;

use std::process::Command;

use twinmatch::domain::{CityStatus, CountryCode};
use twinmatch::store::import::{self, ImportError, read_dir};
use twinmatch::store::{CityQuery, LinkQuery, Store};

async fn cities_named(store: &dyn Store, q: &str) -> Vec<(String, String, CityStatus)> {
    store
        .list_cities(&CityQuery {
            name_contains: Some(q.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| (c.name.as_str().to_string(), c.country.to_string(), c.status))
        .collect()
}

const LINK_HEADER: &str = "city_a,country_a_iso2,city_b,country_b_iso2,source\n";

#[tokio::test]
async fn the_real_network_loads_with_more_than_800_cities_2000_links_and_170_countries() {
    for db in common::every_backend().await {
        let files = read_dir(&common::fixtures("gnlc")).unwrap();
        let report = import::import(db.store.as_ref(), &files).await.unwrap();
        let stats = db.store.stats().await.unwrap();
        assert!(stats.cities > 800, "{stats:?}");
        assert!(stats.members >= 200, "{stats:?}");
        assert!(stats.twin_links > 2000, "{stats:?}");
        assert!(stats.countries > 170, "{stats:?}");
        assert_eq!(stats.evidence as u64, report.written.evidence);
        assert!(
            report.written.partners > 1000,
            "twin-link ends outside the list become partners"
        );
    }
}

#[tokio::test]
async fn spelling_variants_resolve_to_one_city_within_its_country() {
    let db = common::sqlite().await;
    let store = db.store.as_ref();
    let report = import::import(store, &read_dir(&common::fixtures("gnlc")).unwrap())
        .await
        .unwrap();

    // Fez / Fes / Fès: one member city; its Coimbra link counted once.
    assert_eq!(
        cities_named(store, "fez").await,
        [(
            "Fez".into(),
            "MA".into(),
            CityStatus::Member {
                year_joined: Some(2024)
            }
        )]
    );
    let fes_in_morocco: Vec<_> = cities_named(store, "fes")
        .await
        .into_iter()
        .filter(|(_, cc, _)| cc == "MA")
        .collect();
    assert_eq!(
        fes_in_morocco.len(),
        1,
        "no separate Fes in Morocco: {fes_in_morocco:?}"
    );
    assert_eq!(
        fes_in_morocco[0].0, "Fez",
        "a search for the alias finds the city"
    );
    assert!(
        report
            .resolved_through_aliases
            .keys()
            .any(|k| k == "Fes, MA -> Fez, MA")
    );
    // Marrakech / Marrakesh
    assert_eq!(cities_named(store, "marrake").await.len(), 1);
    // Jubail Industrial City / Jubail
    assert_eq!(cities_named(store, "jubail").await.len(), 1);
    // Laâyoune: coded MA by its source, placed in Western Sahara
    assert_eq!(cities_named(store, "laayoune").await[0].1, "EH");

    let fez = store
        .list_cities(&CityQuery {
            name_contains: Some("fez".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let links = store
        .list_twin_links(&LinkQuery {
            city: Some(fez),
            paging: twinmatch::store::Paging {
                page: 1,
                per_page: 500,
            },
            ..Default::default()
        })
        .await
        .unwrap();
    let coimbra = links
        .items
        .iter()
        .filter(|l| l.city_a.name == "Coimbra" || l.city_b.name == "Coimbra")
        .count();
    assert_eq!(coimbra, 1, "Fes-Coimbra and Coimbra-Fez are one link");
}

#[tokio::test]
async fn names_match_only_within_their_country() {
    let db = common::sqlite().await;
    let store = db.store.as_ref();
    import::import(store, &common::tiny_network())
        .await
        .unwrap();
    // "Fes" is an alias in Morocco only: a Fes in Portugal is another city.
    let report = import::import(
        store,
        &[common::file(
            "twin_links.csv",
            &format!("{LINK_HEADER}Fes,PT,Lisbon,PT,t\n"),
        )],
    )
    .await
    .unwrap();
    assert_eq!(report.unresolved_names, ["Fes, PT"]);
    assert!(report.resolved_through_aliases.is_empty());
    let fes: Vec<_> = cities_named(store, "fes").await;
    assert_eq!(
        fes,
        [
            ("Fes".into(), "PT".into(), CityStatus::Partner),
            (
                "Fez".into(),
                "MA".into(),
                CityStatus::Member {
                    year_joined: Some(2024)
                }
            )
        ],
        "a new city in Portugal; the search also finds Fez through its alias"
    );
}

#[tokio::test]
async fn importing_the_real_data_twice_changes_nothing() {
    for db in common::every_backend().await {
        let files = read_dir(&common::fixtures("gnlc")).unwrap();
        import::import(db.store.as_ref(), &files).await.unwrap();
        let before = db.store.stats().await.unwrap();
        let again = import::import(db.store.as_ref(), &files).await.unwrap();
        let w = &again.written;
        assert_eq!(
            w.countries + w.cities + w.aliases + w.links + w.memberships + w.evidence + w.promoted,
            0,
            "{w:?}"
        );
        assert!(w.already_present > 3000);
        assert_eq!(db.store.stats().await.unwrap(), before);
    }
}

#[tokio::test]
async fn a_file_of_new_twin_links_adds_exactly_the_new_links_and_reports_unresolved_names() {
    let db = common::sqlite().await;
    let store = db.store.as_ref();
    import::import(store, &read_dir(&common::fixtures("gnlc")).unwrap())
        .await
        .unwrap();
    let before = store.stats().await.unwrap();
    let text = format!(
        "{LINK_HEADER}Tema,GH,Greenwich,GB,known link again\n\
         BEIRA,MZ,Fès,MA,new link between known cities (case and accents differ)\n\
         Beira,MZ,Atlantis,GR,new link to a city nobody lists\n"
    );
    let report = import::import(store, &[common::file("twin_links.csv", &text)])
        .await
        .unwrap();
    assert_eq!(report.written.links, 2);
    assert_eq!(report.written.already_present, 1);
    assert_eq!(report.unresolved_names, ["Atlantis, GR"]);
    assert_eq!(
        report.resolved_through_aliases.get("Fès, MA -> Fez, MA"),
        Some(&1)
    );
    let after = store.stats().await.unwrap();
    assert_eq!(after.twin_links, before.twin_links + 2);
    assert_eq!(after.cities, before.cities + 1);
}

#[tokio::test]
async fn a_file_with_bad_rows_changes_nothing_and_reports_every_bad_row() {
    for db in common::every_backend().await {
        let store = db.store.as_ref();
        import::import(store, &read_dir(&common::fixtures("gnlc")).unwrap())
            .await
            .unwrap();
        let before = store.stats().await.unwrap();
        let text = format!(
            "{LINK_HEADER}Beira,MZ,Timbuktu,ML,a good new row\n\
             Beira,XX,Bristol,GB,unknown country\n\
             Beira,MZ,Beira,MZ,self link\n\
             Beira,MZ,Bristol\n\
             Beira,MZ,Bristol,G1,not a code\n"
        );
        let err = import::import(store, &[common::file("twin_links.csv", &text)])
            .await
            .unwrap_err();
        let ImportError::BadRows(rows) = err else {
            panic!("expected bad rows, got {err}")
        };
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6], "{rows:?}");
        assert!(
            rows[0].reason.contains("unknown country code XX"),
            "{}",
            rows[0].reason
        );
        assert!(rows[1].reason.contains("itself"), "{}", rows[1].reason);
        assert!(
            rows[2].reason.contains("malformed line"),
            "{}",
            rows[2].reason
        );
        assert!(rows.iter().all(|r| r.file == "twin_links.csv"));
        assert_eq!(
            store.stats().await.unwrap(),
            before,
            "the good row was not written either"
        );
    }
}

#[tokio::test]
async fn evidence_for_an_unknown_city_is_a_bad_row() {
    let db = common::sqlite().await;
    import::import(db.store.as_ref(), &common::tiny_network())
        .await
        .unwrap();
    let err = import::import(
        db.store.as_ref(),
        &[common::file(
            "awards.csv",
            "year,city,country_iso2,source\n2024,Bristol,GB,ok\n2024,Atlantis,PT,nobody\n",
        )],
    )
    .await
    .unwrap_err();
    let ImportError::BadRows(rows) = err else {
        panic!("expected bad rows")
    };
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].file.as_str(), rows[0].line), ("awards.csv", 3));
    assert!(rows[0].reason.contains("unknown city"));
}

#[tokio::test]
async fn offers_come_from_members_and_requests_from_non_members() {
    let db = common::sqlite().await;
    import::import(db.store.as_ref(), &common::tiny_network())
        .await
        .unwrap();
    let err = import::import(
        db.store.as_ref(),
        &[
            common::file(
                "offers.csv",
                "city,country_iso2,topics,capacity,languages,modalities,available_from,available_until,note,source\n\
                 Beira,MZ,plan,2,pt,training,,,,t\nBristol,GB,plan,0,en,training,,,,t\nBristol,GB,plan,2,en,telepathy,,,,t\n",
            ),
            common::file("requests.csv", "city,country_iso2,needs,max_mentors,languages,modalities,note,source\nBristol,GB,plan:3,1,en,,,t\n"),
        ],
    )
    .await
    .unwrap_err();
    let ImportError::BadRows(rows) = err else {
        panic!("expected bad rows")
    };
    let reasons: Vec<_> = rows
        .iter()
        .map(|r| format!("{}:{} {}", r.file, r.line, r.reason))
        .collect();
    assert_eq!(rows.len(), 4, "{reasons:?}");
    assert!(
        reasons[0].contains("offers.csv:2") && reasons[0].contains("not a member"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("capacity"), "{reasons:?}");
    assert!(reasons[2].contains("telepathy"), "{reasons:?}");
    assert!(
        reasons[3].contains("requests.csv:2") && reasons[3].contains("already a member"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn the_import_command_exits_non_zero_and_names_the_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let bin = env!("CARGO_BIN_EXE_twinmatch");
    let ok = Command::new(bin)
        .args([
            "import",
            common::fixtures("gnlc").to_str().unwrap(),
            "--database",
            &db,
        ])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary = String::from_utf8_lossy(&ok.stdout);
    assert!(
        summary.contains("twin links") && summary.contains("resolved through aliases"),
        "{summary}"
    );

    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("twin_links.csv"),
        format!("{LINK_HEADER}Beira,MZ,Beira,MZ,self link\n"),
    )
    .unwrap();
    let out = Command::new(bin)
        .args(["import", bad.to_str().unwrap(), "--database", &db])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("twin_links.csv:2:") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    let _ = CountryCode::parse("MZ");
}
