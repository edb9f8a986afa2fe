//! The workflow store contract: one walk through every method of every
//! store trait beyond the network's reads (tokens and sessions, what cities
//! hold, runs, proposals and their versions, bans, superseding, the
//! secretariat's edits, the audit trail), on SQLite and (when
//! `TWINMATCH_TEST_POSTGRES_URL` is set) on PostgreSQL.

mod common;

use twinmatch::domain::{
    Capacity, City, CityId, CityName, CityStatus, ClusterMembership, ClusterRole, CountryCode,
    Evidence, EvidenceFact, EvidenceKind, Language, LinkKind, Modality, Need, Outcome, Period,
    Priority, ProposalState, ProposalStatus, Role, RunStatus, Side, SupportOffer, SupportRequest,
    Topic, TopicId, TopicKind, TopicSlug, TwinLink,
};
use twinmatch::matching::score::Explanation;
use twinmatch::store::{
    Actor, AuditQuery, CityQuery, Db, EvidenceQuery, Expect, NewProposal, NewRun, Override,
    ProposalQuery, ProposalUpdate, RunQuery, RunSettings, RunSummary, StoreError, Superseded,
};

const SECRETARIAT: Actor = Actor::CLI;

async fn city(db: &dyn Db, name: &str) -> CityId {
    let page = db
        .list_cities(&CityQuery {
            name_contains: Some(name.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    page.items[0].id
}

/// The audit rows about `kind`, newest first.
async fn audit(db: &dyn Db, kind: &str) -> Vec<twinmatch::store::AuditEntry> {
    db.list_audit(&AuditQuery {
        kind: Some(kind.into()),
        ..Default::default()
    })
    .await
    .unwrap()
    .items
}

fn offer(city: CityId, topics: Vec<TopicId>, capacity: i64) -> SupportOffer {
    SupportOffer::new(
        0,
        city,
        topics,
        Capacity::parse(capacity).unwrap(),
        vec![Language::parse("en").unwrap()],
        vec![Modality::OnlineMentoring],
        None,
        None,
        "a note".into(),
        "contract test".into(),
    )
    .unwrap()
}

fn proposal(mentor: CityId, applicant: CityId) -> NewProposal {
    NewProposal {
        mentor,
        applicant,
        score: 4200,
        explanation: Explanation {
            components: vec![],
            matched_topics: vec![],
            tie: None,
            shared_languages: vec![Language::parse("en").unwrap()],
            shared_modalities: vec![Modality::Training],
        },
        locked: false,
    }
}

async fn tokens_and_sessions(db: &dyn Db, beira: CityId) {
    let first = db
        .create_token(&SECRETARIAT, Role::Secretariat, "first", "hash-1")
        .await
        .unwrap();
    let city_token = db
        .create_token(&SECRETARIAT, Role::City(beira), "beira", "hash-2")
        .await
        .unwrap();
    assert_eq!(city_token.role, Role::City(beira));
    assert!(
        matches!(
            db.create_token(
                &SECRETARIAT,
                Role::City(CityId(999_999)),
                "nobody",
                "hash-x"
            )
            .await,
            Err(StoreError::NotFound { .. })
        ),
        "a token of a city that does not exist is refused"
    );
    assert_eq!(
        db.token_by_hash("hash-2").await.unwrap().map(|t| t.id),
        Some(city_token.id)
    );
    assert_eq!(db.token_by_hash("no-such-hash").await.unwrap(), None);
    assert_eq!(db.list_tokens().await.unwrap().len(), 2);

    let conflict = db.revoke_token(&SECRETARIAT, first.id).await.unwrap_err();
    assert!(
        matches!(&conflict, StoreError::Conflict(m) if m.contains("twinmatch token create")),
        "the last live secretariat token cannot be revoked: {conflict}"
    );
    let second = db
        .create_token(&SECRETARIAT, Role::Secretariat, "second", "hash-3")
        .await
        .unwrap();
    let revoked = db.revoke_token(&SECRETARIAT, first.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        db.token_by_hash("hash-1").await.unwrap(),
        None,
        "a revoked token opens nothing"
    );
    assert!(matches!(
        db.revoke_token(&SECRETARIAT, first.id).await,
        Err(StoreError::Conflict(_))
    ));
    let actions: Vec<String> = audit(db, "token")
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["revoke", "create", "create", "create"]);

    db.create_session("session-1", second.id, "2999-01-01T00:00:00Z")
        .await
        .unwrap();
    db.create_session("session-old", second.id, "2000-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(
        db.session_token("session-1").await.unwrap().map(|t| t.id),
        Some(second.id)
    );
    assert_eq!(
        db.session_token("session-old").await.unwrap(),
        None,
        "an expired session opens nothing"
    );
    db.end_session("session-1").await.unwrap();
    assert_eq!(db.session_token("session-1").await.unwrap(), None);
    db.end_session("never-opened").await.unwrap();
}

async fn what_cities_hold(db: &dyn Db, lisbon: CityId, bristol: CityId, beira: CityId) {
    let topics = db.list_topics().await.unwrap();
    let t = |i: usize| topics[i].id;
    let current = db
        .offer_of(lisbon)
        .await
        .unwrap()
        .expect("the import gave Lisbon an offer");
    assert!(
        matches!(
            db.put_offer(&SECRETARIAT, &offer(lisbon, vec![t(0)], 1), Expect::New)
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a second offer of one city is a conflict"
    );
    assert!(
        matches!(
            db.put_offer(
                &SECRETARIAT,
                &offer(lisbon, vec![t(0)], 1),
                Expect::Id(current.id + 100)
            )
            .await,
            Err(StoreError::NotFound { .. })
        ),
        "replacing an offer that is not the city's is refused"
    );
    let replaced = db
        .put_offer(
            &SECRETARIAT,
            &offer(lisbon, vec![t(1), t(0)], 3),
            Expect::Id(current.id),
        )
        .await
        .unwrap();
    assert_eq!(replaced.id, current.id, "a replaced offer keeps its id");
    let read = db.offer_of(lisbon).await.unwrap().unwrap();
    assert_eq!(read, replaced, "what was written is what is read");

    let created = db
        .put_offer(&SECRETARIAT, &offer(bristol, vec![t(2)], 2), Expect::New)
        .await
        .unwrap();
    assert_eq!(db.list_offers().await.unwrap().len(), 2);
    db.retire_offer(&SECRETARIAT, bristol).await.unwrap();
    assert_eq!(db.offer_of(bristol).await.unwrap(), None);
    assert!(matches!(
        db.retire_offer(&SECRETARIAT, bristol).await,
        Err(StoreError::NotFound { .. })
    ));
    let rows = audit(db, "offer").await;
    let seen: Vec<(&str, bool, bool)> = rows
        .iter()
        .map(|e| (e.action.as_str(), e.before.is_some(), e.after.is_some()))
        .collect();
    assert_eq!(
        seen,
        [
            ("retire", true, false),
            ("create", false, true),
            ("update", true, true)
        ],
        "every write of an offer is audited with what it replaced"
    );
    assert_eq!(
        rows[2].before.as_ref().unwrap()["capacity"],
        current.capacity.get()
    );
    assert_eq!(rows[1].entity_id, created.id.to_string());

    let request = db
        .request_of(beira)
        .await
        .unwrap()
        .expect("the import gave Beira a request");
    let needs = vec![Need {
        topic: t(3),
        priority: Priority::parse(3).unwrap(),
    }];
    let changed = SupportRequest::new(
        request.id,
        beira,
        needs.clone(),
        request.languages.clone(),
        request.modalities.clone(),
        2,
        String::new(),
        "contract test".into(),
    )
    .unwrap();
    let after = db
        .put_request(&SECRETARIAT, &changed, Expect::Id(request.id))
        .await
        .unwrap();
    assert_eq!(db.request_of(beira).await.unwrap().unwrap(), after);
    assert_eq!(db.list_requests().await.unwrap().len(), 1);
    db.retire_request(&SECRETARIAT, beira).await.unwrap();
    assert_eq!(db.request_of(beira).await.unwrap(), None);
    let again = SupportRequest { id: 0, ..changed };
    db.put_request(&SECRETARIAT, &again, Expect::New)
        .await
        .unwrap();
    let actions: Vec<String> = audit(db, "request")
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["create", "retire", "update"]);
}

async fn runs_proposals_bans(db: &dyn Db, lisbon: CityId, fez: CityId, beira: CityId) {
    let settings = RunSettings {
        prefer_previous: true,
        ..Default::default()
    };
    let summary = RunSummary {
        applicants: 1,
        pairs: 1,
        ..Default::default()
    };
    let ban = Override {
        action: "ban".into(),
        mentor: fez,
        applicant: beira,
        reason: "asked by both".into(),
    };
    let (a, a_props) = db
        .create_run(
            &SECRETARIAT,
            &NewRun {
                name: Some("2027 spring call"),
                mode: "coverage",
                params: &settings,
                summary: &summary,
                proposals: &[proposal(lisbon, beira)],
                overrides: &[ban],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (a.params.clone(), a.summary.clone()),
        (settings.clone(), summary.clone()),
        "settings and summary come back typed"
    );
    assert_eq!(db.get_run(a.id).await.unwrap(), a);
    assert_eq!(
        (a.name.as_deref(), a.status),
        (Some("2027 spring call"), RunStatus::Draft),
        "a run is stored with its name, as a draft"
    );
    assert_eq!(a_props[0].state.status, ProposalStatus::Proposed);
    assert_eq!(a_props[0].version, 1);
    let bans = db.list_bans().await.unwrap();
    assert_eq!(
        (bans.len(), bans[0].mentor, bans[0].proposal),
        (1, fez, None),
        "a run's ban is stored"
    );

    let (b, b_props) = db
        .create_run(
            &SECRETARIAT,
            &NewRun {
                name: None,
                mode: "score",
                params: &settings,
                summary: &summary,
                proposals: &[proposal(fez, beira)],
                overrides: &[],
            },
        )
        .await
        .unwrap();
    let drafts = db.list_runs(RunQuery::default()).await.unwrap();
    assert_eq!(
        drafts.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b.id, a.id],
        "latest first"
    );
    let published = db
        .list_runs(RunQuery {
            published_only: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(published.total, 0);

    let published_a = db.publish_run(&SECRETARIAT, a.id, &[]).await.unwrap();
    assert_eq!(published_a.status, RunStatus::Published);
    assert!(matches!(
        db.publish_run(&SECRETARIAT, a.id, &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.publish_run(&SECRETARIAT, 999_999, &[]).await,
        Err(StoreError::NotFound { .. })
    ));
    // Publishing b as if a were not published (what a publish that read
    // before a's would pass) is refused, to be computed again.
    assert!(matches!(
        db.publish_run(&SECRETARIAT, b.id, &[]).await,
        Err(StoreError::Changed(_))
    ));
    assert!(
        db.get_run(b.id).await.unwrap().published_at.is_none(),
        "and b stays a draft"
    );

    // Answers move the version; a stale version is a conflict.
    let p = &a_props[0];
    let accepted = ProposalState::new().accept(Side::Mentor).unwrap();
    let moved = db
        .update_proposal(
            &SECRETARIAT,
            p.id,
            p.version,
            "accept",
            &ProposalUpdate::to(accepted),
        )
        .await
        .unwrap();
    assert_eq!((moved.version, moved.state.mentor_accepted), (2, true));
    assert!(
        matches!(
            db.update_proposal(
                &SECRETARIAT,
                p.id,
                p.version,
                "accept",
                &ProposalUpdate::to(accepted)
            )
            .await,
            Err(StoreError::Conflict(_))
        ),
        "an answer to an old version is a conflict"
    );

    // Publishing B supersedes A's open proposal in the same transaction.
    let superseded = Superseded {
        proposal: p.id,
        version: moved.version,
        update: ProposalUpdate {
            reason: Some(format!("superseded by run {}", b.id)),
            ..ProposalUpdate::to(moved.state.cancel().unwrap())
        },
    };
    let stale = Superseded {
        version: 1,
        ..superseded.clone()
    };
    assert!(matches!(
        db.publish_run(&SECRETARIAT, b.id, &[stale]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        db.get_run(b.id).await.unwrap().published_at,
        None,
        "a failed publish leaves the run a draft"
    );
    db.publish_run(&SECRETARIAT, b.id, &[superseded])
        .await
        .unwrap();
    let replaced = db.get_run(a.id).await.unwrap();
    assert_eq!(
        (replaced.status, replaced.superseded_by),
        (RunStatus::Superseded, Some(b.id)),
        "publishing b supersedes a, the round in force"
    );
    let in_force = db
        .list_runs(RunQuery {
            status: Some(RunStatus::Published),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        in_force.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b.id]
    );
    let cancelled = db.get_proposal(p.id).await.unwrap();
    assert_eq!(cancelled.state.status, ProposalStatus::Cancelled);
    assert_eq!(
        cancelled.reason.as_deref(),
        Some(format!("superseded by run {}", b.id).as_str())
    );

    // Declining bans the pair; completing becomes evidence.
    let q = &b_props[0];
    let declined = ProposalUpdate {
        reason: Some("no staff this year".into()),
        ban: true,
        ..ProposalUpdate::to(ProposalState::new().decline().unwrap())
    };
    db.update_proposal(&SECRETARIAT, q.id, q.version, "decline", &declined)
        .await
        .unwrap();
    assert_eq!(
        db.list_bans().await.unwrap().len(),
        1,
        "the pair was banned already: one ban"
    );
    let (_, c_props) = db
        .create_run(
            &SECRETARIAT,
            &NewRun {
                name: None,
                mode: "coverage",
                params: &settings,
                summary: &summary,
                proposals: &[proposal(lisbon, beira)],
                overrides: &[],
            },
        )
        .await
        .unwrap();
    // A draft can be named again and discarded; a discarded one is kept
    // but listed only when asked for, and can never be published.
    let (d, _) = db
        .create_run(
            &SECRETARIAT,
            &NewRun {
                name: None,
                mode: "coverage",
                params: &settings,
                summary: &summary,
                proposals: &[],
                overrides: &[],
            },
        )
        .await
        .unwrap();
    let renamed = db
        .rename_run(&SECRETARIAT, d.id, Some("try without Fez"))
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("try without Fez"));
    assert_eq!(
        db.rename_run(&SECRETARIAT, d.id, None).await.unwrap().name,
        None
    );
    assert!(matches!(
        db.rename_run(&SECRETARIAT, 999_999, None).await,
        Err(StoreError::NotFound { .. })
    ));
    let discarded = db.discard_run(&SECRETARIAT, d.id).await.unwrap();
    assert_eq!(discarded.status, RunStatus::Discarded);
    assert!(discarded.discarded_at.is_some());
    for refused in [
        db.discard_run(&SECRETARIAT, d.id).await,
        db.publish_run(&SECRETARIAT, d.id, &[]).await,
        db.discard_run(&SECRETARIAT, b.id).await,
    ] {
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "only a draft is discarded or published: {refused:?}"
        );
    }
    assert!(matches!(
        db.discard_run(&SECRETARIAT, 999_999).await,
        Err(StoreError::NotFound { .. })
    ));
    let listed = db.list_runs(RunQuery::default()).await.unwrap();
    assert!(
        listed.items.iter().all(|r| r.id != d.id),
        "a discarded run is not listed by default"
    );
    let set_aside = db
        .list_runs(RunQuery {
            status: Some(RunStatus::Discarded),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        set_aside.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [d.id]
    );

    let r = &c_props[0];
    let active = ProposalState::new()
        .accept(Side::Mentor)
        .unwrap()
        .accept(Side::Applicant)
        .unwrap();
    let r2 = db
        .update_proposal(
            &SECRETARIAT,
            r.id,
            r.version,
            "accept",
            &ProposalUpdate::to(active),
        )
        .await
        .unwrap();
    assert_eq!(r2.state.status, ProposalStatus::Active);
    let outcome = Outcome::parse(5, "two workshops held").unwrap();
    let evidence_before = db.evidence_of(lisbon).await.unwrap().len();
    let done = ProposalUpdate {
        outcome: Some(outcome.clone()),
        evidence: vec![Evidence {
            id: 0,
            city: lisbon,
            topic: None,
            fact: EvidenceFact::parse(EvidenceKind::MentorshipOutcome, Some(2026), Some(5))
                .unwrap(),
            source: format!("proposal {}", r.id),
        }],
        ..ProposalUpdate::to(r2.state.complete().unwrap())
    };
    let completed = db
        .update_proposal(&SECRETARIAT, r.id, r2.version, "complete", &done)
        .await
        .unwrap();
    assert_eq!(completed.outcome, Some(outcome));
    assert_eq!(
        db.evidence_of(lisbon).await.unwrap().len(),
        evidence_before + 1
    );

    let mine = db
        .list_proposals(&ProposalQuery {
            city: Some(fez),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.total, 1, "a city's proposals, on either side");
    let open = db
        .list_proposals(&ProposalQuery {
            status: Some(ProposalStatus::Proposed),
            published_only: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(open.total, 0, "nothing published is still open");
    let loads = db.mentor_loads().await.unwrap();
    let lisbon_load = loads.iter().find(|l| l.mentor == lisbon).unwrap();
    assert_eq!((lisbon_load.now, lisbon_load.all_runs), (0, 2));
    let actions: Vec<String> = audit(db, "proposal")
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["complete", "accept", "decline", "supersede", "accept"]
    );
    let run_actions: Vec<String> = audit(db, "run")
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        run_actions,
        [
            "discard", "rename", "rename", "create", "create", "publish", "publish", "create",
            "create", "ban"
        ]
    );
}

async fn edits(db: &dyn Db, lisbon: CityId) {
    let mz = CountryCode::parse("MZ").unwrap();
    let draft = City::new(
        CityId(0),
        CityName::parse("Cuamba").unwrap(),
        mz.clone(),
        CityStatus::Partner,
        vec![],
        Some(120_000),
        "contract test".into(),
    )
    .unwrap();
    let cuamba = db.create_city(&SECRETARIAT, &draft).await.unwrap();
    assert_eq!(
        cuamba.languages,
        vec![Language::parse("pt").unwrap()],
        "a city speaks its country's languages by default"
    );
    assert!(matches!(
        db.create_city(&SECRETARIAT, &draft).await,
        Err(StoreError::Conflict(_))
    ));
    let renamed = City {
        population: Some(130_000),
        ..cuamba.clone()
    };
    assert_eq!(
        db.update_city(&SECRETARIAT, &renamed)
            .await
            .unwrap()
            .population,
        Some(130_000)
    );

    let link = TwinLink::new(
        0,
        cuamba.id,
        lisbon,
        LinkKind::parse("friendship").unwrap(),
        Some(2020),
        true,
        "t".into(),
    )
    .unwrap();
    let created = db.create_link(&SECRETARIAT, &link).await.unwrap();
    assert_eq!(db.get_link(created.id).await.unwrap(), created);
    assert!(matches!(
        db.create_link(&SECRETARIAT, &link).await,
        Err(StoreError::Conflict(_))
    ));
    let retired = db
        .update_link(
            &SECRETARIAT,
            &TwinLink {
                active: false,
                ..created.clone()
            },
        )
        .await
        .unwrap();
    assert!(!retired.active);

    let topics = db.list_topics().await.unwrap();
    let cluster = topics
        .iter()
        .find(|t| matches!(t.kind, TopicKind::Cluster))
        .unwrap();
    let m = ClusterMembership {
        id: 0,
        city: cuamba.id,
        topic: cluster.id,
        role: ClusterRole::Member,
        period: Period::parse("2024-2025").unwrap(),
        source: "t".into(),
    };
    let member = db.create_membership(&SECRETARIAT, &m).await.unwrap();
    assert_eq!(
        db.list_memberships(Some(cuamba.id), None).await.unwrap(),
        vec![member.clone()]
    );
    assert_eq!(
        db.evidence_of(cuamba.id).await.unwrap().len(),
        1,
        "a membership is evidence"
    );
    db.delete_membership(&SECRETARIAT, member.id).await.unwrap();
    assert!(
        db.list_memberships(Some(cuamba.id), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.evidence_of(cuamba.id).await.unwrap().is_empty(),
        "the evidence a membership wrote goes with it"
    );

    let e = Evidence {
        id: 0,
        city: cuamba.id,
        topic: Some(cluster.id),
        fact: EvidenceFact::parse(EvidenceKind::SelfAssessment, None, Some(2)).unwrap(),
        source: "t".into(),
    };
    let ev = db.create_evidence(&SECRETARIAT, &e).await.unwrap();
    let page = db
        .list_evidence(&EvidenceQuery {
            city: Some(cuamba.id),
            kind: Some(EvidenceKind::SelfAssessment),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items, vec![ev.clone()]);
    assert!(
        matches!(
            db.create_evidence(&SECRETARIAT, &e).await,
            Err(StoreError::Conflict(_))
        ),
        "the same facts are recorded once"
    );
    db.delete_evidence(&SECRETARIAT, ev.id).await.unwrap();
    assert!(matches!(
        db.delete_evidence(&SECRETARIAT, ev.id).await,
        Err(StoreError::NotFound { .. })
    ));

    let topic = Topic {
        id: TopicId(0),
        slug: TopicSlug::parse("urban-farming").unwrap(),
        name: "Urban farming".into(),
        kind: TopicKind::Cluster,
        retired: false,
        aliases: vec![],
    };
    let t = db.create_topic(&SECRETARIAT, &topic).await.unwrap();
    assert!(matches!(
        db.create_topic(&SECRETARIAT, &topic).await,
        Err(StoreError::Conflict(_))
    ));
    let retired_topic = db
        .update_topic(
            &SECRETARIAT,
            &Topic {
                retired: true,
                ..t.clone()
            },
        )
        .await
        .unwrap();
    assert!(retired_topic.retired);
    assert!(
        db.list_topics()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == t.id && x.retired)
    );

    for (kind, actions) in [
        ("city", vec!["update", "create"]),
        ("twin_link", vec!["retire", "create"]),
        ("cluster_membership", vec!["retire", "create"]),
        ("evidence", vec!["retire", "create"]),
        ("topic", vec!["update", "create"]),
    ] {
        let rows = audit(db, kind).await;
        assert_eq!(
            rows.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            actions,
            "{kind} edits are audited"
        );
    }
    let cuamba_rows = db
        .list_audit(&AuditQuery {
            city: Some(cuamba.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(cuamba_rows.total >= 6, "the audit filters by city");
    assert_eq!(
        cuamba_rows.items.len() as i64,
        cuamba_rows.total.min(cuamba_rows.per_page.into())
    );
}

#[tokio::test]
async fn every_workflow_store_method_behaves_the_same_on_every_backend() {
    for db in common::every_backend().await {
        eprintln!("workflow store contract on {:?}", db.store.backend());
        let store = db.store.as_ref();
        twinmatch::store::import::import(store, &common::tiny_network())
            .await
            .unwrap();
        let (lisbon, bristol, fez, beira) = (
            city(store, "lisbon").await,
            city(store, "bristol").await,
            city(store, "fez").await,
            city(store, "beira").await,
        );
        tokens_and_sessions(store, beira).await;
        what_cities_hold(store, lisbon, bristol, beira).await;
        runs_proposals_bans(store, lisbon, fez, beira).await;
        edits(store, lisbon).await;
    }
}
