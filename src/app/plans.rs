//! Staged capacity-building plans of applicants, with mentor loads counted
//! from the pairs that hold a slot now (or, before any published round,
//! from the engine's default round).

use super::network::{current_pairs, with_network};
use super::{App, AppResult};
use crate::domain::CityId;
use crate::engine::Network;
use crate::matching::plan::{Plan, PlanParams};
use crate::matching::{Pair, RunParams};

/// The staged plans of `cities` (applicants) on a network already built;
/// `current` is [`current_pairs`]. Before any published run (`None`), the
/// engine's default round is solved once for all of them.
pub fn plans_in(n: &Network, cities: &[CityId], current: Option<&[Pair]>) -> AppResult<Vec<Plan>> {
    let params = PlanParams::default();
    Ok(match current {
        Some(pairs) => cities
            .iter()
            .map(|c| n.plan_with_pairs(*c, pairs, &params))
            .collect::<Result<_, _>>()?,
        None => {
            let round = n.round(&RunParams::default())?;
            cities
                .iter()
                .map(|c| n.plan(*c, &round, &params))
                .collect::<Result<_, _>>()?
        }
    })
}

/// The staged plan of the applicant `city`.
pub async fn plan_of(app: &App, city: CityId) -> AppResult<Plan> {
    plan_with(app, city, |_, plan| plan).await
}

/// The staged plan of `city`, handed to `f` with the network it was made
/// on (for the names along its paths).
pub async fn plan_with<T: Send + 'static>(
    app: &App,
    city: CityId,
    f: impl FnOnce(&Network, Plan) -> T + Send + 'static,
) -> AppResult<T> {
    let current = current_pairs(app.store.as_ref()).await?;
    with_network(app, move |n| {
        Ok(f(n, plans_in(n, &[city], current.as_deref())?.remove(0)))
    })
    .await
}

/// The plans of every applicant with a request, by city id, handed to
/// `f` with the network they were made on (for names along the paths).
pub async fn all_plans<T: Send + 'static>(
    app: &App,
    f: impl FnOnce(&Network, Vec<Plan>) -> T + Send + 'static,
) -> AppResult<T> {
    let current = current_pairs(app.store.as_ref()).await?;
    with_network(app, move |n| {
        let cities: Vec<CityId> = n.market.applicants.iter().map(|a| a.place.city).collect();
        Ok(f(n, plans_in(n, &cities, current.as_deref())?))
    })
    .await
}
