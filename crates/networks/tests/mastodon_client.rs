//! The Mastodon client against a real HTTP server on loopback that replays responses recorded from a
//! Mastodon 4.6 server: paging to catch up, the cursor, rate-limit headers, an invalid token, and 429.

mod common;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use earshot_networks::mastodon::{FetchError, MastodonClient};
use tiny_http::{Header, Response, Server};
use url::Url;

struct Replay {
    base: Url,
    /// Every request's path and query and Authorization header, in order.
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// Serves the recorded mentions page, then an empty page for anything newer; 401 for the token "expired"
/// and 429 for the token "slow". Stops after `max_requests`, so the thread always ends.
fn serve(max_requests: usize) -> Replay {
    let mentions = common::load("test_notifications_mentions_only.yaml");
    let page = common::response(&mentions, "GET", "/api/v1/notifications?");
    let (body, headers) = (page.body.string.clone(), page.headers.clone());
    let unauthorized = common::load("test_home_tl_anonymous_throws.yaml");
    let denied = common::response(&unauthorized, "GET", "/api/v1/timelines/home")
        .body
        .string
        .clone();

    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}", server.server_addr()).parse().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let me = base.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests().take(max_requests) {
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let url = request.url().to_owned();
            log.lock().unwrap().push((url.clone(), auth.clone()));
            let json = header("Content-Type", "application/json; charset=utf-8");
            let response = match auth.as_str() {
                "Bearer expired" => Response::from_string(denied.clone())
                    .with_status_code(401)
                    .with_header(json),
                "Bearer slow" => Response::from_string("{\"error\":\"Too many requests\"}")
                    .with_status_code(429)
                    .with_header(json)
                    .with_header(header("X-RateLimit-Reset", "2026-08-01T15:00:00.869078Z")),
                _ if url.contains("min_id=") => Response::from_string("[]").with_header(json),
                _ => {
                    let mut r = Response::from_string(body.clone()).with_header(json);
                    for name in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] {
                        r = r.with_header(header(name, &headers[name][0]));
                    }
                    let link =
                        format!("<{me}api/v1/notifications?types%5B%5D=mention&min_id=117020577157693549>; rel=\"prev\"");
                    r.with_header(header("Link", &link))
                }
            };
            let _ = request.respond(response);
        }
    });
    Replay { base, seen }
}

fn now() -> DateTime<Utc> {
    "2026-08-01T14:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn catches_up_page_by_page_and_keeps_the_cursor() {
    let replay = serve(3);
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
        seen[0].0.contains("types%5B%5D=mention"),
        "only mentions are asked for: {}",
        seen[0].0
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
        Err(FetchError::Unauthorized(reason)) => {
            assert_eq!(
                reason, "The access token is invalid",
                "the server's own reason is kept"
            );
        }
        other => panic!("an invalid token must be reported as such, got {other:?}"),
    }
    let slow = MastodonClient::new(reqwest::Client::new(), replay.base.clone(), "slow".into()).unwrap();
    match slow.fetch(slow.mentions_url(None), now()).await {
        Err(FetchError::RateLimited { until }) => {
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
    assert!(matches!(err, FetchError::Unreachable(_)), "{err:?}");
    assert!(
        !err.to_string().contains("Bearer"),
        "the token never appears in an error"
    );
}
