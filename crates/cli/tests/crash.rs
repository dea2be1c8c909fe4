//! `kill -9` at random moments: the `earshot` process is killed while it syncs mentions from the real
//! Bluesky dev network, twenty times, and again while it sends replies from the outbox, twenty times. After
//! a final run that is left alone, every mention is in the inbox exactly once, and every reply is on the
//! PDS exactly once. Runs inside tests/support/with-bsky-net.sh and tests/e2e/harness.sh (a real keyring),
//! as scripts/test.sh does.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use earshot_engine::{ActionKind, ActionRequest, Engine, InboxQuery, SystemClock};
use earshot_networks::bluesky::{new_record_key, BlueskyClient};
use earshot_networks::replay::bsky_net::DevNet;

const ROUNDS: usize = 20;
const POSTS_PER_ROUND: usize = 6;

/// A fixed sequence of pseudo-random numbers, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn earshot(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_earshot"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("EARSHOT_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `args` to the end and says how long it took.
fn run(dir: &std::path::Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = earshot(dir)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .expect("run earshot");
    assert!(
        out.status.success(),
        "earshot {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

/// Starts `args` and kills it with SIGKILL after `after`. True when it was still running when killed.
fn kill_after(dir: &std::path::Path, args: &[&str], after: Duration) -> bool {
    let mut child = earshot(dir).args(args).spawn().expect("start earshot");
    std::thread::sleep(after);
    let running = child.try_wait().expect("poll earshot").is_none();
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
    running
}

/// Every item whose text carries `tag`, by the `<tag>n<i>` marker in it.
async fn markers(dir: &std::path::Path, tag: &str) -> BTreeMap<String, usize> {
    let engine = Engine::open(dir.to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    let query = InboxQuery {
        search: Some(tag.to_owned()),
        ..Default::default()
    };
    let page = engine.inbox(&query, 0, 1000).await.unwrap();
    let mut seen = BTreeMap::new();
    for row in page.rows {
        for word in row
            .excerpt
            .split_whitespace()
            .filter(|w| w.starts_with(&format!("{tag}n")))
        {
            *seen.entry(word.to_owned()).or_insert(0) += 1;
        }
    }
    seen
}

/// Posts one round of mentions of the support handle, each with its own marker; returns how many.
async fn post_round(alice: &BlueskyClient, tag: &str, round: usize) -> usize {
    for i in 0..POSTS_PER_ROUND {
        let n = round * POSTS_PER_ROUND + i;
        let text = format!("@support.earshot.test drill {tag} {tag}n{n} round {round}");
        let now = Utc::now();
        let rkey = new_record_key(now, u16::try_from(n).unwrap_or(0));
        alice.post(&text, None, &rkey, now).await.expect("post");
    }
    POSTS_PER_ROUND
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_earshot_at_random_moments_loses_and_repeats_nothing() {
    let net = DevNet::get();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let tag = format!("crash{}", Utc::now().timestamp_millis());
    let mut random = Lcg(0x5eed_cafe);

    // The brand's support handle, connected through the CLI as a person would.
    let mut add = earshot(data);
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
    add.stderr(Stdio::inherit());
    let mut child = add.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", net.password("support.earshot.test")).unwrap();
    }
    assert!(child.wait().unwrap().success(), "the account connects");
    // Catch up on whatever the network already holds, and time a whole run of a sync with new posts.
    run(data, &["sync", "--once"]);

    // ---- Ingest: new mentions before each round, and a kill somewhere inside the sync. ----
    let alice = net.person("alice.test").await;
    let mut posted = 0;
    posted += post_round(&alice, &tag, 0).await;
    // Let the AppView index them, then time an undisturbed sync: kills land between 0 and this long.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let whole = run(data, &["sync", "--once"]);
    let mut killed_mid_sync = 0;
    for round in 1..=ROUNDS {
        posted += post_round(&alice, &tag, round).await;
        let after = Duration::from_millis(random.below(whole.as_millis() as u64 + 1));
        if kill_after(data, &["sync", "--once"], after) {
            killed_mid_sync += 1;
        }
    }
    // Then a run left alone, repeated until the AppView has indexed the last posts.
    let deadline = Instant::now() + Duration::from_secs(30);
    let seen = loop {
        run(data, &["sync", "--once"]);
        let seen = markers(data, &tag).await;
        if seen.len() >= posted || Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert!(
        killed_mid_sync >= ROUNDS / 4,
        "kills land while syncing ({killed_mid_sync} of {ROUNDS})"
    );
    assert_eq!(
        seen.len(),
        posted,
        "no mention is lost: {} of {posted} arrived",
        seen.len()
    );
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "no mention is stored twice: {repeated:?}");

    // ---- Outbox: a reply queued before each round, and a kill somewhere inside the run sending it. ----
    let engine = Engine::open(data.to_path_buf(), Arc::new(SystemClock))
        .await
        .unwrap();
    let account = engine.accounts().await.unwrap().remove(0);
    let query = InboxQuery {
        search: Some(tag.clone()),
        ..Default::default()
    };
    let items = engine.inbox(&query, 0, ROUNDS as u32 + 1).await.unwrap().rows;
    assert_eq!(items.len(), ROUNDS + 1);
    let mut replies: Vec<(String, String)> = Vec::new();
    let queue = |i: usize| {
        let (engine, item, account) = (&engine, &items[i], &account);
        let text = format!("Thanks for the report {tag}r{i}");
        async move {
            let view = engine
                .queue_action(&ActionRequest {
                    item_id: item.id.clone(),
                    kind: ActionKind::Reply,
                    from: account.id.clone(),
                    text: Some(text.clone()),
                    confirmed: true,
                    requested_by: Some("crash test".into()),
                    saved_reply_id: None,
                })
                .await
                .unwrap();
            (view.id, text)
        }
    };
    // Time a run that sends one reply, undisturbed: kills land between 0 and this long.
    replies.push(queue(0).await);
    let whole = run(data, &["outbox", "--send"]);
    let mut killed_mid_send = 0;
    for round in 1..=ROUNDS {
        replies.push(queue(round).await);
        let after = Duration::from_millis(random.below(whole.as_millis() as u64 + 1));
        if kill_after(data, &["outbox", "--send"], after) {
            killed_mid_send += 1;
        }
    }
    run(data, &["outbox", "--send"]);
    let support = net.person("support.earshot.test").await;

    let outbox = engine.outbox(None).await.unwrap();
    for (id, text) in &replies {
        let row = outbox
            .iter()
            .find(|r| &r.id == id)
            .expect("the queued reply is still in the outbox");
        assert_eq!(row.state, "sent", "{text}: {row:?}");
    }
    let records = support
        .own_records("app.bsky.feed.post", Utc::now())
        .await
        .unwrap();
    assert!(records.len() < 100, "the check reads the whole repository page");
    for (_, text) in &replies {
        let copies = records
            .iter()
            .filter(|(_, value)| value["text"].as_str() == Some(text.as_str()))
            .count();
        assert_eq!(copies, 1, "'{text}' is on the PDS exactly once");
    }
    assert!(
        killed_mid_send >= ROUNDS / 4,
        "kills land while sending ({killed_mid_send} of {ROUNDS})"
    );
    eprintln!(
        "crash test: {posted} mentions, {killed_mid_sync}/{ROUNDS} kills mid-sync; {} replies, {killed_mid_send}/{ROUNDS} kills mid-send",
        replies.len()
    );
}
