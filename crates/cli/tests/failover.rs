//! Sync leadership across processes: two `earshot sync` workers on one team database, the leader killed
//! with `kill -9`, and the other taking over within 30 s with nothing lost or repeated. It needs the real
//! Bluesky dev network, a real keyring and PostgreSQL, so it is ignored in the plain run and run by name in
//! scripts/test.sh's PostgreSQL pass (inside with-postgres.sh, harness.sh and with-bsky-net.sh).

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use earshot_networks::bluesky::{new_record_key, BlueskyClient};
use earshot_networks::replay::bsky_net::DevNet;

const POSTS: usize = 5;

fn earshot(dir: &std::path::Path, url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.arg("--data-dir")
        .arg(dir)
        .arg("--database")
        .arg(url)
        .env_remove("EARSHOT_DATA_DIR")
        .stdin(Stdio::null());
    cmd
}

/// Posts mentions of the support handle, each with its own marker.
async fn post(alice: &BlueskyClient, tag: &str, from: usize) {
    for n in from..from + POSTS {
        let text = format!("@support.earshot.test failover {tag} {tag}n{n}");
        let now = Utc::now();
        let rkey = new_record_key(now, u16::try_from(n).unwrap_or(0));
        alice.post(&text, None, &rkey, now).await.expect("post");
    }
}

/// How many stored items carry each marker.
async fn markers(db: &earshot_store::Database, tag: &str) -> BTreeMap<String, usize> {
    let texts: Vec<String> = sqlx::query_scalar("SELECT text FROM mentions WHERE text LIKE $1")
        .bind(format!("%{tag}%"))
        .fetch_all(db)
        .await
        .unwrap();
    let mut seen = BTreeMap::new();
    for text in texts {
        for word in text
            .split_whitespace()
            .filter(|w| w.starts_with(&format!("{tag}n")))
        {
            *seen.entry(word.to_owned()).or_insert(0) += 1;
        }
    }
    seen
}

/// Waits until `count` markers are stored, for at most `limit`; says how long it took.
async fn arrive(db: &earshot_store::Database, tag: &str, count: usize, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let seen = markers(db, tag).await;
        if seen.len() >= count {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < limit,
            "only {} of {count} mentions arrived within {limit:?}: {seen:?}",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn worker(dir: &std::path::Path, url: &str, log: &std::path::Path) -> Child {
    earshot(dir, url)
        .args(["sync", "--interval", "5"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("start earshot sync")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs PostgreSQL, the Bluesky dev network and a keyring: scripts/test.sh runs it in its PostgreSQL pass"]
async fn a_killed_sync_leader_is_replaced_within_30_seconds_and_nothing_is_lost_or_repeated() {
    let url = earshot_store::testing::fresh_database()
        .await
        .unwrap()
        .expect("this test needs EARSHOT_TEST_POSTGRES (run it inside tests/support/with-postgres.sh)");
    let net = DevNet::get();
    let tag = format!("failover{}", Utc::now().timestamp_millis());
    let (desk_a, desk_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    // The support handle, connected once for the team.
    let mut add = earshot(desk_a.path(), &url);
    add.args([
        "account",
        "add",
        "bluesky",
        "--service",
        net.pds.as_str(),
        "--handle",
        "support.earshot.test",
        "--app-password-stdin",
        "--role",
        "support",
    ])
    .stdin(Stdio::piped());
    let mut child = add.spawn().unwrap();
    writeln!(
        child.stdin.take().unwrap(),
        "{}",
        net.password("support.earshot.test")
    )
    .unwrap();
    assert!(child.wait().unwrap().success(), "the account connects");
    let db = earshot_store::connect(&url).await.unwrap();

    // Two workers; the first leads the account once it has synced it.
    let (log_a, log_b) = (desk_a.path().join("a.log"), desk_b.path().join("b.log"));
    let last_sync = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(last_sync_at) FROM accounts")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let before = last_sync().await;
    let mut a = worker(desk_a.path(), &url, &log_a);
    let started = Instant::now();
    loop {
        if last_sync().await > before {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first worker did not sync within 60 s: {}",
            std::fs::read_to_string(&log_a).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut b = worker(desk_b.path(), &url, &log_b);
    let alice = net.person("alice.test").await;
    post(&alice, &tag, 0).await;
    arrive(&db, &tag, POSTS, Duration::from_secs(60)).await;

    // The leader dies mid-watch. New mentions still arrive, through the other worker, within 30 s.
    a.kill().unwrap(); // SIGKILL
    a.wait().unwrap();
    post(&alice, &tag, POSTS).await;
    let took = arrive(&db, &tag, 2 * POSTS, Duration::from_secs(30)).await;
    eprintln!("the other worker brought the new mentions in {took:?} after the leader was killed");

    let seen = markers(&db, &tag).await;
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "no mention is stored twice: {repeated:?}");
    assert_eq!(seen.len(), 2 * POSTS, "no mention is lost: {seen:?}");
    let _ = b.kill();
    b.wait().unwrap();
    let said_b = std::fs::read_to_string(&log_b).unwrap();
    assert!(
        said_b.contains("Now syncing @support.earshot.test"),
        "the other worker says it took over: {said_b}"
    );
    let said_a = std::fs::read_to_string(&log_a).unwrap();
    assert!(
        !said_a.contains("Now syncing"),
        "the first worker led from the start: {said_a}"
    );
}
