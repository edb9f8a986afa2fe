//! How much one tie between two cities is trusted: the one place where the
//! numbers live ([`TrustModel`]), what a tie is ([`Relation`], [`Tie`]), the
//! mentorships the snapshot does not hold yet ([`PastMentorship`]), and the
//! conversion of a trust into an additive search cost ([`trust_cost`]).

use serde::Serialize;

use crate::domain::{CityId, DomainError, LinkKind, TopicId};

/// The smallest trust a tie can carry. Trusts are clamped into
/// `[MIN_TRUST, 1]`, so a misconfigured model (zero, negative, NaN) still
/// gives a finite cost instead of an infinite or undefined one.
pub const MIN_TRUST: f64 = 1e-6;

/// Cost units per unit of `-ln(trust)`: costs are integers in nano-units.
///
/// Integer costs make sums exact and associative, so two paths of equal
/// trust compare equal whatever order their hops were added in, and the
/// tie-break rules (fewer hops, then smaller city ids) decide. One nano-unit
/// is a relative trust difference of 1e-9, far below anything the model's
/// numbers can mean.
pub const COST_UNITS: f64 = 1e9;

/// The additive cost of a tie of trust `trust`: `round(-ln(trust) * 1e9)`.
///
/// A path's trust is the product of its hops' trusts, so the most trusted
/// path is the one of least total cost. The trust is clamped into
/// `[MIN_TRUST, 1]` first; the largest cost of one hop is about `1.4e10`, so
/// sums over any simple path of a real network fit a `u64` easily.
pub fn trust_cost(trust: f64) -> u64 {
    let t = clamp_trust(trust);
    // -ln(t) >= 0 for t <= 1; the rounding is the only approximation.
    (-t.ln() * COST_UNITS).round() as u64
}

/// Clamps a configured trust into `[MIN_TRUST, 1]` (NaN counts as the minimum).
pub(crate) fn clamp_trust(trust: f64) -> f64 {
    if trust.is_nan() {
        MIN_TRUST
    } else {
        trust.clamp(MIN_TRUST, 1.0)
    }
}

/// The trust of every kind of tie, in one place.
///
/// Every number is a trust in `(0, 1]`: the probability-like confidence that
/// an introduction over that tie will be taken seriously. A path multiplies
/// them, so two strong ties (0.9 × 0.9 = 0.81) are worth less than one
/// (0.9), and a weak tie drags the whole chain down. Values outside
/// `(0, 1]` are clamped into `[MIN_TRUST, 1]` when a tie is built.
///
/// | tie | default | why |
/// |---|---|---|
/// | twinning, active | 0.90 | a formal, usually council-voted partnership with standing contacts |
/// | sister city, active | 0.85 | the same commitment under another name, often more ceremonial |
/// | cooperation agreement, active | 0.80 | a signed but usually narrower, time-bound programme |
/// | friendship, active | 0.60 | a declaration of goodwill with no programme behind it |
/// | any link not active | × 0.50 | dormant: the contacts may be gone, the history remains |
/// | shared cluster, member–member | 0.50 | met in the same thematic cluster in the same period |
/// | shared cluster, a coordinator at either end | 0.60 | coordinators run the cluster and know each member |
/// | past mentorship rated 1..=5 | 0.35, 0.50, 0.65, 0.80, 0.95 | a rated, completed mentorship is the best evidence of a working relation; a poor one is a warning |
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustModel {
    pub twinning: f64,
    pub sister_city: f64,
    pub cooperation_agreement: f64,
    pub friendship: f64,
    /// Multiplies the trust of a link that is no longer active.
    pub inactive_factor: f64,
    /// Two ordinary members of the same cluster in overlapping periods.
    pub shared_cluster: f64,
    /// The same, when at least one of the two coordinated that cluster in
    /// an overlapping period.
    pub shared_cluster_with_coordinator: f64,
    /// Trust of a completed mentorship by its rating: index 0 is rating 1,
    /// index 4 is rating 5.
    pub mentorship_by_rating: [f64; 5],
}

impl Default for TrustModel {
    fn default() -> Self {
        Self {
            twinning: 0.90,
            sister_city: 0.85,
            cooperation_agreement: 0.80,
            friendship: 0.60,
            inactive_factor: 0.50,
            shared_cluster: 0.50,
            shared_cluster_with_coordinator: 0.60,
            mentorship_by_rating: [0.35, 0.50, 0.65, 0.80, 0.95],
        }
    }
}

impl TrustModel {
    /// Trust of a twin link of `kind`, halved (by default) when not active.
    pub fn link(&self, kind: LinkKind, active: bool) -> f64 {
        let base = match kind {
            LinkKind::Twinning => self.twinning,
            LinkKind::SisterCity => self.sister_city,
            LinkKind::CooperationAgreement => self.cooperation_agreement,
            LinkKind::Friendship => self.friendship,
        };
        let factor = if active { 1.0 } else { self.inactive_factor };
        clamp_trust(base * factor)
    }

    /// Trust of a shared cluster; `with_coordinator` when either city
    /// coordinated it in an overlapping period.
    pub fn cluster(&self, with_coordinator: bool) -> f64 {
        clamp_trust(if with_coordinator {
            self.shared_cluster_with_coordinator
        } else {
            self.shared_cluster
        })
    }

    /// Trust of a completed mentorship rated `rating` (clamped into 1..=5).
    pub fn mentorship(&self, rating: u8) -> f64 {
        let i = usize::from(rating.clamp(1, 5)) - 1;
        clamp_trust(self.mentorship_by_rating[i])
    }
}

/// What one hop of a path is: the tie that lets one city introduce the next.
///
/// Serialised with a `type` tag (`twin_link`, `shared_cluster`,
/// `past_mentorship`); `type` rather than `kind` because a twin link has a
/// `kind` of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Relation {
    /// A twin link of the snapshot.
    TwinLink {
        link_id: i64,
        kind: LinkKind,
        active: bool,
    },
    /// Both cities were in this cluster in overlapping periods.
    SharedCluster { topic: TopicId },
    /// One city mentored the other; rated 1-5 by the mentee.
    PastMentorship { rating: u8, year: i32 },
}

/// One edge of the network graph: a relation and its trust.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tie {
    pub relation: Relation,
    pub trust: f64,
}

impl Tie {
    /// The additive search cost of this tie (see [`trust_cost`]).
    pub fn cost(&self) -> u64 {
        trust_cost(self.trust)
    }
}

/// A completed mentorship between two cities, which the snapshot does not
/// record yet: the engine passes them to
/// [`NetworkGraph::build_with_mentorships`](super::NetworkGraph::build_with_mentorships).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PastMentorship {
    pub mentor: CityId,
    pub mentee: CityId,
    /// The mentee's rating, 1 (poor) to 5 (excellent).
    pub rating: u8,
    pub year: i32,
}

impl PastMentorship {
    pub fn new(mentor: CityId, mentee: CityId, rating: u8, year: i32) -> Result<Self, DomainError> {
        if mentor == mentee {
            return Err(DomainError::new("mentee", "a city cannot mentor itself"));
        }
        if !(1..=5).contains(&rating) {
            return Err(DomainError::new(
                "rating",
                format!("{rating} is not a rating (1 to 5)"),
            ));
        }
        if !(2000..=2100).contains(&year) {
            return Err(DomainError::new(
                "year",
                format!("{year} is not a plausible year"),
            ));
        }
        Ok(Self {
            mentor,
            mentee,
            rating,
            year,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_orders_link_kinds_by_commitment() {
        let m = TrustModel::default();
        let active = |k| m.link(k, true);
        assert!(active(LinkKind::Twinning) > active(LinkKind::SisterCity));
        assert!(active(LinkKind::SisterCity) > active(LinkKind::CooperationAgreement));
        assert!(active(LinkKind::CooperationAgreement) > active(LinkKind::Friendship));
        for kind in LinkKind::ALL {
            assert!((m.link(kind, false) - 0.5 * m.link(kind, true)).abs() < 1e-12);
        }
    }

    #[test]
    fn mentorship_trust_grows_with_the_rating_and_clamps_outliers() {
        let m = TrustModel::default();
        assert_eq!(m.mentorship(5), 0.95);
        assert!(m.mentorship(1) < 0.5);
        assert!((1..5).all(|r| m.mentorship(r) < m.mentorship(r + 1)));
        assert_eq!(m.mentorship(0), m.mentorship(1));
        assert_eq!(m.mentorship(9), m.mentorship(5));
    }

    #[test]
    fn a_coordinator_tie_is_worth_a_little_more_than_a_member_tie() {
        let m = TrustModel::default();
        assert!(m.cluster(true) > m.cluster(false));
    }

    #[test]
    fn out_of_range_trusts_are_clamped_to_finite_costs() {
        assert_eq!(trust_cost(1.0), 0);
        assert_eq!(trust_cost(2.0), 0);
        assert_eq!(trust_cost(0.0), trust_cost(MIN_TRUST));
        assert_eq!(trust_cost(f64::NAN), trust_cost(MIN_TRUST));
        assert!(trust_cost(0.9) < trust_cost(0.6));
    }

    #[test]
    fn costs_add_where_trusts_multiply() {
        let two_hops = trust_cost(0.9) + trust_cost(0.9);
        assert!(two_hops.abs_diff(trust_cost(0.81)) <= 1);
    }

    #[test]
    fn a_past_mentorship_needs_two_cities_and_a_rating_from_1_to_5() {
        assert!(PastMentorship::new(CityId(1), CityId(2), 4, 2024).is_ok());
        assert!(PastMentorship::new(CityId(1), CityId(1), 4, 2024).is_err());
        assert!(PastMentorship::new(CityId(1), CityId(2), 0, 2024).is_err());
        assert!(PastMentorship::new(CityId(1), CityId(2), 6, 2024).is_err());
    }

    #[test]
    fn a_relation_serialises_with_a_type_tag() {
        let r = Relation::TwinLink {
            link_id: 7,
            kind: LinkKind::SisterCity,
            active: false,
        };
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::json!({"type": "twin_link", "link_id": 7, "kind": "sister_city", "active": false})
        );
        assert_eq!(
            serde_json::to_value(Relation::SharedCluster { topic: TopicId(3) }).unwrap(),
            serde_json::json!({"type": "shared_cluster", "topic": 3})
        );
    }
}
