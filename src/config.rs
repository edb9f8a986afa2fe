//! Command line and environment settings (clap derive).

use clap::{Parser, Subcommand};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A database URL whose password is never printed.
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "twinmatch",
    version,
    about = "Mentor-city matching for the UNESCO Global Network of Learning Cities"
)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://twinmatch.db",
        global = true
    )]
    pub database: DatabaseUrl,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load the real network and demo data into an empty database, and serve the API
    Serve {
        /// Address to listen on
        #[arg(long, env = "TWINMATCH_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Do not load the built-in data into an empty database
        #[arg(long)]
        no_seed: bool,
    },
    /// Import the CSV files a folder holds (countries, aliases, cities, twin_links, awards, clusters, evidence, offers, requests)
    Import {
        /// Folder with the CSV files
        dir: PathBuf,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Regenerate the deterministic demo offers, requests and self-assessments from the database
    Demo {
        /// Folder to write offers.csv, requests.csv and evidence.csv into
        #[arg(long, default_value = "fixtures/demo")]
        out: PathBuf,
        /// Seed of the generator
        #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
        seed: u64,
    },
}
