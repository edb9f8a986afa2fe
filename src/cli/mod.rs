//! What each command does; `main.rs` only parses and calls [`run`].

pub mod matching;

use std::process::ExitCode;
use std::sync::Arc;

use crate::config::{Cli, Command, TokenAction, redact};
use crate::store::import::{self, ImportError, ImportReport, SourceFile};
use crate::store::{self, Db, Store};

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = cli.database.0.clone();
    match cli.command {
        Command::Serve {
            addr,
            no_seed,
            public_url,
            trust_forwarded_proto,
        } => {
            let site = match public_url.as_deref() {
                Some(u) => crate::server::Site::parse(u).map_err(anyhow::Error::msg)?,
                None => crate::server::Site::default(),
            }
            .trusting_forwarded_proto(trust_forwarded_proto);
            let store = open(&url).await?;
            if !no_seed && store.is_empty().await? {
                tracing::info!("empty database: loading the real network and the demo sample");
                for (what, files) in [
                    ("real network", crate::seed::gnlc()),
                    ("demo sample", crate::seed::demo()),
                ] {
                    let report = load(store.as_ref(), &files).await?;
                    tracing::info!(what, written = ?report.written, "loaded");
                }
            }
            if store.list_tokens().await?.is_empty() {
                println!(
                    "No API token exists yet. Create the secretariat's first one with:\n  twinmatch token create --role secretariat --label \"secretariat\" --database {}",
                    redact(&url)
                );
            }
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let stats = store.stats().await?;
            tracing::info!(addr = %listener.local_addr()?, database = %redact(&url), cities = stats.cities, twin_links = stats.twin_links, "serving");
            println!(
                "twinmatch serving on http://{addr} (database {})\n  pages: http://{addr}/ (sign in with a token at /sign-in)\n  API:   http://{addr}/api/docs",
                redact(&url),
                addr = listener.local_addr()?,
            );
            crate::server::serve_at(listener, store, &site, shutdown_signal()).await?;
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { dir, json } => {
            let store = open(&url).await?;
            let files = import::read_dir(&dir)?;
            let spinner = indicatif::ProgressBar::new_spinner();
            spinner.set_message(format!(
                "importing {} in one transaction",
                files
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            let result = import::import(store.as_ref(), &files).await;
            spinner.finish_and_clear();
            match result {
                Ok(report) => {
                    if json {
                        println!("{}", serde_json::to_string_pretty(&report)?);
                    } else {
                        print_report(&report);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(ImportError::BadRows(rows)) => {
                    for r in &rows {
                        eprintln!("{r}");
                    }
                    eprintln!(
                        "{} row(s) could not be used; nothing was written",
                        rows.len()
                    );
                    Ok(ExitCode::FAILURE)
                }
                Err(ImportError::Store(e)) => {
                    Err(anyhow::anyhow!("import failed, nothing was written: {e}"))
                }
            }
        }
        Command::Match {
            mode,
            out,
            export_instance,
            locks,
            bans,
            tiers,
            previous,
            prefer_previous,
        } => {
            let app = crate::app::App::new(open(&url).await?);
            matching::run_match(
                &app,
                &mode,
                out,
                export_instance,
                &locks,
                &bans,
                &tiers,
                previous,
                prefer_previous,
            )
            .await
        }
        Command::Path {
            from,
            to,
            k,
            max_hops,
        } => {
            matching::run_path(
                &crate::app::App::new(open(&url).await?),
                &from,
                &to,
                k,
                max_hops,
            )
            .await
        }
        Command::Plan { city } => {
            matching::run_plan(&crate::app::App::new(open(&url).await?), &city).await
        }
        Command::Solve {
            instance,
            mode,
            pairs_out,
        } => matching::run_solve(&instance, &mode, pairs_out.as_deref()),
        Command::Token { action } => {
            let store = open(&url).await?;
            tokens(store.as_ref(), action).await
        }
        Command::Demo { out, seed } => {
            let store = open(&url).await?;
            let files = crate::demo::generate(&store.snapshot().await?, seed);
            std::fs::create_dir_all(&out)?;
            for (name, text) in [
                ("offers.csv", &files.offers),
                ("requests.csv", &files.requests),
                ("evidence.csv", &files.evidence),
            ] {
                std::fs::write(out.join(name), text)?;
                println!(
                    "wrote {} ({} rows)",
                    out.join(name).display(),
                    text.lines().count().saturating_sub(1)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn open(url: &str) -> anyhow::Result<Arc<dyn Db>> {
    store::connect(url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", redact(url)))
}

async fn load(store: &dyn Store, files: &[SourceFile]) -> anyhow::Result<ImportReport> {
    import::import(store, files).await.map_err(|e| match e {
        ImportError::BadRows(rows) => anyhow::anyhow!(
            "built-in data has bad rows: {}",
            rows.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        ImportError::Store(e) => anyhow::anyhow!(e),
    })
}

fn print_report(r: &ImportReport) {
    let w = &r.written;
    println!(
        "read: {}",
        r.rows
            .iter()
            .map(|(f, n)| format!("{f} {n} rows"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "added: {} countries, {} cities ({} of them partners), {} promoted, {} aliases, \
         {} twin links, {} cluster memberships, {} evidence, {} offers, {} requests",
        w.countries,
        w.cities,
        w.partners,
        w.promoted,
        w.aliases,
        w.links,
        w.memberships,
        w.evidence,
        w.offers,
        w.requests
    );
    println!(
        "skipped: {} rows already in the database, {} duplicate rows in the files",
        w.already_present, r.duplicate_rows
    );
    println!(
        "names resolved through aliases: {} rows",
        r.resolved_through_aliases.values().sum::<u64>()
    );
    for (a, n) in &r.resolved_through_aliases {
        println!("  {a} ({n} rows)");
    }
    let n = r.unresolved_names.len();
    println!("unresolved twin-link names (created as partner cities): {n}");
    for name in r.unresolved_names.iter().take(20) {
        println!("  {name}");
    }
    if n > 20 {
        println!("  ... and {} more (--json lists them all)", n - 20);
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}

async fn tokens(db: &dyn Db, action: TokenAction) -> anyhow::Result<ExitCode> {
    use crate::domain::Role;
    use crate::store::Actor;
    match action {
        TokenAction::Create { role, city, label } => {
            let city = match city {
                Some(spec) => Some(matching::find_city(&db.snapshot().await?, &spec)?),
                None => None,
            };
            let role = Role::parse(&role, city).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (secret, hash) = crate::auth::new_token()?;
            let info = db.create_token(&Actor::CLI, role, &label, &hash).await?;
            println!(
                "created token {} ({}{})",
                info.id,
                role.name(),
                city.map(|c| format!(" for city {c}")).unwrap_or_default()
            );
            println!("the secret below is shown once; twinmatch keeps only its hash:");
            println!("{secret}");
        }
        TokenAction::List => {
            for t in db.list_tokens().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.role.name(),
                    t.role.city().map(|c| c.to_string()).unwrap_or_default(),
                    t.label,
                    t.revoked_at
                        .map(|r| format!("revoked {r}"))
                        .unwrap_or_else(|| format!("created {}", t.created_at))
                );
            }
        }
        TokenAction::Revoke { id } => {
            let t = db.revoke_token(&Actor::CLI, id).await?;
            println!("revoked token {} ({})", t.id, t.role.name());
        }
    }
    Ok(ExitCode::SUCCESS)
}
