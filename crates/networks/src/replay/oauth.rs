//! A replayed Mastodon sign-in: OAuth discovery, app registration and the token endpoint answer with the
//! responses recorded from a Mastodon server (test_log_in_password_incorrect, test_app_account_create_invalid,
//! test_verify_credentials). The authorisation page, where a person clicks "Authorize", was never recorded:
//! it is written by the API documentation as the redirect the server sends after that click, and the token
//! endpoint checks the PKCE verifier against the challenge as RFC 7636 says.

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tiny_http::{Response, Server};
use url::Url;

use super::{cassette, header};

/// The code the replayed server hands out after the person approves.
const CODE: &str = "replayed-authorization-code";

/// What the replayed server saw.
#[derive(Debug, Default, Clone)]
pub struct OAuthSeen {
    pub registered_redirect: Option<String>,
    pub challenge: Option<String>,
    pub challenge_method: Option<String>,
    /// Each token request: did its verifier match the challenge?
    pub verifier_matched: Vec<bool>,
}

pub struct OAuthReplay {
    pub base: Url,
    /// The access token the server issues (the recorded one).
    pub token: String,
    pub seen: Arc<Mutex<OAuthSeen>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn pairs(text: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Starts the server. With `approve` false, the person clicks "Deny" instead.
pub fn serve_mastodon_oauth(approve: bool) -> OAuthReplay {
    let server = Server::http("127.0.0.1:0").expect("bind a loopback port");
    let base: Url = format!("http://{}/", server.server_addr())
        .parse()
        .expect("a loopback URL");
    let recorded_base = "http://localhost:3000/";

    let old = cassette::load("cassettes_pre_4_4_0/test_log_in_password_incorrect.yaml");
    let metadata = cassette::response(&old, "GET", "/.well-known/oauth-authorization-server")
        .body
        .string
        .replace(recorded_base, base.as_str());
    let invalid_grant = cassette::response(&old, "POST", "/oauth/token")
        .body
        .string
        .clone();
    let apps = cassette::load("test_app_account_create_invalid.yaml");
    let app: Value = serde_json::from_str(&cassette::response(&apps, "POST", "/api/v1/apps").body.string)
        .expect("the recorded app is JSON");
    let token_body = cassette::response(&apps, "POST", "/oauth/token")
        .body
        .string
        .clone();
    let token = serde_json::from_str::<Value>(&token_body).expect("the recorded token is JSON")
        ["access_token"]
        .as_str()
        .expect("the recorded token has an access_token")
        .to_owned();
    let me = cassette::load("test_verify_credentials.yaml");
    let me = cassette::response(&me, "GET", "/api/v1/accounts/verify_credentials")
        .body
        .string
        .clone();

    let seen = Arc::new(Mutex::new(OAuthSeen::default()));
    let (log, issued, own) = (Arc::clone(&seen), token.clone(), base.clone());
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = std::io::Read::read_to_string(request.as_reader(), &mut body);
            let url = request.url().to_owned();
            let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
            let method = request.method().to_string();
            let auth = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.to_string())
                .unwrap_or_default();
            let json = |code: u16, text: String| {
                Response::from_string(text)
                    .with_status_code(code)
                    .with_header(header("Content-Type", "application/json; charset=utf-8"))
            };
            let response = match (method.as_str(), path) {
                ("GET", "/.well-known/oauth-authorization-server") => json(200, metadata.clone()),
                ("POST", "/api/v1/apps") => {
                    let form = pairs(&body);
                    let redirect = get(&form, "redirect_uris").unwrap_or_default().to_owned();
                    let mut registered = app.clone();
                    registered["redirect_uri"] = Value::String(redirect.clone());
                    registered["redirect_uris"] = serde_json::json!([redirect]);
                    lock(&log).registered_redirect = Some(redirect);
                    json(200, registered.to_string())
                }
                ("GET", "/oauth/authorize") => {
                    let q = pairs(query);
                    let redirect = get(&q, "redirect_uri").unwrap_or_default();
                    let state = get(&q, "state").unwrap_or_default();
                    {
                        let mut seen = lock(&log);
                        seen.challenge = get(&q, "code_challenge").map(str::to_owned);
                        seen.challenge_method = get(&q, "code_challenge_method").map(str::to_owned);
                    }
                    let mut back = Url::parse(redirect).unwrap_or_else(|_| own.clone());
                    if approve {
                        back.query_pairs_mut()
                            .append_pair("code", CODE)
                            .append_pair("state", state);
                    } else {
                        back.query_pairs_mut()
                            .append_pair("error", "access_denied")
                            .append_pair(
                                "error_description",
                                "The resource owner or authorization server denied the request.",
                            )
                            .append_pair("state", state);
                    }
                    Response::from_string("")
                        .with_status_code(302)
                        .with_header(header("Location", back.as_str()))
                }
                ("POST", "/oauth/token") => {
                    let form = pairs(&body);
                    let mut seen = lock(&log);
                    let matched = match (get(&form, "code_verifier"), seen.challenge.as_deref()) {
                        (Some(v), Some(c)) => URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())) == c,
                        _ => false,
                    };
                    seen.verifier_matched.push(matched);
                    let good = matched
                        && get(&form, "grant_type") == Some("authorization_code")
                        && get(&form, "code") == Some(CODE)
                        && get(&form, "redirect_uri") == seen.registered_redirect.as_deref();
                    if good {
                        json(200, token_body.clone())
                    } else {
                        json(400, invalid_grant.clone())
                    }
                }
                ("GET", "/api/v1/accounts/verify_credentials") if auth == format!("Bearer {issued}") => {
                    json(200, me.clone())
                }
                ("GET", "/api/v1/accounts/verify_credentials") => {
                    json(401, r#"{"error":"The access token is invalid"}"#.into())
                }
                _ => json(404, r#"{"error":"Record not found"}"#.into()),
            };
            let _ = request.respond(response);
        }
    });
    OAuthReplay { base, token, seen }
}
