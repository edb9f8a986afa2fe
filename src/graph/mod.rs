//! TEMPORARY STUB (not committed): replaced by the graph branch.
use crate::domain::{CityId, LinkKind, Snapshot, TopicId};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Relation {
    TwinLink {
        link_id: i64,
        kind: LinkKind,
        active: bool,
    },
    SharedCluster {
        topic: TopicId,
    },
    PastMentorship {
        rating: u8,
        year: i32,
    },
}
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub from: CityId,
    pub to: CityId,
    pub relation: Relation,
    pub trust: f64,
}
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustPath {
    pub trust: f64,
    pub hops: Vec<Hop>,
}
#[derive(Debug, Clone, Default)]
pub struct TrustModel { pub twinning: f64 }
pub struct NetworkGraph;
impl NetworkGraph {
    pub fn build(_s: &Snapshot, _t: &TrustModel) -> Self {
        NetworkGraph
    }
    pub fn best_paths_from(&self, _from: CityId, _max_hops: usize) -> BTreeMap<CityId, TrustPath> {
        BTreeMap::new()
    }
}
