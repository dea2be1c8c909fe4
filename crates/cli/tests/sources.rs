//! `earshot source …` as a script would use it: the built binary, a temporary data folder, and test feeds
//! served over real HTTP on loopback (earshot_networks::replay::feeds).

mod common;

use common::{earshot, json_of};
use earshot_networks::replay::feeds::{etag, fixture, serve_feeds};

fn run(dir: &tempfile::TempDir, args: &[&str]) -> (Option<i32>, String, String) {
    let out = earshot(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_feed_is_added_listed_synced_changed_and_removed() {
    let server = serve_feeds();
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/discourse-latest.rss");
    let (code, out, err) = run(
        &dir,
        &[
            "source",
            "add",
            "rss",
            url.as_str(),
            "--include",
            "acme",
            "--exclude",
            "hiring",
            "--role",
            "support",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Listening to Acme Riders Forum - Latest posts (source 1) for the support queue; 2 item(s) so far."),
        "{out}"
    );
    assert!(
        err.contains("entry 4 has no link or id"),
        "the broken entry is reported: {err}"
    );

    let list = json_of(&dir, &["source", "list", "--json"]);
    let sources = list.as_array().expect("a list");
    assert_eq!(sources.len(), 1);
    let source = &sources[0];
    assert_eq!(source["url"], url.as_str());
    assert_eq!(
        source["name"],
        format!("{}/discourse-latest.rss", url.authority())
    );
    assert_eq!(source["include"], serde_json::json!(["acme"]));
    assert_eq!(source["exclude"], serde_json::json!(["hiring"]));
    assert_eq!(source["role"], "support");
    assert_eq!(source["state"], "healthy");
    assert_eq!(source["items"], 2);
    assert!(
        source["next_fetch_at"].is_string(),
        "the next fetch waits a few minutes: {source}"
    );

    let web = json_of(&dir, &["inbox", "--json", "--network", "web"]);
    assert_eq!(
        web.as_array().unwrap().len(),
        2,
        "both matching entries are in the inbox"
    );
    let ids = |rows: &serde_json::Value| -> Vec<String> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].to_string())
            .collect()
    };
    let feed = json_of(&dir, &["inbox", "--json", "--network", "rss"]);
    assert_eq!(ids(&feed), ids(&web), "rss names the same network");

    // `sync` includes the source but leaves the site alone right after the fetch that added it.
    let (code, out, err) = run(&dir, &["sync", "--once"]);
    assert_eq!(code, Some(0), "waiting is not a failure: {err}");
    let name = source["name"].as_str().unwrap();
    assert!(
        out.contains(&format!("Feed {name}: fetched a moment ago; next fetch after ")),
        "{out}"
    );
    assert_eq!(server.requests_to("/discourse-latest.rss").len(), 1);

    // Asked for explicitly, it is fetched now: conditionally, and nothing changed.
    let (code, out, err) = run(&dir, &["source", "sync", "1"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains(&format!(
            "Feed {name}: 0 new, 0 seen before, 0 skipped, 1 page(s)."
        )),
        "{out}"
    );
    let seen = server.requests_to("/discourse-latest.rss");
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].if_none_match,
        Some(etag(&fixture("discourse-latest.rss")))
    );
    assert_eq!(seen[1].status, 304);

    let (code, out, err) = run(
        &dir,
        &[
            "source",
            "update",
            "1",
            "--include",
            "acme, saddle",
            "--role",
            "marketing",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.trim(),
        "Source 1 feeds the marketing queue; include: acme, saddle; exclude: hiring."
    );
    let (_, text, _) = run(&dir, &["source", "list"]);
    assert!(
        text.contains("healthy") && text.contains("include: acme, saddle; exclude: hiring; 2 item(s)"),
        "the table says what the source keeps: {text}"
    );

    let (code, out, _) = run(&dir, &["source", "remove", "1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Its 2 item(s) stay in the inbox."), "{out}");
    assert_eq!(
        json_of(&dir, &["source", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(json_of(&dir, &["inbox", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn what_cannot_be_a_source_is_refused_with_a_reason() {
    let server = serve_feeds();
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&dir, &["source", "add", "rss", "ftp://forum.example/feed"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("http and https only"), "{err}");
    let page = server.url("/not-a-feed.html");
    let (code, _, err) = run(&dir, &["source", "add", "rss", page.as_str()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not an RSS or Atom feed"), "{err}");
    let (code, _, err) = run(&dir, &["source", "remove", "7"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("There is no listening source '7'"), "{err}");
    let (_, out, _) = run(&dir, &["source", "list"]);
    assert!(out.contains("No listening sources yet."), "{out}");
}
