//! Shared test support: a fresh database per test on every backend.
//!
//! SQLite always runs (a file in a temporary folder). PostgreSQL runs when
//! `TWINMATCH_TEST_POSTGRES_URL` names a server (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`; `.ci/run` always sets it):
//! each test creates its own database and drops it afterwards.

#![allow(dead_code)]

pub mod browser;
pub mod http;
pub mod pages;
pub mod process;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use twinmatch::store::import::{self, SourceFile};
use twinmatch::store::{self, Db, Store};

pub const PG_ENV: &str = "TWINMATCH_TEST_POSTGRES_URL";

pub struct TestDb {
    pub url: String,
    pub store: Arc<dyn Db>,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop runs outside async: use a thread with its own runtime.
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            })
            .join()
            .ok();
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = store::connect(&url).await.unwrap();
    TestDb {
        url,
        store,
        _dir: Some(dir),
        pg_drop: None,
    }
}

pub async fn postgres(admin: &str) -> TestDb {
    use sqlx::Connection;
    let name = format!(
        "twinmatch_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut c = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL admin connection");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut c)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    let url = format!("{base}/{name}");
    let store = store::connect(&url).await.unwrap();
    TestDb {
        url,
        store,
        _dir: None,
        pg_drop: Some((admin.to_string(), name)),
    }
}

/// A fresh database on every backend this machine offers.
pub async fn every_backend() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    match std::env::var(PG_ENV) {
        Ok(admin) if !admin.is_empty() => dbs.push(postgres(&admin).await),
        _ => eprintln!("{PG_ENV} not set: PostgreSQL part skipped (CI sets it)"),
    }
    dbs
}

pub fn fixtures(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir)
}

pub fn file(name: &str, text: &str) -> SourceFile {
    SourceFile {
        name: name.to_string(),
        text: text.to_string(),
    }
}

/// Loads the real network and the demo sample, as `twinmatch serve` does.
pub async fn load_everything(store: &dyn Store) {
    import::import(store, &twinmatch::seed::gnlc())
        .await
        .unwrap();
    import::import(store, &twinmatch::seed::demo())
        .await
        .unwrap();
}

/// A tiny network in the real files' format: four countries, a few cities.
pub fn tiny_network() -> Vec<SourceFile> {
    vec![
        file(
            "countries.csv",
            "iso2,name,region,is_african,is_ldc,languages,source\n\
             MZ,Mozambique,Africa,yes,yes,Portuguese,test\n\
             GB,United Kingdom,Europe and North America,no,no,English,test\n\
             MA,Morocco,Arab States,yes,no,Arabic,test\n\
             PT,Portugal,Europe and North America,no,no,Portuguese,test\n",
        ),
        file(
            "aliases.csv",
            "alias,alias_country_iso2,name,country_iso2,note\nFes,MA,Fez,MA,spelling\n",
        ),
        file(
            "cities.csv",
            "name,country_iso2,country,gnlc_member,year_joined,source\n\
             Bristol,GB,United Kingdom,yes,2016,test\n\
             Fez,MA,Morocco,yes,2024,test\n\
             Fès,MA,Morocco,unknown,,test\n\
             Beira,MZ,Mozambique,unknown,,test\n\
             Lisbon,PT,Portugal,yes,2015,test\n",
        ),
        file(
            "twin_links.csv",
            "city_a,country_a_iso2,city_b,country_b_iso2,source\n\
             Beira,MZ,Bristol,GB,test\n\
             Fes,MA,Coimbra,PT,test\n\
             Coimbra,PT,Fez,MA,test\n\
             Beira,MZ,Lisbon,PT,test\n",
        ),
        file(
            "awards.csv",
            "year,city,country_iso2,source\n2019,Bristol,GB,test\n",
        ),
        file(
            "clusters.csv",
            "cluster,period,city,country_iso2,role,source\n\
             \"Educational Planning, Monitoring and Evaluation\",2019-2021,Lisbon,PT,coordinator,test\n",
        ),
        file(
            "offers.csv",
            "city,country_iso2,topics,capacity,languages,modalities,available_from,available_until,note,source\n\
             Lisbon,PT,planning;plan,2,pt;en,training,2026-01-01,2026-12-31,,test\n",
        ),
        file(
            "requests.csv",
            "city,country_iso2,needs,max_mentors,languages,modalities,note,source\n\
             Beira,MZ,plan:5;esd:2,1,pt,training,,test\n",
        ),
        file(
            "evidence.csv",
            "city,country_iso2,topic,kind,year,level,source\nBeira,MZ,plan,self_assessment,,1,test\n",
        ),
    ]
}
