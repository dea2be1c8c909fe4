//! A small web server on loopback serving the test feeds in `tests/fixtures/feeds` (written after the shapes
//! real sites send: Discourse, WordPress, Google Alerts, a review site, an RSS 1.0 blog), as a site would:
//! with an `ETag` and a `Last-Modified`, a 304 for a conditional GET that matches, and the charset each
//! fixture is meant to be served with. Tests can change what a path serves, or make it answer 429 or 503.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tiny_http::{Response, Server};
use url::Url;

use super::header;

/// Every fixture is served as last changed at this time.
pub const LAST_MODIFIED: &str = "Sat, 28 Nov 2026 10:45:00 GMT";

/// What a path answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A document, with its Content-Type.
    Body { content_type: String, bytes: Vec<u8> },
    /// A bare status (429, 503…) with an optional `Retry-After`.
    Status { code: u16, retry_after: Option<String> },
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenFeed {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    /// What the server answered.
    pub status: u16,
}

/// A running feed server.
pub struct FeedServer {
    pub base: Url,
    pub seen: Arc<Mutex<Vec<SeenFeed>>>,
    routes: Arc<Mutex<HashMap<String, Route>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The bytes of one test feed.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read the fixture {}: {e}", path.display()))
}

/// The Content-Type a fixture is served with. Two are served as the sites in question did: the mislabelled
/// feed with no charset (so only its wrong XML declaration speaks), the Latin-1 one with the charset only in
/// the header.
pub fn content_type(name: &str) -> &'static str {
    match name {
        "mislabelled-encoding.rss" => "application/rss+xml",
        "latin1.rss" => "text/xml; charset=ISO-8859-1",
        n if n.ends_with(".atom") => "application/atom+xml; charset=utf-8",
        n if n.ends_with(".rdf") => "application/rdf+xml; charset=utf-8",
        n if n.ends_with(".html") => "text/html; charset=utf-8",
        _ => "application/rss+xml; charset=utf-8",
    }
}

/// A strong ETag that changes whenever the body does.
pub fn etag(bytes: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

impl FeedServer {
    /// The address of `path` on this server (`/discourse-latest.rss`, `/search.rss?q=acme`…).
    pub fn url(&self, path: &str) -> Url {
        self.base
            .join(path.trim_start_matches('/'))
            .unwrap_or_else(|_| self.base.clone())
    }

    /// Makes `path` (without its query) answer with `route` from now on.
    pub fn set(&self, path: &str, route: Route) {
        lock(&self.routes).insert(path.to_owned(), route);
    }

    /// Serves the fixture `name` at `path`.
    pub fn serve_fixture(&self, path: &str, name: &str) {
        self.set(
            path,
            Route::Body {
                content_type: content_type(name).to_owned(),
                bytes: fixture(name),
            },
        );
    }

    /// The requests made to `path` so far, in order.
    pub fn requests_to(&self, path: &str) -> Vec<SeenFeed> {
        lock(&self.seen)
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }
}

/// Starts the server on a free loopback port, serving every fixture at `/<file name>`, and
/// `discourse-search.rss` also at `/search.rss` (Discourse's search feed, whatever its `?q=`). It runs until
/// the test process ends.
pub fn serve_feeds() -> FeedServer {
    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}/", server.server_addr())
        .parse()
        .expect("a loopback URL");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut routes = HashMap::new();
    for entry in std::fs::read_dir(&dir).expect("the fixtures folder").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        routes.insert(
            format!("/{name}"),
            Route::Body {
                content_type: content_type(&name).to_owned(),
                bytes: fixture(&name),
            },
        );
    }
    routes.insert(
        "/search.rss".to_owned(),
        Route::Body {
            content_type: content_type("discourse-search.rss").to_owned(),
            bytes: fixture("discourse-search.rss"),
        },
    );
    let routes = Arc::new(Mutex::new(routes));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, table) = (Arc::clone(&seen), Arc::clone(&routes));
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().split('?').next().unwrap_or_default().to_owned();
            let get = |name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.to_string())
            };
            let (if_none_match, if_modified_since) = (get("If-None-Match"), get("If-Modified-Since"));
            let route = lock(&table).get(&path).cloned();
            let response = match route {
                None => Response::from_string("Not Found").with_status_code(404),
                Some(Route::Status { code, retry_after }) => {
                    let mut r = Response::from_string("").with_status_code(code);
                    if let Some(after) = retry_after {
                        r = r.with_header(header("Retry-After", &after));
                    }
                    r
                }
                Some(Route::Body { content_type, bytes }) => {
                    let tag = etag(&bytes);
                    // As RFC 9110 says: If-None-Match decides when sent; If-Modified-Since only without it.
                    let unchanged = match (&if_none_match, &if_modified_since) {
                        (Some(sent), _) => sent.split(',').any(|t| t.trim() == tag || t.trim() == "*"),
                        (None, Some(since)) => since == LAST_MODIFIED,
                        (None, None) => false,
                    };
                    let r = if unchanged {
                        Response::from_data(Vec::new()).with_status_code(304)
                    } else {
                        Response::from_data(bytes).with_header(header("Content-Type", &content_type))
                    };
                    r.with_header(header("ETag", &tag))
                        .with_header(header("Last-Modified", LAST_MODIFIED))
                }
            };
            lock(&log).push(SeenFeed {
                path,
                if_none_match,
                if_modified_since,
                status: response.status_code().0,
            });
            let _ = request.respond(response);
        }
    });
    FeedServer { base, seen, routes }
}
