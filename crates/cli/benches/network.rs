//! Network benchmarks of the `earshot` binary, against the replayed Mastodon server and the real Bluesky dev
//! network. Run inside both harnesses (the keyring and the dev network), as scripts/bench-network.sh does:
//!
//!   tests/e2e/harness.sh tests/support/with-bsky-net.sh cargo bench -p earshot-cli --bench network
//!
//! 1. API requests to catch up on 1,000 mentions of backlog (Mastodon, X and Bluesky), counted from the one
//!    debug event each request makes (`EARSHOT_LOG=earshot::http=debug`).
//! 2. From a new mention on the server to the item in the inbox, Mastodon streaming versus polling.
//! 3. Memory (peak and current resident set) of `earshot sync` with 10 accounts, after a sync round and
//!    with six streams open.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use earshot_engine::{Engine, InboxQuery, SystemClock};
use earshot_networks::bluesky::new_record_key;
use earshot_networks::replay::bsky_net::DevNet;
use earshot_networks::replay::live::{
    numbered_notifications, serve_mastodon_live, ws_frame, LiveReplay, StreamPlan,
};

const BACKLOG: usize = 1000;

fn earshot(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("EARSHOT_DATA_DIR")
        .stdin(Stdio::null());
    cmd
}

/// Runs `args` with each request logged; returns how many requests it made, by network.
fn requests_of(dir: &std::path::Path, args: &[&str]) -> (usize, String) {
    let out = earshot(dir)
        .args(args)
        .env("EARSHOT_LOG", "earshot::http=debug")
        .output()
        .expect("run earshot");
    assert!(
        out.status.success(),
        "earshot {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    (log.lines().filter(|l| l.contains(" request")).count(), log)
}

/// Connects an account through the CLI, the secret read from standard input as a person would pipe it.
fn add_account(dir: &std::path::Path, args: &[&str], secret: &str) {
    let mut child = earshot(dir)
        .args(["account", "add"])
        .args(args)
        .args(["--role", "support"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{secret}").unwrap();
    assert!(child.wait().unwrap().success(), "earshot account add {args:?}");
}

fn add_mastodon(dir: &std::path::Path, server: &LiveReplay, token: &str) {
    add_account(
        dir,
        &["mastodon", "--instance", server.base.as_str(), "--token-stdin"],
        token,
    );
}

fn add_bluesky(dir: &std::path::Path, pds: &str, handle: &str, password: &str) {
    add_account(
        dir,
        &[
            "bluesky",
            "--service",
            pds,
            "--handle",
            handle,
            "--app-password-stdin",
        ],
        password,
    );
}

async fn inbox_total(dir: &std::path::Path) -> u32 {
    let engine = Engine::open(dir.to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    engine.inbox(&InboxQuery::default(), 0, 1).await.unwrap().total
}

async fn mastodon_backlog() {
    // One old mention, synced; then 1,000 arrive while Earshot is away.
    let mut notifications = vec![(0, numbered_notifications(1, 100).remove(0))];
    notifications.extend(numbered_notifications(BACKLOG, 1000).into_iter().map(|n| (1, n)));
    let server = serve_mastodon_live(StreamPlan {
        notifications,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    add_mastodon(dir.path(), &server, "bench-backlog");
    requests_of(dir.path(), &["sync", "--once"]);
    server.stage.store(1, Ordering::SeqCst);
    let (requests, _) = requests_of(dir.path(), &["sync", "--once"]);
    let total = inbox_total(dir.path()).await;
    assert_eq!(
        total as usize,
        BACKLOG + 1,
        "every mention of the backlog arrived"
    );
    println!("Mastodon: {requests} requests to catch up on {BACKLOG} mentions (pages of 40; authors come with each)");
}

async fn x_backlog() {
    use earshot_networks::replay::x::{XServer, XUserSeed};
    let x = XServer::start(vec![
        XUserSeed::new("1", "BenchHelp", 100),
        XUserSeed::new("2", "rider_a", 10),
        XUserSeed::new("3", "rider_b", 10),
    ]);
    x.post("2", "@BenchHelp an old one", None);
    let (access, refresh) = x.sign_in("1", "bench-app");
    let dir = tempfile::tempdir().unwrap();
    add_account(
        dir.path(),
        &[
            "x",
            "--client-id",
            "bench-app",
            "--server",
            x.base.as_str(),
            "--token-stdin",
        ],
        &format!("{{\"access_token\":\"{access}\",\"refresh_token\":\"{refresh}\"}}"),
    );
    requests_of(dir.path(), &["sync", "--once"]);
    for i in 0..BACKLOG {
        x.post(
            if i % 2 == 0 { "2" } else { "3" },
            &format!("@BenchHelp backlog {i}"),
            None,
        );
    }
    let (requests, _) = requests_of(dir.path(), &["sync", "--once"]);
    assert_eq!(
        inbox_total(dir.path()).await as usize,
        BACKLOG + 1,
        "every mention of the backlog arrived"
    );
    let spend = earshot(dir.path()).args(["spend", "--json"]).output().unwrap();
    let spend: serde_json::Value = serde_json::from_slice(&spend.stdout).unwrap();
    println!(
        "X: {requests} requests to catch up on {BACKLOG} mentions (pages of 100; authors come with each); \
         estimated X spend so far ${:.2}",
        spend["today_usd"].as_f64().unwrap_or_default()
    );
    assert!(x.violations().is_empty(), "{:#?}", x.violations());
}

async fn bluesky_backlog(net: &DevNet) {
    let dir = tempfile::tempdir().unwrap();
    add_bluesky(
        dir.path(),
        net.pds.as_str(),
        "marketing.earshot.test",
        net.password("marketing.earshot.test"),
    );
    requests_of(dir.path(), &["sync", "--once"]);
    let before = inbox_total(dir.path()).await;
    let mut people = Vec::new();
    for handle in ["alice.test", "bob.test"] {
        people.push(net.person(handle).await);
    }
    let started = Instant::now();
    for i in 0..BACKLOG {
        let now = Utc::now();
        let text = format!("@marketing.earshot.test backlog mention {i}");
        people[i % 2]
            .post(&text, None, &new_record_key(now, (i % 1000) as u16), now)
            .await
            .expect("post");
    }
    let posting = started.elapsed();
    // The AppView indexes each post about a second after it is written, in order.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (requests, log) = requests_of(dir.path(), &["sync", "--once"]);
    let arrived = inbox_total(dir.path()).await - before;
    let count = |path: &str| log.lines().filter(|l| l.contains(path)).count();
    println!(
        "Bluesky: {requests} requests to catch up on {arrived} mentions ({} listNotifications pages of 100, {} getProfiles, {} session); posting them took {:.1} s",
        count("listNotifications"),
        count("getProfiles"),
        count("Session"),
        posting.as_secs_f64()
    );
    assert!(
        arrived as usize >= BACKLOG,
        "the whole backlog arrived: {arrived}"
    );
}

fn start_sync(dir: &std::path::Path, interval: u64) -> Child {
    earshot(dir)
        .args(["sync", "--interval", &interval.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn summary(d: &[Duration]) -> String {
    let mut ms: Vec<f64> = d.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / ms.len() as f64;
    format!(
        "median {:.0} ms, mean {:.0} ms, max {:.0} ms over {}",
        ms[ms.len() / 2],
        mean,
        ms[ms.len() - 1],
        ms.len()
    )
}

async fn latency() {
    const INTERVAL: u64 = 10;
    for streaming in [true, false] {
        let notifications = numbered_notifications(20, 5000)
            .into_iter()
            .enumerate()
            .map(|(i, n)| (i + 1 + 100, n))
            .collect();
        let server = serve_mastodon_live(StreamPlan {
            connections: vec![Vec::new()],
            notifications,
            no_streaming: !streaming,
            ..Default::default()
        });
        let dir = tempfile::tempdir().unwrap();
        add_mastodon(dir.path(), &server, "bench-latency");
        let mut sync = start_sync(dir.path(), INTERVAL);
        if streaming {
            let deadline = Instant::now() + Duration::from_secs(20);
            while server.connections.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // Connected; let the catch-up that follows each connection finish.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        // The notifications are staged from 101 on, so the push below decides when each appears.
        server.stage.store(100, Ordering::SeqCst);
        let notes = numbered_notifications(20, 5000);
        let engine = Engine::open(dir.path().to_path_buf(), Arc::new(SystemClock))
            .await
            .unwrap();
        let samples = if streaming { 20 } else { 6 };
        let mut d = Vec::new();
        for (i, note) in notes.into_iter().take(samples).enumerate() {
            let before = engine.inbox(&InboxQuery::default(), 0, 1).await.unwrap().total;
            server.stage.store(101 + i, Ordering::SeqCst);
            let started = Instant::now();
            if streaming {
                server
                    .push
                    .lock()
                    .unwrap()
                    .push(ws_frame("notification", &note.to_string()));
            }
            loop {
                if engine.inbox(&InboxQuery::default(), 0, 1).await.unwrap().total > before {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(3 * INTERVAL),
                    "mention {i} never arrived"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            d.push(started.elapsed());
            if !streaming {
                // Land the next one at another point of the polling cycle.
                tokio::time::sleep(Duration::from_millis((i as u64 * 3700) % (INTERVAL * 1000))).await;
            }
        }
        let _ = sync.kill();
        let _ = sync.wait();
        println!(
            "Mastodon post to inbox, {}: {}",
            if streaming {
                "streaming".to_owned()
            } else {
                format!("polling every {INTERVAL} s")
            },
            summary(&d)
        );
    }
}

fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

async fn memory(net: &DevNet) {
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    for i in 0..6 {
        let server = serve_mastodon_live(StreamPlan {
            connections: vec![Vec::new()],
            notifications: numbered_notifications(200, 1000)
                .into_iter()
                .map(|n| (0, n))
                .collect(),
            ..Default::default()
        });
        add_mastodon(dir.path(), &server, &format!("bench-memory-{i}"));
        servers.push(server);
    }
    for handle in [
        "support.earshot.test",
        "marketing.earshot.test",
        "alice.test",
        "bob.test",
    ] {
        add_bluesky(dir.path(), net.pds.as_str(), handle, net.password(handle));
    }
    let mut sync = start_sync(dir.path(), 60);
    let deadline = Instant::now() + Duration::from_secs(60);
    while servers.iter().any(|s| s.connections.load(Ordering::SeqCst) == 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (peak, now) = memory_kib(sync.id());
    let _ = sync.kill();
    let _ = sync.wait();
    let items = inbox_total(dir.path()).await;
    println!(
        "earshot sync with 10 accounts (6 Mastodon streaming, 4 Bluesky; {items} items): peak RSS {:.1} MiB, RSS {:.1} MiB",
        peak as f64 / 1024.0,
        now as f64 / 1024.0
    );
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; a filter word picks one benchmark.
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wants = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    let net = DevNet::get();
    if wants("backlog") {
        mastodon_backlog().await;
        x_backlog().await;
        bluesky_backlog(&net).await;
    }
    if wants("latency") {
        latency().await;
    }
    if wants("memory") {
        memory(&net).await;
    }
}
