//! Test support (feature `replay`): real Mastodon responses, recorded from a Mastodon 4.6 server
//! (Mastodon.py's cassettes, MIT, in ../shared/data/mastodon), served over real HTTP on loopback.
//!
//! What it covers: verify_credentials, one page of mention notifications with its rate-limit headers and a
//! `Link` to newer ones, the empty page that ends a catch-up, 401 for a revoked token (the token `expired`)
//! and 429 with a reset time (the token `slow`). Nothing else: any other path gets 404.
//!
//! [`feeds`] serves the listening sources' test feeds the same way, with conditional GET.

pub mod bsky_net;
pub mod cassette;
pub mod feeds;
pub mod live;
pub mod oauth;
pub mod x;

use std::sync::{Arc, Mutex};

use tiny_http::{Header, Response, Server};
use url::Url;

/// A running replay server.
pub struct Replay {
    pub base: Url,
    /// Every request's path and query, and its Authorization header, in order.
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| panic!("bad header {name}"))
}

/// Starts the server on a free loopback port. It answers `max_requests` requests, then its thread ends.
pub fn serve_mastodon(max_requests: usize) -> Replay {
    let mentions = cassette::load("test_notifications_mentions_only.yaml");
    let page = cassette::response(&mentions, "GET", "/api/v1/notifications?");
    let (body, headers) = (page.body.string.clone(), page.headers.clone());
    let newest = serde_json::from_str::<Vec<serde_json::Value>>(&body)
        .ok()
        .and_then(|v| {
            v.iter()
                .filter_map(|n| n["id"].as_str().map(str::to_owned))
                .max_by_key(|id| (id.len(), id.clone()))
        })
        .expect("the recorded page has notifications");
    let me = cassette::load("test_verify_credentials.yaml");
    let me = cassette::response(&me, "GET", "/api/v1/accounts/verify_credentials")
        .body
        .string
        .clone();
    let unauthorized = cassette::load("test_home_tl_anonymous_throws.yaml");
    let denied = cassette::response(&unauthorized, "GET", "/api/v1/timelines/home")
        .body
        .string
        .clone();

    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}/", server.server_addr())
        .parse()
        .expect("a loopback URL");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let own = base.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests().take(max_requests) {
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let url = request.url().to_owned();
            log.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((url.clone(), auth.clone()));
            let json = header("Content-Type", "application/json; charset=utf-8");
            let path = url.split('?').next().unwrap_or_default();
            let response = match (auth.as_str(), path) {
                ("Bearer expired", _) => Response::from_string(denied.clone())
                    .with_status_code(401)
                    .with_header(json),
                ("Bearer slow", _) => Response::from_string("{\"error\":\"Too many requests\"}")
                    .with_status_code(429)
                    .with_header(json)
                    .with_header(header("X-RateLimit-Reset", "2026-08-01T15:00:00.869078Z")),
                (_, "/api/v1/accounts/verify_credentials") => {
                    Response::from_string(me.clone()).with_header(json)
                }
                (_, "/api/v1/notifications") if url.contains("min_id=") => {
                    Response::from_string("[]").with_header(json)
                }
                (_, "/api/v1/notifications") => {
                    let mut r = Response::from_string(body.clone()).with_header(json);
                    for name in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] {
                        if let Some(value) = headers.get(name).and_then(|v| v.first()) {
                            r = r.with_header(header(name, value));
                        }
                    }
                    let link = format!(
                        "<{own}api/v1/notifications?types%5B%5D=mention&min_id={newest}>; rel=\"prev\""
                    );
                    r.with_header(header("Link", &link))
                }
                _ => Response::from_string("{\"error\":\"Record not found\"}")
                    .with_status_code(404)
                    .with_header(json),
            };
            let _ = request.respond(response);
        }
    });
    Replay { base, seen }
}

/// One request the action server saw: method, path, `Idempotency-Key` header and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenAction {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub body: String,
}

/// A running server for outgoing actions.
pub struct ActionReplay {
    pub base: Url,
    pub seen: Arc<Mutex<Vec<SeenAction>>>,
}

/// Serves what an agent's actions need, from the recordings: verify_credentials, posting a reply
/// (test_status_reply), a direct message (test_status_post[None-direct]), favourite and reblog, and a 422 for
/// an empty status (test_status_empty). Resolving a status URI through `/api/v2/search` was recorded only
/// with no results, so its answer is written by the API documentation around a recorded status. A search
/// for a URI containing `deleted` finds nothing, as for a deleted post.
pub fn serve_mastodon_actions(max_requests: usize) -> ActionReplay {
    let body_of = |cassette: &str, method: &str, part: &str, nth: usize| -> (u16, String) {
        let c = cassette::load(cassette);
        let r = c
            .interactions
            .iter()
            .filter(|i| i.request.method == method && i.request.uri.contains(part))
            .nth(nth)
            .unwrap_or_else(|| panic!("{cassette} has no {method} {part} #{nth}"));
        (r.response.status.code, r.response.body.string.clone())
    };
    let me = body_of("test_verify_credentials.yaml", "GET", "/verify_credentials", 0);
    let original = body_of("test_status_reply.yaml", "POST", "/api/v1/statuses", 0);
    let reply = body_of("test_status_reply.yaml", "POST", "/api/v1/statuses", 1);
    let direct = body_of(
        "test_status_post[None-direct].yaml",
        "POST",
        "/api/v1/statuses",
        0,
    );
    let favourite = body_of("test_status_fav_unfav.yaml", "POST", "/favourite", 0);
    let reblog = body_of("test_status_reblog_unreblog.yaml", "POST", "/reblog", 0);
    let unprocessable = body_of("test_status_empty.yaml", "POST", "/api/v1/statuses", 0);
    let found = format!(r#"{{"accounts":[],"statuses":[{}],"hashtags":[]}}"#, original.1);

    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}/", server.server_addr())
        .parse()
        .expect("a loopback URL");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut request in server.incoming_requests().take(max_requests) {
            let mut body = String::new();
            let _ = std::io::Read::read_to_string(request.as_reader(), &mut body);
            let url = request.url().to_owned();
            let path = url.split('?').next().unwrap_or_default().to_owned();
            let method = request.method().to_string();
            let idempotency_key = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Idempotency-Key"))
                .map(|h| h.value.to_string());
            log.lock().unwrap_or_else(|p| p.into_inner()).push(SeenAction {
                method: method.clone(),
                path: path.clone(),
                idempotency_key,
                body: body.clone(),
            });
            let (code, text) = match (method.as_str(), path.as_str()) {
                ("GET", "/api/v1/accounts/verify_credentials") => me.clone(),
                ("GET", "/api/v2/search") if url.contains("deleted") => {
                    (200, r#"{"accounts":[],"statuses":[],"hashtags":[]}"#.to_owned())
                }
                ("GET", "/api/v2/search") => (200, found.clone()),
                ("POST", "/api/v1/statuses") if body.contains(r#""status":"""#) => unprocessable.clone(),
                ("POST", "/api/v1/statuses") if body.contains(r#""visibility":"direct""#) => direct.clone(),
                ("POST", "/api/v1/statuses") => reply.clone(),
                ("POST", p) if p.ends_with("/favourite") => favourite.clone(),
                ("POST", p) if p.ends_with("/reblog") => reblog.clone(),
                _ => (404, "{\"error\":\"Record not found\"}".to_owned()),
            };
            let response = Response::from_string(text)
                .with_status_code(code)
                .with_header(header("Content-Type", "application/json; charset=utf-8"));
            let _ = request.respond(response);
        }
    });
    ActionReplay { base, seen }
}
