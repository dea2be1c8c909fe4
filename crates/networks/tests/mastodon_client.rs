//! The Mastodon client against a real HTTP server on loopback that replays responses recorded from a
//! Mastodon 4.6 server (see `earshot_networks::replay`): paging to catch up, the cursor, rate-limit headers,
//! an invalid token, and 429.

use chrono::{DateTime, Utc};
use earshot_networks::mastodon::{FetchError, MastodonClient};
use earshot_networks::replay::serve_mastodon as serve;

fn now() -> DateTime<Utc> {
    "2026-08-01T14:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn catches_up_page_by_page_and_keeps_the_cursor() {
    let replay = serve(4);
    let me = MastodonClient::new(reqwest::Client::new(), replay.base.clone(), "token-1".into()).unwrap();
    let (acct, _) = me
        .verify_credentials(now())
        .await
        .expect("the recorded credentials");
    assert_eq!(
        acct,
        format!("mastodonpy_test@{}", replay.base.authority()),
        "our own account, in full"
    );
    let client = MastodonClient::new(reqwest::Client::new(), replay.base.clone(), "token-1".into()).unwrap();
    let first = client
        .fetch(client.mentions_url(None), now())
        .await
        .expect("the recorded page");
    let mentions: Vec<_> = first.entries.iter().filter_map(|e| e.as_ref().ok()).collect();
    assert!(!mentions.is_empty(), "the recorded page holds mentions");
    let cursor = first.newest_id.clone().expect("a non-empty page has a cursor");
    let rate = first
        .rate_limit
        .expect("the server's rate-limit headers are read");
    assert_eq!(
        (rate.limit, rate.remaining),
        (Some(300), Some(299)),
        "as recorded"
    );

    let newer = first
        .newer
        .expect("the Link header points at newer notifications");
    let second = client.fetch(newer, now()).await.unwrap();
    assert!(
        second.entries.is_empty() && second.newest_id.is_none(),
        "caught up: nothing newer"
    );
    assert!(second.newer.is_none(), "an empty page ends the catch-up");

    let seen = replay.seen.lock().unwrap().clone();
    assert!(
        seen[1].0.contains("types%5B%5D=mention"),
        "only mentions are asked for: {}",
        seen[1].0
    );
    assert!(
        seen.iter().all(|(_, auth)| auth == "Bearer token-1"),
        "every request carries the token"
    );
    let resumed = client.mentions_url(Some(&cursor));
    assert!(
        resumed.as_str().contains(&format!("min_id={cursor}")),
        "a restart asks from the stored cursor"
    );
}

#[tokio::test]
async fn an_invalid_token_and_a_rate_limit_are_told_apart() {
    let replay = serve(2);
    let expired = MastodonClient::new(reqwest::Client::new(), replay.base.clone(), "expired".into()).unwrap();
    match expired.fetch(expired.mentions_url(None), now()).await {
        Err(FetchError::Unauthorized { reason, .. }) => {
            assert_eq!(
                reason, "The access token is invalid",
                "the server's own reason is kept"
            );
        }
        other => panic!("an invalid token must be reported as such, got {other:?}"),
    }
    let slow = MastodonClient::new(reqwest::Client::new(), replay.base.clone(), "slow".into()).unwrap();
    match slow.fetch(slow.mentions_url(None), now()).await {
        Err(FetchError::RateLimited { until, .. }) => {
            assert_eq!(
                until.to_rfc3339(),
                "2026-08-01T15:00:00.869078+00:00",
                "wait until the server's reset"
            );
        }
        other => panic!("429 must be a rate limit, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_that_says_so() {
    let client = MastodonClient::new(
        reqwest::Client::new(),
        "http://127.0.0.1:9".parse().unwrap(),
        "t".into(),
    )
    .unwrap();
    let err = client.fetch(client.mentions_url(None), now()).await.unwrap_err();
    assert!(matches!(err, FetchError::Unreachable { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("Bearer"),
        "the token never appears in an error"
    );
}
