//! The agent's day through the engine, with an injected clock: stages and snoozes, SLA timers with business
//! hours, escalation and notes, saved replies with signatures and their lengths, alert rules with quiet
//! hours, do-not-disturb and bursts, and the shift handover. A real SQLite database in a temp folder.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use earshot_core::{Intent, ItemStatus, Stage};
use earshot_engine::{
    ActionKind, ActionRequest, AgentLabel, EndShiftRequest, Engine, EscalateRequest, FixedClock, InboxQuery,
    NoticeKind, Progress, SaveReplyRequest, Schedule, TimerState,
};
use earshot_store::outbox::OutboxId;
use earshot_store::HandleId;

/// Monday 30 November 2026, 10:00 in Berlin.
fn monday_10_berlin() -> DateTime<Utc> {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

struct Desk {
    engine: Engine,
    clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

async fn desk(at: DateTime<Utc>) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(at));
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), clock.clone())
        .await
        .unwrap();
    Desk {
        engine,
        clock,
        _dir: dir,
    }
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

const HANDLES: &str = r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}
{"type":"handle","network":"bluesky","account":"acme.bsky.social","role":"marketing"}"#;

fn post(id: &str, author: &str, followers: u64, text: &str, at: DateTime<Utc>, to: &str) -> String {
    serde_json::json!({"type": "mention", "network": "bluesky", "remote_id": format!("at://did:plc:{author}/app.bsky.feed.post/{id}"),
        "author": {"handle": format!("{author}.bsky.social"), "display_name": format!("{} Doe", capitalise(author)), "followers": followers},
        "text": text, "created_at": at.to_rfc3339(), "mentions": [to]})
    .to_string()
}

fn reply_to(parent: &str, id: &str, author: &str, text: &str, at: DateTime<Utc>) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&post(id, author, 10, text, at, "acme-help.bsky.social")).unwrap();
    v["reply_to"] = serde_json::Value::String(format!("at://did:plc:{author}/app.bsky.feed.post/{parent}"));
    v.to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn import(engine: &Engine, lines: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, format!("{HANDLES}\n{}\n", lines.join("\n"))).unwrap();
    let report = engine.import_file(&path, &mut quiet()).await.unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.errors);
}

/// An item by the end of its remote ID, read without opening it (opening marks it seen).
async fn item_by(engine: &Engine, remote_suffix: &str) -> String {
    let mut conn = earshot_store::acquire(engine.database()).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM mentions WHERE remote_id LIKE '%' || $1")
        .bind(remote_suffix)
        .fetch_optional(&mut *conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no item {remote_suffix}"));
    id.to_string()
}

async fn row(engine: &Engine, id: &str) -> earshot_engine::InboxRow {
    engine
        .inbox(&InboxQuery::default(), 0, 500)
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
}

async fn support_handle(engine: &Engine) -> String {
    engine
        .handles()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.account == "acme-help.bsky.social")
        .unwrap()
        .id
}

/// Connects an account to the support handle (no network is contacted) so replies can be queued.
async fn connect_support(d: &Desk) -> String {
    let handle = support_handle(&d.engine).await;
    let mut conn = earshot_store::acquire(d.engine.database()).await.unwrap();
    let id = earshot_store::accounts::upsert(
        &mut conn,
        HandleId(handle.parse().unwrap()),
        "https://pds.example",
        Some("did:plc:acmehelp"),
        d.clock.now_utc(),
    )
    .await
    .unwrap();
    id.0.to_string()
}

/// What the outbox does when the network accepted the action.
async fn mark_sent(d: &Desk, outbox_id: &str) {
    let mut conn = earshot_store::acquire(d.engine.database()).await.unwrap();
    earshot_store::outbox::mark_sent(
        &mut conn,
        OutboxId(outbox_id.parse().unwrap()),
        "at://did:plc:acmehelp/app.bsky.feed.post/sent",
        None,
        d.clock.now_utc(),
    )
    .await
    .unwrap();
}

/// A reply from the support account, as the composer sends it.
fn reply(
    item: String,
    from: String,
    text: impl Into<String>,
    saved_reply_id: Option<String>,
) -> ActionRequest {
    ActionRequest {
        item_id: item,
        kind: ActionKind::Reply,
        from,
        text: Some(text.into()),
        confirmed: false,
        requested_by: None,
        saved_reply_id,
    }
}

trait Now {
    fn now_utc(&self) -> DateTime<Utc>;
}
impl Now for FixedClock {
    fn now_utc(&self) -> DateTime<Utc> {
        earshot_engine::Clock::now(self)
    }
}

#[tokio::test]
async fn stages_snoozes_and_a_customer_answer_reopen_items() {
    let t0 = monday_10_berlin();
    let d = desk(t0).await;
    import(
        &d.engine,
        &[post(
            "q1",
            "ann",
            10,
            "@acme-help.bsky.social where is my order?",
            t0 - Duration::minutes(5),
            "acme-help.bsky.social",
        )],
    )
    .await;
    let id = item_by(&d.engine, "/q1").await;
    assert_eq!(
        row(&d.engine, &id).await.stage,
        Stage::New,
        "nobody has opened it yet"
    );
    d.engine.item(&id).await.unwrap();
    assert_eq!(
        row(&d.engine, &id).await.stage,
        Stage::Open,
        "opening an item makes it open"
    );

    d.engine.set_stage(&id, Stage::Waiting).await.unwrap();
    let open = InboxQuery {
        status: Some(ItemStatus::Open),
        ..Default::default()
    };
    assert_eq!(
        d.engine.inbox(&open, 0, 50).await.unwrap().total,
        0,
        "waiting items leave the working list"
    );
    let waiting = InboxQuery {
        stage: Some(Stage::Waiting),
        ..Default::default()
    };
    assert_eq!(d.engine.inbox(&waiting, 0, 50).await.unwrap().total, 1);

    // The customer answers in the same thread: the waiting item is open again.
    import(
        &d.engine,
        &[reply_to("q1", "q2", "ann", "it is order A-1042", t0)],
    )
    .await;
    assert_eq!(
        row(&d.engine, &id).await.stage,
        Stage::Open,
        "the customer's answer reopens a waiting item"
    );

    // Snooze for two hours: out of the list, back when the time comes.
    let back = d
        .engine
        .snooze(&id, &(t0 + Duration::hours(2)).to_rfc3339())
        .await
        .unwrap();
    assert_eq!(back, "2026-11-30T11:00:00Z");
    let open_ids: Vec<String> = d
        .engine
        .inbox(&open, 0, 50)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(
        !open_ids.contains(&id),
        "a snoozed item is out of the working list"
    );
    assert_eq!(d.engine.wake_snoozed().await.unwrap(), 0, "not yet");
    d.clock.set(t0 + Duration::hours(2));
    assert_eq!(d.engine.wake_snoozed().await.unwrap(), 1);
    let open_ids: Vec<String> = d
        .engine
        .inbox(&open, 0, 50)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(open_ids.contains(&id), "it is back when its time comes");

    let err = d
        .engine
        .snooze(&id, &(t0 - Duration::hours(1)).to_rfc3339())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already passed"), "{err}");

    d.engine.set_status(&id, ItemStatus::Done).await.unwrap();
    let w = d.engine.work(&id).await.unwrap();
    assert_eq!(w.stage, Stage::Resolved, "done is resolved");
    assert_eq!(
        w.resolved_at.as_deref(),
        Some("2026-11-30T11:00:00Z"),
        "resolving stamps the time for reports"
    );
    assert!(
        w.history
            .iter()
            .any(|e| e.text == "Snoozed until 2026-11-30T11:00:00Z"),
        "{:?}",
        w.history
    );
}

#[tokio::test]
async fn sla_timers_count_business_hours_across_a_weekend() {
    // Friday 27 November 2026, 16:30 in Berlin (15:30 UTC).
    let friday = "2026-11-27T15:30:00Z".parse::<DateTime<Utc>>().unwrap();
    let d = desk(friday).await;
    import(
        &d.engine,
        &[post(
            "f1",
            "bob",
            10,
            "my bike arrived broken",
            friday,
            "acme-help.bsky.social",
        )],
    )
    .await;
    let id = item_by(&d.engine, "/f1").await;
    let handle = support_handle(&d.engine).await;
    let mut settings = d
        .engine
        .handle_settings()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.handle_id == handle)
        .unwrap();
    settings.sla.first_response_minutes = Some(60);
    settings.sla.business_hours_only = true;
    settings.business_hours = Some(Schedule::weekdays("Europe/Berlin", "09:00", "17:00"));
    d.engine.set_handle_settings(&settings).await.unwrap();

    // Half an hour of Friday counts; the weekend does not. Monday 09:10 Berlin: 20 minutes left.
    d.clock.set("2026-11-30T08:10:00Z".parse().unwrap());
    let sla = row(&d.engine, &id).await.sla.expect("a timer runs");
    assert_eq!(sla.state, TimerState::OnTrack, "{sla:?}");
    assert_eq!(
        sla.remaining_minutes, 20,
        "30 business minutes on Friday and 10 on Monday were used"
    );
    assert_eq!(
        sla.due_at.as_deref(),
        Some("2026-11-30T08:30:00Z"),
        "due Monday 09:30 Berlin"
    );

    d.clock.set("2026-11-30T08:25:00Z".parse().unwrap());
    assert_eq!(
        row(&d.engine, &id).await.sla.unwrap().state,
        TimerState::DueSoon,
        "5 minutes left is close"
    );
    d.clock.set("2026-11-30T08:45:00Z".parse().unwrap());
    let late = row(&d.engine, &id).await.sla.unwrap();
    assert_eq!(late.state, TimerState::Breached);
    assert_eq!(late.label, "First reply 15 min overdue");

    // The reply goes out: the first response is stored and the timer is met, late.
    let account = connect_support(&d).await;
    let queued = d
        .engine
        .queue_action(&reply(id.clone(), account, "Sorry Bob, we are on it", None))
        .await
        .unwrap();
    d.clock.set("2026-11-30T08:50:00Z".parse().unwrap());
    mark_sent(&d, &queued.id).await;
    let w = d.engine.work(&id).await.unwrap();
    assert_eq!(w.first_response_at.as_deref(), Some("2026-11-30T08:50:00Z"));
    let first = w
        .timers
        .iter()
        .find(|t| t.kind == earshot_engine::TimerKind::FirstResponse)
        .unwrap();
    assert_eq!(first.state, TimerState::MetLate);
    assert_eq!(
        first.took_minutes,
        Some(80),
        "30 minutes on Friday and 50 on Monday"
    );
}

#[tokio::test]
async fn escalation_names_who_holds_the_item_and_why_and_notes_stay_internal() {
    let t0 = monday_10_berlin();
    let d = desk(t0).await;
    import(
        &d.engine,
        &[
            post(
                "e1",
                "cat",
                10,
                "I want a refund of $900 now",
                t0,
                "acme-help.bsky.social",
            ),
            reply_to("e1", "e2", "cat", "still waiting", t0 + Duration::minutes(1)),
        ],
    )
    .await;
    let id = item_by(&d.engine, "/e1").await;
    let later = item_by(&d.engine, "/e2").await;

    let no_note = d
        .engine
        .escalate(&EscalateRequest {
            item_id: id.clone(),
            to_agent: None,
            to_role: Some("lead".into()),
            note: "  ".into(),
        })
        .await
        .unwrap_err();
    assert!(no_note.to_string().contains("Say why"), "{no_note}");
    let stranger = d
        .engine
        .escalate(&EscalateRequest {
            item_id: id.clone(),
            to_agent: Some("Sam".into()),
            to_role: None,
            note: "refund over $500".into(),
        })
        .await
        .unwrap_err();
    assert!(stranger.to_string().contains("No one called 'Sam'"), "{stranger}");

    d.engine.add_agent("Sam Lee", "lead").await.unwrap();
    let w = d
        .engine
        .escalate(&EscalateRequest {
            item_id: id.clone(),
            to_agent: Some("sam lee".into()),
            to_role: None,
            note: "refund over $500".into(),
        })
        .await
        .unwrap();
    assert_eq!(w.held_by.as_deref(), Some("Sam Lee"));
    assert_eq!(w.held_because.as_deref(), Some("refund over $500"));
    assert_eq!(
        w.history.last().unwrap().text,
        "Escalated to Sam Lee: refund over $500"
    );
    assert_eq!(
        row(&d.engine, &id).await.held_by.as_deref(),
        Some("Sam Lee"),
        "the list shows the holder"
    );

    d.engine
        .add_note(&id, "Card payment, order A-1042", false)
        .await
        .unwrap();
    d.engine
        .add_note(&id, "Cat is a reseller; be careful with promises", true)
        .await
        .unwrap();
    let on_later = d.engine.work(&later).await.unwrap();
    assert_eq!(
        on_later.notes.len(),
        1,
        "only the conversation's note shows on another post of it"
    );
    assert!(on_later.notes[0].conversation);
    assert_eq!(d.engine.work(&id).await.unwrap().notes.len(), 2);
    assert!(
        d.engine.outbox(Some(&id)).await.unwrap().is_empty(),
        "notes are never queued to a network"
    );
}

#[tokio::test]
async fn saved_replies_fill_in_the_author_and_agent_sign_and_warn_on_repeats() {
    let t0 = monday_10_berlin();
    let d = desk(t0).await;
    import(
        &d.engine,
        &[
            post(
                "r1",
                "dana",
                10,
                "where is my refund?",
                t0,
                "acme-help.bsky.social",
            ),
            post(
                "r2",
                "dana",
                10,
                "still no refund",
                t0 + Duration::hours(1),
                "acme-help.bsky.social",
            ),
        ],
    )
    .await;
    d.engine
        .update_me("Ana María López", "–{agent.first_name}")
        .await
        .unwrap();
    let bad = d
        .engine
        .save_reply(&SaveReplyRequest {
            id: None,
            title: "Refund".into(),
            body: "Hi {author.nickname}".into(),
        })
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("{author.nickname}"), "{bad}");
    let saved = d
        .engine
        .save_reply(&SaveReplyRequest {
            id: None,
            title: "Refund on its way".into(),
            body: "Hi {author.first_name}, your refund for {order} is on its way.".into(),
        })
        .await
        .unwrap();
    let found = d.engine.saved_replies("refnd").await.unwrap();
    assert_eq!(
        found.first().map(|r| r.id.clone()),
        Some(saved.id.clone()),
        "fuzzy search finds it"
    );

    let account = connect_support(&d).await;
    let first = item_by(&d.engine, "/r1").await;
    let p = d
        .engine
        .preview_reply(&first, &saved.id, Some(&account), &BTreeMap::new())
        .await
        .unwrap();
    assert_eq!(p.text, "Hi Dana, your refund for {order} is on its way.");
    assert_eq!(p.missing, ["order"], "the order number is for the agent to give");
    assert_eq!(p.signature.as_deref(), Some("–Ana"));
    assert_eq!(p.limit, Some(300));
    let values = BTreeMap::from([("order".to_owned(), "A-1042".to_owned())]);
    let p = d
        .engine
        .preview_reply(&first, &saved.id, Some(&account), &values)
        .await
        .unwrap();
    let full = "Hi Dana, your refund for A-1042 is on its way. –Ana";
    assert_eq!(
        p.used as usize,
        full.chars().count(),
        "the count includes the signature"
    );
    assert!(p.warning.is_none());

    let queued = d
        .engine
        .queue_action(&reply(
            first.clone(),
            account.clone(),
            p.text.clone(),
            Some(saved.id.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(
        queued.text.as_deref(),
        Some(full),
        "the reply is signed by the agent on sending"
    );

    let second = item_by(&d.engine, "/r2").await;
    let again = d
        .engine
        .preview_reply(&second, &saved.id, Some(&account), &values)
        .await
        .unwrap();
    let warning = again.warning.expect("the same saved reply went to Dana before");
    assert!(warning.contains("@dana.bsky.social"), "{warning}");
    let check = d
        .engine
        .compose_check(
            &second,
            ActionKind::Reply,
            Some(&account),
            "Hi again",
            Some(&saved.id),
        )
        .await
        .unwrap();
    assert!(
        check.warnings.iter().any(|w| w.contains("already sent")),
        "{:?}",
        check.warnings
    );

    // A handle that does not sign: no signature.
    let handle = support_handle(&d.engine).await;
    let mut s = d
        .engine
        .handle_settings()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.handle_id == handle)
        .unwrap();
    s.sign_replies = false;
    d.engine.set_handle_settings(&s).await.unwrap();
    let unsigned = d
        .engine
        .compose_check(&second, ActionKind::Reply, Some(&account), "Hi", None)
        .await
        .unwrap();
    assert_eq!(unsigned.signature, None);
}

/// A complaint from an influential author, labelled by an agent so the test does not depend on the model.
async fn complaint(d: &Desk, id: &str, author: &str, followers: u64, at: DateTime<Utc>) -> String {
    import(
        &d.engine,
        &[post(
            id,
            author,
            followers,
            "the app is broken again",
            at,
            "acme-help.bsky.social",
        )],
    )
    .await;
    let item = item_by(&d.engine, &format!("/{id}")).await;
    d.engine
        .label_item(&item, AgentLabel::Intent(Intent::Complaint))
        .await
        .unwrap();
    item
}

#[tokio::test]
async fn alerts_fire_once_for_matching_items_hold_in_quiet_hours_and_summarise_bursts() {
    let t0 = monday_10_berlin();
    let d = desk(t0).await;
    assert!(
        d.engine.alerts_due().await.unwrap().is_empty(),
        "an empty inbox raises nothing"
    );

    let loud = complaint(&d, "a1", "erin", 48_200, t0).await;
    complaint(&d, "a2", "fay", 12, t0).await;
    let notices = d.engine.alerts_due().await.unwrap();
    assert_eq!(
        notices.len(),
        1,
        "only the influential complaint alerts: {notices:?}"
    );
    assert_eq!(notices[0].kind, NoticeKind::Single);
    assert_eq!(
        notices[0].summary,
        "Complaint from Erin Doe on @acme-help.bsky.social"
    );
    assert!(
        notices[0].body.contains("the app is broken again"),
        "{}",
        notices[0].body
    );
    assert!(
        notices[0].body.contains("48,200 followers"),
        "the rule says why: {}",
        notices[0].body
    );
    assert_eq!(notices[0].item_ids, [loud]);
    assert!(
        d.engine.alerts_due().await.unwrap().is_empty(),
        "an item alerts once"
    );

    // Quiet hours on the support handle, 22:00–07:00 Berlin: alerts are held, then summarised.
    let handle = support_handle(&d.engine).await;
    let mut s = d
        .engine
        .handle_settings()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.handle_id == handle)
        .unwrap();
    s.quiet_hours = Some(Schedule::every_day("Europe/Berlin", "22:00", "07:00"));
    d.engine.set_handle_settings(&s).await.unwrap();
    let night = "2026-11-30T22:30:00Z".parse::<DateTime<Utc>>().unwrap();
    d.clock.set(night);
    complaint(&d, "n1", "gil", 30_000, night).await;
    complaint(&d, "n2", "hal", 30_000, night).await;
    assert!(
        d.engine.alerts_due().await.unwrap().is_empty(),
        "quiet hours hold alerts back"
    );
    d.clock.set("2026-12-01T06:30:00Z".parse().unwrap());
    let morning = d.engine.alerts_due().await.unwrap();
    assert_eq!(morning.len(), 1, "{morning:?}");
    assert_eq!(morning[0].kind, NoticeKind::AfterQuiet);
    assert_eq!(
        morning[0].summary,
        "While alerts were held: 2 complaints on @acme-help.bsky.social"
    );
    assert!(
        d.engine.alerts_due().await.unwrap().is_empty(),
        "held alerts are summarised once"
    );

    // Do-not-disturb holds everything until it ends.
    let dnd_end = "2026-12-01T08:00:00Z";
    d.engine.set_dnd(Some(dnd_end)).await.unwrap();
    complaint(&d, "d1", "ivy", 30_000, "2026-12-01T06:31:00Z".parse().unwrap()).await;
    assert!(
        d.engine.alerts_due().await.unwrap().is_empty(),
        "do-not-disturb holds alerts"
    );
    d.clock.set(dnd_end.parse().unwrap());
    let after = d.engine.alerts_due().await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].kind, NoticeKind::AfterQuiet);
}

#[tokio::test]
async fn a_burst_of_fifty_matching_items_is_one_summary() {
    let t0 = monday_10_berlin();
    let d = desk(t0).await;
    let lines: Vec<String> = (0..50)
        .map(|i| {
            post(
                &format!("b{i}"),
                &format!("user{i}"),
                20_000,
                "your service is down, this is awful",
                t0,
                "acme-help.bsky.social",
            )
        })
        .collect();
    import(&d.engine, &lines).await;
    let page = d.engine.inbox(&InboxQuery::default(), 0, 100).await.unwrap();
    for r in &page.rows {
        d.engine
            .label_item(&r.id, AgentLabel::Intent(Intent::Complaint))
            .await
            .unwrap();
    }
    let notices = d.engine.alerts_due().await.unwrap();
    assert_eq!(
        notices.len(),
        1,
        "{:?}",
        notices.iter().map(|n| &n.summary).collect::<Vec<_>>()
    );
    assert_eq!(notices[0].kind, NoticeKind::Burst);
    assert!(
        notices[0]
            .summary
            .starts_with("50 complaints on @acme-help.bsky.social"),
        "{}",
        notices[0].summary
    );
    assert_eq!(notices[0].item_ids.len(), 50);
}

#[tokio::test]
async fn ending_a_shift_hands_over_promises_open_items_and_near_breaches() {
    let t0 = monday_10_berlin();
    // Jon wrote 50 minutes ago and Earshot saw it at once; Kim wrote just now.
    let d = desk(t0 - Duration::minutes(50)).await;
    import(
        &d.engine,
        &[post(
            "h1",
            "jon",
            10,
            "my order is late",
            t0 - Duration::minutes(50),
            "acme-help.bsky.social",
        )],
    )
    .await;
    d.clock.set(t0);
    import(
        &d.engine,
        &[post(
            "h2",
            "kim",
            10,
            "how do I reset the lock?",
            t0 - Duration::minutes(5),
            "acme-help.bsky.social",
        )],
    )
    .await;
    d.engine
        .update_me("Ana López", "–{agent.first_name}")
        .await
        .unwrap();
    d.engine.add_agent("Sam Lee", "agent").await.unwrap();
    let handle = support_handle(&d.engine).await;
    d.engine
        .start_shift(std::slice::from_ref(&handle), None)
        .await
        .unwrap();
    let me = d.engine.me().await.unwrap();
    assert!(me.on_duty);

    let late = item_by(&d.engine, "/h1").await;
    let fresh = item_by(&d.engine, "/h2").await;
    let account = connect_support(&d).await;
    let queued = d
        .engine
        .queue_action(&reply(
            fresh.clone(),
            account,
            "Thanks Kim! I'll DM you the steps tomorrow morning.",
            None,
        ))
        .await
        .unwrap();
    mark_sent(&d, &queued.id).await;
    d.engine.assign(&late, Some("Ana López")).await.unwrap();

    let result = d
        .engine
        .end_shift(&EndShiftRequest {
            note: "Jon's parcel is with the courier".into(),
            next_agent: Some("Sam Lee".into()),
            next_until: Some("22:00".into()),
        })
        .await
        .unwrap();
    let h = &result.handover.summary;
    assert_eq!(result.returned, 1, "Jon's unanswered item goes back to the queue");
    assert_eq!(h.near_sla.len(), 1, "Jon has waited 50 of 60 minutes: {h:?}");
    assert_eq!(h.near_sla[0].item_id, late);
    assert_eq!(h.promises.len(), 1, "{:?}", h.promises);
    assert_eq!(h.promises[0].item_id, fresh);
    assert_eq!(h.promises[0].promise.when.as_deref(), Some("tomorrow morning"));
    assert!(
        result.handover.text.contains("Jon's parcel is with the courier"),
        "{}",
        result.handover.text
    );
    assert_eq!(
        result.shift_post,
        "Signing off for today. Sam is here until 22:00 if you need us. –Ana"
    );
    assert!(!d.engine.me().await.unwrap().on_duty, "the agent is off duty");
    assert_eq!(d.engine.work(&late).await.unwrap().held_by, None);
    assert!(
        d.engine
            .outbox(None)
            .await
            .unwrap()
            .iter()
            .all(|o| o.kind != ActionKind::Post),
        "nothing is posted until the agent confirms"
    );
    let latest = d.engine.handovers(5).await.unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].id, result.handover.id);
}
