//! The `earshot` binary as a script would use it, on a temporary data folder.

mod common;

use common::{earshot, json_of};

#[test]
fn import_keeps_good_lines_and_names_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mentions.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"type":"handle","network":"x","account":"AcmeHelp","role":"support"}"#, "\n",
            r#"{"type":"mention","network":"x","remote_id":"1","author":{"handle":"ann","followers":900},"text":"@AcmeHelp refund please","created_at":"2026-11-28T09:00:00Z","mentions":["AcmeHelp"]}"#, "\n",
            "{oops\n",
            r#"{"type":"mention","network":"x","remote_id":"2","author":{"handle":"bob"},"text":"battery died","created_at":"2026-11-28T08:00:00Z"}"#, "\n",
        ),
    )
    .unwrap();
    let out = earshot(&dir).arg("import").arg(&file).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a partial import exits 1 so scripts notice"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: not valid JSON"),
        "the bad line is named: {stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Imported 2 new item(s)"));

    let inbox = json_of(&dir, &["inbox", "--json"]);
    let rows = inbox.as_array().unwrap();
    assert_eq!(rows.len(), 2, "both good mentions are in the inbox");
    assert!(
        rows[0]["score"].as_f64() >= rows[1]["score"].as_f64(),
        "priority order"
    );
    assert!(
        !rows[0]["reasons"].as_array().unwrap().is_empty(),
        "each item carries its reasons"
    );

    let support = json_of(&dir, &["inbox", "--json", "--role", "support"]);
    assert_eq!(
        support.as_array().unwrap().len(),
        1,
        "only one item is on the support handle"
    );
    let by_network = json_of(&dir, &["inbox", "--json", "--network", "bluesky"]);
    assert_eq!(by_network.as_array().unwrap().len(), 0);

    let found = json_of(&dir, &["search", "refund", "--json"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["author_handle"], "ann");
}

#[test]
fn demo_then_inbox_limit() {
    let dir = tempfile::tempdir().unwrap();
    earshot(&dir).arg("demo").assert().success();
    let top = json_of(&dir, &["inbox", "--json", "--limit", "5"]);
    assert_eq!(top.as_array().unwrap().len(), 5, "--limit is honoured");
}

#[test]
fn bad_arguments_say_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let out = earshot(&dir).args(["inbox", "--role", "boss"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("support, marketing or other"));
    let missing = earshot(&dir)
        .args(["import", "/nonexistent/file.jsonl"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("could not open /nonexistent/file.jsonl"));
}

/// Needs a Secret Service (run inside tests/e2e/harness.sh, as scripts/test.sh does).
#[test]
fn a_mastodon_account_connects_from_stdin_lists_and_syncs() {
    let server = earshot_networks::replay::serve_mastodon(50);
    let dir = tempfile::tempdir().unwrap();
    earshot(&dir)
        .args([
            "account",
            "add",
            "mastodon",
            "--instance",
            server.base.as_str(),
            "--role",
            "support",
            "--token-stdin",
        ])
        .write_stdin("cli-token\n")
        .assert()
        .success()
        .stdout(predicates::str::contains("as a support handle"));
    let listed = json_of(&dir, &["accounts", "list", "--json"]);
    assert_eq!(listed[0]["state"], "healthy");
    assert_eq!(
        listed[0]["last_sync_at"],
        serde_json::Value::Null,
        "never synced yet"
    );
    let out = earshot(&dir).args(["sync", "--once"]).output().unwrap();
    assert!(
        out.status.success(),
        "sync: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("new"),
        "the sync reports what it fetched"
    );
    let inbox = json_of(&dir, &["inbox", "--json"]);
    assert!(
        !inbox.as_array().unwrap().is_empty(),
        "the synced mentions are in the inbox"
    );
    let listed = json_of(&dir, &["accounts", "list", "--json"]);
    assert!(listed[0]["last_sync_at"].is_string(), "the last sync is recorded");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mastodon_account_connects_by_approving_the_printed_address() {
    use std::io::BufRead;
    use std::process::Stdio;
    let server = earshot_networks::replay::oauth::serve_mastodon_oauth(true);
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_earshot"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "account",
            "add",
            "mastodon",
            "--instance",
            server.base.as_str(),
            "--no-browser",
        ])
        .args(["--role", "support"])
        .env_remove("EARSHOT_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("http") {
                let _ = tx.send(format!("http{url}"));
            }
        }
    });
    let address = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the CLI prints the address to approve Earshot at");
    assert!(address.contains("/oauth/authorize?") && address.contains("code_challenge_method=S256"));
    // The person approves: the server sends the browser back to the CLI's loopback address.
    let page = earshot_networks::http_client()
        .get(&address)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Earshot is connected"), "{page}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Connected @mastodonpy_test@"), "{said}");
    let accounts = json_of(&dir, &["account", "list", "--json"]);
    assert_eq!(accounts.as_array().unwrap().len(), 1);
}

#[test]
fn an_x_account_connects_syncs_and_its_spend_is_printed_and_capped() {
    use earshot_networks::replay::x::{XServer, XUserSeed};
    let x = XServer::start(vec![
        XUserSeed::new("700", "CliSpendHelp", 900),
        XUserSeed::new("701", "rider", 30),
    ]);
    for i in 0..12 {
        x.post("701", &format!("@CliSpendHelp is my order {i} shipped?"), None);
    }
    let (access, refresh) = x.sign_in("700", "cli-app");
    let dir = tempfile::tempdir().unwrap();
    earshot(&dir)
        .args([
            "account",
            "add",
            "x",
            "--client-id",
            "cli-app",
            "--role",
            "support",
            "--token-stdin",
        ])
        .args(["--server", x.base.as_str()])
        .write_stdin(format!(
            "{{\"access_token\":\"{access}\",\"refresh_token\":\"{refresh}\"}}\n"
        ))
        .assert()
        .success()
        .stdout(predicates::str::contains("Connected @clispendhelp"));
    let out = earshot(&dir).args(["sync", "--once"]).output().unwrap();
    assert!(
        out.status.success(),
        "sync: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("12 new"));

    let spend = json_of(&dir, &["spend", "--json"]);
    assert_eq!(spend["today"][0]["handle"], "@clispendhelp");
    assert_eq!(spend["today"][0]["reads"], 13, "12 posts and 1 user");
    let expected = 12.0 * 0.005 + 0.01;
    assert!(
        (spend["month_usd"].as_f64().unwrap() - expected).abs() < 1e-9,
        "{spend}"
    );

    earshot(&dir)
        .args(["spend", "--budget", "0.05", "--price", "user_read=0.02"])
        .assert()
        .success()
        .stdout(predicates::str::contains("X is paused"))
        .stdout(predicates::str::contains(
            "user_read            User read                    0.02\n",
        ));
    earshot(&dir)
        .args(["spend", "--price", "tweet_read=1"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "'tweet_read' is not something X bills for",
        ));
    x.post("701", "@CliSpendHelp hello?", None);
    let out = earshot(&dir).args(["sync", "--once"]).output().unwrap();
    assert!(!out.status.success(), "a paused account is not a clean sync");
    assert!(String::from_utf8_lossy(&out.stderr).contains("X is paused"));
    assert!(x.violations().is_empty(), "{:#?}", x.violations());
}
