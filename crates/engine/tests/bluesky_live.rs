//! Bluesky against the real reference servers: PLC, PDS and AppView from `@atproto/dev-env`, on loopback,
//! started by tests/support/with-bsky-net.sh (scripts/test.sh runs every Rust test inside it). Real posts
//! are written by other accounts, then synced through the engine into a real SQLite inbox, with the app
//! password in the real OS keyring (a Secret Service; tests/e2e/harness.sh).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use earshot_core::{ItemStatus, Role};
use earshot_engine::{Engine, InboxQuery, Progress, SystemClock};
use earshot_networks::bluesky::{new_record_key, BlueskyClient};

struct Account {
    handle: String,
    password: String,
}

struct DevNet {
    pds: url::Url,
    accounts: Vec<Account>,
}

impl DevNet {
    /// The running network, described by the file tests/support/with-bsky-net.sh names. A test that needs it
    /// fails when it is missing: it never passes by skipping.
    fn get() -> Self {
        let path = std::env::var("EARSHOT_BSKY_NET").unwrap_or_else(|_| {
            panic!("EARSHOT_BSKY_NET is not set: run the tests inside tests/support/with-bsky-net.sh, as scripts/test.sh does")
        });
        let info: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("the network's info file")).unwrap();
        DevNet {
            pds: info["pdsUrl"].as_str().unwrap().parse().unwrap(),
            accounts: info["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| Account {
                    handle: a["handle"].as_str().unwrap().to_owned(),
                    password: a["password"].as_str().unwrap().to_owned(),
                })
                .collect(),
        }
    }

    fn account(&self, handle: &str) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.handle == handle)
            .unwrap_or_else(|| panic!("the dev network has no {handle}"))
    }

    /// Someone else on the network, signed in, to write posts at our handles.
    async fn person(&self, handle: &str) -> BlueskyClient {
        let client = BlueskyClient::new(reqwest::Client::new(), &self.pds);
        client
            .login(handle, &self.account(handle).password, Utc::now())
            .await
            .expect("sign in");
        client
    }
}

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

/// Syncs until `want` items carry `text` (the AppView indexes a post 0.1 to 1 s after it is written).
async fn sync_until(engine: &Engine, text: &str, want: usize) -> Vec<earshot_engine::InboxRow> {
    for _ in 0..40 {
        let reports = engine.sync_all(&mut quiet()).await.unwrap();
        for r in &reports {
            assert_eq!(r.problem, None, "{r:?}");
        }
        let found = items_with(engine, text).await;
        if found.len() >= want {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!(
        "fewer than {want} items with '{text}' arrived: {:?}",
        items_with(engine, text).await
    );
}

#[tokio::test]
async fn mentions_replies_and_keyword_posts_arrive_ranked_once_each() {
    let net = DevNet::get();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path().to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    let support = net.account("support.earshot.test");
    let marketing = net.account("marketing.earshot.test");
    let s = engine
        .connect_bluesky(
            net.pds.as_str(),
            &support.handle,
            &support.password,
            Role::Support,
        )
        .await
        .expect("connect the support handle");
    assert_eq!(s.account, "support.earshot.test");
    assert_eq!(s.state, "healthy");
    engine
        .update_account(&s.id, None, Some(vec!["Earshot Bikes".into()]))
        .await
        .unwrap();
    let m = engine
        .connect_bluesky(
            net.pds.as_str(),
            &marketing.handle,
            &marketing.password,
            Role::Marketing,
        )
        .await
        .expect("connect the marketing handle");
    // Everything the dev network already holds comes in first; this test looks only at its own posts.
    engine.sync_all(&mut quiet()).await.unwrap();

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

    let found = sync_until(&engine, &run, 3).await;
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

    // Another sync finds nothing new: no duplicates, and the cursors hold.
    let again = engine.sync_all(&mut quiet()).await.unwrap();
    assert!(again.iter().all(|r| r.imported == 0), "{again:?}");
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
    let engine = Engine::open(dir.path().to_path_buf(), Arc::new(SystemClock))
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
