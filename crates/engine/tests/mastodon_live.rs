//! Listening live on Mastodon's streaming API, and keyword search: the real OS keyring (run inside
//! tests/e2e/harness.sh), a real SQLite file, and a replayed Mastodon server whose WebSocket stream sends
//! the events recorded from a Mastodon 4.6 server (earshot_networks::replay::live).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use earshot_core::Role;
use earshot_engine::{Engine, InboxQuery, Progress, SystemClock};
use earshot_networks::replay::live::{
    recorded_notifications, recorded_statuses, recorded_stream, serve_mastodon_live, ws_frame, LiveReplay,
    StreamPlan,
};

async fn engine(dir: &tempfile::TempDir) -> Arc<Engine> {
    Arc::new(
        earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(SystemClock))
            .await
            .unwrap(),
    )
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

async fn inbox_total(engine: &Engine) -> u32 {
    engine.inbox(&InboxQuery::default(), 0, 100).await.unwrap().total
}

/// Waits until `done` holds, checking the real state, for at most `limit`.
async fn wait_for<F: std::future::Future<Output = bool>>(
    limit: Duration,
    mut done: impl FnMut() -> F,
) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn seen(server: &LiveReplay) -> Vec<String> {
    server.seen.lock().unwrap().clone()
}

/// The recorded stream's events, framed for the WebSocket, by event name.
fn frames(event: &str) -> Vec<String> {
    recorded_stream()
        .into_iter()
        .filter(|(name, _)| name == event)
        .map(|(name, data)| ws_frame(&name, &data))
        .collect()
}

#[tokio::test]
async fn a_dropped_stream_reconnects_and_catches_up_without_gaps_or_duplicates() {
    let notes = recorded_notifications();
    assert_eq!(
        notes.len(),
        2,
        "the recorded stream has two mention notifications"
    );
    let (first, second) = (notes[0].clone(), notes[1].clone());
    let first_id = first["id"].as_str().unwrap().to_owned();
    let updates = frames("update");
    let notifications = frames("notification");
    // Connection 1 pushes an ordinary status and the first mention, then the network drops it. The second
    // mention happens while Earshot is away, so only the catch-up can find it. Connection 2 pushes an edit
    // and a deletion (not mentions) and stays open.
    let plan = StreamPlan {
        connections: vec![
            vec![updates[0].clone(), notifications[0].clone()],
            [frames("status.update"), frames("delete")].concat(),
        ],
        notifications: vec![(1, first), (2, second)],
        ..Default::default()
    };
    let server = serve_mastodon_live(plan);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let account = engine
        .connect_mastodon(server.base.as_str(), "stream-token-1", Role::Support)
        .await
        .unwrap();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let listener = {
        let engine = Arc::clone(&engine);
        let id = account.id.clone();
        tokio::spawn(async move { engine.listen_mastodon(&id, stopped, &|_| {}).await })
    };
    let arrived = wait_for(Duration::from_secs(20), || async {
        inbox_total(&engine).await >= 2 && server.connections.load(Ordering::SeqCst) >= 2
    })
    .await;
    assert!(arrived, "both mentions arrive; requests: {:?}", seen(&server));
    let live = wait_for(Duration::from_secs(10), || async {
        engine.accounts().await.unwrap()[0].live_since.is_some()
    })
    .await;
    assert!(
        live,
        "the Accounts screen shows the account as live while the stream is open"
    );
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), listener)
        .await
        .expect("the listener stops when asked")
        .unwrap()
        .expect("the listener ends cleanly");

    assert_eq!(inbox_total(&engine).await, 2, "each mention is one item");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        2,
        "one reconnect after the drop"
    );
    let requests = seen(&server);
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("/api/v1/notifications") && r.contains(&format!("min_id={first_id}"))),
        "the catch-up after the drop starts from the mention the stream delivered: {requests:?}"
    );
    let after = engine.accounts().await.unwrap();
    assert_eq!(after[0].state, "healthy", "{after:?}");
    assert_eq!(after[0].live_since, None, "not live once the stream is closed");

    // Once more from the stored cursor: nothing new, nothing repeated.
    let again = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!((again.imported, again.problem), (0, None));
    assert_eq!(inbox_total(&engine).await, 2);
}

#[tokio::test]
async fn a_stream_that_refuses_the_token_shows_it_on_the_account_and_stops() {
    let server = serve_mastodon_live(StreamPlan {
        connections: vec![Vec::new()],
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let account = engine
        .connect_mastodon(server.base.as_str(), "stream-token-2", Role::Support)
        .await
        .unwrap();
    keyring::Entry::new("app.earshot.desktop", &format!("mastodon:{}", account.account))
        .and_then(|e| e.set_password("expired"))
        .expect("the Secret Service is running (run inside tests/e2e/harness.sh)");

    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::time::timeout(
        Duration::from_secs(10),
        engine.listen_mastodon(&account.id, stopped, &|_| {}),
    )
    .await
    .expect("a refused token ends listening instead of retrying forever")
    .unwrap();
    assert_eq!(
        server.refused.load(Ordering::SeqCst),
        1,
        "the WebSocket handshake was refused"
    );
    let after = engine.accounts().await.unwrap();
    assert_eq!(after[0].state, "token_invalid", "{after:?}");
    let problem = after[0].problem.clone().unwrap_or_default();
    assert!(problem.contains("Reconnect"), "{problem}");
    assert!(
        !problem.contains("expired"),
        "the token never appears in a message: {problem}"
    );
}

#[tokio::test]
async fn keyword_search_finds_posts_that_name_the_brand_and_resumes_from_its_cursor() {
    let statuses = recorded_statuses();
    assert_eq!(statuses.len(), 30);
    let server = serve_mastodon_live(StreamPlan {
        statuses: statuses.clone(),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let account = engine
        .connect_mastodon(server.base.as_str(), "search-token-3", Role::Marketing)
        .await
        .unwrap();
    engine
        .update_account(&account.id, None, Some(vec!["Toot number 2".into()]))
        .await
        .unwrap();

    let report = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!(report.problem, None, "{report:?}");
    // "Toot number 2" is in number 2 and numbers 20 to 29.
    assert_eq!(report.imported, 11, "{report:?}");
    let handles = engine.handles().await.unwrap();
    assert_eq!(handles.len(), 1);
    let page = engine
        .inbox(
            &InboxQuery {
                handle_id: Some(handles[0].id.clone()),
                ..Default::default()
            },
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 11, "each found post is on the brand's handle");

    let again = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!((again.imported, again.merged), (0, 0), "{again:?}");
    let newest = statuses
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    let requests = seen(&server);
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("/api/v2/search") && r.contains(&format!("min_id={newest}"))),
        "the second search asks only for newer posts: {requests:?}"
    );
}

#[tokio::test]
async fn an_account_with_no_mentions_yet_catches_up_on_every_one_that_comes_later() {
    use earshot_networks::replay::live::numbered_notifications;
    // Nothing at first; then 100 mentions while Earshot is away: more than one page of 40.
    let server = serve_mastodon_live(StreamPlan {
        notifications: numbered_notifications(100, 500)
            .into_iter()
            .map(|n| (1, n))
            .collect(),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let account = engine
        .connect_mastodon(server.base.as_str(), "empty-token-4", Role::Support)
        .await
        .unwrap();
    let first = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!((first.imported, first.problem), (0, None));
    server.stage.store(1, Ordering::SeqCst);
    let second = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!(second.imported, 100, "{second:?}");
    assert_eq!(
        second.pages, 4,
        "three pages of 40 or fewer, and the empty page that ends the catch-up"
    );
}

#[tokio::test]
async fn a_reply_joins_the_thread_of_the_post_it_answers() {
    use earshot_networks::replay::live::numbered_notifications;
    let question = numbered_notifications(1, 700).remove(0);
    let mut answer = numbered_notifications(1, 701).remove(0);
    answer["status"]["in_reply_to_id"] = question["status"]["id"].clone();
    let mut orphan = numbered_notifications(1, 702).remove(0);
    orphan["status"]["in_reply_to_id"] = "404404".into();
    let server = serve_mastodon_live(StreamPlan {
        notifications: vec![(0, question.clone()), (0, answer.clone()), (0, orphan.clone())],
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let account = engine
        .connect_mastodon(server.base.as_str(), "thread-token-5", Role::Support)
        .await
        .unwrap();
    let report = engine.sync_account(&account.id, &mut quiet()).await.unwrap();
    assert_eq!((report.imported, report.problem.clone()), (3, None), "{report:?}");

    let rows = engine.inbox(&InboxQuery::default(), 0, 10).await.unwrap().rows;
    let mut items = Vec::new();
    for r in &rows {
        items.push(engine.item(&r.id).await.unwrap());
    }
    let item_of = |n: &serde_json::Value| {
        let uri = n["status"]["uri"].as_str().unwrap();
        items
            .iter()
            .find(|i| i.remote_id == uri)
            .unwrap_or_else(|| panic!("{uri} is in the inbox"))
            .clone()
    };
    let item = item_of(&answer);
    let thread: Vec<_> = item.conversation.iter().map(|c| c.segments.clone()).collect();
    assert_eq!(
        item.conversation.len(),
        2,
        "the answer shows with the post it answers: {thread:?}"
    );
    let lone = item_of(&orphan);
    assert!(
        lone.conversation.is_empty(),
        "a reply to a post the server cannot find stands alone"
    );
    let requests = seen(&server);
    assert!(
        requests.iter().any(|r| r.starts_with("/api/v1/statuses/9700")),
        "the parent was looked up by its ID: {requests:?}"
    );
}
