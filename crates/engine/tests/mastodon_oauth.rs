//! Connecting a Mastodon account through the browser (OAuth 2 with PKCE and a loopback redirect), against a
//! replayed server (earshot_networks::replay::oauth) and the real OS keyring (run inside
//! tests/e2e/harness.sh). The "browser" is an HTTP client that follows the server's redirect to Earshot's
//! loopback address, as a browser does after the person clicks "Authorize".

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use earshot_core::Role;
use earshot_engine::{Engine, EngineError, FixedClock};
use earshot_networks::replay::oauth::serve_mastodon_oauth;
use url::Url;

fn now() -> DateTime<Utc> {
    "2026-08-01T14:00:00Z".parse().unwrap()
}

async fn engine(dir: &tempfile::TempDir) -> Engine {
    earshot_engine::open_for_test(dir.path().to_path_buf(), Arc::new(FixedClock::new(now())))
        .await
        .unwrap()
}

/// Opens the address as a browser would, and keeps what it saw.
fn browser(opened: Arc<Mutex<Vec<Url>>>, pages: Arc<Mutex<Vec<String>>>) -> impl Fn(&Url) + Send + Sync {
    move |url: &Url| {
        opened.lock().unwrap().push(url.clone());
        let (url, pages) = (url.clone(), Arc::clone(&pages));
        tokio::spawn(async move {
            let page = reqwest::get(url).await.unwrap().text().await.unwrap();
            pages.lock().unwrap().push(page);
        });
    }
}

#[tokio::test]
async fn approving_in_the_browser_connects_the_account_with_the_token_in_the_keyring() {
    let server = serve_mastodon_oauth(true);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let (opened, pages) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let (_cancel, cancelled) = tokio::sync::watch::channel(false);
    let account = engine
        .sign_in_mastodon(
            server.base.as_str(),
            Role::Support,
            &browser(Arc::clone(&opened), Arc::clone(&pages)),
            cancelled,
        )
        .await
        .expect("signed in");
    assert_eq!(
        account.account,
        format!("mastodonpy_test@{}", server.base.authority())
    );
    assert_eq!(account.role, Role::Support);

    let seen = server.seen.lock().unwrap().clone();
    let redirect = seen.registered_redirect.clone().unwrap();
    assert!(
        redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"),
        "{redirect}"
    );
    assert_eq!(seen.challenge_method.as_deref(), Some("S256"));
    assert_eq!(
        seen.verifier_matched,
        vec![true],
        "the token request proved the PKCE verifier"
    );
    let address = opened.lock().unwrap()[0].clone();
    assert!(
        address
            .as_str()
            .starts_with(&format!("{}oauth/authorize?", server.base)),
        "{address}"
    );
    assert!(!address.as_str().contains("client_secret"), "{address}");

    let saved = keyring::Entry::new("app.earshot.desktop", &format!("mastodon:{}", account.account))
        .and_then(|e| e.get_password())
        .expect("the Secret Service is running (run inside tests/e2e/harness.sh)");
    assert_eq!(saved, server.token, "the issued token is in the keyring");
    let in_db: Vec<u8> = std::fs::read_dir(dir.path())
        .unwrap()
        .flat_map(|e| std::fs::read(e.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(
        !in_db
            .windows(server.token.len())
            .any(|w| w == server.token.as_bytes()),
        "the token is not in the database"
    );
    // The browser tab says what happened, and its page echoes nothing from the request.
    for _ in 0..100 {
        if !pages.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let page = pages.lock().unwrap()[0].clone();
    assert!(page.contains("Earshot is connected"), "{page}");
}

#[tokio::test]
async fn denying_in_the_browser_says_so_and_connects_nothing() {
    let server = serve_mastodon_oauth(false);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let (opened, pages) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let (_cancel, cancelled) = tokio::sync::watch::channel(false);
    let refused = engine
        .sign_in_mastodon(
            server.base.as_str(),
            Role::Support,
            &browser(opened, pages),
            cancelled,
        )
        .await
        .expect_err("denied");
    match refused {
        EngineError::Invalid(message) => {
            assert!(message.contains("did not give Earshot access"), "{message}");
            assert!(
                message.contains("denied"),
                "the server's reason is shown: {message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(engine.accounts().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_sign_in_can_be_cancelled_while_waiting_for_the_browser() {
    let server = serve_mastodon_oauth(true);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir).await;
    let (cancel, cancelled) = tokio::sync::watch::channel(false);
    // The person never comes back from the browser; they press Cancel instead.
    let never = move |_: &Url| {
        let _ = cancel.send(true);
    };
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        engine.sign_in_mastodon(server.base.as_str(), Role::Other, &never, cancelled),
    )
    .await
    .expect("cancelling ends the wait at once");
    assert!(matches!(outcome, Err(EngineError::Invalid(m)) if m.contains("cancelled")));
    assert!(engine.accounts().await.unwrap().is_empty());
}
