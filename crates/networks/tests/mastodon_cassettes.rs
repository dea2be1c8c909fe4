//! The Mastodon conversion against real recorded traffic from a Mastodon 4.6 server (Mastodon.py's
//! cassettes, MIT, in ../shared/data/mastodon). These tests fail, never skip, when that data is missing.

use earshot_core::FacetKind;
use earshot_networks::mastodon::{mentions_from_notifications, parse_link_header, Skipped};
use earshot_networks::replay::cassette::{cassettes_dir, load};

/// Every successful `GET /api/v1/notifications` page in every cassette.
fn notification_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(cassettes_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    for name in names {
        for i in load(&name).interactions {
            let path = i.request.uri.split('?').next().unwrap_or_default().to_owned();
            if i.request.method == "GET"
                && path.ends_with("/api/v1/notifications")
                && i.response.status.code == 200
            {
                pages.push((name.clone(), i.response.body.string));
            }
        }
    }
    pages
}

#[test]
fn every_recorded_mention_notification_converts() {
    let pages = notification_pages();
    assert!(
        pages.len() >= 5,
        "the cassettes hold several notification pages, found {}",
        pages.len()
    );
    let mut mentions = 0;
    for (name, body) in pages {
        for entry in mentions_from_notifications(&body, "localhost:3000").expect("a JSON array") {
            match entry {
                Ok(m) => {
                    mentions += 1;
                    assert!(
                        m.remote_id.starts_with("http://localhost:3000/"),
                        "{name}: the status URI is the ID"
                    );
                    assert!(
                        !m.text.contains('<'),
                        "{name}: no markup survives in {:?}",
                        m.text
                    );
                    assert!(
                        m.author.handle.as_str().contains('@'),
                        "{name}: authors are full accounts"
                    );
                    for f in &m.facets {
                        let slice = &m.text[f.start..f.end];
                        if let FacetKind::Mention { handle } = &f.kind {
                            assert!(
                                slice.starts_with('@'),
                                "{name}: a mention facet covers '@…', got {slice:?}"
                            );
                            assert!(
                                m.mentions.iter().any(|a| a.as_str() == handle),
                                "{name}: {handle} is listed"
                            );
                        }
                    }
                }
                Err(Skipped::NotAMention(_)) => {}
                Err(other) => panic!("{name}: a real notification must convert: {other}"),
            }
        }
    }
    assert!(
        mentions >= 5,
        "the cassettes hold several mentions, converted {mentions}"
    );
}

#[test]
fn a_mention_carries_its_author_text_and_our_handle() {
    let cassette = load("test_notifications_mentions_only.yaml");
    let body = cassette
        .interactions
        .iter()
        .find(|i| i.request.uri.contains("/api/v1/notifications?"))
        .map(|i| i.response.body.string.clone())
        .expect("the cassette lists notifications");
    let entries = mentions_from_notifications(&body, "localhost:3000").unwrap();
    let m = entries
        .into_iter()
        .find_map(Result::ok)
        .expect("at least one mention");
    assert_eq!(
        m.author.handle.as_str(),
        "admin@localhost:3000",
        "a local author gets the server's name"
    );
    assert!(m.text.starts_with("@mastodonpy_test"), "text: {:?}", m.text);
    // The recorded status's own counts (replies_count, reblogs_count) reach the mention.
    assert!(
        m.engagement.is_some(),
        "a status always says how many replies and boosts it has"
    );
    assert_eq!(
        m.mentions[0].as_str(),
        "mastodonpy_test@localhost:3000",
        "our handle, as a full account"
    );
    assert_eq!(
        m.url
            .as_deref()
            .map(|u| u.starts_with("http://localhost:3000/@admin/")),
        Some(true)
    );
}

#[test]
fn malformed_pages_and_entries_are_errors_not_panics() {
    assert!(
        mentions_from_notifications("<html>502</html>", "m.example").is_err(),
        "not JSON"
    );
    let entries = mentions_from_notifications(
        r#"[{"type":"mention"},{"type":"follow","account":{}},{"type":"mention","status":{"uri":1}}]"#,
        "m.example",
    )
    .unwrap();
    assert!(
        matches!(entries[0], Err(Skipped::Malformed(_))),
        "a mention without a status is malformed"
    );
    assert!(
        matches!(entries[1], Err(Skipped::NotAMention(_))),
        "a follow is not a mention"
    );
    assert!(
        matches!(entries[2], Err(Skipped::Malformed(_))),
        "a wrongly typed field is malformed"
    );
}

#[test]
fn recorded_link_headers_page_both_ways() {
    let cassette = load("test_fetch_next_previous.yaml");
    let link = cassette
        .interactions
        .iter()
        .find_map(|i| i.response.headers.get("link").and_then(|v| v.first()).cloned())
        .expect("a paged response");
    let links = parse_link_header(&link);
    assert!(
        links
            .next
            .expect("a next page")
            .query()
            .unwrap()
            .contains("max_id="),
        "older pages go by max_id"
    );
    assert!(
        links
            .prev
            .expect("a previous page")
            .query()
            .unwrap()
            .contains("min_id="),
        "newer pages by min_id"
    );
}

#[test]
fn streamed_notifications_convert_and_the_bot_flag_and_verified_links_reach_the_author() {
    use earshot_networks::mastodon::{parse_event, StreamEvent};
    use earshot_networks::replay::live::{recorded_notifications, recorded_stream, ws_frame};

    let mut mentions = 0;
    for (event, data) in recorded_stream() {
        match parse_event(&ws_frame(&event, &data), "social.example").expect("a recorded event reads") {
            StreamEvent::Notification { entry, .. } => {
                let m = entry.expect("the recorded notifications are mentions");
                assert!(!m.author.bot);
                mentions += 1;
            }
            StreamEvent::Other(name) => assert_eq!(name, event),
        }
    }
    assert_eq!(mentions, 2);

    // A recorded notification, with the account marked as a bot and one profile link verified (rel="me"),
    // as the API documents both fields.
    let mut n = recorded_notifications().remove(0);
    n["status"]["account"]["bot"] = true.into();
    n["status"]["account"]["fields"] = serde_json::json!([
        {"name": "site", "value": "<a href=\"https://example.com\">example.com</a>",
         "verified_at": "2026-08-01T10:00:00.000+00:00"},
        {"name": "bread", "value": "toasty.", "verified_at": null}
    ]);
    let m = earshot_networks::mastodon::mention_from_notification(n.clone(), "social.example").unwrap();
    assert!(m.author.bot && m.author.verified);
    assert_eq!(
        m.author.verified_links,
        vec!["https://example.com/"],
        "the verified link, not the unverified one"
    );
    n["status"]["replies_count"] = 4.into();
    n["status"]["reblogs_count"] = 21.into();
    let counted = earshot_networks::mastodon::mention_from_notification(n.clone(), "social.example").unwrap();
    assert_eq!(
        counted.engagement,
        Some(earshot_core::Engagement {
            replies: 4,
            reposts: 21
        })
    );
    n["status"]["account"]["fields"][0]["verified_at"] = serde_json::Value::Null;
    let m = earshot_networks::mastodon::mention_from_notification(n, "social.example").unwrap();
    assert!(!m.author.verified, "an unverified link is not verification");
}
