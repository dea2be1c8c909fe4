//! Store functions against a real database (SQLite, or PostgreSQL when the run names one: see
//! `earshot_store::testing`): migrations, dedupe, handle merging, full-text search and ordering.

use chrono::{DateTime, Duration, Utc};
use earshot_core::{Account, Author, Handle, ItemStatus, Mention, Network, Priority, PriorityWeights, Role};
use earshot_store::inbox::{self, InboxFilter};
use earshot_store::mentions::{self, IngestOutcome};
use earshot_store::{connect, handles, open, testing};

fn at() -> DateTime<Utc> {
    "2026-11-28T10:00:00Z".parse().unwrap()
}

fn mention(id: &str, author: &str, followers: u64, text: &str, mentions: &[&str]) -> Mention {
    Mention {
        network: Network::Mastodon,
        remote_id: id.into(),
        url: None,
        author: Author {
            network: Network::Mastodon,
            handle: Account::new("author", author).unwrap(),
            display_name: Some(format!("{author} Person")),
            followers,
            verified: false,
            bot: false,
            labels: Vec::new(),
            created_at: None,
            profile_url: None,
            verified_links: Vec::new(),
        },
        text: text.into(),
        facets: vec![],
        created_at: at(),
        mentions: mentions.iter().map(|m| Account::new("m", m).unwrap()).collect(),
        reply_to: None,
        quote_of: None,
        conversation_root: id.into(),
        engagement: None,
    }
}

async fn store(m: &Mention, db: &earshot_store::Database) -> IngestOutcome {
    let p = Priority::assess(&m.author, m.created_at, &PriorityWeights::default());
    let mut conn = db.acquire().await.unwrap();
    mentions::ingest(&mut conn, m, &p, None, at()).await.unwrap()
}

#[tokio::test]
async fn migrations_run_twice_and_dedupe_merges_handles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let url = testing::fresh_database().await.unwrap();
    let reopen = || async {
        match &url {
            Some(url) => connect(url).await,
            None => open(&path).await,
        }
    };
    let db = reopen().await.unwrap();
    db.close().await;
    let db = reopen()
        .await
        .expect("opening a migrated database again is a no-op");
    let mut conn = db.acquire().await.unwrap();
    for (account, role) in [
        ("help@acme.social", Role::Support),
        ("acme@acme.social", Role::Marketing),
    ] {
        let h = Handle {
            network: Network::Mastodon,
            account: Account::new("a", account).unwrap(),
            role,
            display_name: None,
        };
        handles::upsert(&mut conn, &h).await.unwrap();
    }
    drop(conn);

    let first = store(
        &mention("1", "ann@m.social", 5, "hello", &["help@acme.social"]),
        &db,
    )
    .await;
    let IngestOutcome::Inserted(id) = first else {
        panic!("the first sighting inserts: {first:?}")
    };
    let second = store(
        &mention("1", "ann@m.social", 5, "hello", &["acme@acme.social"]),
        &db,
    )
    .await;
    assert_eq!(
        second,
        IngestOutcome::Merged { id, added_handles: 1 },
        "the same post from another handle merges"
    );
    let third = store(
        &mention("1", "ann@m.social", 5, "hello", &["acme@acme.social"]),
        &db,
    )
    .await;
    assert_eq!(
        third,
        IngestOutcome::Duplicate(id),
        "a repeat with nothing new is a duplicate"
    );
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(
        mentions::handle_ids(&mut conn, id).await.unwrap().len(),
        2,
        "the item lists both handles"
    );
    assert_eq!(
        inbox::count(&mut conn, &InboxFilter::default()).await.unwrap(),
        1,
        "one post, one item"
    );
}

#[tokio::test]
async fn inbox_orders_by_rank_then_age_and_searches_text_and_authors() {
    let dir = tempfile::tempdir().unwrap();
    let db = testing::database(dir.path()).await.unwrap();
    store(
        &mention("a", "quiet@m.social", 3, "my café order is late", &[]),
        &db,
    )
    .await;
    store(
        &mention("b", "loud@m.social", 90_000, "love the new model", &[]),
        &db,
    )
    .await;
    let mut same = mention("c", "quiet@m.social", 3, "another late order", &[]);
    same.created_at = at() - Duration::seconds(0); // equal score: older first, then by ID
    store(&same, &db).await;
    let mut conn = db.acquire().await.unwrap();

    let all = inbox::page(&mut conn, &InboxFilter::default(), 0, 10)
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|r| r.author_handle.as_str()).collect();
    assert_eq!(
        ids,
        ["loud@m.social", "quiet@m.social", "quiet@m.social"],
        "influence first"
    );
    assert!(all[1].id < all[2].id, "equal scores keep a stable order");

    let cafe = InboxFilter {
        search: Some("cafe".into()),
        ..Default::default()
    };
    assert_eq!(
        inbox::count(&mut conn, &cafe).await.unwrap(),
        1,
        "diacritics are folded: cafe finds café"
    );
    let author = InboxFilter {
        search: Some("Loud Person".into()),
        ..Default::default()
    };
    assert_eq!(
        inbox::count(&mut conn, &author).await.unwrap(),
        1,
        "author names are searchable"
    );

    earshot_store::work::set_stage(
        &mut conn,
        all[0].id,
        earshot_core::Stage::Resolved,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let open_only = InboxFilter {
        status: Some(ItemStatus::Open),
        ..Default::default()
    };
    assert_eq!(inbox::count(&mut conn, &open_only).await.unwrap(), 2);
    let page2 = inbox::page(&mut conn, &open_only, 1, 10).await.unwrap();
    assert_eq!(page2.len(), 1, "offset pages through the list");
}

#[tokio::test]
async fn a_sent_answer_leads_back_to_the_thread_of_the_item_it_answered() {
    use earshot_store::{accounts, outbox};
    let dir = tempfile::tempdir().unwrap();
    let db = testing::database(dir.path()).await.unwrap();
    let question = mention(
        "https://m.example/q1",
        "ann@m.example",
        10,
        "where is my order",
        &["help@acme.social"],
    );
    let IngestOutcome::Inserted(item) = store(&question, &db).await else {
        panic!("the question is new");
    };
    let mut conn = db.acquire().await.unwrap();
    let handle = handles::upsert(
        &mut conn,
        &Handle {
            network: Network::Mastodon,
            account: Account::new("a", "help@acme.social").unwrap(),
            role: Role::Support,
            display_name: None,
        },
    )
    .await
    .unwrap();
    let account = accounts::upsert(&mut conn, handle, "https://acme.social/", None, at())
        .await
        .unwrap();
    let action = outbox::NewAction {
        idempotency_key: "3kaaaaaaaaa22",
        account,
        item: Some(item),
        kind: "reply",
        target: &question.remote_id,
        body: Some("On its way!"),
        requested_by: None,
        saved_reply: None,
    };
    let id = outbox::enqueue(&mut conn, &action, at()).await.unwrap();
    assert_eq!(
        outbox::thread_of_result(&mut conn, "https://acme.social/statuses/77")
            .await
            .unwrap(),
        None,
        "nothing is sent yet"
    );
    outbox::mark_sent(&mut conn, id, "https://acme.social/statuses/77", None, at())
        .await
        .unwrap();
    assert_eq!(
        outbox::thread_of_result(&mut conn, "https://acme.social/statuses/77")
            .await
            .unwrap(),
        Some(question.conversation_root.clone())
    );
}

#[tokio::test]
async fn a_listening_source_keeps_its_exclude_keywords_fetch_time_and_item_count() {
    use earshot_store::accounts;
    let dir = tempfile::tempdir().unwrap();
    let db = testing::database(dir.path()).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let handle = handles::upsert(
        &mut conn,
        &Handle {
            network: Network::Web,
            account: Account::new("a", "forum.example/posts.rss").unwrap(),
            role: Role::Support,
            display_name: Some("Forum - Latest posts".into()),
        },
    )
    .await
    .unwrap();
    let id = accounts::upsert(&mut conn, handle, "https://forum.example/posts.rss", None, at())
        .await
        .unwrap();
    let fresh = accounts::get(&mut conn, id).await.unwrap().unwrap();
    assert!(
        fresh.exclude_keywords.is_empty() && fresh.fetched_at.is_none(),
        "a new source excludes nothing and has never been fetched"
    );
    accounts::set_exclude_keywords(&mut conn, id, &["hiring".into(), "job".into()])
        .await
        .unwrap();
    accounts::set_fetched_at(&mut conn, id, at()).await.unwrap();
    let row = accounts::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(row.network, Network::Web);
    assert_eq!(
        row.exclude_keywords,
        ["hiring", "job"],
        "exclude keywords read back in order"
    );
    assert_eq!(row.fetched_at, Some(at()));
    drop(conn);

    let mut found = mention("forum.example-post-1", "ann@forum.example", 0, "acme broke", &[]);
    found.network = Network::Web;
    found.author.network = Network::Web;
    found.mentions = vec![Account::new("m", "forum.example/posts.rss").unwrap()];
    store(&found, &db).await;
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(
        handles::item_count(&mut conn, handle).await.unwrap(),
        1,
        "the entry belongs to the source's handle"
    );
}
