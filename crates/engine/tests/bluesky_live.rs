//! Bluesky against the real reference servers: PLC, PDS and AppView from `@atproto/dev-env`, on loopback,
//! started by tests/support/with-bsky-net.sh (scripts/test.sh runs every Rust test inside it). Real posts
//! are written by other accounts, then synced through the engine into a real SQLite inbox, with the app
//! password in the real OS keyring (a Secret Service; tests/e2e/harness.sh).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use earshot_core::{ItemStatus, Role};
use earshot_engine::{AccountView, Engine, InboxQuery, Progress, SystemClock};
use earshot_networks::bluesky::{new_record_key, BlueskyClient};
use earshot_networks::replay::bsky_net::DevNet;

/// The reply the retry test sends, told apart by its text from posts other tests make from the same handle.
const REPLY_TEXT: &str = "Sorry about that! Tighten the caliper bolts; DM us if it goes on.";

async fn post(client: &BlueskyClient, text: &str) -> String {
    let now = Utc::now();
    client
        .post(text, None, &new_record_key(now, 7), now)
        .await
        .expect("post")
        .uri
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

fn tag() -> String {
    format!("t{}", Utc::now().timestamp_nanos_opt().unwrap_or_default())
}

async fn items_with(engine: &Engine, text: &str) -> Vec<earshot_engine::InboxRow> {
    let query = InboxQuery {
        search: Some(text.to_owned()),
        status: Some(ItemStatus::Open),
        ..Default::default()
    };
    engine.inbox(&query, 0, 100).await.unwrap().rows
}

/// Syncs until the items carrying `text` satisfy `done` (the AppView indexes a post 0.1 to 1 s after it is
/// written, and each handle's notification arrives on its own).
async fn sync_until(
    engine: &Engine,
    text: &str,
    done: impl Fn(&[earshot_engine::InboxRow]) -> bool,
) -> Vec<earshot_engine::InboxRow> {
    for _ in 0..40 {
        let reports = engine.sync_all(&mut quiet()).await.unwrap();
        for r in &reports {
            assert_eq!(r.problem, None, "{r:?}");
        }
        let found = items_with(engine, text).await;
        if done(&found) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!(
        "the items with '{text}' never arrived as expected: {:?}",
        items_with(engine, text).await
    );
}

/// A fresh workspace with the brand's support and marketing handles connected, and everything the dev
/// network already holds synced, so a test looks only at its own posts.
async fn brand_workspace(net: &DevNet) -> (tempfile::TempDir, Engine, AccountView, AccountView) {
    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    let mut connected = Vec::new();
    for (handle, role) in [
        ("support.earshot.test", Role::Support),
        ("marketing.earshot.test", Role::Marketing),
    ] {
        let account = net.account(handle);
        let view = engine
            .connect_bluesky(net.pds.as_str(), &account.handle, &account.password, role)
            .await
            .unwrap_or_else(|e| panic!("connect {handle}: {e}"));
        assert_eq!(view.account, handle);
        assert_eq!(view.state, "healthy");
        connected.push(view);
    }
    engine.sync_all(&mut quiet()).await.unwrap();
    let m = connected.pop().unwrap();
    let s = connected.pop().unwrap();
    (dir, engine, s, m)
}

#[tokio::test]
async fn mentions_replies_and_keyword_posts_arrive_ranked_once_each() {
    let net = DevNet::get();
    let (_dir, engine, s, m) = brand_workspace(&net).await;
    engine
        .update_account(&s.id, None, Some(vec!["Earshot Bikes".into()]))
        .await
        .unwrap();
    let run = tag();
    let alice = net.person("alice.test").await;
    let bob = net.person("bob.test").await;
    post(
        &alice,
        &format!("@support.earshot.test my order {run} never arrived, please help"),
    )
    .await;
    post(
        &bob,
        &format!("@support.earshot.test @marketing.earshot.test love the new bike {run}"),
    )
    .await;
    post(&alice, &format!("Earshot Bikes {run} rides like a dream")).await;

    let found = sync_until(&engine, &run, |rows| {
        rows.len() >= 3 && rows.iter().any(|r| r.handles.len() == 2)
    })
    .await;
    assert_eq!(found.len(), 3, "three posts, three items: {found:?}");
    let both = found
        .iter()
        .find(|r| r.excerpt.contains("love the new bike"))
        .expect("the post naming both handles");
    let mut handles: Vec<&str> = both.handles.iter().map(|h| h.account.as_str()).collect();
    handles.sort_unstable();
    assert_eq!(
        handles,
        ["marketing.earshot.test", "support.earshot.test"],
        "one post naming two of our handles is one item on both"
    );
    let keyword = found
        .iter()
        .find(|r| r.excerpt.contains("rides like a dream"))
        .expect("the keyword search finds a post that names the brand without mentioning it");
    assert_eq!(keyword.handles[0].account, "support.earshot.test");
    let complaint = found
        .iter()
        .find(|r| r.excerpt.contains("never arrived"))
        .unwrap();
    assert_eq!(complaint.author_handle, "alice.test");
    assert_eq!(complaint.author_name.as_deref(), Some("Alice Rider"));
    assert!(!complaint.top_reason.is_empty(), "every rank is explained");

    // Another sync adds none of these again: no duplicates, and the cursors hold. (Other tests post at the
    // same handles meanwhile, so only this run's posts are counted.)
    let again = engine.sync_all(&mut quiet()).await.unwrap();
    assert!(again.iter().all(|r| r.problem.is_none()), "{again:?}");
    assert_eq!(items_with(&engine, &run).await.len(), 3);

    let accounts = engine.accounts().await.unwrap();
    let support_view = accounts.iter().find(|a| a.id == s.id).unwrap();
    assert_eq!(support_view.state, "healthy");
    assert!(support_view.last_sync_at.is_some());
    assert_eq!(support_view.keywords, ["Earshot Bikes"]);
    assert!(accounts.iter().any(|a| a.id == m.id && a.role == Role::Marketing));
}

#[tokio::test]
async fn a_revoked_app_password_is_shown_on_the_account_at_the_next_sync() {
    let net = DevNet::get();
    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    let bob = net.account("bob.test");
    let account = engine
        .connect_bluesky(net.pds.as_str(), &bob.handle, &bob.password, Role::Other)
        .await
        .unwrap();
    // As if the app password had been revoked: the saved session and password no longer work.
    keyring::Entry::new("app.earshot.desktop", "bluesky:bob.test")
        .and_then(|e| e.set_password(r#"{"app_password":"revoked-xxxx","session":null}"#))
        .expect("the Secret Service is running (run inside tests/e2e/harness.sh)");
    let report = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    let problem = report.problem.expect("the sync says what went wrong");
    assert!(problem.contains("Reconnect the account"), "{problem}");
    assert!(
        !problem.contains("revoked-xxxx"),
        "the secret never appears in a message"
    );
    let view = engine
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == account.id)
        .unwrap();
    assert_eq!(view.state, "token_invalid");

    let wrong = engine
        .connect_bluesky(net.pds.as_str(), "bob.test", "not-the-password", Role::Other)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        wrong.contains("did not accept that handle and app password"),
        "{wrong}"
    );
}

/// Notifications `person` has had, as (reason, author handle).
/// A person's notifications about one of their posts, as (reason, from whom). Other tests write to the same
/// people, so only this post's count.
async fn notifications_of(person: &BlueskyClient, post: &str) -> Vec<(String, String)> {
    person
        .notification_reasons(Utc::now())
        .await
        .expect("notifications")
        .into_iter()
        .filter(|(_, _, subject)| subject.as_deref() == Some(post))
        .map(|(reason, who, _)| (reason, who))
        .collect()
}

#[tokio::test]
async fn replies_reposts_and_likes_land_on_the_pds_once_even_when_retried() {
    use earshot_engine::{ActionKind, ActionRequest};
    let net = DevNet::get();
    let (_dir, engine, s, m) = brand_workspace(&net).await;
    let run = tag();
    let carol = net.person("alice.test").await;
    let carols = post(
        &carol,
        &format!("@support.earshot.test the brakes {run} squeak, what should I do?"),
    )
    .await;
    let item = sync_until(&engine, &run, |rows| !rows.is_empty()).await.remove(0);

    let ask = |kind, from: &str, text: Option<&str>, confirmed| ActionRequest {
        item_id: item.id.clone(),
        kind,
        from: from.to_owned(),
        text: text.map(str::to_owned),
        confirmed,
        requested_by: Some("Sam".into()),
        saved_reply_id: None,
    };
    // The composer warns when a marketing handle is about to answer a support complaint.
    let check = engine
        .compose_check(&item.id, ActionKind::Reply, Some(&m.id), "Thanks!", None)
        .await
        .unwrap();
    assert_eq!(
        check.default_from.as_deref(),
        Some(s.id.as_str()),
        "support answers by default"
    );
    assert!(
        check.warnings.iter().any(|w| w.contains("marketing handle")),
        "{check:?}"
    );
    assert_eq!(check.limit, Some(300));
    let refused = engine
        .queue_action(&ask(ActionKind::Reply, &m.id, Some("Thanks!"), false))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("Send anyway"), "{refused}");
    let too_long = engine
        .queue_action(&ask(ActionKind::Reply, &s.id, Some(&"x".repeat(301)), false))
        .await
        .unwrap_err();
    assert!(too_long.to_string().contains("at most 300"), "{too_long}");

    let reply = engine
        .queue_action(&ask(
            ActionKind::Reply,
            "support.earshot.test",
            Some(REPLY_TEXT),
            false,
        ))
        .await
        .unwrap();
    assert_eq!(reply.state, "queued");
    engine
        .queue_action(&ask(ActionKind::Boost, &m.id, None, false))
        .await
        .unwrap();
    engine
        .queue_action(&ask(ActionKind::Like, &m.id, None, false))
        .await
        .unwrap();
    let sent = engine.send_due().await.unwrap();
    assert_eq!(sent.len(), 3);
    for v in &sent {
        assert_eq!(v.state, "sent", "{v:?}");
    }
    let reply_view = sent.iter().find(|v| v.kind == ActionKind::Reply).unwrap();
    assert!(
        reply_view
            .result_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://bsky.app/profile/did:")),
        "{reply_view:?}"
    );

    // Carol sees one reply in her thread, one repost and one like, from the right handles.
    let mut seen = Vec::new();
    for _ in 0..20 {
        seen = notifications_of(&carol, &carols).await;
        if seen
            .iter()
            .filter(|(_, who)| who.contains("earshot.test"))
            .count()
            >= 3
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let count = |reason: &str, who: &str| seen.iter().filter(|(r, w)| r == reason && w == who).count();
    assert_eq!(count("reply", "support.earshot.test"), 1, "{seen:?}");
    assert_eq!(count("repost", "marketing.earshot.test"), 1, "{seen:?}");
    assert_eq!(count("like", "marketing.earshot.test"), 1, "{seen:?}");

    // As if Earshot had died after the PDS took the reply but before it recorded that: the row is pending
    // again. Both retry paths find the record under the same key and post nothing more. The support
    // handle's own repository, read from the PDS, is the authority: it must hold no new post afterwards.
    // Only this reply's posts are compared: the shift-change test posts from the same handle at the same time.
    let support_client = net.person("support.earshot.test").await;
    let ours = |records: Vec<(String, serde_json::Value)>| -> Vec<(String, serde_json::Value)> {
        records
            .into_iter()
            .filter(|(_, post)| post["text"].as_str() == Some(REPLY_TEXT))
            .collect()
    };
    let posts_before = ours(
        support_client
            .own_records("app.bsky.feed.post", Utc::now())
            .await
            .unwrap(),
    );
    assert_eq!(posts_before.len(), 1, "{posts_before:?}");
    let db = engine.database();
    for attempts in [1, 0] {
        sqlx::query("UPDATE outbox SET state = 'pending', claimed_until = NULL, attempts = $1 WHERE id = $2")
            .bind(attempts)
            .bind(reply.id.parse::<i64>().unwrap())
            .execute(db)
            .await
            .unwrap();
        let again = engine.send_due().await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].state, "sent", "{:?}", again[0]);
    }
    let posts_after = ours(
        support_client
            .own_records("app.bsky.feed.post", Utc::now())
            .await
            .unwrap(),
    );
    assert_eq!(
        posts_after, posts_before,
        "a retry after a crash never posts twice"
    );
    let outbox = engine.outbox(Some(&item.id)).await.unwrap();
    assert_eq!(outbox.len(), 3);
}

#[tokio::test]
async fn the_shift_change_post_goes_out_once_from_the_chosen_handle() {
    let net = DevNet::get();
    let (_dir, engine, s, _m) = brand_workspace(&net).await;
    let run = tag();
    let support = net.person("support.earshot.test").await;
    let before = support
        .own_records("app.bsky.feed.post", Utc::now())
        .await
        .unwrap();
    let text = format!("Signing off for today {run}. Sam is here until 22:00 if you need us. –Ana");
    let queued = engine.queue_post(&s.id, &text).await.unwrap();
    assert_eq!(queued.kind, earshot_engine::ActionKind::Post);
    assert_eq!(queued.item_id, None, "a post of our own answers no item");
    let sent = engine.send_due().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].state, "sent", "{:?}", sent[0]);
    let after = support
        .own_records("app.bsky.feed.post", Utc::now())
        .await
        .unwrap();
    assert_eq!(
        after.len(),
        before.len() + 1,
        "exactly one new post in the handle's repository"
    );

    // Sent again after a lost answer: the record key finds the first post; nothing more is posted.
    sqlx::query("UPDATE outbox SET state = 'pending', claimed_until = NULL, attempts = 1 WHERE id = $1")
        .bind(queued.id.parse::<i64>().unwrap())
        .execute(engine.database())
        .await
        .unwrap();
    assert_eq!(engine.send_due().await.unwrap()[0].state, "sent");
    let again = support
        .own_records("app.bsky.feed.post", Utc::now())
        .await
        .unwrap();
    assert_eq!(again.len(), after.len(), "a retry never posts twice");
    let too_long = engine.queue_post(&s.id, &"x".repeat(301)).await.unwrap_err();
    assert!(too_long.to_string().contains("at most 300"), "{too_long}");
}
