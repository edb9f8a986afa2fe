use super::{
    City, ClusterMembership, Country, Evidence, SupportOffer, SupportRequest, Topic, TwinLink,
};

/// The whole network at one moment, ordered by id: the engine's input.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub countries: Vec<Country>,
    pub topics: Vec<Topic>,
    pub cities: Vec<City>,
    pub links: Vec<TwinLink>,
    pub memberships: Vec<ClusterMembership>,
    pub evidence: Vec<Evidence>,
    pub offers: Vec<SupportOffer>,
    pub requests: Vec<SupportRequest>,
}
