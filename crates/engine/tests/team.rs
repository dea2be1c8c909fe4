//! Sync leadership: in a team, exactly one process syncs each account, and another takes over from the
//! stored cursor when it stops. Runs inside tests/e2e/harness.sh (the token goes to a real Secret Service)
//! against recorded Mastodon responses on loopback; the team half needs the contract run's PostgreSQL.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use earshot_core::Role;
use earshot_engine::{Engine, FixedClock, Progress};
use earshot_networks::replay::serve_mastodon;

fn now() -> DateTime<Utc> {
    "2026-08-01T14:00:00Z".parse().unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

async fn open(dir: &tempfile::TempDir, url: Option<&str>) -> Engine {
    Engine::open_at(dir.path().to_path_buf(), url, Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

/// Imports one support post ("my order is late") into `engine` and returns its item ID.
async fn import_late_order(engine: &Engine, dir: &tempfile::TempDir, remote_id: &str) -> i64 {
    let file = dir.path().join("in.jsonl");
    let lines = [
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#
            .to_owned(),
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": remote_id, "author": {"handle": "lou.bsky.social"},
            "text": "@acme-help.bsky.social my order is late", "created_at": "2026-08-01T13:50:00Z",
            "mentions": ["acme-help.bsky.social"]})
        .to_string(),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    engine.import_file(&file, &mut quiet()).await.unwrap();
    let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
    sqlx::query_scalar("SELECT id FROM mentions WHERE remote_id = $1")
        .bind(remote_id)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// Makes `listener` listen to the team database, and returns what it hears once it hears `talker`'s changes
/// (changing `agent`'s cap until it does: the listener connects in the background).
async fn listening(
    listener: &Engine,
    talker: &Engine,
    agent: &str,
) -> (
    earshot_engine::TeamListener,
    tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let handle = listener
        .listen_to_team(Arc::new(move |table: &str| {
            let _ = tx.send(table.to_owned());
        }))
        .expect("a team desktop listens");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        talker.set_cap(agent, 20).await.unwrap();
        if let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other desktop never heard of this one's changes"
        );
    }
    (handle, rx)
}

/// Waits (30 s at most) for a notice naming `table`; the notices before it may only name `others`.
async fn hear(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    table: &str,
    others: &[&str],
    what: &str,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let told = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("{what}"))
            .unwrap();
        if told == table {
            return;
        }
        assert!(
            others.contains(&told.as_str()),
            "unexpected notice for {told} ({what})"
        );
    }
}

#[tokio::test]
async fn one_process_syncs_each_account_and_another_takes_over_from_the_cursor_when_it_stops() {
    let server = serve_mastodon(50);
    let url = earshot_store::testing::fresh_database().await.unwrap();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(&dir_a, url.as_deref()).await;
    let account = a
        .connect_mastodon(server.base.as_str(), "replay-secret-token-7f3a", Role::Support)
        .await
        .expect("connect");
    let Some(url) = url else {
        // A personal workspace has one process, which syncs every account.
        assert!(!a.is_team());
        assert!(a.leads_sync(&account.id).await.unwrap());
        assert_eq!(a.sync_all(&mut quiet()).await.unwrap().len(), 1);
        assert!(a.take_over_syncs(&mut quiet()).await.unwrap().is_empty());
        return;
    };

    // Two processes on one team database: the first to ask syncs the account, the other leaves it alone.
    let b = open(&dir_b, Some(&url)).await;
    assert!(a.is_team() && b.is_team());
    let first = a.sync_all(&mut quiet()).await.unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].imported >= 1, "{first:?}");
    let requests = server.seen.lock().unwrap().len();
    assert!(
        b.sync_all(&mut quiet()).await.unwrap().is_empty(),
        "B does not sync what A syncs"
    );
    assert!(b.take_over_syncs(&mut quiet()).await.unwrap().is_empty());
    assert!(!b.leads_sync(&account.id).await.unwrap());
    assert_eq!(
        server.seen.lock().unwrap().len(),
        requests,
        "B asked the server nothing"
    );

    // A stops (its connections close, as when a process is killed): B takes over within seconds, from
    // the stored cursor, fetching nothing twice.
    drop(a);
    let started = Instant::now();
    let taken = loop {
        let taken = b.take_over_syncs(&mut quiet()).await.unwrap();
        if !taken.is_empty() {
            break taken;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nobody took over the account within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].imported, taken[0].merged), (0, 0), "{taken:?}");
    let asked = server.seen.lock().unwrap().last().cloned().unwrap();
    assert!(
        asked.0.contains("min_id="),
        "B resumed from A's cursor: {asked:?}"
    );
    assert!(b.leads_sync(&account.id).await.unwrap());
    assert_eq!(
        b.sync_all(&mut quiet()).await.unwrap().len(),
        1,
        "B syncs it from now on"
    );
}

/// Automatic assignment, per queue: round-robin takes turns among the agents on duty for the queue and skips
/// anyone at their cap; least-loaded fills whoever holds least; nobody off duty gets anything; when everyone
/// is full the items wait. Runs on SQLite, and on PostgreSQL in the contract run.
#[tokio::test]
async fn automatic_assignment_takes_turns_fills_the_least_loaded_and_keeps_caps_and_duty() {
    use earshot_engine::{AgentLabel, AssignMode, ClaimQueue};

    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap();
    let file = dir.path().join("in.jsonl");
    let post = |n: usize, to: &str, text: &str| {
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": format!("at://did:plc:q{n}/app.bsky.feed.post/{n}"),
            "author": {"handle": format!("q{n}.bsky.social")},
            "text": format!("@{to} {text}"), "created_at": format!("2026-08-01T13:{:02}:00Z", n),
            "mentions": [to]})
        .to_string()
    };
    let import = |from: usize, to: usize, handle: &'static str, text: &'static str| {
        let engine = &engine;
        let file = file.clone();
        async move {
            let mut lines = vec![
                r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#
                    .to_owned(),
                r#"{"type":"handle","network":"bluesky","account":"acme.bsky.social","role":"marketing"}"#
                    .to_owned(),
            ];
            lines.extend((from..to).map(|n| post(n, handle, text)));
            std::fs::write(&file, lines.join("\n") + "\n").unwrap();
            engine.import_file(&file, &mut quiet()).await.unwrap();
            // Agents' labels fix what each item is, so the queues do not depend on the model.
            let intent = if handle == "acme.bsky.social" {
                earshot_core::Intent::Praise
            } else {
                earshot_core::Intent::Question
            };
            for n in from..to {
                let id: i64 = {
                    let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
                    sqlx::query_scalar("SELECT id FROM mentions WHERE remote_id = $1")
                        .bind(format!("at://did:plc:q{n}/app.bsky.feed.post/{n}"))
                        .fetch_one(&mut *conn)
                        .await
                        .unwrap()
                };
                let id = id.to_string();
                engine.label_item(&id, AgentLabel::Spam(false)).await.unwrap();
                engine.label_item(&id, AgentLabel::Intent(intent)).await.unwrap();
            }
        }
    };
    import(0, 12, "acme-help.bsky.social", "how do I pair the bike computer?").await;
    import(
        20,
        23,
        "acme.bsky.social",
        "love the new bike, best purchase this year",
    )
    .await;
    let handles = engine.handles().await.unwrap();
    let id_of = |account: &str| handles.iter().find(|h| h.account == account).unwrap().id.clone();
    let (support, marketing) = (id_of("acme-help.bsky.social"), id_of("acme.bsky.social"));
    for (name, on, duty) in [
        ("Ana", true, vec![support.clone()]),
        ("Ben", true, vec![support.clone()]),
        ("Cai", true, vec![]),
        ("Dee", true, vec![marketing.clone()]),
        ("Eve", false, vec![]),
    ] {
        engine.add_agent(name, "agent").await.unwrap();
        engine.set_duty(Some(name), on, None, &duty).await.unwrap();
    }
    engine.set_cap("Ben", 2).await.unwrap();
    let holding = |engine: &Engine| {
        let engine = engine.clone();
        async move {
            let mut by: Vec<(String, u32)> = engine
                .agents()
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.holding > 0)
                .map(|a| (a.name, a.holding))
                .collect();
            by.sort();
            by
        }
    };

    // Off (as every queue starts): nothing is handed out.
    assert!(engine.auto_assign().await.unwrap().is_empty());

    // Support, round-robin among Ana, Ben and Cai (Dee is on duty for marketing only, Eve is off duty), in
    // turn; Ben stops at his cap of 2. The praise on the marketing handle is not the support queue's.
    engine
        .set_assignment_mode(ClaimQueue::Support, AssignMode::RoundRobin)
        .await
        .unwrap();
    let given = engine.auto_assign().await.unwrap();
    let order: Vec<&str> = given.iter().map(|g| g.agent.as_str()).collect();
    assert_eq!(
        order,
        ["Ana", "Ben", "Cai", "Ana", "Ben", "Cai", "Ana", "Cai", "Ana", "Cai", "Ana", "Cai"]
    );
    assert_eq!(
        holding(&engine).await,
        [("Ana".into(), 5), ("Ben".into(), 2), ("Cai".into(), 5)]
    );
    let work = engine.work(&given[0].item_id).await.unwrap();
    assert_eq!(work.held_by.as_deref(), Some("Ana"));
    assert!(
        work.history
            .iter()
            .any(|e| e.text == "Assigned to Ana automatically (round-robin)"),
        "{:?}",
        work.history
    );
    assert!(
        engine.auto_assign().await.unwrap().is_empty(),
        "a second pass finds nothing left"
    );

    // Marketing, least-loaded: Cai holds 5 and Dee none, so Dee gets all three praise items.
    engine
        .set_assignment_mode(ClaimQueue::Marketing, AssignMode::LeastLoaded)
        .await
        .unwrap();
    let given = engine.auto_assign().await.unwrap();
    assert_eq!(
        given.iter().map(|g| g.agent.as_str()).collect::<Vec<_>>(),
        ["Dee", "Dee", "Dee"]
    );

    // Cai goes off duty and Ben is full: three new support items all go to Ana.
    engine.set_duty(Some("Cai"), false, None, &[]).await.unwrap();
    import(40, 43, "acme-help.bsky.social", "how do I reset the lock?").await;
    let given = engine.auto_assign().await.unwrap();
    assert_eq!(
        given.iter().map(|g| g.agent.as_str()).collect::<Vec<_>>(),
        ["Ana", "Ana", "Ana"]
    );

    // Everyone on duty for support at their cap: a new item waits for a claim or for room.
    engine.set_cap("Ana", 8).await.unwrap();
    import(50, 51, "acme-help.bsky.social", "how do I charge the battery?").await;
    assert!(engine.auto_assign().await.unwrap().is_empty());
    engine.set_cap("Ana", 9).await.unwrap();
    let given = engine.auto_assign().await.unwrap();
    assert_eq!(given.len(), 1);
    assert_eq!(given[0].agent, "Ana");
    let rules = engine.assignment_rules().await.unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].mode, AssignMode::RoundRobin);
    assert_eq!(rules[1].mode, AssignMode::LeastLoaded);
}

/// Two agents answering one customer at once: a reply while another agent's reply to the same item waits in
/// the outbox, or went out less than a minute ago, asks for confirmation (in the composer's check and when
/// queued); one's own earlier reply does not.
#[tokio::test]
async fn a_second_agents_reply_within_a_minute_asks_for_confirmation() {
    use earshot_engine::{ActionKind, ActionRequest};

    let clock = Arc::new(FixedClock::new(now()));
    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), clock.clone())
        .await
        .unwrap();
    let file = dir.path().join("in.jsonl");
    let lines = [
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#
            .to_owned(),
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": "at://did:plc:r1/app.bsky.feed.post/1", "author": {"handle": "rae.bsky.social"},
            "text": "@acme-help.bsky.social my refund never arrived", "created_at": "2026-08-01T13:50:00Z",
            "mentions": ["acme-help.bsky.social"]})
        .to_string(),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    engine.import_file(&file, &mut quiet()).await.unwrap();
    let handle = engine.handles().await.unwrap()[0].id.clone();
    let (item, account) = {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        let account = earshot_store::accounts::upsert(
            &mut conn,
            earshot_store::HandleId(handle.parse().unwrap()),
            "https://pds.example",
            None,
            now(),
        )
        .await
        .unwrap()
        .0
        .to_string();
        let item: i64 = sqlx::query_scalar("SELECT id FROM mentions")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        (item.to_string(), account)
    };
    let reply = |who: &str, confirmed: bool| ActionRequest {
        item_id: item.clone(),
        kind: ActionKind::Reply,
        from: account.clone(),
        text: Some("Sorry, looking into it now".into()),
        confirmed,
        requested_by: Some(who.into()),
        saved_reply_id: None,
    };
    let ana = engine.queue_action(&reply("Ana", false)).await.unwrap();
    // Ana's own second thought is hers to send.
    engine.queue_action(&reply("Ana", false)).await.unwrap();
    let refused = engine
        .queue_action(&reply("Ben", false))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("Ana's answer to this post is waiting in the outbox.")
            && refused.contains("Send anyway"),
        "{refused}"
    );
    let ben = engine.queue_action(&reply("Ben", true)).await.unwrap();

    // Sent 30 and 90 seconds ago: Cai is warned about Ana's, the one within the minute.
    for (id, ago) in [(&ana.id, 30), (&ben.id, 90)] {
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        earshot_store::outbox::mark_sent(
            &mut conn,
            earshot_store::outbox::OutboxId(id.parse().unwrap()),
            "at://x",
            None,
            now() - chrono::Duration::seconds(ago),
        )
        .await
        .unwrap();
    }
    {
        // Ana's second reply never went out: it failed for good.
        let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
        sqlx::query("UPDATE outbox SET state = 'failed' WHERE state = 'pending'")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let refused = engine
        .queue_action(&reply("Cai", false))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("Ana answered this post 30 seconds ago."),
        "{refused}"
    );
    // A minute after Ana's went out, nothing is in flight: Cai's reply goes without a question.
    clock.set(now() + chrono::Duration::seconds(31));
    engine.queue_action(&reply("Cai", false)).await.unwrap();
    // The composer at this desk says so before anyone presses Send.
    let check = engine
        .compose_check(&item, ActionKind::Reply, Some(&account), "On it", None)
        .await
        .unwrap();
    assert_eq!(
        check.warnings,
        ["Cai's answer to this post is waiting in the outbox."]
    );
}

/// Live: what one desktop changes on the team database is told to the others (LISTEN/NOTIFY), naming the
/// table, so their windows refresh at once. A personal workspace has nothing to listen to.
#[tokio::test]
async fn a_claim_on_one_desktop_is_told_to_the_others() {
    let url = earshot_store::testing::fresh_database().await.unwrap();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let Some(url) = url else {
        let solo = open(&dir_a, None).await;
        assert!(solo.listen_to_team(Arc::new(|_: &str| {})).is_none());
        return;
    };
    let a = open(&dir_a, Some(&url)).await;
    let b = open(&dir_b, Some(&url)).await;
    let item = import_late_order(&a, &dir_a, "at://did:plc:l1/app.bsky.feed.post/1").await;
    a.add_agent("Ana", "agent").await.unwrap();
    let (_listening, mut rx) = listening(&b, &a, "Ana").await;
    let claimed = a
        .claim(Some("Ana"), earshot_engine::ClaimTarget::Item(item.to_string()))
        .await
        .unwrap();
    assert!(
        matches!(claimed, earshot_engine::ClaimOutcome::Claimed { .. }),
        "{claimed:?}"
    );
    // Notices of A's cap changes may still be on their way; the claim's names the mentions table. Nothing but
    // the claim changed a mention since B listens.
    hear(&mut rx, "mentions", &["agents"], "B is told of the claim").await;
    // And B, asked, sees who holds it.
    assert_eq!(
        b.work(&item.to_string()).await.unwrap().held_by.as_deref(),
        Some("Ana")
    );
}

#[tokio::test]
async fn presence_shows_who_else_views_or_writes_and_fades_when_they_stop() {
    use earshot_engine::PresenceActivity::{Composing, Viewing};
    use earshot_store::presence::{self, Activity};
    let url = earshot_store::testing::fresh_database().await.unwrap();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(&dir_a, url.as_deref()).await;
    let item = import_late_order(&a, &dir_a, "at://did:plc:p1/app.bsky.feed.post/1").await;
    let item_text = item.to_string();
    a.update_me("Ana Ruiz", "").await.unwrap();
    let bo = a.add_agent("Bo Chen", "agent").await.unwrap();
    let bo_id = earshot_store::agents::AgentId(bo.id.parse().unwrap());
    // Bo's desktop beats straight into the store: he is writing an answer, as of `at`.
    let bo_writes = |at: DateTime<Utc>| {
        let db = a.database().clone();
        async move {
            let mut conn = earshot_store::acquire(&db).await.unwrap();
            presence::beat(
                &mut conn,
                bo_id,
                Some(earshot_store::ItemId(item)),
                Activity::Composing,
                at,
            )
            .await
            .unwrap();
        }
    };

    // Alone on the item: nobody else is shown, and one's own presence never is.
    assert!(a
        .beat_presence(Some(&item_text), Viewing)
        .await
        .unwrap()
        .is_empty());
    // Bo writes an answer: Ana sees it.
    bo_writes(now()).await;
    let seen = a.beat_presence(Some(&item_text), Viewing).await.unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].agent, "Bo Chen");
    assert_eq!(seen[0].activity, Composing);
    assert_eq!(seen[0].text, "Bo Chen is writing a reply");
    // Bo's desktop stopped beating a minute ago: he is gone.
    bo_writes(now() - chrono::Duration::seconds(60)).await;
    assert!(a
        .beat_presence(Some(&item_text), Viewing)
        .await
        .unwrap()
        .is_empty());
    let wrong = a.beat_presence(Some("no-such"), Viewing).await.unwrap_err();
    assert!(wrong.to_string().contains("no inbox item"), "{wrong}");

    // In a team: a second desktop, its own person, told when Ana opens the item and when she leaves it.
    let Some(url) = url else { return };
    let b = open(&dir_b, Some(&url)).await;
    b.update_me("Cleo Park", "").await.unwrap();
    let (_listening, mut rx) = listening(&b, &a, "Bo Chen").await;
    a.beat_presence(None, Viewing).await.unwrap();
    a.beat_presence(Some(&item_text), Composing).await.unwrap();
    hear(
        &mut rx,
        "presence",
        &["agents"],
        "B is told that Ana opened the item",
    )
    .await;
    let seen = b.beat_presence(Some(&item_text), Viewing).await.unwrap();
    assert_eq!(
        seen.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        ["Ana Ruiz is writing a reply"]
    );
    // And A sees B in turn.
    let seen = a.beat_presence(Some(&item_text), Composing).await.unwrap();
    assert_eq!(seen[0].text, "Cleo Park is viewing this item");
    a.beat_presence(None, Viewing).await.unwrap();
    assert!(b
        .beat_presence(Some(&item_text), Viewing)
        .await
        .unwrap()
        .is_empty());
}

/// The posts of the move test: two handles, one post naming both (one item), a refund complaint, praise.
fn move_lines() -> String {
    let lines = [
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#.to_owned(),
        r#"{"type":"handle","network":"bluesky","account":"acme.bsky.social","role":"marketing"}"#.to_owned(),
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": "at://did:plc:m1/app.bsky.feed.post/1", "author": {"handle": "lou.bsky.social", "display_name": "Lou Émile"},
            "text": "@acme-help.bsky.social @acme.bsky.social my refund never arrived", "created_at": "2026-08-01T13:50:00Z",
            "mentions": ["acme-help.bsky.social", "acme.bsky.social"]})
        .to_string(),
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": "at://did:plc:m2/app.bsky.feed.post/2", "author": {"handle": "kim.bsky.social"},
            "text": "@acme.bsky.social love the new frame, thank you!", "created_at": "2026-08-01T13:55:00Z",
            "mentions": ["acme.bsky.social"]})
        .to_string(),
        serde_json::json!({"type": "mention", "network": "bluesky",
            "remote_id": "at://did:plc:m3/app.bsky.feed.post/3", "author": {"handle": "max.bsky.social"},
            "text": "@acme-help.bsky.social where is my order?", "created_at": "2026-08-01T13:58:00Z",
            "mentions": ["acme-help.bsky.social"]})
        .to_string(),
    ];
    lines.join("\n") + "\n"
}

#[tokio::test]
async fn a_personal_workspace_moves_into_an_empty_team_database_whole() {
    let url = earshot_store::testing::fresh_database().await.unwrap();
    let personal_dir = tempfile::tempdir().unwrap();
    let Some(url) = url else {
        // Without a team database: a server that does not answer is a clear error, and nothing is touched.
        let solo = open(&personal_dir, None).await;
        drop(solo);
        let refused = earshot_engine::move_into_team(
            personal_dir.path(),
            "postgres://agent@127.0.0.1:9/inbox",
            &mut quiet(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("could not connect to the team database"),
            "{refused}"
        );
        assert!(!personal_dir.path().join(earshot_engine::TEAM_FILE).exists());
        return;
    };

    // A personal workspace with a day's work in it.
    let before = {
        let me = open(&personal_dir, None).await;
        let file = personal_dir.path().join("in.jsonl");
        std::fs::write(&file, move_lines()).unwrap();
        me.import_file(&file, &mut quiet()).await.unwrap();
        me.update_me("Ana Ruiz", "–Ana").await.unwrap();
        me.add_agent("Bo Chen", "agent").await.unwrap();
        let page = me
            .inbox(&earshot_engine::InboxQuery::default(), 0, 50)
            .await
            .unwrap();
        assert_eq!(page.total, 3, "the post naming both handles is one item");
        let first = page.rows[0].id.clone();
        me.claim(None, earshot_engine::ClaimTarget::Item(first.clone()))
            .await
            .unwrap();
        me.add_note(&first, "Refund sent on the 2nd; checking with the bank.", false)
            .await
            .unwrap();
        (page, first)
    };
    let (page, first) = before;

    // Moved, with progress that only grows and ends at the total.
    let mut seen = Vec::new();
    let report = earshot_engine::move_into_team(personal_dir.path(), &url, &mut |p: &Progress| {
        seen.push((p.done, p.total))
    })
    .await
    .unwrap();
    assert_eq!(report.items, 3);
    let rows_of = |table: &str| report.tables.iter().find(|t| t.table == table).map(|t| t.rows);
    assert_eq!(rows_of("handles"), Some(2));
    assert_eq!(rows_of("mention_handles"), Some(4));
    assert_eq!(rows_of("agents"), Some(2));
    assert_eq!(rows_of("notes"), Some(1));
    assert_eq!(rows_of("search"), Some(3));
    assert!(
        !report.tables.iter().any(|t| t.table == "report_days"),
        "report figures are rebuilt, not copied"
    );
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    let (done, total) = *seen.last().unwrap();
    assert_eq!(done, total);

    // The team database now shows the same inbox, search, holder, note and person at this desk.
    let team = open(&personal_dir, Some(&url)).await;
    let moved = team
        .inbox(&earshot_engine::InboxQuery::default(), 0, 50)
        .await
        .unwrap();
    let ids = |p: &earshot_engine::InboxPage| {
        p.rows
            .iter()
            .map(|r| (r.id.clone(), r.excerpt.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&moved), ids(&page));
    let found = team
        .inbox(
            &earshot_engine::InboxQuery {
                search: Some("emile refund".into()),
                ..Default::default()
            },
            0,
            50,
        )
        .await
        .unwrap();
    assert_eq!(
        found.rows.len(),
        1,
        "search works on the moved items, accents folded"
    );
    let work = team.work(&first).await.unwrap();
    assert_eq!(work.held_by.as_deref(), Some("Ana Ruiz"));
    assert_eq!(work.notes.len(), 1);
    assert_eq!(team.me().await.unwrap().name, "Ana Ruiz");
    // New rows take new IDs: the sequences were moved past the copied rows.
    let file = personal_dir.path().join("more.jsonl");
    let more = serde_json::json!({"type": "mention", "network": "bluesky",
        "remote_id": "at://did:plc:m4/app.bsky.feed.post/4", "author": {"handle": "ivy.bsky.social"},
        "text": "@acme-help.bsky.social my bike arrived broken", "created_at": "2026-08-01T13:59:00Z",
        "mentions": ["acme-help.bsky.social"]});
    std::fs::write(&file, format!("{more}\n")).unwrap();
    team.import_file(&file, &mut quiet()).await.unwrap();
    team.add_agent("Cleo Park", "agent").await.unwrap();
    assert_eq!(
        team.inbox(&earshot_engine::InboxQuery::default(), 0, 50)
            .await
            .unwrap()
            .total,
        4
    );
    drop(team);

    // A second move into the same database is refused, and says what is already there.
    let again = earshot_engine::move_into_team(personal_dir.path(), &url, &mut quiet())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        again.contains("is not empty") && again.contains("4 items"),
        "{again}"
    );
}
