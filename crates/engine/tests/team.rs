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
