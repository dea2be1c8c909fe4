//! Customers end to end through the engine: import, matching at ingest, the customer panel, the agent's
//! links and unlinks, and the priority score's customer factor. A real SQLite database in a temp folder.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use earshot_core::Network;
use earshot_crm::{Mapping, Preset};
use earshot_engine::{Columns, ContactSource, CustomerStatus, Engine, FixedClock, InboxQuery, Progress};

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

async fn import_mentions(engine: &Engine, lines: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let handles = r#"{"type":"handle","network":"x","account":"acme_help","role":"support"}
{"type":"handle","network":"bluesky","account":"acme-help.bsky.social","role":"support"}
{"type":"handle","network":"mastodon","account":"acme@mastodon.example","role":"support"}"#;
    std::fs::write(&path, format!("{handles}\n{}\n", lines.join("\n"))).unwrap();
    let report = engine.import_file(&path, &mut quiet()).await.unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.errors);
}

fn mention(network: &str, id: &str, author: serde_json::Value, text: &str, at: &str) -> String {
    let to = match network {
        "x" => "acme_help",
        "bluesky" => "acme-help.bsky.social",
        _ => "acme@mastodon.example",
    };
    serde_json::json!({"type": "mention", "network": network, "remote_id": id, "author": author,
                       "text": text, "created_at": at, "mentions": [to]})
    .to_string()
}

const CONTACTS: &str = "Name,Email,Twitter,Bluesky,Plan,Lifetime Value,Owner,Company\n\
Jane Doe,jane@acme-customer.example,@jane_doe,jane.bsky.social,Enterprise,\"12,400\",Maya,Acme Customer Co\n\
Omar Haddad,omar@haddad-tools.example,,,Pro,900,Dan,Haddad Tools\n\
Li Wei,li@wei.example,,,Free,,,\n";

async fn import_contacts(engine: &Engine, dry_run: bool) -> earshot_engine::ContactImportReport {
    let mapping = Mapping::parse(
        "Name=name,Email=email,Twitter=x,Bluesky=bluesky,Plan=tier,Lifetime Value=lifetime_value,Owner=owner,Company=company",
    )
    .unwrap();
    engine
        .import_contacts(
            ContactSource::Csv {
                bytes: CONTACTS.as_bytes().to_vec(),
                columns: Columns::Mapping(mapping),
            },
            dry_run,
            &mut quiet(),
        )
        .await
        .unwrap()
}

async fn item_of(engine: &Engine, handle: &str) -> String {
    let page = engine.inbox(&InboxQuery::default(), 0, 100).await.unwrap();
    page.rows
        .iter()
        .find(|r| r.author_handle == handle)
        .unwrap_or_else(|| panic!("no item by {handle}"))
        .id
        .clone()
}

async fn customer_points(engine: &Engine, item: &str) -> Option<(String, f64)> {
    let view = engine.item(item).await.unwrap();
    view.reasons
        .iter()
        .find(|r| r.factor == "customer")
        .map(|r| (r.label.clone(), r.contribution))
}

#[tokio::test]
async fn a_dry_run_changes_nothing_and_a_second_import_updates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let dry = import_contacts(&engine, true).await;
    assert_eq!((dry.created, dry.updated, dry.contacts), (3, 0, 3));
    assert!(
        engine.search_contacts("", 10).await.unwrap().is_empty(),
        "a dry run keeps nothing"
    );

    let real = import_contacts(&engine, false).await;
    assert_eq!(
        (real.created, real.updated, real.unchanged, real.contacts),
        (3, 0, 0, 3)
    );
    let again = import_contacts(&engine, false).await;
    assert_eq!(
        (again.created, again.updated, again.unchanged, again.contacts),
        (0, 0, 3, 3)
    );

    let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEMAIL:jane@acme-customer.example\r\nNOTE:Renewal in March\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:broken\r\nEND:VCARD\r\n";
    let r = engine
        .import_contacts(ContactSource::Vcard { text: vcard.into() }, false, &mut quiet())
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.skipped.len()), (0, 1, 1));
    assert_eq!(r.skipped[0].line, 7);
    let jane = &engine.search_contacts("jane", 10).await.unwrap()[0];
    assert_eq!(jane.fields.notes.as_deref(), Some("Renewal in March"));
    assert_eq!(
        jane.fields.tier.as_deref(),
        Some("Enterprise"),
        "an update keeps what the card does not say"
    );
}

#[tokio::test]
async fn a_customer_is_matched_as_their_post_arrives_and_ranks_higher_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    import_contacts(&engine, false).await;
    let author = |handle: &str, name: &str| serde_json::json!({"handle": handle, "display_name": name, "followers": 40});
    import_mentions(
        &engine,
        &[
            mention(
                "x",
                "1",
                author("Jane_Doe", "Jane"),
                "My order never arrived",
                "2026-11-28T10:00:00Z",
            ),
            mention(
                "x",
                "2",
                author("someone_else", "Someone"),
                "My order never arrived",
                "2026-11-28T10:00:00Z",
            ),
        ],
    )
    .await;
    let jane = item_of(&engine, "jane_doe").await;
    let (label, points) = customer_points(&engine, &jane)
        .await
        .expect("the customer factor");
    assert_eq!(label, "Customer, Enterprise plan, 12,400 lifetime");
    assert_eq!(points, 3.0, "full standing at the default weight");
    assert_eq!(
        customer_points(&engine, &item_of(&engine, "someone_else").await).await,
        None
    );
    let page = engine.inbox(&InboxQuery::default(), 0, 10).await.unwrap();
    assert_eq!(
        page.rows[0].id, jane,
        "the customer's identical complaint ranks first"
    );

    let panel = engine.item_customer(&jane).await.unwrap();
    assert_eq!(panel.status, CustomerStatus::Linked);
    assert_eq!(panel.why.as_deref(), Some("X @jane_doe is on the contact"));
    assert_eq!(
        panel.contact.as_ref().unwrap().fields.owner.as_deref(),
        Some("Maya")
    );

    let lookup = engine.lookup_customer(Network::X, "@JANE_DOE").await.unwrap();
    assert_eq!(lookup.status, CustomerStatus::Linked);
}

#[tokio::test]
async fn posts_before_the_import_are_scored_again_and_the_timeline_spans_networks() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let x = serde_json::json!({"handle": "jane_doe", "display_name": "Jane"});
    let bsky = serde_json::json!({"handle": "jane.bsky.social", "display_name": "Jane D",
                                  "profile_url": "https://bsky.app/profile/did:plc:jane"});
    import_mentions(
        &engine,
        &[
            mention("x", "1", x, "Where is my refund?", "2026-11-27T09:00:00Z"),
            mention(
                "bluesky",
                "at://did:plc:jane/app.bsky.feed.post/1",
                bsky,
                "Still waiting on that refund",
                "2026-11-28T09:00:00Z",
            ),
        ],
    )
    .await;
    let on_x = item_of(&engine, "jane_doe").await;
    assert_eq!(customer_points(&engine, &on_x).await, None);
    import_contacts(&engine, false).await;
    engine.rescore_open_items(&mut quiet()).await.unwrap();
    assert!(
        customer_points(&engine, &on_x).await.is_some(),
        "an import scores the open items again"
    );

    // Our reply to the X post went out 90 minutes after it: the timeline says so.
    let db = engine.database();
    let posted: i64 = "2026-11-27T09:00:00Z"
        .parse::<DateTime<Utc>>()
        .unwrap()
        .timestamp_millis();
    sqlx::query(
        "INSERT INTO accounts (handle_id, service_url, created_at) SELECT id, 'https://x.com', 0 FROM handles WHERE network = 'x'",
    )
    .execute(db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, account_id, item_id, kind, target, body, state, next_attempt_at, created_at,
                             sent_at, result_url)
              SELECT 'k1', a.id, $1, 'reply', '1', 'Sorry, Jane', 'sent', 0, $2, $2 + 5400000, 'https://x.com/acme_help/status/2'
                FROM accounts a",
    )
    .bind(on_x.parse::<i64>().unwrap())
    .bind(posted)
    .execute(db)
    .await
    .unwrap();
    let panel = engine.item_customer(&on_x).await.unwrap();
    let timeline: Vec<(Network, &str)> = panel
        .timeline
        .iter()
        .map(|t| (t.network, t.excerpt.as_str()))
        .collect();
    assert_eq!(
        timeline,
        vec![
            (Network::Bluesky, "Still waiting on that refund"),
            (Network::X, "Where is my refund?")
        ],
        "every post of the customer's, on every network, newest first"
    );
    assert_eq!(panel.timeline[1].response_minutes, Some(90));
    assert_eq!(
        panel.timeline[1].reply_url.as_deref(),
        Some("https://x.com/acme_help/status/2")
    );
    assert_eq!(
        panel.timeline[0].response_minutes, None,
        "the Bluesky post has no answer yet"
    );
}

#[tokio::test]
async fn what_an_agent_links_or_unlinks_wins_over_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    import_contacts(&engine, false).await;
    let jane = serde_json::json!({"handle": "jane_doe", "display_name": "Jane Doe"});
    let omar = serde_json::json!({"handle": "omar_builds", "display_name": "Omar Haddad | Haddad Tools"});
    import_mentions(
        &engine,
        &[
            mention("x", "1", jane, "hello", "2026-11-28T10:00:00Z"),
            mention("x", "2", omar, "the drill broke", "2026-11-28T10:00:00Z"),
        ],
    )
    .await;
    let jane_item = item_of(&engine, "jane_doe").await;
    let omar_item = item_of(&engine, "omar_builds").await;

    // Same name and company: only a suggestion, which counts for nothing until an agent confirms it.
    let panel = engine.item_customer(&omar_item).await.unwrap();
    assert_eq!(panel.status, CustomerStatus::Suggested);
    assert_eq!(
        panel.why.as_deref(),
        Some("Same name, and their profile names Haddad Tools")
    );
    assert_eq!(customer_points(&engine, &omar_item).await, None);
    let omar_id = panel.contact.unwrap().id;
    engine
        .link_customer(&omar_item, &omar_id, Some("Ana"))
        .await
        .unwrap();
    let panel = engine.item_customer(&omar_item).await.unwrap();
    assert_eq!(
        (panel.status, panel.why.as_deref()),
        (CustomerStatus::Linked, Some("Linked by Ana"))
    );
    assert_eq!(
        customer_points(&engine, &omar_item).await.unwrap().0,
        "Customer, Pro plan, 900 lifetime"
    );

    // An exact match the agent rejects stays rejected, and the score drops at once.
    assert!(customer_points(&engine, &jane_item).await.is_some());
    assert!(engine
        .unlink_customer(&jane_item, Some("Ana"))
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        engine.item_customer(&jane_item).await.unwrap().status,
        CustomerStatus::Unknown
    );
    assert_eq!(customer_points(&engine, &jane_item).await, None);
    // Re-importing the same contacts does not undo the agent's word.
    import_contacts(&engine, false).await;
    assert_eq!(
        engine.item_customer(&jane_item).await.unwrap().status,
        CustomerStatus::Unknown
    );
    // The agent can still link them by hand.
    let li = &engine.search_contacts("li wei", 5).await.unwrap()[0];
    engine.link_customer(&jane_item, &li.id, None).await.unwrap();
    let panel = engine.item_customer(&jane_item).await.unwrap();
    assert_eq!(panel.contact.unwrap().id, li.id);
    assert_eq!(panel.why.as_deref(), Some("Linked by an agent"));
}

#[tokio::test]
async fn proved_domains_link_and_an_unknown_author_can_become_a_contact() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    import_contacts(&engine, false).await;
    let masto = serde_json::json!({"handle": "omar@mastodon.example", "display_name": "O.",
                                   "verified_links": ["https://haddad-tools.example/"]});
    let bsky = serde_json::json!({"handle": "wei.example", "display_name": "Li"});
    let stranger = serde_json::json!({"handle": "new_person", "display_name": "New Person",
                                      "profile_url": "https://x.com/new_person"});
    import_mentions(
        &engine,
        &[
            mention(
                "mastodon",
                "https://mastodon.example/statuses/1",
                masto,
                "hi",
                "2026-11-28T10:00:00Z",
            ),
            mention(
                "bluesky",
                "at://did:plc:li/app.bsky.feed.post/1",
                bsky,
                "hi",
                "2026-11-28T10:00:00Z",
            ),
            mention("x", "9", stranger, "hi", "2026-11-28T10:00:00Z"),
        ],
    )
    .await;
    let panel = engine
        .item_customer(&item_of(&engine, "omar@mastodon.example").await)
        .await
        .unwrap();
    assert_eq!(
        panel.why.as_deref(),
        Some("They verified haddad-tools.example, the contact's email domain")
    );
    let panel = engine
        .item_customer(&item_of(&engine, "wei.example").await)
        .await
        .unwrap();
    assert_eq!(
        panel.why.as_deref(),
        Some("Their Bluesky handle is wei.example, the contact's email domain")
    );

    let item = item_of(&engine, "new_person").await;
    let panel = engine.item_customer(&item).await.unwrap();
    assert_eq!(panel.status, CustomerStatus::Unknown);
    assert_eq!(panel.prefill.name.as_deref(), Some("New Person"));
    let created = engine
        .create_contact(panel.prefill, Some(&item), Some("Ana"))
        .await
        .unwrap();
    assert_eq!(created.title, "New Person");
    assert_eq!(
        engine.item_customer(&item).await.unwrap().status,
        CustomerStatus::Linked
    );

    // What the window sends is checked as an import is: a bad account or email is refused, not stored.
    let mut bad_fields = earshot_crm::ContactFields {
        name: Some("X".into()),
        ..Default::default()
    };
    bad_fields.identities.push(earshot_crm::Identity::new(
        Network::X,
        "<script>alert(1)</script>",
    ));
    let refused = engine.create_contact(bad_fields, None, None).await.unwrap_err();
    assert!(refused.to_string().contains("is not an X username"), "{refused}");
    let bad_email = earshot_crm::ContactFields {
        emails: vec!["nope".into()],
        ..Default::default()
    };
    assert!(engine.create_contact(bad_email, None, None).await.is_err());

    // Two records of one person merge into one.
    let jane = engine.search_contacts("jane", 5).await.unwrap()[0].id.clone();
    let merged = engine.merge_contacts(&jane, &created.id).await.unwrap();
    assert!(merged.fields.identities.iter().any(|i| i.key == "new_person"));
    assert_eq!(
        engine.item_customer(&item).await.unwrap().contact.unwrap().id,
        jane,
        "the agent's link moved with the merge"
    );
    assert!(engine.contact(&created.id).await.is_err());

    let bad = engine
        .import_contacts(
            ContactSource::Csv {
                bytes: b"a,b\n1,2\n".to_vec(),
                columns: Columns::Preset(Preset::Hubspot),
            },
            true,
            &mut quiet(),
        )
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("Map the columns by hand"), "{bad}");
}
