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
        /// The address users reach the service at; https://... makes the
        /// session cookie Secure and sends HSTS (set it behind a TLS proxy)
        #[arg(long, env = "TWINMATCH_PUBLIC_URL")]
        public_url: Option<String>,
        /// A proxy in front sets X-Forwarded-Proto: a request it says came
        /// over https gets Secure cookies and HSTS (only behind a proxy
        /// that always sets or strips the header)
        #[arg(long, env = "TWINMATCH_TRUST_FORWARDED_PROTO")]
        trust_forwarded_proto: bool,
    },
    /// Import the CSV files a folder holds (countries, aliases, cities, twin_links, awards, clusters, evidence, offers, requests)
    Import {
        /// Folder with the CSV files
        dir: PathBuf,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Run the matching engine on the database and write the proposals with their explanations
    Match {
        /// score (total score), coverage (applicants covered tier by tier, then score), stable (deferred acceptance)
        #[arg(long, default_value = "coverage")]
        mode: String,
        /// Write the round to FILE.json (everything) or FILE.csv (one row per proposal); default: JSON on stdout
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the problem solved, in the mentor-match-instance/1 format, for independent verification
        #[arg(long)]
        export_instance: Option<PathBuf>,
        /// Fix a pair: MENTOR=APPLICANT, each a city id or "Name, CC" (repeatable)
        #[arg(long = "lock", value_name = "MENTOR=APPLICANT")]
        locks: Vec<String>,
        /// Exclude a pair: MENTOR=APPLICANT (repeatable)
        #[arg(long = "ban", value_name = "MENTOR=APPLICANT")]
        bans: Vec<String>,
        /// Priority tiers for coverage, highest first (ldc_african, ldc, african, ldc_or_african, any); the rest form the last tier
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "ldc_african,ldc_or_african"
        )]
        tiers: Vec<String>,
        /// A previous round's JSON output: report the diff against it
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Keep as many of the previous round's pairs as possible (needs --previous)
        #[arg(long, requires = "previous")]
        prefer_previous: bool,
    },
    /// The most trusted chains of existing ties between two cities (id or "Name, CC")
    Path {
        from: String,
        to: String,
        /// How many alternative paths
        #[arg(long, default_value_t = 3)]
        k: usize,
        /// Hop limit
        #[arg(long, default_value_t = 3)]
        max_hops: usize,
    },
    /// The staged capacity-building plan of an applicant city (id or "Name, CC")
    Plan { city: String },
    /// Solve an instance in the mentor-match-instance/1 format and print one JSON line
    Solve {
        /// The instance file (see ../shared/bench/README.md)
        instance: PathBuf,
        /// score (maximise the total score) or card (maximise the number of pairs, then the score)
        #[arg(long, default_value = "score")]
        mode: String,
        /// Write the chosen pairs to this JSON file
        #[arg(long)]
        pairs_out: Option<PathBuf>,
    },
    /// Create, list and revoke API tokens
    Token {
        #[command(subcommand)]
        action: TokenAction,
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

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token; the secret is printed once, alone on the last line
    Create {
        /// secretariat, city or observer
        #[arg(long)]
        role: String,
        /// The city a city token acts for: an id or "Name, CC"
        #[arg(long)]
        city: Option<String>,
        /// A note on who holds it
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List tokens (never their secrets)
    List,
    /// Revoke a token by id
    Revoke { id: i64 },
}
