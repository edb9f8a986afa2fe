//! The use-cases of twinmatch, and the only place their rules live: the
//! JSON API (`http`), the pages (`web`) and the command line (`cli`) turn
//! what they receive into the typed commands here and translate the
//! [`AppError`] they get back. Nothing here knows HTTP, HTML or SQL.

pub mod error;
pub mod held;
pub mod network;
pub mod plans;
pub mod policy;
pub mod proposals;
pub mod runs;
pub mod stats;

use std::sync::Arc;

pub use error::{AppError, AppResult};
pub use policy::Reader;

use crate::store::Db;

/// What every use-case reaches: the store, and this process's network
/// built from it ([`network::NetworkCache`]).
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Db>,
    pub networks: Arc<network::NetworkCache>,
}

impl App {
    pub fn new(store: Arc<dyn Db>) -> Self {
        App {
            store,
            networks: Arc::default(),
        }
    }
}
