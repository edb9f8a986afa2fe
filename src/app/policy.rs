//! What a reader may see, decided once for every list and every page: the
//! secretariat sees drafts (runs not yet published and their proposals);
//! everybody else sees published runs only; a city's own proposals are
//! the ones it is a side of.

use crate::domain::{CityId, Role, Side};
use crate::store::{StoredProposal, StoredRun};

/// Who reads: a token's holder, or nobody (`Reader(None)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reader(pub Option<Role>);

impl Reader {
    pub const ANONYMOUS: Reader = Reader(None);

    pub fn role(self) -> Option<Role> {
        self.0
    }

    /// The secretariat reads drafts; nobody else does.
    pub fn sees_drafts(self) -> bool {
        self.0 == Some(Role::Secretariat)
    }

    /// May this reader see `run` (and its proposals)?
    pub fn sees_run(self, run: &StoredRun) -> bool {
        run.published_at.is_some() || self.sees_drafts()
    }

    /// The city a city token reads for.
    pub fn city(self) -> Option<CityId> {
        self.0.and_then(|r| r.city())
    }
}

/// Who a city is to a proposal.
pub fn side_of(p: &StoredProposal, city: CityId) -> Option<Side> {
    if p.mentor == city {
        Some(Side::Mentor)
    } else if p.applicant == city {
        Some(Side::Applicant)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(published: bool) -> StoredRun {
        StoredRun {
            id: 1,
            created_at: "2026-01-01T00:00:00Z".into(),
            created_by: None,
            mode: "coverage".into(),
            params: Default::default(),
            summary: Default::default(),
            published_at: published.then(|| "2026-01-02T00:00:00Z".into()),
            name: None,
            status: crate::domain::RunStatus::of(published, false, false),
            discarded_at: None,
            superseded_by: None,
        }
    }

    #[test]
    fn drafts_are_the_secretariats_alone() {
        let draft = run(false);
        assert!(Reader(Some(Role::Secretariat)).sees_run(&draft));
        for r in [
            Reader::ANONYMOUS,
            Reader(Some(Role::Observer)),
            Reader(Some(Role::City(CityId(3)))),
        ] {
            assert!(!r.sees_run(&draft));
            assert!(r.sees_run(&run(true)));
        }
    }
}
