//! Reports on a small fixed workspace, checked against figures worked out by hand (below, beside each
//! assertion), in Europe/Berlin across the end of summer time (25 October 2026 lasts 25 hours).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use earshot_core::Intent;
use earshot_engine::{
    days_csv, split_csv, ActionKind, ActionRequest, AgentLabel, Engine, FixedClock, Progress, Report,
    ReportQuery, ReportSplit,
};

fn report_authors(r: &Report) -> Vec<&str> {
    r.top_authors.iter().map(|a| a.handle.as_str()).collect()
}
use earshot_store::outbox::OutboxId;
use earshot_store::HandleId;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

fn post(id: &str, text: &str, created: &str) -> String {
    serde_json::json!({"type": "mention", "network": "bluesky",
        "remote_id": format!("at://did:plc:p{id}/app.bsky.feed.post/{id}"),
        "author": {"handle": format!("p{id}.bsky.social")},
        "text": text, "created_at": created, "mentions": ["acme-help.bsky.social"]})
    .to_string()
}

async fn id_of(engine: &Engine, remote: &str) -> String {
    let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM mentions WHERE remote_id LIKE '%/' || $1")
        .bind(remote)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    id.to_string()
}

#[tokio::test]
async fn figures_match_the_hand_worked_values_across_a_dst_change() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(at("2026-10-24T08:00:00Z")));
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), clock.clone())
        .await
        .unwrap();
    let file = dir.path().join("in.jsonl");
    // Local (Berlin) times: a1 24 Oct 10:00 (UTC+2); a2 24 Oct 23:30; a3 25 Oct 01:30 (the first 01:30, UTC+2);
    // a4 25 Oct 23:30 (UTC+1, still the 25th though it is the 25th 22:30 UTC); a5 26 Oct 00:30.
    let lines = [
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#
            .to_owned(),
        post(
            "a1",
            "@acme-help.bsky.social my order is late",
            "2026-10-24T08:00:00Z",
        ),
        post(
            "a2",
            "@acme-help.bsky.social how do I reset the lock?",
            "2026-10-24T21:30:00Z",
        ),
        post(
            "a3",
            "@acme-help.bsky.social love the new bike",
            "2026-10-24T23:30:00Z",
        ),
        post(
            "a4",
            "@acme-help.bsky.social the app crashes",
            "2026-10-25T22:30:00Z",
        ),
        post(
            "a5",
            "@acme-help.bsky.social where is my refund",
            "2026-10-25T23:30:00Z",
        ),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    engine.import_file(&file, &mut quiet()).await.unwrap();
    // Agents' labels fix the intents, so the figures do not depend on the model.
    for (id, intent) in [
        ("a1", Intent::Complaint),
        ("a2", Intent::Question),
        ("a3", Intent::Praise),
        ("a4", Intent::Complaint),
        ("a5", Intent::Complaint),
    ] {
        let item = id_of(&engine, id).await;
        engine
            .label_item(&item, AgentLabel::Intent(intent))
            .await
            .unwrap();
    }

    // Replies: a1 answered 30 min after it was written (seen at once); a2 after 120 min. Both through the
    // outbox, marked sent as the network would.
    let handle = engine.handles().await.unwrap()[0].id.clone();
    let account = {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        earshot_store::accounts::upsert(
            &mut conn,
            HandleId(handle.parse().unwrap()),
            "https://pds.example",
            None,
            at("2026-10-24T08:00:00Z"),
        )
        .await
        .unwrap()
        .0
        .to_string()
    };
    for (id, sent_at) in [("a1", "2026-10-24T08:30:00Z"), ("a2", "2026-10-24T23:30:00Z")] {
        let item = id_of(&engine, id).await;
        let queued = engine
            .queue_action(&ActionRequest {
                item_id: item,
                kind: ActionKind::Reply,
                from: account.clone(),
                text: Some("On it".into()),
                confirmed: true,
                requested_by: Some("Ana".into()),
                saved_reply_id: None,
            })
            .await
            .unwrap();
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        earshot_store::outbox::mark_sent(
            &mut conn,
            OutboxId(queued.id.parse().unwrap()),
            "at://x",
            None,
            at(sent_at),
        )
        .await
        .unwrap();
    }
    clock.set(at("2026-10-26T12:00:00Z"));

    let report = engine
        .report(&ReportQuery {
            from: "2026-10-24".into(),
            to: "2026-10-26".into(),
            time_zone: Some("Europe/Berlin".into()),
            handle_id: None,
            role: None,
            network: None,
            agent: None,
            split: None,
        })
        .await
        .unwrap();
    let days: Vec<(&str, u32)> = report.days.iter().map(|d| (d.day.as_str(), d.total)).collect();
    // a1 and a2 on the 24th; a3 (01:30 on the 25th) and a4 (23:30 on the 25th, the 25-hour day) on the 25th;
    // a5 on the 26th.
    assert_eq!(days, [("2026-10-24", 2), ("2026-10-25", 2), ("2026-10-26", 1)]);
    assert_eq!(report.totals.total, 5);
    assert_eq!(report.totals.complaint, 3);
    assert_eq!(report.totals.question, 1);
    assert_eq!(report.totals.praise, 1);
    // First responses: 30 and 120 minutes. Median of two is their mean, 75; the 90th percentile is
    // 30 + 0.9 × 90 = 111.
    assert_eq!(report.first_response.count, 2);
    assert_eq!(report.first_response.median_minutes, Some(75.0));
    assert_eq!(report.first_response.p90_minutes, Some(111.0));
    // Praise needs a person too: all five are actionable. The default first-response target is 60 minutes,
    // around the clock: a1 met it, a2 missed it (late), and a3, a4 and a5 are unanswered long past it: 1 of 5.
    assert_eq!(report.totals.actionable, 5);
    assert_eq!(
        (report.first_response_sla.met, report.first_response_sla.missed),
        (1, 4)
    );
    assert_eq!(report.first_response_sla.share, Some(0.2));
    // Resolution, 24 hours: none resolved; a1, a2 and a3 are past 24 hours at noon on the 26th (52, 38.5 and
    // 36.5 hours), a4 and a5 are not yet (13.5 and 12.5 hours) and count neither way.
    assert_eq!((report.resolution_sla.met, report.resolution_sla.missed), (0, 3));
    assert_eq!(report.resolution.count, 0);
    assert_eq!(report.sent.replies, 2);

    let csv = days_csv(&report);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "day,total,spam,actionable,complaint,question,praise,first_response_median_min"
    );
    // Day medians: the 24th has a1 (30) and a2 (120): 75; the other days have no answers yet.
    let medians: Vec<Option<f64>> = report
        .days
        .iter()
        .map(|d| d.first_response_median_minutes)
        .collect();
    assert_eq!(medians, [Some(75.0), None, None]);
    assert_eq!(rows[1], "2026-10-24,2,0,2,1,1,0,75.0");
    assert_eq!(rows.len(), 1 + report.days.len(), "one CSV row per table row");
    for (row, day) in rows[1..].iter().zip(&report.days) {
        assert!(row.starts_with(&format!("{},{},", day.day, day.total)), "{row}");
    }

    // Now: five actionable items in the list (answered ones stay until resolved); a3, a4 and a5 still wait for
    // a first reply, a3 longest (written 24 Oct 23:30 UTC, 36.5 hours before noon on the 26th); all three are
    // past the 60-minute target, most overdue first.
    let now = engine.report_now().await.unwrap();
    let queue: Vec<(&str, u32)> = now.by_queue.iter().map(|q| (q.name.as_str(), q.count)).collect();
    assert_eq!(queue, [("actionable", 5)]);
    assert_eq!(now.by_handle[0].name, "acme-help.bsky.social");
    assert_eq!(now.by_handle[0].count, 5);
    let oldest = now.oldest.expect("someone is waiting");
    assert_eq!(oldest.item_id, id_of(&engine, "a3").await);
    assert_eq!(oldest.waited_minutes, 2190);
    let breached: Vec<String> = now.breaches.iter().map(|b| b.item_id.clone()).collect();
    assert_eq!(
        breached,
        [
            id_of(&engine, "a3").await,
            id_of(&engine, "a4").await,
            id_of(&engine, "a5").await
        ]
    );

    // Split by agent: Ana holds a1 and a2 (both answered: 30 and 120 minutes); nobody holds the other three.
    engine.add_agent("Ana", "agent").await.unwrap();
    for id in ["a1", "a2"] {
        engine
            .assign(&id_of(&engine, id).await, Some("Ana"))
            .await
            .unwrap();
    }
    // a4's author is a customer on the Enterprise plan.
    let dana = earshot_crm::ContactFields {
        name: Some("Dana Diaz".into()),
        tier: Some("Enterprise".into()),
        lifecycle: Some("customer".into()),
        ..Default::default()
    };
    engine
        .create_contact(dana, Some(&id_of(&engine, "a4").await), Some("Ana"))
        .await
        .unwrap();
    let query = |split, agent: Option<&str>| ReportQuery {
        from: "2026-10-24".into(),
        to: "2026-10-26".into(),
        time_zone: Some("Europe/Berlin".into()),
        handle_id: None,
        role: None,
        network: None,
        agent: agent.map(str::to_owned),
        split,
    };
    let by_agent = engine
        .report(&query(Some(ReportSplit::Agent), None))
        .await
        .unwrap();
    let rows: Vec<(&str, u32, Option<f64>, u32)> = by_agent
        .split
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.volume.total,
                r.first_response.median_minutes,
                r.sent.replies,
            )
        })
        .collect();
    // Largest first: Unassigned (a3, a4, a5: no answers), then Ana (a1, a2: median 75; she sent 2 replies).
    assert_eq!(rows, [("Unassigned", 3, None, 0), ("Ana", 2, Some(75.0), 2)]);
    let ana = &by_agent.split[1];
    // a1 met the 60-minute target, a2 did not.
    assert_eq!(
        (ana.first_response_sla.met, ana.first_response_sla.missed),
        (1, 1)
    );
    // The whole report is unchanged by the split.
    assert_eq!(by_agent.totals, report.totals);
    let by_handle = engine
        .report(&query(Some(ReportSplit::Handle), None))
        .await
        .unwrap();
    assert_eq!(by_handle.split.len(), 1);
    assert_eq!(by_handle.split[0].name, "@acme-help.bsky.social");
    assert_eq!(by_handle.split[0].volume, report.totals);
    assert_eq!(by_handle.split[0].sent.replies, 2);
    let by_network = engine
        .report(&query(Some(ReportSplit::Network), None))
        .await
        .unwrap();
    assert_eq!(by_network.split[0].name, "bluesky");
    assert_eq!(by_network.split[0].first_response, report.first_response);
    // Filtered to Ana: her two items only, and her two replies.
    let only_ana = engine.report(&query(None, Some("Ana"))).await.unwrap();
    assert_eq!(only_ana.totals.total, 2);
    assert_eq!(only_ana.sent.replies, 2);
    let nobody = engine.report(&query(None, Some("Zed"))).await.unwrap_err();
    assert!(nobody.to_string().contains("No one called 'Zed'"), "{nobody}");
    // Every author wrote once; none has followers, so the order falls back to who was seen first.
    let authors: Vec<&str> = report_authors(&by_agent);
    assert_eq!(authors.len(), 5);
    assert_eq!(authors[0], "pa1.bsky.social");
    // Dana has one open item (a4).
    let customers: Vec<(&str, u32)> = by_agent
        .top_customers
        .iter()
        .map(|c| (c.name.as_str(), c.open_items))
        .collect();
    assert_eq!(customers, [("Dana Diaz", 1)]);
    assert_eq!(
        by_agent.top_customers[0].accounts,
        ["@pa4.bsky.social on bluesky"]
    );
    let csv = split_csv(&by_agent);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + by_agent.split.len(), "one CSV row per table row");
    assert!(lines[2].starts_with("Ana,2,"), "{}", lines[2]);

    let bad = engine
        .report(&ReportQuery {
            from: "2026-10-26".into(),
            to: "2026-10-24".into(),
            time_zone: Some("Europe/Berlin".into()),
            handle_id: None,
            role: None,
            network: None,
            agent: None,
            split: None,
        })
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("ends before it starts"), "{bad}");
}

/// The Reports view reads each UTC day's facts as stored the first time; these must follow every change: a
/// label, a reply sent, new SLA settings. A build from before a change is never kept.
#[tokio::test]
async fn stored_day_facts_follow_every_change_and_a_stale_build_is_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    // Seen as they were written (the clock stands at the first), so each clock starts when it was written.
    let clock = Arc::new(FixedClock::new(at("2026-11-02T08:00:00Z")));
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), clock.clone())
        .await
        .unwrap();
    let file = dir.path().join("in.jsonl");
    let lines = [
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#
            .to_owned(),
        post(
            "b1",
            "@acme-help.bsky.social my order is late",
            "2026-11-02T08:00:00Z",
        ),
        post(
            "b2",
            "@acme-help.bsky.social where is my refund",
            "2026-11-02T08:10:00Z",
        ),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    engine.import_file(&file, &mut quiet()).await.unwrap();
    for id in ["b1", "b2"] {
        let item = id_of(&engine, id).await;
        engine
            .label_item(&item, AgentLabel::Intent(Intent::Complaint))
            .await
            .unwrap();
    }
    let query = ReportQuery {
        from: "2026-11-02".into(),
        to: "2026-11-02".into(),
        time_zone: Some("UTC".into()),
        handle_id: None,
        role: None,
        network: None,
        agent: None,
        split: None,
    };
    clock.set(at("2026-11-02T12:00:00Z"));
    // The first report works out the day's figures, and says so as it goes.
    let mut heard = Vec::new();
    let first = engine
        .report_with_progress(&query, &mut |p| heard.push((p.done, p.total, p.phase.clone())))
        .await
        .unwrap();
    assert_eq!(
        heard.iter().map(|(d, t, _)| (*d, *t)).collect::<Vec<_>>(),
        [(0, 1), (1, 1)]
    );
    assert!(heard[0].2.contains("each day's figures"), "{heard:?}");
    assert_eq!(
        (first.totals.total, first.totals.spam, first.totals.complaint),
        (2, 0, 2)
    );
    // Both unanswered long past the 60-minute default.
    assert_eq!(
        (first.first_response_sla.met, first.first_response_sla.missed),
        (0, 2)
    );

    let day = at("2026-11-02T00:00:00Z").timestamp_millis() / earshot_store::reports::DAY_MS;
    let stored = |engine: &Engine| {
        let db = engine.database().clone();
        async move {
            let mut conn = earshot_store::acquire(&db).await.unwrap();
            earshot_store::reports::stored_days(&mut conn, day, day)
                .await
                .unwrap()
        }
    };
    let kept = stored(&engine).await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].facts.is_some(), "the first report keeps the day's facts");

    // A label drops them and bumps the day's generation; a build from the older generation is refused.
    engine
        .label_item(&id_of(&engine, "b2").await, AgentLabel::Spam(true))
        .await
        .unwrap();
    let after = stored(&engine).await;
    assert!(after[0].facts.is_none(), "a change drops the day's facts");
    assert!(
        after[0].gen > kept[0].gen,
        "{} then {}",
        kept[0].gen,
        after[0].gen
    );
    {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        let stale = earshot_store::reports::store_day(&mut conn, day, kept[0].gen, "p", b"stale")
            .await
            .unwrap();
        assert!(!stale, "facts built before a change are not kept");
    }
    let second = engine.report(&query).await.unwrap();
    assert_eq!(
        (second.totals.total, second.totals.spam, second.totals.complaint),
        (2, 1, 1)
    );

    // A reply sent 30 minutes after b1 was written: counted, and the first-response target met.
    let handle = engine.handles().await.unwrap()[0].id.clone();
    let account = {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        earshot_store::accounts::upsert(
            &mut conn,
            HandleId(handle.parse().unwrap()),
            "https://pds.example",
            None,
            at("2026-11-02T08:00:00Z"),
        )
        .await
        .unwrap()
        .0
        .to_string()
    };
    let queued = engine
        .queue_action(&ActionRequest {
            item_id: id_of(&engine, "b1").await,
            kind: ActionKind::Reply,
            from: account,
            text: Some("On it".into()),
            confirmed: true,
            requested_by: Some("Ana".into()),
            saved_reply_id: None,
        })
        .await
        .unwrap();
    {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        earshot_store::outbox::mark_sent(
            &mut conn,
            OutboxId(queued.id.parse().unwrap()),
            "at://x",
            None,
            at("2026-11-02T08:30:00Z"),
        )
        .await
        .unwrap();
    }
    let third = engine.report(&query).await.unwrap();
    assert_eq!(third.sent.replies, 1);
    assert_eq!(third.first_response.median_minutes, Some(30.0));
    assert_eq!(
        (third.first_response_sla.met, third.first_response_sla.missed),
        (1, 0)
    );

    // A 20-minute target instead: the same reply now missed it, with nothing else changed.
    let mut settings = engine.handle_settings().await.unwrap().remove(0);
    settings.sla.first_response_minutes = Some(20);
    engine.set_handle_settings(&settings).await.unwrap();
    let fourth = engine.report(&query).await.unwrap();
    assert_eq!(
        (fourth.first_response_sla.met, fourth.first_response_sla.missed),
        (0, 1)
    );
    // Read again, all from stored facts: the same figures, and no work to show.
    let mut heard = 0;
    assert_eq!(
        engine
            .report_with_progress(&query, &mut |_| heard += 1)
            .await
            .unwrap(),
        fourth
    );
    assert_eq!(heard, 0, "nothing was built, so no progress is shown");
}
