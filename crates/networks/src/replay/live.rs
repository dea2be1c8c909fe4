//! A replayed Mastodon server that changes over time: the streaming API over a real WebSocket, the
//! notifications that a catch-up reads, and keyword search.
//!
//! The events are the ones recorded from the `user` stream of a Mastodon 4.6 server (test_stream_user_direct,
//! recorded as server-sent events) and sent as the WebSocket API frames them (`{"stream": [...], "event":
//! ..., "payload": "<JSON text>"}`), from a streaming server on its own port that `/api/v2/instance` names,
//! as the recorded instance did. What was never recorded is written by the API documentation: a stream cut
//! without a close frame, notifications appearing between two connections, and search results (the recorded
//! searches found no statuses), which are recorded statuses whose text contains the query.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tiny_http::{Response, Server};
use tungstenite::handshake::server::{ErrorResponse, Request as WsRequest, Response as WsResponse};
use url::Url;

use super::{cassette, header};

/// What the replayed server does over time.
#[derive(Default)]
pub struct StreamPlan {
    /// The frames each WebSocket connection sends, in order. Every connection but the last is then cut
    /// without a close frame, as a network drop cuts it; the last stays open.
    pub connections: Vec<Vec<String>>,
    /// Notifications the REST endpoint knows, each once this many WebSocket connections have been made.
    pub notifications: Vec<(usize, Value)>,
    /// Statuses `/api/v2/search` can find.
    pub statuses: Vec<Value>,
    /// The instance names a streaming server that refuses connections, so only polling works.
    pub no_streaming: bool,
}

/// A running replay: the API's address, and what it saw.
pub struct LiveReplay {
    pub base: Url,
    /// Each HTTP request's path and query, in order.
    pub seen: Arc<Mutex<Vec<String>>>,
    /// WebSocket connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// WebSocket handshakes refused for a bad token.
    pub refused: Arc<AtomicUsize>,
    /// Raise it to show the notifications of a later stage without a new connection.
    pub stage: Arc<AtomicUsize>,
    /// Frames for the open connection (the plan's last) to send now.
    pub push: Arc<Mutex<Vec<String>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The `user` stream's recorded events as (event, data), in the order the server sent them.
pub fn recorded_stream() -> Vec<(String, String)> {
    let c = cassette::load("test_stream_user_direct.yaml");
    let body = &cassette::response(&c, "GET", "/api/v1/streaming/user")
        .body
        .string;
    let mut events = Vec::new();
    let mut event = None;
    for line in body.lines() {
        if let Some(name) = line.strip_prefix("event: ") {
            event = Some(name.trim().to_owned());
        } else if let Some(data) = line.strip_prefix("data: ") {
            if let Some(name) = event.take() {
                events.push((name, data.to_owned()));
            }
        }
    }
    assert!(!events.is_empty(), "the recorded user stream has no events");
    events
}

/// An event as the WebSocket API frames it.
pub fn ws_frame(event: &str, data: &str) -> String {
    serde_json::json!({"stream": ["user"], "event": event, "payload": data}).to_string()
}

/// The recorded stream's notifications, as JSON.
pub fn recorded_notifications() -> Vec<Value> {
    recorded_stream()
        .into_iter()
        .filter(|(event, _)| event == "notification")
        .map(|(_, data)| serde_json::from_str(&data).expect("a recorded notification is JSON"))
        .collect()
}

/// Thirty statuses recorded while testing pagination (test_fetch_remaining: "Toot number N!"), for search.
pub fn recorded_statuses() -> Vec<Value> {
    let c = cassette::load("test_fetch_remaining.yaml");
    c.interactions
        .iter()
        .filter(|i| i.request.method == "POST" && i.request.uri.ends_with("/api/v1/statuses"))
        .filter_map(|i| serde_json::from_str::<Value>(&i.response.body.string).ok())
        .collect()
}

/// Mastodon IDs are decimal strings that grow with time.
fn id_after(id: &str, after: &str) -> bool {
    (id.len(), id) > (after.len(), after)
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let full = Url::parse(&format!("http://x{url}")).ok()?;
    full.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// At most 40, newest first, as Mastodon pages them: with `min_id`, the 40 just after it (so paging
/// forward from a cursor skips nothing); without, the newest 40.
fn page(mut items: Vec<Value>, min_id: Option<&str>) -> Vec<Value> {
    let key = |v: &Value| {
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        (id.len(), id)
    };
    items.retain(|v| {
        let id = v["id"].as_str().unwrap_or_default();
        min_id.is_none_or(|m| id_after(id, m))
    });
    items.sort_by_key(key);
    if min_id.is_some() {
        items.truncate(40);
    } else {
        let skip = items.len().saturating_sub(40);
        items.drain(..skip);
    }
    items.reverse();
    items
}

/// The streaming server's handshake: a bearer token other than `expired`, or 401 as Mastodon answers.
#[allow(clippy::result_large_err)] // the shape tungstenite's callback must have
fn check_token(request: &WsRequest, response: WsResponse) -> Result<WsResponse, ErrorResponse> {
    let auth = request
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok());
    match auth {
        Some(a) if a.starts_with("Bearer ") && a != "Bearer expired" => Ok(response),
        _ => {
            let mut refusal = ErrorResponse::new(Some(r#"{"error":"Error: Invalid access token"}"#.into()));
            *refusal.status_mut() = tungstenite::http::StatusCode::UNAUTHORIZED;
            Err(refusal)
        }
    }
}

/// Starts the API and streaming servers on free loopback ports. The token `expired` is refused by both.
pub fn serve_mastodon_live(plan: StreamPlan) -> LiveReplay {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for streaming");
    let streaming = if plan.no_streaming {
        // A port nobody listens on: each connection is refused.
        let closed = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = closed.local_addr().expect("a local address");
        drop(closed);
        format!("ws://{address}")
    } else {
        format!("ws://{}", listener.local_addr().expect("a local address"))
    };
    let stage = Arc::new(AtomicUsize::new(0));
    let push = Arc::new(Mutex::new(Vec::<String>::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));

    let c = cassette::load("test_stream_user_direct.yaml");
    let me = cassette::response(&c, "GET", "/api/v1/accounts/verify_credentials")
        .body
        .string
        .clone();
    let mut instance: Value =
        serde_json::from_str(&cassette::response(&c, "GET", "/api/v2/instance").body.string)
            .expect("the recorded instance is JSON");
    instance["configuration"]["urls"]["streaming"] = Value::String(streaming);
    let instance = instance.to_string();

    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}/", server.server_addr())
        .parse()
        .expect("a loopback URL");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, count, own, shown) = (
        Arc::clone(&seen),
        Arc::clone(&connections),
        base.clone(),
        Arc::clone(&stage),
    );
    let StreamPlan {
        connections: frames,
        notifications,
        statuses,
        ..
    } = plan;
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let url = request.url().to_owned();
            lock(&log).push(url.clone());
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let path = url.split('?').next().unwrap_or_default().to_owned();
            let min_id = query_value(&url, "min_id");
            let (code, body, link) = match path.as_str() {
                // Instance information is public; everything else needs a good token.
                "/api/v2/instance" | "/api/v2/instance/" => (200, instance.clone(), None),
                _ if auth == "Bearer expired" => {
                    (401, r#"{"error":"The access token is invalid"}"#.into(), None)
                }
                "/api/v1/accounts/verify_credentials" => (200, me.clone(), None),
                "/api/v1/notifications" => {
                    let made = count.load(Ordering::SeqCst).max(shown.load(Ordering::SeqCst));
                    let visible = notifications
                        .iter()
                        .filter(|(from, _)| made >= *from)
                        .map(|(_, v)| v.clone())
                        .collect();
                    let found = page(visible, min_id.as_deref());
                    let link = found.first().map(|newest| {
                        format!(
                            "<{own}api/v1/notifications?types%5B%5D=mention&min_id={}>; rel=\"prev\"",
                            newest["id"].as_str().unwrap_or_default()
                        )
                    });
                    (200, Value::Array(found).to_string(), link)
                }
                p if p.starts_with("/api/v1/statuses/") => {
                    // One status by its server-local ID, from those the server knows.
                    let id = p.trim_start_matches("/api/v1/statuses/");
                    let known = statuses
                        .iter()
                        .chain(notifications.iter().map(|(_, n)| &n["status"]))
                        .find(|s| s["id"].as_str() == Some(id));
                    match known {
                        Some(status) => (200, status.to_string(), None),
                        None => (404, r#"{"error":"Record not found"}"#.into(), None),
                    }
                }
                "/api/v2/search" => {
                    let q = query_value(&url, "q").unwrap_or_default().to_lowercase();
                    let hits = statuses
                        .iter()
                        .filter(|s| {
                            s["content"]
                                .as_str()
                                .unwrap_or_default()
                                .to_lowercase()
                                .contains(&q)
                        })
                        .cloned()
                        .collect();
                    let found = page(hits, min_id.as_deref());
                    let body = serde_json::json!({"accounts": [], "statuses": found, "hashtags": []});
                    (200, body.to_string(), None)
                }
                _ => (404, r#"{"error":"Record not found"}"#.into(), None),
            };
            let mut response = Response::from_string(body)
                .with_status_code(code)
                .with_header(header("Content-Type", "application/json; charset=utf-8"));
            if let Some(link) = link {
                response = response.with_header(header("Link", &link));
            }
            let _ = request.respond(response);
        }
    });

    let (count, turned_away, pushed) = (Arc::clone(&connections), Arc::clone(&refused), Arc::clone(&push));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Ok(mut socket) = tungstenite::accept_hdr(stream, check_token) else {
                turned_away.fetch_add(1, Ordering::SeqCst);
                continue;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let script = frames.get(n).cloned().unwrap_or_default();
            let last = n + 1 >= frames.len();
            let pushed = Arc::clone(&pushed);
            std::thread::spawn(move || {
                for text in script {
                    if socket.send(tungstenite::Message::text(text)).is_err() {
                        return;
                    }
                }
                if last {
                    // Stay open until the client leaves, sending whatever is pushed.
                    let _ = socket
                        .get_mut()
                        .set_read_timeout(Some(std::time::Duration::from_millis(5)));
                    loop {
                        let now: Vec<String> = std::mem::take(&mut *lock(&pushed));
                        for text in now {
                            if socket.send(tungstenite::Message::text(text)).is_err() {
                                return;
                            }
                        }
                        match socket.read() {
                            Ok(_) => {}
                            Err(tungstenite::Error::Io(e))
                                if matches!(
                                    e.kind(),
                                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                ) => {}
                            Err(_) => return,
                        }
                    }
                } else {
                    // A drop: the TCP connection ends with no close frame.
                    let _ = socket.get_mut().shutdown(std::net::Shutdown::Both);
                }
            });
        }
    });
    LiveReplay {
        base,
        seen,
        connections,
        refused,
        stage,
        push,
    }
}

/// `count` distinct mention notifications with IDs from `first_id` up, each a copy of a recorded one with
/// its own status URI and one of 50 authors, for benchmarks.
pub fn numbered_notifications(count: usize, first_id: u64) -> Vec<Value> {
    let model = recorded_notifications().remove(0);
    (0..count)
        .map(|i| {
            let id = first_id + i as u64;
            let mut n = model.clone();
            n["id"] = Value::String(id.to_string());
            let status = &mut n["status"];
            status["id"] = Value::String(format!("9{id}"));
            status["uri"] = Value::String(format!("http://localhost:3000/ap/statuses/bench-{id}"));
            status["url"] = Value::String(format!("http://localhost:3000/@bench/{id}"));
            status["account"]["acct"] = Value::String(format!("author{}", i % 50));
            n
        })
        .collect()
}
