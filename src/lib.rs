//! twinmatch: matches African and least-developed-country cities with mentor
//! cities of the UNESCO Global Network of Learning Cities.

/// The use-cases (rounds, proposals, offers and requests, plans, figures) and their rules.
pub mod app;
/// API tokens: generation and hashing.
pub mod auth;
/// What each command does (serve, import, demo).
pub mod cli;
/// Command line and environment settings.
pub mod config;
/// The deterministic, labelled demo sample of offers and requests.
pub mod demo;
/// The nouns of the network, each built by a validating constructor.
pub mod domain;
/// The engine façade: paths, suggestions, rounds and plans on one view of the network.
pub mod engine;
/// The petgraph model of the network and its trust paths.
pub mod graph;
/// The JSON API over HTTP (axum): one router per resource.
pub mod http;
/// The matching engine: scores, explanations, exact assignment, diagnostics.
pub mod matching;
/// The real and demo data compiled into the binary.
pub mod seed;
/// The HTTP server: the JSON API and the pages merged, with their shared layers.
pub mod server;
/// Stages of a round as `tracing` spans, and the report of their times.
pub mod stage;
/// The `Store` trait, its SQLite and PostgreSQL backends, and the CSV import.
pub mod store;
/// The pages for people (maud): overview, applicants, cities, rounds, proposals, plans.
pub mod web;
