//! The engine's use cases against a real SQLite database in a temporary folder.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use earshot_core::{ItemStatus, Network, Role};
use earshot_engine::{Engine, FixedClock, InboxQuery, Progress};

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

fn open() -> InboxQuery {
    InboxQuery {
        status: Some(ItemStatus::Open),
        ..Default::default()
    }
}

async fn import(engine: &Engine, text: &str) -> earshot_engine::ImportReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, text).unwrap();
    engine.import_file(&path, &mut quiet()).await.unwrap()
}

const HANDLES: &str = r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}
{"type":"handle","network":"bluesky","account":"acme.bsky.social","role":"marketing"}
"#;

fn mention(id: &str, author: &str, followers: u64, text: &str, mentions: &[&str], at: &str) -> String {
    serde_json::json!({
        "type": "mention", "network": "bluesky", "remote_id": id,
        "author": {"handle": author, "display_name": format!("{author} name"), "followers": followers,
                   "created_at": "2020-01-01T00:00:00Z"},
        "text": text, "created_at": at, "mentions": mentions,
    })
    .to_string()
}

#[tokio::test]
async fn the_demo_loads_through_the_import_path_and_looks_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let mut seen = Vec::new();
    let report = engine
        .load_demo(&mut |p: &Progress| seen.push(p.done))
        .await
        .unwrap();
    assert_eq!(
        report.failed, 0,
        "the demo must import cleanly: {:?}",
        report.errors
    );
    assert!(
        (280..=320).contains(&report.imported),
        "about 300 mentions, got {}",
        report.imported
    );
    assert!(
        seen.len() >= 2 && seen.windows(2).all(|w| w[0] <= w[1]),
        "progress must move forward: {seen:?}"
    );

    let info = engine.workspace_info().await.unwrap();
    assert!(info.is_demo, "the workspace must be labelled as a demo");
    let handles = engine.handles().await.unwrap();
    assert_eq!(
        handles.len(),
        6,
        "a support and a marketing handle on three networks"
    );
    // The demo has no listening sources, so no Web handles.
    for network in [Network::Bluesky, Network::Mastodon, Network::X] {
        assert!(handles
            .iter()
            .any(|h| h.network == network && h.role == Role::Support));
        assert!(handles
            .iter()
            .any(|h| h.network == network && h.role == Role::Marketing));
    }

    let all = engine.inbox(&open(), 0, 1000).await.unwrap();
    let both: Vec<_> = all.rows.iter().filter(|r| r.handles.len() == 2).collect();
    assert_eq!(
        both.len(),
        1,
        "exactly one demo post mentions both handles, and it is one item"
    );
    let newest = all.rows.iter().map(|r| r.created_at.clone()).max().unwrap();
    assert_eq!(
        newest, "2026-11-28T11:55:00Z",
        "the newest demo mention is shifted to five minutes ago"
    );
}

#[tokio::test]
async fn bad_lines_are_reported_by_number_and_good_lines_kept() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let text = format!(
        "{HANDLES}{}\nnot json at all\n{}\n\n{}\n",
        mention(
            "a1",
            "ann.bsky.social",
            10,
            "hello @acme-help.bsky.social",
            &["acme-help.bsky.social"],
            "2026-11-28T10:00:00Z"
        ),
        r#"{"type":"mention","network":"bluesky","remote_id":"a2"}"#,
        mention("a3", "bob.bsky.social", 10, "hi", &[], "2026-11-28T10:00:00Z"),
    );
    let report = import(&engine, &text).await;
    assert_eq!(
        (report.imported, report.failed),
        (2, 2),
        "two good mentions kept, two bad lines counted"
    );
    assert_eq!(report.errors[0].line, 4, "the bad JSON is on line 4");
    assert!(
        report.errors[0].message.contains("not valid JSON"),
        "{:?}",
        report.errors[0]
    );
    assert_eq!(report.errors[1].line, 5);
    assert!(
        report.errors[1].message.contains("author is missing"),
        "{:?}",
        report.errors[1]
    );
}

#[tokio::test]
async fn one_post_seen_from_two_handles_is_one_item_listing_both() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let first = mention(
        "p1",
        "cy.bsky.social",
        10,
        "@acme-help.bsky.social @acme.bsky.social hi",
        &["acme-help.bsky.social"],
        "2026-11-28T10:00:00Z",
    );
    let again = mention(
        "p1",
        "cy.bsky.social",
        10,
        "@acme-help.bsky.social @acme.bsky.social hi",
        &["acme.bsky.social"],
        "2026-11-28T10:00:00Z",
    );
    let report = import(&engine, &format!("{HANDLES}{first}\n{again}\n{again}\n")).await;
    assert_eq!(
        (report.imported, report.merged),
        (1, 2),
        "the second and third sightings merge"
    );
    let page = engine.inbox(&open(), 0, 10).await.unwrap();
    assert_eq!(page.total, 1, "one post is one item");
    let mut accounts: Vec<_> = page.rows[0].handles.iter().map(|h| h.account.as_str()).collect();
    accounts.sort();
    assert_eq!(
        accounts,
        ["acme-help.bsky.social", "acme.bsky.social"],
        "the item lists both handles"
    );
}

#[tokio::test]
async fn the_inbox_is_ranked_filtered_searched_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let lines = [
        mention(
            "r1",
            "small.bsky.social",
            5,
            "where is my refund",
            &["acme-help.bsky.social"],
            "2026-11-28T11:50:00Z",
        ),
        mention(
            "r2",
            "famous.bsky.social",
            400_000,
            "your bikes are great",
            &["acme.bsky.social"],
            "2026-11-28T11:50:00Z",
        ),
        mention(
            "r3",
            "waiting.bsky.social",
            5,
            "still no refund after a day",
            &["acme-help.bsky.social"],
            "2026-11-27T11:50:00Z",
        ),
    ];
    import(&engine, &format!("{HANDLES}{}\n", lines.join("\n"))).await;

    let page = engine.inbox(&open(), 0, 10).await.unwrap();
    let order: Vec<_> = page.rows.iter().map(|r| r.author_handle.as_str()).collect();
    assert_eq!(
        order,
        ["waiting.bsky.social", "famous.bsky.social", "small.bsky.social"],
        "a day's wait outranks 400k followers, which outrank nobody"
    );
    assert!(
        page.rows.windows(2).all(|w| w[0].score >= w[1].score),
        "scores fall down the list"
    );
    assert!(
        page.rows[0].top_reason.starts_with("Waiting 24 hours"),
        "{}",
        page.rows[0].top_reason
    );

    let support = InboxQuery {
        role: Some(Role::Support),
        ..open()
    };
    assert_eq!(
        engine.inbox(&support, 0, 10).await.unwrap().total,
        2,
        "two items on the support handle"
    );
    let refund = InboxQuery {
        search: Some("REFUND".into()),
        ..open()
    };
    assert_eq!(
        engine.inbox(&refund, 0, 10).await.unwrap().total,
        2,
        "search ignores case"
    );
    let by_author = InboxQuery {
        search: Some("famous name".into()),
        ..open()
    };
    assert_eq!(
        engine.inbox(&by_author, 0, 10).await.unwrap().total,
        1,
        "search covers author names"
    );
    let hostile = InboxQuery {
        search: Some("\" OR * NEAR( text:".into()),
        ..open()
    };
    assert!(
        engine.inbox(&hostile, 0, 10).await.is_ok(),
        "FTS syntax in a search must not break the query"
    );
    let bluesky_handle = engine
        .handles()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.role == Role::Marketing)
        .unwrap();
    let by_handle = InboxQuery {
        handle_id: Some(bluesky_handle.id),
        ..open()
    };
    assert_eq!(engine.inbox(&by_handle, 0, 10).await.unwrap().total, 1);

    let item = engine.item(&page.rows[1].id).await.unwrap();
    let total: f64 = item.reasons.iter().map(|r| r.contribution).sum();
    assert!(
        (total - item.score).abs() < 1e-6,
        "the reasons add up to the score"
    );
}

#[tokio::test]
async fn done_items_leave_the_open_list_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let engine = engine(&dir).await;
        import(
            &engine,
            &format!(
                "{HANDLES}{}\n",
                mention("d1", "dee.bsky.social", 1, "hi", &[], "2026-11-28T11:00:00Z")
            ),
        )
        .await;
        let id = engine.inbox(&open(), 0, 1).await.unwrap().rows[0].id.clone();
        engine.set_status(&id, ItemStatus::Done).await.unwrap();
        assert_eq!(
            engine.inbox(&open(), 0, 10).await.unwrap().total,
            0,
            "a done item leaves the open list"
        );
        id
    };
    let reopened = engine(&dir).await;
    let done = InboxQuery {
        status: Some(ItemStatus::Done),
        ..Default::default()
    };
    assert_eq!(
        reopened.inbox(&done, 0, 10).await.unwrap().rows[0].id,
        id,
        "status survives a restart"
    );
    let err = reopened.item("999999").await.unwrap_err();
    assert!(
        matches!(err, earshot_engine::EngineError::NotFound(_)),
        "a missing item is NotFound: {err}"
    );
}

#[tokio::test]
async fn hostile_text_is_stored_verbatim_and_never_becomes_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let text = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> click"#;
    let mut line: serde_json::Value = serde_json::from_str(&mention(
        "h1",
        "evil.bsky.social",
        1,
        text,
        &[],
        "2026-11-28T11:00:00Z",
    ))
    .unwrap();
    line["facets"] =
        serde_json::json!([{"start": 0, "end": 10, "kind": "link", "uri": "javascript:window.__pwned=1"}]);
    import(&engine, &format!("{line}\n")).await;
    let id = engine.inbox(&open(), 0, 1).await.unwrap().rows[0].id.clone();
    let item = engine.item(&id).await.unwrap();
    assert_eq!(item.segments.len(), 1, "the javascript: facet must be dropped");
    assert_eq!(item.segments[0].text, text, "the text is kept exactly, as text");
    assert_eq!(item.segments[0].link, None);
}

#[tokio::test]
async fn replies_and_reposts_raise_an_item_and_a_later_sighting_raises_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let post = |replies: u64, reposts: u64| {
        serde_json::json!({
            "type": "mention", "network": "bluesky", "remote_id": "at://did:plc:a/app.bsky.feed.post/1",
            "author": {"handle": "rider.bsky.social", "followers": 10},
            "text": "@acme-help.bsky.social my order never arrived", "created_at": "2026-11-28T10:00:00Z",
            "mentions": ["acme-help.bsky.social"], "engagement": {"replies": replies, "reposts": reposts},
        })
        .to_string()
    };
    import(&engine, &format!("{HANDLES}{}\n", post(1, 8))).await;
    let id = engine.inbox(&open(), 0, 10).await.unwrap().rows[0].id.clone();
    let points = |view: &earshot_engine::ItemView| {
        view.reasons
            .iter()
            .find(|r| r.factor == "engagement")
            .map(|r| (r.label.clone(), r.contribution))
    };
    let first = points(&engine.item(&id).await.unwrap()).expect("an engagement factor");
    assert_eq!(first.0, "9 replies and reposts");
    // The same post, read again later with more replies and reposts, moves up.
    import(&engine, &format!("{HANDLES}{}\n", post(40, 959))).await;
    let later = points(&engine.item(&id).await.unwrap()).unwrap();
    assert_eq!(later.0, "999 replies and reposts");
    assert!(later.1 > first.1, "{later:?} after {first:?}");
    // Counts never go down: an older copy read afterwards changes nothing.
    import(&engine, &format!("{HANDLES}{}\n", post(1, 8))).await;
    assert_eq!(points(&engine.item(&id).await.unwrap()).unwrap(), later);
}

#[tokio::test]
async fn agents_labels_retrain_the_models_which_then_catch_new_mentions_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    // A spam wave in words the starter model has never seen as spam, and everyday mentions around it.
    let mut lines: Vec<String> = (0..20)
        .map(|i| {
            mention(
                &format!("w{i}"),
                &format!("wave{i}.bsky.social"),
                3,
                &format!("gear{i} crypto bikes airdrop pedal token{i} moon, join the pool {i}"),
                &["acme-help.bsky.social"],
                "2026-11-28T10:00:00Z",
            )
        })
        .collect();
    lines.extend((0..40).map(|i| {
        mention(
            &format!("e{i}"),
            &format!("rider{i}.bsky.social"),
            100,
            &match i % 3 {
                0 => format!("my order {i} arrived with a flat tyre, can you help?"),
                1 => format!("love the new saddle, ride {i} was great"),
                _ => format!("when does the winter range ship to shop {i}?"),
            },
            &["acme-help.bsky.social"],
            "2026-11-28T10:00:00Z",
        )
    }));
    import(&engine, &format!("{HANDLES}{}\n", lines.join("\n"))).await;
    let rows = engine.inbox(&open(), 0, 100).await.unwrap().rows;
    let wave: Vec<&str> = rows
        .iter()
        .filter(|r| r.excerpt.contains("crypto bikes"))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(wave.len(), 20);
    let mut none = quiet();
    assert!(
        engine.retrain_if_due(&mut none).await.unwrap().is_none(),
        "nothing labelled yet"
    );
    let nothing = engine.retrain_triage(&mut quiet()).await.unwrap_err();
    assert!(nothing.to_string().contains("no agents' labels"), "{nothing}");

    let other = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap();
    assert!(
        !other.refresh_triage().await.unwrap(),
        "nothing new since it opened"
    );

    // Agents mark the wave spam, and a few ordinary mentions not spam.
    for id in &wave {
        engine
            .label_item(id, earshot_engine::AgentLabel::Spam(true))
            .await
            .unwrap();
    }
    for r in rows
        .iter()
        .filter(|r| !r.excerpt.contains("crypto bikes"))
        .take(10)
    {
        engine
            .label_item(&r.id, earshot_engine::AgentLabel::Spam(false))
            .await
            .unwrap();
    }
    let mut heard = Vec::new();
    let report = engine
        .retrain_if_due(&mut |p: &Progress| heard.push(p.phase.clone()))
        .await
        .unwrap()
        .expect("30 labels: a retraining is due");
    assert_eq!((report.labels, report.mentions, report.held_back), (30, 60, 6));
    assert!(report.adopted, "{report:?}");
    assert_eq!(
        report.before.spam_recall,
        Some(0.0),
        "the starter let the wave through"
    );
    assert_eq!(report.after.spam_recall, Some(1.0));
    assert!(heard
        .iter()
        .any(|p| p.contains("Retraining: reading this workspace's mentions")));
    assert!(heard.iter().any(|p| p.contains("Triaging again")));
    assert!(
        engine.retrain_if_due(&mut quiet()).await.unwrap().is_none(),
        "not due again until more labels come"
    );

    // A new mention of the wave, not a near-copy of any labelled one, goes to Spam on arrival.
    let fresh = mention(
        "w-new",
        "newcomer.bsky.social",
        3,
        "crypto bikes airdrop pedal token moon, the pool is open",
        &["acme-help.bsky.social"],
        "2026-11-28T11:00:00Z",
    );
    import(&engine, &format!("{HANDLES}{fresh}\n")).await;
    let spam = |engine: &Engine| {
        let engine = engine.clone();
        async move {
            let all = engine
                .inbox(
                    &InboxQuery {
                        status: None,
                        ..Default::default()
                    },
                    0,
                    200,
                )
                .await
                .unwrap()
                .rows;
            let row = all
                .iter()
                .find(|r| r.author_handle == "newcomer.bsky.social")
                .unwrap()
                .clone();
            (row.id.clone(), row.triage.unwrap())
        }
    };
    let (id, t) = spam(&engine).await;
    assert_eq!(t.queue, earshot_core::Queue::Spam, "spam probability {}", t.spam);
    let labels = engine.item(&id).await.unwrap().triage.unwrap();
    assert_eq!(
        labels.spam_source,
        earshot_core::LabelSource::Model,
        "the retrained model caught it, not the memory of near-copies: {:?}",
        labels.spam_evidence
    );

    // Settings shows the retrained model's figures on the held-back labels, and it survives a restart.
    let q = engine.triage_quality().await.unwrap();
    assert_eq!((q.spam_labels, q.spam_recall), (6, Some(1.0)));
    assert!(q.model.contains("retrained on this workspace"), "{}", q.model);
    assert_eq!(q.retrained.as_ref(), Some(&report));
    // Another process on the same workspace (a second desktop, the sync worker, the CLI), opened before the
    // retraining, takes the new model up on its next round, and once only; and new weights too.
    assert!(other.refresh_triage().await.unwrap());
    assert!(other
        .triage_quality()
        .await
        .unwrap()
        .model
        .contains("retrained on this workspace"));
    assert!(!other.refresh_triage().await.unwrap(), "taken up once");
    let before = other.priority_weights();
    let mut heavier = before;
    heavier.urgent = before.urgent + 1.0;
    engine.set_priority_weights(heavier, &mut quiet()).await.unwrap();
    assert!(other.refresh_triage().await.unwrap());
    assert_eq!(other.priority_weights().urgent, before.urgent + 1.0);
    assert!(!other.refresh_triage().await.unwrap(), "taken up once");
    drop(other);
    drop(engine);
    let again = self::engine(&dir).await;
    assert!(again
        .triage_quality()
        .await
        .unwrap()
        .model
        .contains("retrained on this workspace"));
}
