//! A local X API server for tests, held to X's official OpenAPI description (../shared/data/x/openapi.json,
//! version 2.167, MIT).
//!
//! Every request the client sends is checked against the description: the path and method must be a
//! documented operation; every query and path parameter must be documented for it and match its schema
//! (comma-separated arrays included); a JSON body must match the operation's request schema. Every answer
//! this server gives is checked against the response schema for its status and content type. Anything that
//! does not match is recorded in [`XServer::violations`] (and a bad request is answered 400), so a test
//! fails on it.
//!
//! What it does: users, posts and mentions (`since_id`, `until_id`, `pagination_token`, `max_results`),
//! recent search (quoted phrases and words, `-from:`), creating posts and replies (with X's refusal of
//! duplicate text), reposts, likes, direct messages, a user's own posts and DM events. Faults are queued by
//! the test: an expired token (401), a rate limit (429 with `x-rate-limit-*`), a `problem+json` error, and
//! a dropped answer after a write has been done.
//!
//! What it does not cover, said plainly: the OAuth 2.0 endpoints (`/2/oauth2/token` and the authorize page)
//! are not in the description, so they follow X's OAuth 2.0 documentation and are not schema-checked; the
//! search query language is a small subset; no media, polls or streaming.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tiny_http::{Header, Response, Server};
use url::Url;

/// The description, loaded once per test process. Missing data fails loudly; it is never skipped.
pub fn spec_path() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/x/openapi.json");
    assert!(
        path.is_file(),
        "X's OpenAPI description is missing at {}: these tests need ../shared/data beside the project",
        path.display()
    );
    path
}

/// OpenAPI 3.0 says `nullable: true` where JSON Schema says `"type": [t, "null"]`; everything else the
/// description uses is JSON Schema draft 4.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
            }
            map.remove("discriminator");
            for v in map.values_mut() {
                to_json_schema(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

/// X's OpenAPI description, ready to check requests and answers against.
pub struct Spec {
    paths: Map<String, Value>,
    components: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Spec {
    pub fn load() -> Self {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let mut doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
        to_json_schema(&mut doc);
        let paths = doc["paths"]
            .as_object()
            .cloned()
            .expect("the description has paths");
        Self {
            paths,
            components: doc["components"].take(),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Follows a `#/components/...` reference.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.trim_start_matches("#/components");
                self.components.pointer(pointer).unwrap_or(value)
            }
            None => value,
        }
    }

    /// Checks `instance` against `schema` (which may be a reference into the components).
    fn check(&self, schema: &Value, instance: &Value, what: &str) -> Vec<String> {
        let key = schema.to_string();
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
            match cache.get(&key) {
                Some(v) => Arc::clone(v),
                None => {
                    let mut root = schema.clone();
                    if let Value::Object(map) = &mut root {
                        map.insert("components".into(), self.components.clone());
                    }
                    let v = jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft4)
                        .should_validate_formats(true)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("the schema for {what} does not compile: {e}"));
                    let v = Arc::new(v);
                    cache.insert(key, Arc::clone(&v));
                    v
                }
            }
        };
        validator
            .iter_errors(instance)
            .map(|e| format!("{what}: {} at '{}'", e, e.instance_path()))
            .collect()
    }

    /// The documented operation for a method and a concrete path, and the path's parameters.
    fn operation(&self, method: &str, path: &str) -> Option<(String, &Value, BTreeMap<String, String>)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let method = method.to_ascii_lowercase();
        for (template, item) in &self.paths {
            let tparts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if tparts.len() != parts.len() {
                continue;
            }
            let mut params = BTreeMap::new();
            let fits = tparts.iter().zip(&parts).all(|(t, p)| {
                match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(name) => {
                        params.insert(name.to_owned(), (*p).to_owned());
                        !p.is_empty()
                    }
                    None => t == p,
                }
            });
            if let (true, Some(op)) = (fits, item.get(&method)) {
                return Some((template.clone(), op, params));
            }
        }
        None
    }

    /// Everything wrong with a request, by the description.
    pub fn check_request(&self, method: &str, url: &Url, body: &str) -> Vec<String> {
        let Some((template, op, path_params)) = self.operation(method, url.path()) else {
            return vec![format!("{method} {} is not an operation X documents", url.path())];
        };
        let name = format!("{method} {template}");
        let mut problems = Vec::new();
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|ps| ps.iter().map(|p| self.resolve(p)).collect())
            .unwrap_or_default();
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        for (key, _) in &query {
            if !params
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == key.as_str())
            {
                problems.push(format!("{name}: the query parameter '{key}' is not documented"));
            }
        }
        for p in &params {
            let pname = p["name"].as_str().unwrap_or_default();
            let raw = match p["in"].as_str() {
                Some("query") => {
                    let values: Vec<&String> =
                        query.iter().filter(|(k, _)| k == pname).map(|(_, v)| v).collect();
                    if values.len() > 1 {
                        problems.push(format!("{name}: '{pname}' is given {} times", values.len()));
                    }
                    values.first().map(|v| (*v).clone())
                }
                Some("path") => path_params.get(pname).cloned(),
                _ => continue,
            };
            let Some(raw) = raw else {
                if p["required"] == true {
                    problems.push(format!("{name}: the required parameter '{pname}' is missing"));
                }
                continue;
            };
            let schema = self.resolve(&p["schema"]);
            let value = match schema["type"].as_str() {
                Some("integer") => match raw.parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => {
                        problems.push(format!("{name}: '{pname}' is not an integer: '{raw}'"));
                        continue;
                    }
                },
                Some("boolean") => json!(raw == "true"),
                // style form, explode false: a comma-separated list.
                Some("array") => json!(raw.split(',').collect::<Vec<_>>()),
                _ => json!(raw),
            };
            problems.extend(self.check(&p["schema"], &value, &format!("{name} parameter '{pname}'")));
        }
        let request_schema = &op["requestBody"]["content"]["application/json"]["schema"];
        if !request_schema.is_null() {
            match serde_json::from_str::<Value>(body) {
                Ok(v) => problems.extend(self.check(request_schema, &v, &format!("{name} body"))),
                Err(e) => problems.push(format!("{name}: the body is not JSON: {e}")),
            }
        } else if !body.trim().is_empty() {
            problems.push(format!("{name}: a body was sent to an operation that takes none"));
        }
        problems
    }

    /// Everything wrong with an answer, by the description.
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: &str,
        body: &str,
    ) -> Vec<String> {
        let Some((template, op, _)) = self.operation(method, path) else {
            return Vec::new();
        };
        let name = format!("the {status} answer to {method} {template}");
        let responses = &op["responses"];
        let Some(response) = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
        else {
            return vec![format!("{name} is not a documented status")];
        };
        let media = content_type.split(';').next().unwrap_or_default().trim();
        let schema = &response["content"][media]["schema"];
        if schema.is_null() {
            return vec![format!("{name} has an undocumented content type '{media}'")];
        }
        match serde_json::from_str::<Value>(body) {
            Ok(v) => self.check(schema, &v, &name),
            Err(e) => vec![format!("{name} is not JSON: {e}")],
        }
    }
}

/// One user the server knows.
#[derive(Debug, Clone)]
pub struct XUserSeed {
    pub id: String,
    pub username: String,
    pub name: String,
    pub followers: u64,
    pub verified: bool,
    pub created_at: String,
}

impl XUserSeed {
    pub fn new(id: &str, username: &str, followers: u64) -> Self {
        Self {
            id: id.into(),
            username: username.into(),
            name: username.replace('_', " "),
            followers,
            verified: false,
            created_at: "2015-03-01T12:00:00.000Z".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Post {
    id: u64,
    author: String,
    text: String,
    created_at: String,
    conversation: u64,
    reply_to: Option<u64>,
}

/// Something to go wrong, queued by a test for the next matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The access token has expired: this request and every later one with it get 401.
    ExpireToken,
    /// 429 with `x-rate-limit-remaining: 0` and this reset (seconds since the epoch).
    RateLimit { reset: i64 },
    /// An error answered as `application/problem+json`, with this status.
    Problem { status: u16, detail: String },
    /// The next write is done, and then answered 500 as if it had failed: a lost answer.
    FailAfterWrite,
}

/// One request the server saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub authorization: String,
    pub body: String,
}

#[derive(Default)]
struct State {
    users: Vec<XUserSeed>,
    posts: Vec<Post>,
    next_id: u64,
    clock: u64,
    tokens: HashMap<String, String>,
    refresh_tokens: HashMap<String, (String, String)>,
    codes: HashMap<String, (String, String, String, String)>,
    reposts: Vec<(String, u64)>,
    likes: Vec<(String, u64)>,
    dms: Vec<(String, String, String, u64)>,
    faults: VecDeque<Fault>,
    seen: Vec<Seen>,
    violations: Vec<String>,
    issued: u64,
    /// The user the authorize page signs in, and whether it approves.
    approve_as: Option<String>,
}

impl State {
    fn user(&self, id: &str) -> Option<&XUserSeed> {
        self.users.iter().find(|u| u.id == id)
    }

    fn by_name(&self, username: &str) -> Option<&XUserSeed> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1 + self.clock % 7;
        self.clock += 1;
        self.next_id
    }

    fn now_text(&mut self) -> String {
        self.clock += 1;
        let t =
            chrono::DateTime::from_timestamp(1_795_000_000 + i64::try_from(self.clock).unwrap_or(0) * 60, 0)
                .unwrap_or_default();
        t.format("%Y-%m-%dT%H:%M:%S.000Z").to_string()
    }

    fn issue_tokens(&mut self, user: &str, client: &str) -> Value {
        self.issued += 1;
        let access = format!("x-access-{}-{}", self.issued, user);
        let refresh = format!("x-refresh-{}-{}", self.issued, user);
        self.tokens.insert(access.clone(), user.to_owned());
        self.refresh_tokens
            .insert(refresh.clone(), (user.to_owned(), client.to_owned()));
        json!({"token_type": "bearer", "expires_in": 7200, "access_token": access,
               "scope": crate::x::oauth::SCOPES, "refresh_token": refresh})
    }

    fn mentions_of(&self, user: &XUserSeed) -> Vec<&Post> {
        let at = format!("@{}", user.username.to_lowercase());
        let mut found: Vec<&Post> = self
            .posts
            .iter()
            .filter(|p| {
                p.author != user.id
                    && p.text
                        .to_lowercase()
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .any(|w| w == at)
            })
            .collect();
        found.sort_by_key(|p| std::cmp::Reverse(p.id));
        found
    }

    fn post_json(&self, post: &Post) -> Value {
        let mut entities = Map::new();
        let mentions: Vec<Value> = mention_spans(&post.text)
            .into_iter()
            .filter_map(|(start, end, name)| {
                let user = self.by_name(&name)?;
                Some(json!({"start": start, "end": end, "username": user.username, "id": user.id}))
            })
            .collect();
        if !mentions.is_empty() {
            entities.insert("mentions".into(), json!(mentions));
        }
        let mut value = json!({
            "id": post.id.to_string(),
            "text": post.text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"),
            "edit_history_post_ids": [post.id.to_string()],
            "author_id": post.author,
            "created_at": post.created_at,
            "conversation_id": post.conversation.to_string(),
            "lang": "en",
            "public_metrics": {"repost_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
                               "bookmark_count": 0, "impression_count": 3},
        });
        if !entities.is_empty() {
            value["entities"] = Value::Object(entities);
        }
        if let Some(parent) = post.reply_to {
            value["referenced_posts"] = json!([{"type": "replied_to", "id": parent.to_string()}]);
            if let Some(p) = self.posts.iter().find(|p| p.id == parent) {
                value["in_reply_to_user_id"] = json!(p.author);
            }
        }
        value
    }

    fn user_json(&self, user: &XUserSeed) -> Value {
        json!({
            "id": user.id, "username": user.username, "name": user.name, "verified": user.verified,
            "created_at": user.created_at,
            "public_metrics": {"followers_count": user.followers, "following_count": 12,
                               "post_count": 340, "listed_count": 2, "like_count": 10},
        })
    }

    /// A page of posts with their authors and referenced posts, as X answers a timeline or search.
    fn page(&self, posts: &[&Post], query: &[(String, String)], max_default: usize) -> Value {
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
        let max = get("max_results")
            .and_then(|v| v.parse().ok())
            .unwrap_or(max_default);
        let offset = get("pagination_token")
            .or_else(|| get("next_token"))
            .and_then(|t| t.strip_prefix("page"))
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let since = num("since_id");
        let until = num("until_id");
        let selected: Vec<&&Post> = posts
            .iter()
            .filter(|p| since.is_none_or(|s| p.id > s) && until.is_none_or(|u| p.id < u))
            .collect();
        let shown: Vec<&&Post> = selected.iter().skip(offset).take(max).copied().collect();
        let mut meta = json!({"result_count": shown.len()});
        if shown.is_empty() {
            return json!({"meta": meta});
        }
        meta["newest_id"] = json!(shown[0].id.to_string());
        meta["oldest_id"] = json!(shown[shown.len() - 1].id.to_string());
        if offset + max < selected.len() {
            meta["next_token"] = json!(format!("page{}", offset + max));
        }
        let mut authors: Vec<Value> = Vec::new();
        let mut referenced: Vec<Value> = Vec::new();
        for p in &shown {
            if let Some(u) = self.user(&p.author) {
                if !authors.iter().any(|a| a["id"] == u.id.as_str()) {
                    authors.push(self.user_json(u));
                }
            }
            if let Some(parent) = p.reply_to.and_then(|id| self.posts.iter().find(|q| q.id == id)) {
                referenced.push(self.post_json(parent));
            }
        }
        let mut includes = json!({"users": authors});
        if !referenced.is_empty() {
            includes["posts"] = json!(referenced);
        }
        json!({
            "data": shown.iter().map(|p| self.post_json(p)).collect::<Vec<_>>(),
            "includes": includes,
            "meta": meta,
        })
    }
}

/// `@name` spans in a text, as code-point offsets (end exclusive).
fn mention_spans(text: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let start = i;
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            if j > i + 1 {
                out.push((start, j, chars[i + 1..j].iter().collect()));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// A running X test server.
pub struct XServer {
    pub base: Url,
    state: Arc<Mutex<State>>,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| panic!("bad header {name}"))
}

fn problem(status: u16, kind: &str, title: &str, detail: &str) -> (u16, &'static str, Value) {
    (
        status,
        "application/problem+json",
        json!({"type": format!("https://api.x.com/2/problems/{kind}"), "title": title, "detail": detail, "status": status}),
    )
}

impl XServer {
    /// Starts the server on a free loopback port with these users. It runs until the test process ends.
    pub fn start(users: Vec<XUserSeed>) -> Self {
        let spec = Arc::new(Spec::load());
        let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
        let base: Url = format!("http://{}/", server.server_addr())
            .parse()
            .expect("a loopback URL");
        let state = Arc::new(Mutex::new(State {
            users,
            next_id: 1_860_000_000_000_000_000,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                let _ = std::io::Read::read_to_string(request.as_reader(), &mut body);
                let method = request.method().to_string();
                let Ok(url) = Url::parse(&format!("http://127.0.0.1{}", request.url())) else {
                    let _ = request.respond(Response::from_string("").with_status_code(400));
                    continue;
                };
                let authorization = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Authorization"))
                    .map(|h| h.value.to_string())
                    .unwrap_or_default();
                let answer = {
                    let mut st = shared.lock().unwrap_or_else(|p| p.into_inner());
                    st.seen.push(Seen {
                        method: method.clone(),
                        path: url.path().to_owned(),
                        query: url.query_pairs().into_owned().collect(),
                        authorization: authorization.clone(),
                        body: body.clone(),
                    });
                    handle(&mut st, &spec, &method, &url, &authorization, &body)
                };
                match answer {
                    Answer::Drop => drop(request),
                    Answer::Redirect(location) => {
                        let _ = request.respond(
                            Response::from_string("")
                                .with_status_code(302)
                                .with_header(header("Location", location.as_str())),
                        );
                    }
                    Answer::Json {
                        status,
                        content_type,
                        body,
                        headers,
                    } => {
                        let text = body.to_string();
                        let problems = spec.check_response(&method, url.path(), status, content_type, &text);
                        if !problems.is_empty() {
                            shared
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .violations
                                .extend(problems);
                        }
                        let mut response = Response::from_string(text)
                            .with_status_code(status)
                            .with_header(header("Content-Type", content_type));
                        for (k, v) in headers {
                            response = response.with_header(header(&k, &v));
                        }
                        let _ = request.respond(response);
                    }
                }
            }
        });
        Self { base, state }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// An access and refresh token for a user, as if they had signed in: (access, refresh).
    pub fn sign_in(&self, user_id: &str, client_id: &str) -> (String, String) {
        self.with(|st| {
            let t = st.issue_tokens(user_id, client_id);
            (
                t["access_token"].as_str().unwrap_or_default().to_owned(),
                t["refresh_token"].as_str().unwrap_or_default().to_owned(),
            )
        })
    }

    /// The authorize page approves as this user (or refuses when `None`).
    pub fn approve_as(&self, user_id: Option<&str>) {
        self.with(|st| st.approve_as = user_id.map(str::to_owned));
    }

    /// A post by `author`, optionally replying to a post; returns its ID.
    pub fn post(&self, author: &str, text: &str, reply_to: Option<&str>) -> String {
        self.with(|st| {
            let id = st.new_id();
            let parent = reply_to.and_then(|r| r.parse::<u64>().ok());
            let conversation = parent
                .and_then(|p| st.posts.iter().find(|q| q.id == p))
                .map_or(id, |p| p.conversation);
            let created_at = st.now_text();
            st.posts.push(Post {
                id,
                author: author.to_owned(),
                text: text.to_owned(),
                created_at,
                conversation,
                reply_to: parent,
            });
            id.to_string()
        })
    }

    /// Signs a user out everywhere: every access and refresh token of theirs stops working.
    pub fn revoke(&self, user_id: &str) {
        self.with(|st| {
            st.tokens.retain(|_, u| u != user_id);
            st.refresh_tokens.retain(|_, (u, _)| u != user_id);
        });
    }

    pub fn fault(&self, fault: Fault) {
        self.with(|st| st.faults.push_back(fault));
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.with(|st| st.seen.clone())
    }

    /// Every way a request or an answer broke the description. A test asserts this is empty.
    pub fn violations(&self) -> Vec<String> {
        self.with(|st| st.violations.clone())
    }

    /// Posts by a user, oldest first: (ID, text, the ID it replies to).
    pub fn posts_by(&self, author: &str) -> Vec<(String, String, Option<String>)> {
        self.with(|st| {
            st.posts
                .iter()
                .filter(|p| p.author == author)
                .map(|p| {
                    (
                        p.id.to_string(),
                        p.text.clone(),
                        p.reply_to.map(|r| r.to_string()),
                    )
                })
                .collect()
        })
    }

    /// (user, post) pairs of reposts and likes, and (sender, recipient, text) of direct messages.
    pub fn reposts(&self) -> Vec<(String, String)> {
        self.with(|st| {
            st.reposts
                .iter()
                .map(|(u, p)| (u.clone(), p.to_string()))
                .collect()
        })
    }

    pub fn likes(&self) -> Vec<(String, String)> {
        self.with(|st| st.likes.iter().map(|(u, p)| (u.clone(), p.to_string())).collect())
    }

    pub fn dms(&self) -> Vec<(String, String, String)> {
        self.with(|st| {
            st.dms
                .iter()
                .map(|(s, r, t, _)| (s.clone(), r.clone(), t.clone()))
                .collect()
        })
    }
}

enum Answer {
    Json {
        status: u16,
        content_type: &'static str,
        body: Value,
        headers: Vec<(String, String)>,
    },
    Redirect(Url),
    Drop,
}

fn json_answer((status, content_type, body): (u16, &'static str, Value)) -> Answer {
    Answer::Json {
        status,
        content_type,
        body,
        headers: Vec::new(),
    }
}

fn ok(status: u16, body: Value) -> Answer {
    json_answer((status, "application/json", body))
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn handle(st: &mut State, spec: &Spec, method: &str, url: &Url, authorization: &str, body: &str) -> Answer {
    let path = url.path();
    // The OAuth 2.0 endpoints: not in the description; they follow X's OAuth 2.0 documentation.
    if method == "GET" && path == "/i/oauth2/authorize" {
        let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let Some(mut back) = q.get("redirect_uri").and_then(|r| Url::parse(r).ok()) else {
            return json_answer(problem(
                400,
                "invalid-request",
                "Invalid Request",
                "redirect_uri is missing",
            ));
        };
        match st.approve_as.clone() {
            Some(user) => {
                st.issued += 1;
                let code = format!("code-{}", st.issued);
                st.codes.insert(
                    code.clone(),
                    (
                        user,
                        q.get("client_id").cloned().unwrap_or_default(),
                        q.get("redirect_uri").cloned().unwrap_or_default(),
                        q.get("code_challenge").cloned().unwrap_or_default(),
                    ),
                );
                back.query_pairs_mut()
                    .append_pair("state", q.get("state").map_or("", String::as_str))
                    .append_pair("code", &code);
            }
            None => {
                back.query_pairs_mut()
                    .append_pair("state", q.get("state").map_or("", String::as_str))
                    .append_pair("error", "access_denied");
            }
        }
        return Answer::Redirect(back);
    }
    if method == "POST" && path == "/2/oauth2/token" {
        let f = form(body);
        let refused = || {
            ok(
                400,
                json!({"error": "invalid_request", "error_description": "Value passed for the token was invalid."}),
            )
        };
        return match f.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                let Some((user, client, redirect, challenge)) =
                    f.get("code").and_then(|c| st.codes.remove(c))
                else {
                    return refused();
                };
                let verifier = f.get("code_verifier").cloned().unwrap_or_default();
                let matches = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
                    && f.get("client_id") == Some(&client)
                    && f.get("redirect_uri") == Some(&redirect);
                if matches {
                    ok(200, st.issue_tokens(&user, &client))
                } else {
                    refused()
                }
            }
            Some("refresh_token") => {
                // Rotating: a refresh token works once.
                match f.get("refresh_token").and_then(|r| st.refresh_tokens.remove(r)) {
                    Some((user, client)) if f.get("client_id") == Some(&client) => {
                        ok(200, st.issue_tokens(&user, &client))
                    }
                    _ => refused(),
                }
            }
            _ => refused(),
        };
    }

    let problems = spec.check_request(method, url, body);
    if !problems.is_empty() {
        let detail = problems.join("; ");
        st.violations.extend(problems);
        return json_answer(problem(400, "invalid-request", "Invalid Request", &detail));
    }
    let token = authorization
        .strip_prefix("Bearer ")
        .unwrap_or_default()
        .to_owned();
    let unauthorized = || {
        // X answers `about:blank` problems here, which its own description does not allow; the described
        // `Error` shape carries X's code and words for the same thing.
        json_answer((
            401,
            "application/json",
            json!({"code": 89, "message": "Invalid or expired token."}),
        ))
    };
    let Some(me) = st.tokens.get(&token).cloned() else {
        return unauthorized();
    };
    let writing = method == "POST";
    let mut drop_after = false;
    if let Some(fault) = st.faults.front().cloned() {
        let applies = !matches!(fault, Fault::FailAfterWrite) || writing;
        if applies {
            st.faults.pop_front();
            match fault {
                Fault::ExpireToken => {
                    st.tokens.remove(&token);
                    return unauthorized();
                }
                Fault::RateLimit { reset } => {
                    return Answer::Json {
                        status: 429,
                        content_type: "application/json",
                        body: json!({"code": 88, "message": "Rate limit exceeded"}),
                        headers: vec![
                            ("x-rate-limit-limit".into(), "450".into()),
                            ("x-rate-limit-remaining".into(), "0".into()),
                            ("x-rate-limit-reset".into(), reset.to_string()),
                        ],
                    };
                }
                Fault::Problem { status, detail } => {
                    return json_answer(problem(status, "invalid-request", "Invalid Request", &detail));
                }
                Fault::FailAfterWrite => drop_after = true,
            }
        }
    }
    let answer = route(st, method, url, body, &me);
    if drop_after {
        return Answer::Drop;
    }
    match answer {
        Answer::Json {
            status,
            content_type,
            body,
            mut headers,
        } => {
            headers.push(("x-rate-limit-limit".into(), "450".into()));
            headers.push(("x-rate-limit-remaining".into(), "440".into()));
            headers.push(("x-rate-limit-reset".into(), "1795000900".into()));
            Answer::Json {
                status,
                content_type,
                body,
                headers,
            }
        }
        other => other,
    }
}

fn not_found(what: &str, id: &str) -> Answer {
    json_answer((
        404,
        "application/problem+json",
        json!({"type": "https://api.x.com/2/problems/resource-not-found", "title": "Not Found Error",
               "detail": format!("Could not find {what} with id: [{id}]."), "resource_type": what,
               "resource_id": id, "parameter": "id", "value": id}),
    ))
}

fn route(st: &mut State, method: &str, url: &Url, body: &str, me: &str) -> Answer {
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let segments: Vec<&str> = url.path().trim_matches('/').split('/').collect();
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match (method, segments.as_slice()) {
        ("GET", ["2", "users", "me"]) => {
            let user = st.user(me).cloned();
            match user {
                Some(u) => ok(200, json!({"data": st.user_json(&u)})),
                None => not_found("user", me),
            }
        }
        ("GET", ["2", "users", "by", "username", name]) => match st.by_name(name).cloned() {
            Some(u) => ok(200, json!({"data": st.user_json(&u)})),
            None => not_found("user", name),
        },
        ("GET", ["2", "users", id, "mentions"]) => {
            let Some(user) = st.user(id).cloned() else {
                return not_found("user", id);
            };
            let posts = st.mentions_of(&user);
            ok(200, st.page(&posts, &query, 10))
        }
        ("GET", ["2", "users", id, "tweets"]) => {
            let mut posts: Vec<&Post> = st.posts.iter().filter(|p| p.author == *id).collect();
            posts.sort_by_key(|p| std::cmp::Reverse(p.id));
            ok(200, st.page(&posts, &query, 10))
        }
        ("GET", ["2", "tweets", "search", "recent"]) => {
            let q = query
                .iter()
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let (wanted, not_from) = parse_query(&q);
            let mut posts: Vec<&Post> = st
                .posts
                .iter()
                .filter(|p| {
                    let text = p.text.to_lowercase();
                    let author = st.user(&p.author).map(|u| u.username.to_lowercase());
                    wanted.iter().all(|w| text.contains(w.as_str()))
                        && !not_from.iter().any(|n| Some(n) == author.as_ref())
                })
                .collect();
            posts.sort_by_key(|p| std::cmp::Reverse(p.id));
            ok(200, st.page(&posts, &query, 10))
        }
        ("POST", ["2", "tweets"]) => {
            let text = body["text"].as_str().unwrap_or_default().to_owned();
            if st.posts.iter().any(|p| p.author == me && p.text == text) {
                return json_answer(problem(
                    403,
                    "invalid-request",
                    "Forbidden",
                    "You are not allowed to create a Tweet with duplicate content.",
                ));
            }
            let parent = body["reply"]["in_reply_to_tweet_id"].as_str().map(str::to_owned);
            if let Some(p) = &parent {
                if !st.posts.iter().any(|q| q.id.to_string() == *p) {
                    return not_found("tweet", p);
                }
            }
            let id = {
                let id = st.new_id();
                let conversation = parent
                    .as_deref()
                    .and_then(|p| st.posts.iter().find(|q| q.id.to_string() == p))
                    .map_or(id, |p| p.conversation);
                let created_at = st.now_text();
                st.posts.push(Post {
                    id,
                    author: me.to_owned(),
                    text: text.clone(),
                    created_at,
                    conversation,
                    reply_to: parent.and_then(|p| p.parse().ok()),
                });
                id
            };
            ok(
                201,
                json!({"data": {"id": id.to_string(), "text": text, "edit_history_post_ids": [id.to_string()]}}),
            )
        }
        ("POST", ["2", "users", id, kind @ ("retweets" | "likes")]) => {
            if *id != me {
                return json_answer(problem(
                    403,
                    "invalid-request",
                    "Forbidden",
                    "You are not permitted to act for this user.",
                ));
            }
            let target = body["tweet_id"].as_str().unwrap_or_default();
            let Some(post) = st.posts.iter().find(|p| p.id.to_string() == target).map(|p| p.id) else {
                return not_found("tweet", target);
            };
            if *kind == "retweets" {
                if !st.reposts.contains(&(me.to_owned(), post)) {
                    st.reposts.push((me.to_owned(), post));
                }
                ok(200, json!({"data": {"retweeted": true, "rest_id": target}}))
            } else {
                if !st.likes.contains(&(me.to_owned(), post)) {
                    st.likes.push((me.to_owned(), post));
                }
                ok(200, json!({"data": {"liked": true}}))
            }
        }
        ("POST", ["2", "dm_conversations", "with", participant, "messages"]) => {
            if st.user(participant).is_none() {
                return not_found("user", participant);
            }
            let text = body["text"].as_str().unwrap_or_default().to_owned();
            let event = st.new_id();
            st.dms
                .push((me.to_owned(), (*participant).to_owned(), text, event));
            ok(
                201,
                json!({"data": {"dm_conversation_id": format!("{me}-{participant}"),
                                     "dm_event_id": event.to_string()}}),
            )
        }
        ("GET", ["2", "dm_conversations", "with", participant, "dm_events"]) => {
            let events: Vec<Value> = st
                .dms
                .iter()
                .rev()
                .filter(|(s, r, _, _)| (s == me && r == participant) || (s == participant && r == me))
                .map(|(_, _, t, id)| json!({"id": id.to_string(), "event_type": "MessageCreate", "text": t}))
                .collect();
            ok(
                200,
                json!({"data": events, "meta": {"result_count": events.len()}}),
            )
        }
        _ => not_found("resource", url.path()),
    }
}

/// The words and quoted phrases a query needs, lower-cased, and the `-from:` users it leaves out.
fn parse_query(q: &str) -> (Vec<String>, Vec<String>) {
    let mut wanted = Vec::new();
    let mut not_from = Vec::new();
    let mut rest = q;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let end = after.find('"').unwrap_or(after.len());
        wanted.push(after[..end].to_lowercase());
        for word in rest[..start].split_whitespace() {
            sort_word(word, &mut wanted, &mut not_from);
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    for word in rest.split_whitespace() {
        sort_word(word, &mut wanted, &mut not_from);
    }
    (wanted, not_from)
}

fn sort_word(word: &str, wanted: &mut Vec<String>, not_from: &mut Vec<String>) {
    if let Some(user) = word.strip_prefix("-from:") {
        not_from.push(user.to_lowercase());
    } else if !word.starts_with('-') && !word.contains(':') {
        wanted.push(word.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_take_phrases_words_and_left_out_authors() {
        let (wanted, not_from) = parse_query(r#""acme bikes" broken -is:retweet -from:AcmeHelp"#);
        assert_eq!(wanted, ["acme bikes", "broken"]);
        assert_eq!(not_from, ["acmehelp"]);
    }

    #[test]
    fn mention_spans_count_code_points() {
        assert_eq!(mention_spans("é @ab_c, hi"), [(2, 7, "ab_c".to_owned())]);
        assert!(mention_spans("mail@example.com").is_empty());
    }
}
