//! The network a process serves from: built once per network version, and
//! built again, once, after any write to what the engine reads.

mod common;

use twinmatch::app::App;
use twinmatch::app::held::retire;
use twinmatch::app::network::network_now;
use twinmatch::domain::SupportOffer;
use twinmatch::store::Actor;

#[tokio::test(flavor = "multi_thread")]
async fn reads_share_one_network_until_a_write_and_the_first_read_after_it_rebuilds_once() {
    for db in common::every_backend().await {
        common::load_everything(db.store.as_ref()).await;
        let app = App::new(db.store.clone());
        let first = network_now(&app).await.unwrap();
        let again = network_now(&app).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again), "{}", db.url);
        assert_eq!(app.networks.rebuilds(), 1);

        // Reads that are not writes leave the version alone.
        let version = db.store.network_version().await.unwrap();
        db.store.snapshot().await.unwrap();
        db.store.list_runs(Default::default()).await.unwrap();
        assert_eq!(db.store.network_version().await.unwrap(), version);

        let mentor = first.market.mentors[0].place.city;
        retire::<SupportOffer>(&app, &Actor::CLI, mentor)
            .await
            .unwrap();
        assert!(db.store.network_version().await.unwrap() > version);
        // Eight readers at once after the write: one rebuild between them.
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { network_now(&app).await.unwrap() })
            })
            .collect();
        for r in readers {
            let network = r.await.unwrap();
            assert!(network.market.mentor_index(mentor).is_none(), "{}", db.url);
        }
        assert_eq!(app.networks.rebuilds(), 2, "{}", db.url);
    }
}
