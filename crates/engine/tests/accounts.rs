//! Connecting and syncing a Mastodon account, end to end below the UI: the real OS keyring (a Secret Service;
//! run inside tests/e2e/harness.sh), a real SQLite file, and real recorded Mastodon responses served over
//! HTTP on loopback (earshot_networks::replay).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use earshot_core::{ItemStatus, Role};
use earshot_engine::{Engine, EngineError, FixedClock, InboxQuery, Progress};
use earshot_networks::replay::serve_mastodon;

fn now() -> DateTime<Utc> {
    "2026-08-01T14:00:00Z".parse().unwrap()
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

/// Replaces the token Earshot saved, as if the user had revoked it on the server side.
fn replace_token(account: &str, token: &str) {
    keyring::Entry::new("app.earshot.desktop", &format!("mastodon:{account}"))
        .and_then(|e| e.set_password(token))
        .expect("the Secret Service is running (run inside tests/e2e/harness.sh)");
}

fn database_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap_or_default());
    }
    all
}

#[tokio::test]
async fn a_connected_account_syncs_from_its_cursor_without_gaps_or_duplicates() {
    let server = serve_mastodon(50);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let token = "replay-secret-token-7f3a";
    let account = engine
        .connect_mastodon(server.base.as_str(), token, Role::Support)
        .await
        .expect("connect");
    let expected = format!("mastodonpy_test@{}", server.base.authority());
    assert_eq!(account.account, expected, "the handle is the token's own account");
    assert_eq!(account.state, "healthy");

    let first = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!(first.problem, None, "{first:?}");
    assert!(first.imported >= 1, "the recorded mentions arrive: {first:?}");
    assert_eq!(
        first.pages, 2,
        "the recorded page, then the empty page that ends the catch-up"
    );
    let open = InboxQuery {
        status: Some(ItemStatus::Open),
        ..Default::default()
    };
    let inbox = engine.inbox(&open, 0, 100).await.unwrap();
    assert_eq!(
        inbox.total, first.imported,
        "every imported mention is an inbox item"
    );
    assert!(
        inbox
            .rows
            .iter()
            .all(|r| r.handles.iter().any(|h| h.account == expected)),
        "items belong to our handle"
    );

    // A restart: a new engine on the same folder resumes from the stored cursor.
    drop(engine);
    let engine = self::engine(&dir).await;
    let again = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!(
        (again.imported, again.merged),
        (0, 0),
        "nothing is fetched twice after a restart"
    );
    let asked = server.seen.lock().unwrap().last().cloned().unwrap();
    assert!(
        asked.0.contains("min_id="),
        "the restarted sync asks from the cursor: {}",
        asked.0
    );
    assert_eq!(
        engine.inbox(&open, 0, 100).await.unwrap().total,
        inbox.total,
        "no duplicates"
    );

    let listed = engine.accounts().await.unwrap();
    assert_eq!(
        listed[0].last_sync_at.as_deref(),
        Some("2026-08-01T14:00:00Z"),
        "the last sync is shown"
    );
    let bytes = database_bytes(&dir);
    assert!(
        !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token must never be written to the database"
    );
}

#[tokio::test]
async fn a_refused_token_and_a_rate_limit_show_on_the_account() {
    let server = serve_mastodon(50);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;

    let refused = engine
        .connect_mastodon(server.base.as_str(), "expired", Role::Support)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, EngineError::Invalid(m) if m.contains("refused the token")),
        "{refused}"
    );

    let account = engine
        .connect_mastodon(server.base.as_str(), "good-token", Role::Marketing)
        .await
        .unwrap();
    replace_token(&account.account, "expired");
    let report = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert!(
        report
            .problem
            .as_deref()
            .unwrap_or_default()
            .contains("Reconnect"),
        "{report:?}"
    );
    let state = &engine.accounts().await.unwrap()[0];
    assert_eq!(
        state.state, "token_invalid",
        "an expired token is shown on the account, loudly"
    );

    replace_token(&account.account, "slow");
    engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    let state = &engine.accounts().await.unwrap()[0];
    assert_eq!(state.state, "rate_limited");
    assert_eq!(
        state.rate_limited_until.as_deref(),
        Some("2026-08-01T15:00:00Z"),
        "until the server's reset"
    );
    let requests = server.seen.lock().unwrap().len();
    let waiting = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert!(
        waiting.problem.unwrap().contains("Rate-limited"),
        "a sync before the reset waits"
    );
    assert_eq!(server.seen.lock().unwrap().len(), requests, "and sends nothing");
}
