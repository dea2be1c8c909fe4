//! Mastodon replies, direct messages, boosts and favourites through the outbox, against real recorded
//! Mastodon 4.6 responses served over HTTP on loopback (earshot_networks::replay), with the token in the
//! real OS keyring (run inside tests/e2e/harness.sh, as scripts/test.sh does).

use std::io::Write;
use std::sync::Arc;

use earshot_core::Role;
use earshot_engine::{ActionKind, ActionRequest, Engine, InboxQuery, Progress, SystemClock};
use earshot_networks::replay::serve_mastodon_actions;

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

/// A workspace with the connected account and one mention of it (by a status URI), returning the engine,
/// the account ID and the item ID.
async fn workspace(dir: &tempfile::TempDir, base: &url::Url, remote_id: &str) -> (Engine, String, String) {
    let engine = earshot_engine::open_for_test(dir.path().join("ws"), Arc::new(SystemClock))
        .await
        .unwrap();
    let account = engine
        .connect_mastodon(base.as_str(), "actions-token-1d2c", Role::Support)
        .await
        .expect("connect");
    let file = dir.path().join("mention.jsonl");
    let mention = serde_json::json!({
        "type": "mention", "network": "mastodon", "remote_id": remote_id,
        "url": "https://example.social/@rider/1",
        "author": {"handle": "rider@example.social", "display_name": "Rider", "followers": 40},
        "text": format!("@{} my wheel is bent", account.account),
        "created_at": "2026-11-28T10:00:00Z",
        "mentions": [account.account],
    });
    writeln!(std::fs::File::create(&file).unwrap(), "{mention}").unwrap();
    let report = engine.import_file(&file, &mut quiet()).await.unwrap();
    assert_eq!(report.imported, 1, "{report:?}");
    let item = engine
        .inbox(&InboxQuery::default(), 0, 10)
        .await
        .unwrap()
        .rows
        .remove(0);
    (engine, account.id, item.id)
}

fn ask(item: &str, from: &str, kind: ActionKind, text: Option<&str>) -> ActionRequest {
    ActionRequest {
        item_id: item.to_owned(),
        kind,
        from: from.to_owned(),
        text: text.map(str::to_owned),
        confirmed: false,
        requested_by: Some("Sam".into()),
        saved_reply_id: None,
    }
}

#[tokio::test]
async fn a_reply_a_direct_message_a_boost_and_a_favourite_are_sent_with_one_key_each() {
    let server = serve_mastodon_actions(100);
    let dir = tempfile::tempdir().unwrap();
    let (engine, account, item) = workspace(
        &dir,
        &server.base,
        "https://example.social/users/rider/statuses/1",
    )
    .await;

    let reply = engine
        .queue_action(&ask(
            &item,
            &account,
            ActionKind::Reply,
            Some("Sorry! We're sending a new wheel."),
        ))
        .await
        .unwrap();
    let dm = engine
        .queue_action(&ask(
            &item,
            &account,
            ActionKind::Dm,
            Some("What's your order number?"),
        ))
        .await
        .unwrap();
    assert_eq!(
        dm.text.as_deref(),
        Some("@rider@example.social What's your order number?"),
        "a direct message reaches only the accounts it names, so it names the author"
    );
    engine
        .queue_action(&ask(&item, &account, ActionKind::Boost, None))
        .await
        .unwrap();
    engine
        .queue_action(&ask(&item, &account, ActionKind::Like, None))
        .await
        .unwrap();
    let sent = engine.send_due().await.unwrap();
    assert_eq!(sent.len(), 4);
    assert!(sent.iter().all(|v| v.state == "sent"), "{sent:#?}");
    let reply_view = sent.iter().find(|v| v.id == reply.id).unwrap();
    assert!(
        reply_view
            .result_url
            .as_deref()
            .is_some_and(|u| u.starts_with("http://localhost:3000/@")),
        "the recorded reply's own address: {reply_view:?}"
    );

    let seen = server.seen.lock().unwrap().clone();
    let posts: Vec<_> = seen
        .iter()
        .filter(|s| s.method == "POST" && s.path == "/api/v1/statuses")
        .collect();
    assert_eq!(posts.len(), 2, "{seen:#?}");
    assert!(posts
        .iter()
        .all(|p| p.idempotency_key.as_deref().is_some_and(|k| k.len() == 13)));
    assert_ne!(posts[0].idempotency_key, posts[1].idempotency_key);
    assert!(
        posts[0].body.contains(r#""in_reply_to_id":"117020583245459824""#),
        "{}",
        posts[0].body
    );
    assert!(posts[1].body.contains(r#""visibility":"direct""#));
    assert!(seen.iter().any(|s| s.path.ends_with("/favourite")));
    assert!(seen.iter().any(|s| s.path.ends_with("/reblog")));

    // As if Earshot had died before it recorded the answer: the retry sends the same key, so the server
    // answers with the status it already made instead of posting again.
    sqlx::query("UPDATE outbox SET state = 'pending', claimed_until = NULL WHERE id = $1")
        .bind(reply.id.parse::<i64>().unwrap())
        .execute(engine.database())
        .await
        .unwrap();
    let again = engine.send_due().await.unwrap();
    assert_eq!(again[0].state, "sent");
    let seen = server.seen.lock().unwrap().clone();
    let keys: Vec<_> = seen
        .iter()
        .filter(|s| s.method == "POST" && s.path == "/api/v1/statuses")
        .map(|s| s.idempotency_key.clone())
        .collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(
        keys[2], keys[0],
        "the retry repeats the first try's Idempotency-Key"
    );
    assert_eq!(engine.outbox(Some(&item)).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_deleted_post_fails_with_the_reason_and_can_be_retried() {
    let server = serve_mastodon_actions(100);
    let dir = tempfile::tempdir().unwrap();
    let (engine, account, item) = workspace(
        &dir,
        &server.base,
        "https://example.social/users/rider/statuses/deleted",
    )
    .await;
    engine
        .queue_action(&ask(&item, &account, ActionKind::Reply, Some("Hello?")))
        .await
        .unwrap();
    let tried = engine.send_due().await.unwrap();
    assert_eq!(tried[0].state, "failed", "{tried:?}");
    let problem = tried[0].problem.clone().unwrap();
    assert!(problem.contains("deleted"), "{problem}");
    let again = engine.retry_action(&tried[0].id).await.unwrap();
    assert_eq!(again.state, "queued");
    assert!(
        engine.retry_action(&tried[0].id).await.is_err(),
        "only a failed action can be retried"
    );
}

#[tokio::test]
async fn a_status_the_server_refuses_is_failed_with_the_servers_reason() {
    let server = serve_mastodon_actions(10);
    let client = earshot_networks::mastodon::MastodonClient::new(
        reqwest::Client::new(),
        server.base.clone(),
        "t".into(),
    )
    .unwrap();
    let err = client
        .post_status(
            "",
            None,
            earshot_networks::mastodon::Visibility::Public,
            "k",
            chrono::Utc::now(),
        )
        .await
        .unwrap_err();
    match err {
        earshot_networks::FetchError::Rejected {
            status: 422, reason, ..
        } => {
            // The recording's server answered in Japanese ("Validation failed: enter some text"); its own
            // words are kept, whatever the language.
            assert!(reason.contains("バリデーション"), "{reason}");
        }
        other => panic!("422 is a refusal with the server's reason, got {other:?}"),
    }
}
