//! Team mode from the command line: several `earshot` processes claiming from one inbox at once. It runs on
//! the database the test run names (each test its own fresh PostgreSQL database in the contract run, see
//! `earshot_store::testing`), else on one SQLite file shared by every process, which must hold as well.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::Stdio;

use assert_cmd::cargo::CommandCargoExt;

const AGENTS: usize = 8;
/// Items to claim on PostgreSQL, the team database. On SQLite (one person's file) eight processes take turns
/// at a single write lock, so the same race runs on fewer items there to keep the suite quick.
const ITEMS_POSTGRES: usize = 10_000;
const ITEMS_SQLITE: usize = 1_000;

/// `earshot` on the test's workspace: `--database URL` in the contract run, the data folder's SQLite otherwise.
fn earshot(dir: &tempfile::TempDir, url: &Option<String>) -> std::process::Command {
    let mut cmd = std::process::Command::cargo_bin("earshot").expect("the earshot binary is built");
    cmd.arg("--data-dir")
        .arg(dir.path())
        .env_remove("EARSHOT_DATA_DIR")
        .env_remove("EARSHOT_DATABASE")
        .env("EARSHOT_AGENT", "Lead");
    if let Some(url) = url {
        cmd.arg("--database").arg(url);
    }
    cmd
}

fn ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn database(dir: &tempfile::TempDir, url: &Option<String>) -> earshot_store::Database {
    match url {
        Some(url) => earshot_store::connect(url).await.unwrap(),
        None => earshot_store::open(&dir.path().join("earshot.sqlite3"))
            .await
            .unwrap(),
    }
}

/// A workspace with `n` actionable open items on one support handle.
async fn inbox_of(n: usize) -> (tempfile::TempDir, Option<String>, earshot_store::Database) {
    let dir = tempfile::tempdir().unwrap();
    let url = earshot_store::testing::fresh_database().await.unwrap();
    let file = dir.path().join("items.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(
        out,
        r#"{{"type":"handle","network":"mastodon","account":"help@brand.example","role":"support"}}"#
    )
    .unwrap();
    for i in 0..n {
        writeln!(
            out,
            r#"{{"type":"mention","network":"mastodon","remote_id":"{i}","author":{{"handle":"person{i}@example.social","followers":{f}}},"text":"@help@brand.example my order {i} has not arrived","created_at":"2026-11-28T09:00:00Z","mentions":["help@brand.example"]}}"#,
            f = i % 5000
        )
        .unwrap();
    }
    drop(out);
    ok(earshot(&dir, &url).arg("import").arg(&file));
    let db = database(&dir, &url).await;
    // Triage may call some of the generated posts spam; every item here is one a person must answer.
    sqlx::query("UPDATE mentions SET queue = 'actionable', status = 'open', stage = 'open'")
        .execute(&db)
        .await
        .unwrap();
    (dir, url, db)
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_agents_claiming_at_once_take_every_item_exactly_once() {
    let items = match std::env::var_os(earshot_store::testing::POSTGRES_ENV) {
        Some(_) => ITEMS_POSTGRES,
        None => ITEMS_SQLITE,
    };
    let (dir, url, db) = inbox_of(items).await;
    let per_agent = items.div_ceil(AGENTS) + 50;
    for a in 0..AGENTS {
        ok(earshot(&dir, &url).args(["agent", "add", &format!("Agent {a}")]));
        ok(earshot(&dir, &url).args(["agent", "cap", &format!("Agent {a}"), &per_agent.to_string()]));
    }

    // Eight processes at once, each claiming the next item until nothing waits or its cap is reached.
    let children: Vec<_> = (0..AGENTS)
        .map(|a| {
            earshot(&dir, &url)
                .args(["claim", "--next", "--agent", &format!("Agent {a}")])
                .args(["--count", &items.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut claimed: HashMap<String, String> = HashMap::new();
    let mut per: HashMap<String, usize> = HashMap::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        // Exit code 3 says the process claimed nothing: on a loaded machine one may start after the others
        // have taken every item. Its one line must then say nothing was waiting (checked below).
        assert!(
            out.status.success() || out.status.code() == Some(3),
            "an agent process failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let (last, won) = lines.split_last().unwrap();
        // The count is large enough that every process ends on a refusal: nothing left to take, or its cap.
        match last["outcome"].as_str() {
            Some("nothing_waiting") => {}
            Some("at_cap") => assert_eq!(won.len(), per_agent, "{last}"),
            _ => panic!("a process stopped on {last}"),
        }
        for line in won {
            assert_eq!(line["outcome"], "claimed", "{line}");
            let item = line["item"]["item_id"].as_str().unwrap().to_owned();
            let agent = line["item"]["agent"].as_str().unwrap().to_owned();
            *per.entry(agent.clone()).or_default() += 1;
            if let Some(first) = claimed.insert(item.clone(), agent.clone()) {
                panic!("item {item} was claimed twice: by {first} and by {agent}");
            }
        }
    }
    assert_eq!(claimed.len(), items, "every item is claimed");
    assert!(
        per.values().all(|&n| n <= per_agent),
        "no agent passes their cap: {per:?}"
    );

    // The database agrees: each item is held by the agent whose process claimed it, and was claimed once.
    let held: Vec<(i64, String)> =
        sqlx::query_as("SELECT m.id, ag.name FROM mentions m JOIN agents ag ON ag.id = m.assignee_id")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(held.len(), items);
    for (id, name) in &held {
        assert_eq!(claimed.get(&id.to_string()), Some(name), "item {id}");
    }
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM item_events WHERE kind = 'claimed'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(events, items as i64, "one claim event per item");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_claim_names_who_holds_the_item_and_caps_are_kept() {
    let (dir, url, _db) = inbox_of(3).await;
    for name in ["Ana Ruiz", "Sam Lee"] {
        ok(earshot(&dir, &url).args(["agent", "add", name]));
    }
    let first: serde_json::Value = serde_json::from_str(&ok(
        earshot(&dir, &url).args(["claim", "1", "--agent", "Ana Ruiz"])
    ))
    .unwrap();
    assert_eq!(first["outcome"], "claimed");
    assert_eq!(first["item"]["agent"], "Ana Ruiz");
    assert_eq!(first["item"]["author_handle"], "person0@example.social");

    // Sam asks for the same item: refused, and told who has it. Ana claiming again is fine.
    let second = earshot(&dir, &url)
        .args(["claim", "1", "--agent", "Sam Lee"])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(3), "a refusal exits 3");
    let refusal: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(refusal["outcome"], "held");
    assert_eq!(refusal["held_by"], "Ana Ruiz");
    assert!(
        refusal["message"]
            .as_str()
            .unwrap()
            .contains("Ana Ruiz is already handling item 1"),
        "{refusal}"
    );
    ok(earshot(&dir, &url).args(["claim", "1", "--agent", "Ana Ruiz"]));

    // A cap of one: Sam takes the next item, then is told he is at his cap.
    ok(earshot(&dir, &url).args(["agent", "cap", "Sam Lee", "1"]));
    let next: serde_json::Value = serde_json::from_str(&ok(
        earshot(&dir, &url).args(["claim", "--next", "--agent", "Sam Lee"])
    ))
    .unwrap();
    assert_eq!(next["outcome"], "claimed");
    let at_cap = earshot(&dir, &url)
        .args(["claim", "--next", "--agent", "Sam Lee"])
        .output()
        .unwrap();
    assert_eq!(at_cap.status.code(), Some(3));
    let at_cap: serde_json::Value = serde_json::from_slice(&at_cap.stdout).unwrap();
    assert_eq!(at_cap["outcome"], "at_cap", "{at_cap}");

    // Unassigning returns the item to the queue; assigning gives it to someone else outright.
    ok(earshot(&dir, &url).args(["unassign", "1"]));
    ok(earshot(&dir, &url).args(["assign", "1", "--to", "Sam Lee"]));
    let agents: serde_json::Value =
        serde_json::from_str(&ok(earshot(&dir, &url).args(["agents", "--json"]))).unwrap();
    let holding: HashSet<(String, u64)> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["holding"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(holding.contains(&("Sam Lee".into(), 2)), "{agents}");
    assert!(holding.contains(&("Ana Ruiz".into(), 0)), "{agents}");

    // A claim from the wrong place says so plainly.
    let missing = earshot(&dir, &url)
        .args(["claim", "999999", "--agent", "Ana Ruiz"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no longer exists"));
}
