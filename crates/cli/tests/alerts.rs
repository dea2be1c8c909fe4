//! Desktop alerts reaching a real notification daemon: run inside tests/e2e/harness.sh (Xvfb, a D-Bus session,
//! dunst, and dbus-monitor writing every notification call to $NOTIFY_LOG), as scripts/test.sh does.
//!
//! One test, so that no other test's notifications interleave with these in the shared log.

mod common;

use std::time::{Duration, Instant};

use common::earshot;

fn notify_log() -> String {
    std::env::var("NOTIFY_LOG")
        .expect("NOTIFY_LOG is not set: run inside tests/e2e/harness.sh, as scripts/test.sh does")
}

/// Every `Notify` call in the log: the text after its `member=Notify` line, up to the next call.
fn notify_calls(log: &str) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.split("member=Notify")
        .skip(1)
        .map(|call| {
            let end = call
                .find("\nmethod ")
                .or_else(|| call.find("\nsignal "))
                .unwrap_or(call.len());
            call[..end].to_owned()
        })
        .collect()
}

/// Waits (with a deadline, never a fixed sleep) until `count` new Notify calls have been logged after `from`.
fn wait_for_calls(log: &str, from: usize, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let calls = notify_calls(log);
        if calls.len() >= from + count || Instant::now() > deadline {
            return calls.into_iter().skip(from).collect();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn post(id: &str, author: &str, followers: u64, text: &str) -> String {
    serde_json::json!({"type": "mention", "network": "bluesky",
        "remote_id": format!("at://did:plc:{author}/app.bsky.feed.post/{id}"),
        "author": {"handle": format!("{author}.bsky.social"), "display_name": format!("{author} Doe"), "followers": followers},
        "text": text, "created_at": chrono::Utc::now().to_rfc3339(), "mentions": ["acme-help.bsky.social"]})
    .to_string()
}

fn import(dir: &tempfile::TempDir, lines: &[String]) {
    let file = dir.path().join(format!("in-{}.jsonl", lines.len()));
    let handle =
        r#"{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}"#;
    std::fs::write(&file, format!("{handle}\n{}\n", lines.join("\n"))).unwrap();
    earshot(dir).arg("import").arg(&file).assert().success();
}

fn check(dir: &tempfile::TempDir) -> String {
    let out = earshot(dir).args(["alerts", "check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn alerts_reach_the_notification_daemon_with_actions_held_in_quiet_hours_and_bursts_summarised() {
    let log = notify_log();
    let dir = tempfile::tempdir().unwrap();
    // A rule on a brand keyword, so the test does not depend on the triage model's reading of the text.
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"[{"id": "bike", "name": "Acmebike mentions from big accounts", "enabled": true, "intents": [],
             "urgent": false, "sentiments": [], "min_followers": 10000, "min_customer_standing": null,
             "handles": [], "roles": [], "networks": [], "keywords": ["acmebike"]}]"#,
    )
    .unwrap();
    earshot(&dir)
        .args(["alerts", "set-rules"])
        .arg(&rules)
        .assert()
        .success();

    // A matching item raises one notification with the item's words, the rule, and the actions.
    let before = notify_calls(&log).len();
    import(
        &dir,
        &[
            post(
                "a1",
                "erin",
                48_200,
                "My acmebike <b>chain</b> snapped on day two",
            ),
            post("a2", "fay", 12, "my acmebike is great"),
        ],
    );
    let printed = check(&dir);
    assert!(printed.contains("erin Doe"), "{printed}");
    let calls = wait_for_calls(&log, before, 1);
    assert_eq!(
        calls.len(),
        1,
        "one notification for one matching item: {calls:#?}"
    );
    let call = &calls[0];
    assert!(
        call.contains("string \"Earshot\""),
        "the app names itself: {call}"
    );
    assert!(
        call.contains("on @acme-help.bsky.social"),
        "who and on which handle: {call}"
    );
    assert!(call.contains("erin Doe"), "{call}");
    assert!(
        call.contains("My acmebike &lt;b&gt;chain&lt;/b&gt; snapped on day two"),
        "the first line, with markup made inert: {call}"
    );
    assert!(call.contains("48,200 followers"), "why the rule fired: {call}");
    for action in [
        "\"default\"",
        "\"open\"",
        "\"Open\"",
        "\"assign\"",
        "\"Assign to me\"",
    ] {
        assert!(call.contains(action), "the action {action} is offered: {call}");
    }
    assert!(
        !call.contains("fay"),
        "a non-matching item raises nothing: {call}"
    );
    assert!(check(&dir).contains("No alerts are due."), "an item alerts once");

    // Quiet hours around the clock on the handle: alerts are held, then summarised when they end.
    let handle = {
        let out = earshot(&dir).args(["inbox", "--json"]).output().unwrap();
        let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = page.get("rows").cloned().unwrap_or(page);
        rows[0]["handles"][0]["id"].as_str().unwrap().to_owned()
    };
    earshot(&dir)
        .args(["sla", &handle, "--quiet", "mon-sun 00:00-24:00", "--tz", "UTC"])
        .assert()
        .success();
    let before = notify_calls(&log).len();
    import(
        &dir,
        &[
            post("q1", "gil", 30_000, "acmebike saddle squeaks"),
            post("q2", "hal", 30_000, "acmebike brakes are weak"),
        ],
    );
    assert!(
        check(&dir).contains("No alerts are due."),
        "quiet hours hold alerts back"
    );
    earshot(&dir)
        .args(["sla", &handle, "--quiet", "none"])
        .assert()
        .success();
    let printed = check(&dir);
    assert!(printed.contains("While alerts were held: 2"), "{printed}");
    let calls = wait_for_calls(&log, before, 1);
    assert_eq!(
        calls.len(),
        1,
        "the held alerts arrive as one summary: {calls:#?}"
    );
    assert!(calls[0].contains("While alerts were held: 2"), "{}", calls[0]);

    // A burst of fifty matching items is one notification, not fifty.
    let before = notify_calls(&log).len();
    let burst: Vec<String> = (0..50)
        .map(|i| {
            post(
                &format!("b{i}"),
                &format!("rider{i}"),
                20_000,
                "acmebike app is down for everyone",
            )
        })
        .collect();
    import(&dir, &burst);
    let printed = check(&dir);
    assert!(printed.starts_with("50 "), "{printed}");
    let calls = wait_for_calls(&log, before, 2);
    assert_eq!(calls.len(), 1, "fifty items, one summary: {calls:#?}");
    assert!(calls[0].contains("string \"50 "), "{}", calls[0]);
}

#[test]
fn without_a_notification_service_alerts_are_unavailable_and_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    import(
        &dir,
        &[post("x1", "ivy", 50_000, "the acmebike app lost my ride history")],
    );
    let out = earshot(&dir)
        .args(["alerts", "check"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/earshot-test-bus",
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "Earshot keeps working without alerts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Desktop alerts are unavailable: no notification service is running"),
        "said plainly: {stderr}"
    );
    assert_eq!(
        stderr.matches("Desktop alerts are unavailable").count(),
        1,
        "said once: {stderr}"
    );
}
