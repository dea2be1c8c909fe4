//! Listening sources end to end below the UI: feeds served over real HTTP on loopback
//! (earshot_networks::replay::feeds), a real SQLite file in a temporary folder, and a fixed clock moved by
//! hand past the polite interval.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use earshot_core::{ItemStatus, Network, Role};
use earshot_engine::{ActionKind, ActionRequest, Engine, EngineError, FixedClock, InboxQuery, Progress};
use earshot_networks::replay::feeds::{etag, fixture, serve_feeds, FeedServer, Route};

fn start() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

fn open_items() -> InboxQuery {
    InboxQuery {
        status: Some(ItemStatus::Open),
        ..Default::default()
    }
}

struct World {
    _dir: tempfile::TempDir,
    clock: Arc<FixedClock>,
    engine: Engine,
    server: FeedServer,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), clock.clone())
        .await
        .unwrap();
    World {
        _dir: dir,
        clock,
        engine,
        server: serve_feeds(),
    }
}

async fn excerpts(engine: &Engine) -> Vec<String> {
    let page = engine.inbox(&open_items(), 0, 100).await.unwrap();
    page.rows.into_iter().map(|r| r.excerpt).collect()
}

#[tokio::test]
async fn matching_entries_reach_the_inbox_once_and_an_unchanged_feed_adds_nothing() {
    let w = world().await;
    let url = w.server.url("/discourse-latest.rss");
    let source = w
        .engine
        .add_source(
            url.as_str(),
            &words(&["acme"]),
            &words(&["hiring"]),
            Role::Support,
        )
        .await
        .expect("a feed is added");
    assert_eq!(source.url, url.as_str());
    assert_eq!(
        source.name,
        format!("{}/discourse-latest.rss", url.authority()),
        "named after the feed's site and path"
    );
    assert_eq!(source.title.as_deref(), Some("Acme Riders Forum - Latest posts"));
    assert_eq!(
        (source.include.clone(), source.exclude.clone()),
        (words(&["acme"]), words(&["hiring"]))
    );
    assert_eq!(source.role, Role::Support);
    assert_eq!(source.state, "healthy");
    assert_eq!(
        source.problem.as_deref(),
        Some("1 of 5 entries could not be read: entry 4 has no link or id. The others were kept."),
        "the broken entry is reported on the source"
    );
    assert_eq!(
        source.items, 2,
        "two entries name the brand and are not about hiring"
    );
    assert_eq!(source.last_fetch_at.as_deref(), Some("2026-11-28T12:00:00Z"));
    assert_eq!(
        source.next_fetch_at.as_deref(),
        Some("2026-11-28T12:05:00Z"),
        "the next fetch is five minutes away"
    );

    let inbox = w.engine.inbox(&open_items(), 0, 100).await.unwrap();
    assert_eq!(inbox.total, 2);
    let texts = excerpts(&w.engine).await;
    assert!(
        texts[0].starts_with("Battery won't charge after firmware update My Acme Volt 3"),
        "the oldest waits longest and ranks first: {texts:?}"
    );
    assert!(
        texts[1].starts_with("Acme Volt 3 rattles on cobbles"),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("saddle") || t.contains("hiring")),
        "an entry without the keyword, or with an exclude keyword, is not an item: {texts:?}"
    );
    let row = &inbox.rows[0];
    assert_eq!(row.network, Network::Web);
    assert_eq!(row.author_handle, "mika_r@forum.acme-riders.example");
    assert_eq!(row.handles.len(), 1);
    assert_eq!(
        row.handles[0].account, source.name,
        "the item belongs to the source"
    );
    assert_eq!(
        row.handles[0].role,
        Role::Support,
        "and goes to the source's queue"
    );
    let item = w.engine.item(&row.id).await.unwrap();
    assert_eq!(
        item.url.as_deref(),
        Some("https://forum.acme-riders.example/t/battery-wont-charge-after-firmware-update/4121/3"),
        "the agent opens the post's own page"
    );
    let marketing = InboxQuery {
        role: Some(Role::Marketing),
        ..open_items()
    };
    assert_eq!(
        w.engine.inbox(&marketing, 0, 100).await.unwrap().total,
        0,
        "support items only"
    );

    // Straight away: the feed was fetched a moment ago, so the site is not asked again.
    let early = w.engine.sync_account(&source.id, &mut quiet()).await.unwrap();
    assert_eq!(
        early.next_fetch_at.as_deref(),
        Some("2026-11-28T12:05:00Z"),
        "{early:?}"
    );
    assert_eq!((early.imported, early.pages), (0, 0));
    assert_eq!(
        w.server.requests_to("/discourse-latest.rss").len(),
        1,
        "no request was made"
    );

    // Six minutes on, every account syncs: a conditional GET, answered 304, stores nothing.
    w.clock.set(start() + Duration::minutes(6));
    let reports = w.engine.sync_all(&mut quiet()).await.unwrap();
    assert_eq!(reports.len(), 1, "the source syncs with every account");
    let round = &reports[0];
    assert_eq!(
        round.account,
        format!("Feed {}", source.name),
        "named as a feed: {round:?}"
    );
    assert_eq!(
        (round.imported, round.merged, round.pages),
        (0, 0, 1),
        "{round:?}"
    );
    assert_eq!(round.problem, None);
    let seen = w.server.requests_to("/discourse-latest.rss");
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].if_none_match.as_deref(),
        Some(etag(&fixture("discourse-latest.rss")).as_str()),
        "the stored ETag is sent back"
    );
    assert_eq!(seen[1].status, 304, "and the site answered that nothing changed");
    assert_eq!(
        w.engine.inbox(&open_items(), 0, 100).await.unwrap().total,
        2,
        "nothing new"
    );
    let after = &w.engine.sources().await.unwrap()[0];
    assert!(
        after.problem.as_deref().is_some_and(|p| p.contains("entry 4")),
        "an unchanged feed keeps its problem: {after:?}"
    );
    assert_eq!(after.last_fetch_at.as_deref(), Some("2026-11-28T12:06:00Z"));
}

#[tokio::test]
async fn new_keywords_reread_the_feed_and_known_entries_stay_single() {
    let w = world().await;
    let source = w
        .engine
        .add_source(
            w.server.url("/discourse-latest.rss").as_str(),
            &words(&["acme"]),
            &words(&["hiring"]),
            Role::Support,
        )
        .await
        .unwrap();
    let updated = w
        .engine
        .update_source(
            &source.id,
            Some(words(&["acme, saddle"])),
            None,
            Some(Role::Marketing),
        )
        .await
        .unwrap();
    assert_eq!(
        updated.include,
        words(&["acme", "saddle"]),
        "a comma separates keywords"
    );
    assert_eq!(
        updated.exclude,
        words(&["hiring"]),
        "exclude keywords not given stay"
    );
    assert_eq!(updated.role, Role::Marketing);

    w.clock.set(start() + Duration::minutes(6));
    let report = w.engine.sync_account(&source.id, &mut quiet()).await.unwrap();
    let seen = w.server.requests_to("/discourse-latest.rss");
    assert_eq!(
        seen[1].if_none_match, None,
        "new keywords ask for the whole feed again"
    );
    assert_eq!(seen[1].status, 200);
    assert_eq!(report.imported, 1, "only the saddle post is new: {report:?}");
    assert_eq!(
        report.merged, 2,
        "the two known posts are recognised, not stored twice"
    );
    assert_eq!(report.skipped, 1, "the broken entry is still counted");
    let inbox = w.engine.inbox(&open_items(), 0, 100).await.unwrap();
    assert_eq!(inbox.total, 3);
    assert!(
        inbox.rows.iter().all(|r| r.handles[0].role == Role::Marketing),
        "the source's items follow its new role"
    );

    // The next sync six minutes later is conditional again and adds nothing.
    w.clock.set(start() + Duration::minutes(12));
    let again = w.engine.sync_account(&source.id, &mut quiet()).await.unwrap();
    assert_eq!((again.imported, again.merged), (0, 0), "{again:?}");
    assert_eq!(w.server.requests_to("/discourse-latest.rss")[2].status, 304);
}

#[tokio::test]
async fn two_feeds_of_one_site_share_a_post_and_take_turns() {
    let w = world().await;
    let latest = w
        .engine
        .add_source(
            w.server.url("/discourse-latest.rss").as_str(),
            &words(&["acme"]),
            &[],
            Role::Support,
        )
        .await
        .unwrap();
    let search = w
        .engine
        .add_source(
            w.server.url("/search.rss?q=acme").as_str(),
            &[],
            &[],
            Role::Support,
        )
        .await
        .expect("a second feed of the same site can be added at once");
    assert!(search.name.ends_with("/search.rss?q=acme"), "{}", search.name);
    assert_eq!(search.items, 2);
    let inbox = w.engine.inbox(&open_items(), 0, 100).await.unwrap();
    let shared: Vec<_> = inbox.rows.iter().filter(|r| r.handles.len() == 2).collect();
    assert_eq!(
        shared.len(),
        1,
        "the post both feeds carry is one item with both sources"
    );
    assert!(shared[0].excerpt.starts_with("Battery won't charge"));
    assert_eq!(
        inbox.total, 4,
        "3 from the latest posts (none excluded) and 1 more from the search"
    );

    // Six minutes on, both are due, but the site is asked once per round: the search feed waits its turn.
    w.clock.set(start() + Duration::minutes(6));
    let reports = w.engine.sync_all(&mut quiet()).await.unwrap();
    let fetched: Vec<_> = reports.iter().filter(|r| r.pages == 1).collect();
    assert_eq!(fetched.len(), 1, "one request to the site: {reports:?}");
    assert_eq!(
        fetched[0].account,
        format!("Feed {}", latest.name),
        "the one fetched longer ago"
    );
    w.clock.set(start() + Duration::minutes(7));
    let reports = w.engine.sync_all(&mut quiet()).await.unwrap();
    let fetched: Vec<_> = reports.iter().filter(|r| r.pages == 1).collect();
    assert_eq!(fetched.len(), 1, "{reports:?}");
    assert_eq!(
        fetched[0].account,
        format!("Feed {}", search.name),
        "then the other"
    );
    assert_eq!(w.server.requests_to("/search.rss").len(), 2);
}

#[tokio::test]
async fn a_cut_off_feed_keeps_what_arrived_and_is_read_whole_next_time() {
    let w = world().await;
    let source = w
        .engine
        .add_source(
            w.server.url("/truncated.rss").as_str(),
            &words(&["acme"]),
            &[],
            Role::Other,
        )
        .await
        .unwrap();
    assert_eq!(source.items, 2, "the two complete entries");
    assert_eq!(source.state, "healthy");
    assert!(
        source
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("breaks off")),
        "{:?}",
        source.problem
    );
    // The site now sends the whole feed.
    w.server.serve_fixture("/truncated.rss", "wordpress-comments.rss");
    w.clock.set(start() + Duration::minutes(6));
    w.engine.sync_account(&source.id, &mut quiet()).await.unwrap();
    let seen = w.server.requests_to("/truncated.rss");
    assert_eq!(
        seen[1].if_none_match, None,
        "nothing was taken as the feed's version"
    );
    let after = &w.engine.sources().await.unwrap()[0];
    assert_eq!(after.problem, None, "a clean fetch clears the problem");
    assert_eq!(after.items, 4, "and brings the new entries");
}

#[tokio::test]
async fn a_site_that_asks_to_wait_is_left_alone_until_then() {
    let w = world().await;
    let source = w
        .engine
        .add_source(
            w.server.url("/google-alerts.atom").as_str(),
            &[],
            &[],
            Role::Marketing,
        )
        .await
        .unwrap();
    let sibling = w
        .engine
        .add_source(
            w.server.url("/review-site.atom").as_str(),
            &[],
            &[],
            Role::Support,
        )
        .await
        .unwrap();
    w.server.set(
        "/google-alerts.atom",
        Route::Status {
            code: 429,
            retry_after: Some("3600".into()),
        },
    );
    w.clock.set(start() + Duration::minutes(6));
    let report = w.engine.sync_account(&source.id, &mut quiet()).await.unwrap();
    assert!(
        report.problem.as_deref().is_some_and(|p| p.contains("slow down")),
        "{report:?}"
    );
    let limited = w
        .engine
        .sources()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == source.id)
        .unwrap();
    assert_eq!(limited.state, "rate_limited");
    assert_eq!(
        limited.next_fetch_at.as_deref(),
        Some("2026-11-28T13:06:00Z"),
        "Retry-After: 3600"
    );

    let forced = w.engine.sync_source(&sibling.id, &mut quiet()).await.unwrap();
    assert_eq!(
        forced.next_fetch_at.as_deref(),
        Some("2026-11-28T13:06:00Z"),
        "the site's wait holds for its other feeds, even when asked to fetch now: {forced:?}"
    );
    assert_eq!(
        w.server.requests_to("/review-site.atom").len(),
        1,
        "only the first fetch"
    );
}

#[tokio::test]
async fn what_is_not_a_feed_is_refused_and_nothing_is_stored() {
    let w = world().await;
    let add = |url: String| {
        let engine = w.engine.clone();
        async move { engine.add_source(&url, &[], &[], Role::Other).await }
    };
    let page = add(w.server.url("/not-a-feed.html").to_string())
        .await
        .unwrap_err();
    assert!(
        matches!(page, EngineError::Invalid(_)) && page.to_string().contains("not an RSS or Atom feed"),
        "{page}"
    );
    let missing = add(w.server.url("/nowhere.rss").to_string()).await.unwrap_err();
    assert!(missing.to_string().contains("check the address"), "{missing}");
    let closed = add("http://127.0.0.1:1/feed.rss".into()).await.unwrap_err();
    assert!(closed.to_string().contains("could not be reached"), "{closed}");
    let scheme = add("ftp://forum.example/feed".into()).await.unwrap_err();
    assert!(scheme.to_string().contains("http and https only"), "{scheme}");
    assert!(w.engine.sources().await.unwrap().is_empty(), "no source was kept");

    let url = w.server.url("/velo-blog.rdf").to_string();
    add(url.clone()).await.unwrap();
    let twice = add(url).await.unwrap_err();
    assert!(twice.to_string().contains("already listening source"), "{twice}");
}

#[tokio::test]
async fn web_items_are_answered_in_the_browser_and_marked_done() {
    let w = world().await;
    let source = w
        .engine
        .add_source(
            w.server.url("/wordpress-comments.rss").as_str(),
            &words(&["acme"]),
            &[],
            Role::Support,
        )
        .await
        .unwrap();
    assert!(
        w.engine.accounts().await.unwrap().is_empty(),
        "a listening source is not an account that can send"
    );
    let inbox = w.engine.inbox(&open_items(), 0, 100).await.unwrap();
    let item = &inbox.rows[0].id;
    let check = w
        .engine
        .compose_check(item, ActionKind::Reply, None, "Thanks!", None)
        .await
        .unwrap();
    assert_eq!(check.default_from, None, "nothing can answer from Earshot");
    assert!(
        check.warnings[0].contains("Open the page in your browser"),
        "{check:?}"
    );
    let refused = w
        .engine
        .queue_action(&ActionRequest {
            item_id: item.clone(),
            kind: ActionKind::Reply,
            from: source.id.clone(),
            text: Some("Thanks!".into()),
            confirmed: true,
            requested_by: None,
            saved_reply_id: None,
        })
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("Web pages cannot be answered from Earshot."),
        "{refused}"
    );
    assert!(
        w.engine.outbox(None).await.unwrap().is_empty(),
        "nothing was queued"
    );

    w.engine.set_status(item, ItemStatus::Done).await.unwrap();
    assert_eq!(
        w.engine.inbox(&open_items(), 0, 100).await.unwrap().total,
        inbox.total - 1
    );

    let removed = w.engine.remove_source(&source.id).await.unwrap();
    assert_eq!(removed.id, source.id);
    assert!(w.engine.sources().await.unwrap().is_empty());
    let all = InboxQuery::default();
    assert_eq!(
        w.engine.inbox(&all, 0, 100).await.unwrap().total,
        inbox.total,
        "the items a removed source found stay"
    );
}
