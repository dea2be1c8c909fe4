//! CardDAV against a real Radicale server (tests/support/with-radicale.sh starts and seeds it; the password is
//! kept in the real Secret Service, so this runs inside tests/e2e/harness.sh too, as scripts/test.sh does).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use earshot_core::Network;
use earshot_engine::{CustomerStatus, FixedClock, Progress};

struct Server {
    url: String,
    user: String,
    password: String,
    book: String,
}

fn server() -> Server {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run inside tests/support/with-radicale.sh, as scripts/test.sh does")
        })
    };
    Server {
        url: var("EARSHOT_CARDDAV_URL"),
        user: var("EARSHOT_CARDDAV_USER"),
        password: var("EARSHOT_CARDDAV_PASSWORD"),
        book: var("EARSHOT_CARDDAV_BOOK"),
    }
}

fn now() -> DateTime<Utc> {
    "2026-11-28T12:00:00Z".parse().unwrap()
}

fn quiet() -> impl FnMut(&Progress) + Send {
    |_: &Progress| {}
}

/// Changes the server's copy of a card directly, as another CardDAV client would.
async fn put(s: &Server, name: &str, card: &str) {
    let url = format!("{}{}{name}.vcf", s.url.trim_end_matches('/'), s.book);
    let status = reqwest::Client::new()
        .put(url)
        .basic_auth(&s.user, Some(&s.password))
        .header("Content-Type", "text/vcard; charset=utf-8")
        .body(card.replace('\n', "\r\n"))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "PUT {name}: {status}");
}

async fn delete(s: &Server, name: &str) {
    let url = format!("{}{}{name}.vcf", s.url.trim_end_matches('/'), s.book);
    let status = reqwest::Client::new()
        .delete(url)
        .basic_auth(&s.user, Some(&s.password))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "DELETE {name}: {status}");
}

#[tokio::test]
async fn an_address_book_is_discovered_read_kept_in_step_and_cached_when_offline() {
    let s = server();
    let dir = tempfile::tempdir().unwrap();
    let engine = earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap();

    // A wrong password is refused with a message a person can act on, and nothing is kept.
    let refused = engine
        .add_carddav(&s.url, &s.user, "wrong", &mut quiet())
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("CardDAV refused this account's sign-in"),
        "{refused}"
    );
    assert!(engine.crm_sources().await.unwrap().is_empty());

    let (source, first) = engine
        .add_carddav(&s.url, &s.user, &s.password, &mut quiet())
        .await
        .unwrap();
    assert_eq!(source.name, "CardDAV (Customers)");
    assert_eq!(
        (first.books, first.created, first.removed),
        (1, 3, 0),
        "{first:?}"
    );
    assert_eq!(source.contacts, 3);

    // Each card's social account links its author: X from X-SOCIALPROFILE, Mastodon from SOCIALPROFILE,
    // Bluesky from IMPP.
    for (network, handle) in [
        (Network::X, "danabakes"),
        (Network::Mastodon, "oskar@social.example.com"),
        (Network::Bluesky, "priya.example.com"),
    ] {
        let found = engine.lookup_customer(network, handle).await.unwrap();
        assert_eq!(found.status, CustomerStatus::Linked, "{handle}: {found:?}");
        let origin = found
            .contact
            .unwrap()
            .origin
            .expect("the record says where it came from");
        assert_eq!(origin.source, "CardDAV (Customers)");
        assert!(origin.stale_because.is_none());
    }

    // Nothing changed: a sync fetches nothing.
    let idle = engine.sync_crm_source(&source.id, &mut quiet()).await.unwrap();
    assert_eq!((idle.created, idle.updated, idle.removed), (0, 0, 0), "{idle:?}");

    // Another client edits one card and deletes another: only those come back.
    put(
        &s,
        "dana-whitfield",
        "BEGIN:VCARD\nVERSION:3.0\nUID:5d0c7a52-3f6e-4b8e-9a51-1c2f0e8d7a01\nFN:Dana Whitfield\nORG:Whitfield Bakery\n\
         EMAIL;TYPE=INTERNET,WORK:dana@whitfield-bakery.example.com\nX-SOCIALPROFILE;TYPE=twitter:http://twitter.com/danabakes\n\
         NOTE:Wholesale account since 2021\nCATEGORIES:wholesale\nEND:VCARD\n",
    )
    .await;
    delete(&s, "oskar-lindqvist").await;
    let delta = engine.sync_crm_source(&source.id, &mut quiet()).await.unwrap();
    assert_eq!(
        (delta.created, delta.updated, delta.removed),
        (0, 1, 1),
        "{delta:?}"
    );
    let dana = engine
        .lookup_customer(Network::X, "danabakes")
        .await
        .unwrap()
        .contact
        .unwrap();
    assert_eq!(dana.fields.notes.as_deref(), Some("Wholesale account since 2021"));
    assert_eq!(dana.fields.tags, vec!["wholesale"]);
    assert_eq!(
        engine
            .lookup_customer(Network::Mastodon, "oskar@social.example.com")
            .await
            .unwrap()
            .status,
        CustomerStatus::Unknown,
        "a card deleted on the server is gone here too"
    );

    // The server forgets our sync token: the next sync reads the book whole and still repeats nothing.
    sqlx::query("UPDATE crm_sources SET state = replace(state, 'sync/', 'sync/0')")
        .execute(engine.database())
        .await
        .unwrap();
    let full = engine.sync_crm_source(&source.id, &mut quiet()).await.unwrap();
    assert_eq!((full.created, full.updated, full.removed), (0, 0, 0), "{full:?}");
    assert_eq!(engine.crm_sources().await.unwrap()[0].contacts, 2);

    // Offline: the sync fails loudly on the connection, and the cached contacts stay, marked stale.
    sqlx::query("UPDATE crm_sources SET url = 'http://127.0.0.1:9/'")
        .execute(engine.database())
        .await
        .unwrap();
    let offline = engine
        .sync_crm_source(&source.id, &mut quiet())
        .await
        .unwrap_err();
    assert!(offline.to_string().contains("could not be reached"), "{offline}");
    let listed = &engine.crm_sources().await.unwrap()[0];
    assert!(listed
        .last_error
        .as_deref()
        .unwrap()
        .contains("could not be reached"));
    assert!(listed.last_synced_at.is_some());
    let cached = engine.lookup_customer(Network::X, "danabakes").await.unwrap();
    assert_eq!(
        cached.status,
        CustomerStatus::Linked,
        "the inbox goes on with the cached copy"
    );
    assert!(cached.contact.unwrap().origin.unwrap().stale_because.is_some());

    // Removing the connection removes its password and the contacts that came only from it.
    engine.remove_crm_source(&source.id).await.unwrap();
    assert!(engine.search_contacts("", 10).await.unwrap().is_empty());
}
