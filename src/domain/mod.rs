//! The nouns of the network: countries, cities, topics, twin links, cluster
//! memberships, evidence of expertise, support offers and requests.
//!
//! Every type is built through a validating constructor (`parse` or `new`),
//! so a value that exists is a valid one ("parse, don't validate"). This
//! module knows nothing of storage or HTTP.

mod access;
mod city;
mod country;
mod error;
mod evidence;
mod link;
mod message;
pub mod names;
mod network;
mod support;
mod topic;
mod workflow;

pub use access::{Role, control_char, csv_cell, required_text};
pub use city::{City, CityId, CityName, CityStatus};
pub use country::{Country, CountryCode, Language, Region};
pub use error::{DomainError, MessageArgs, MessageCode};
pub use evidence::{ClusterMembership, ClusterRole, Evidence, EvidenceFact, EvidenceKind, Period};
pub use link::{LinkKind, TwinLink};
pub use network::Snapshot;
pub use support::{
    Capacity, Held, Modality, Need, Priority, SupportOffer, SupportRequest, parse_date,
};
pub use topic::{Topic, TopicId, TopicKind, TopicSlug};
pub use workflow::{Forbidden, Outcome, ProposalState, ProposalStatus, RunStatus, Side};

/// Splits a `;`-separated list and parses every non-empty item.
pub fn parse_list<T>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, DomainError>,
) -> Result<Vec<T>, DomainError> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse)
        .collect()
}

/// Joins items with `;`, the list format of the CSV files and the database.
pub fn join_list<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";")
}
