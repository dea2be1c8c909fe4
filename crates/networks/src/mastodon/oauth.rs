//! Mastodon's OAuth 2 endpoints for a desktop app: discovery, registering the app, the authorization
//! address with a PKCE challenge, and exchanging the returned code for a token.

use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use crate::{FetchError, NetworkError};

const NETWORK: &str = "Mastodon";

/// Where a server authorises and issues tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorize: Url,
    pub token: Url,
    pub registration: Url,
}

/// A registered app: what the server knows Earshot by for this sign-in.
#[derive(Debug, Clone)]
pub struct App {
    pub client_id: String,
    pub client_secret: String,
}

/// What a sign-in asks for: reading mentions and notifications, and posting replies, boosts and likes.
pub const SCOPES: &str = "read write";

fn unreachable(e: reqwest::Error) -> FetchError {
    FetchError::Unreachable {
        network: NETWORK,
        reason: e.without_url().to_string(),
    }
}

fn malformed(what: &str, e: impl std::fmt::Display) -> FetchError {
    FetchError::Malformed(NetworkError::Malformed {
        network: NETWORK,
        reason: format!("{what}: {e}"),
    })
}

/// OAuth errors are `{"error": "...", "error_description": "..."}`.
fn oauth_error(body: &str, status: StatusCode) -> FetchError {
    #[derive(Deserialize)]
    struct Error {
        error: Option<String>,
        error_description: Option<String>,
    }
    let parsed: Option<Error> = serde_json::from_str(body).ok();
    let reason = parsed
        .and_then(|e| e.error_description.or(e.error))
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
    if status.is_server_error() {
        FetchError::Server {
            network: NETWORK,
            status: status.as_u16(),
        }
    } else {
        FetchError::Rejected {
            network: NETWORK,
            status: status.as_u16(),
            reason,
        }
    }
}

/// Posts a form to an OAuth endpoint and reads the JSON answer as `T`; `what` names it in errors.
async fn post_form<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
    what: &str,
) -> Result<T, FetchError> {
    let response = http
        .post(url.clone())
        .form(form)
        .send()
        .await
        .map_err(unreachable)?;
    let body = answer(response).await?;
    serde_json::from_str(&body).map_err(|e| malformed(what, e))
}

async fn answer(response: reqwest::Response) -> Result<String, FetchError> {
    let status = response.status();
    let body = response.text().await.map_err(unreachable)?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(oauth_error(&body, status))
    }
}

/// The server's endpoints from `/.well-known/oauth-authorization-server` (Mastodon 4.3 and later), or
/// Mastodon's fixed paths on an older server that does not publish them.
pub async fn discover(http: &reqwest::Client, base: &Url) -> Result<Endpoints, FetchError> {
    let join = |path: &str| base.join(path).unwrap_or_else(|_| base.clone());
    let fallback = Endpoints {
        authorize: join("/oauth/authorize"),
        token: join("/oauth/token"),
        registration: join("/api/v1/apps"),
    };
    let response = http
        .get(join("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .map_err(unreachable)?;
    if response.status() == StatusCode::NOT_FOUND {
        return Ok(fallback);
    }
    let body = answer(response).await?;
    #[derive(Deserialize)]
    struct Metadata {
        authorization_endpoint: String,
        token_endpoint: String,
        app_registration_endpoint: Option<String>,
        #[serde(default)]
        code_challenge_methods_supported: Vec<String>,
    }
    let m: Metadata = serde_json::from_str(&body).map_err(|e| malformed("OAuth metadata", e))?;
    if !m.code_challenge_methods_supported.is_empty()
        && !m.code_challenge_methods_supported.iter().any(|c| c == "S256")
    {
        return Err(malformed(
            "OAuth metadata",
            "the server does not take PKCE (S256) challenges",
        ));
    }
    let parse = |raw: &str| Url::parse(raw).map_err(|e| malformed("OAuth metadata", format!("'{raw}': {e}")));
    Ok(Endpoints {
        authorize: parse(&m.authorization_endpoint)?,
        token: parse(&m.token_endpoint)?,
        registration: match m.app_registration_endpoint {
            Some(raw) => parse(&raw)?,
            None => fallback.registration,
        },
    })
}

/// Registers Earshot with the server for one redirect address.
pub async fn register_app(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    redirect_uri: &str,
) -> Result<App, FetchError> {
    let form = [
        ("client_name", "Earshot"),
        ("redirect_uris", redirect_uri),
        ("scopes", SCOPES),
    ];
    #[derive(Deserialize)]
    struct Registered {
        client_id: String,
        client_secret: String,
    }
    let r: Registered = post_form(http, &endpoints.registration, &form, "app registration").await?;
    Ok(App {
        client_id: r.client_id,
        client_secret: r.client_secret,
    })
}

/// The address the person opens in their browser to approve Earshot.
pub fn authorize_url(
    endpoints: &Endpoints,
    app: &App,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
) -> Url {
    let mut url = endpoints.authorize.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPES)
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url
}

/// Exchanges the code the browser brought back for an access token, proving with the PKCE verifier that
/// this is the app that asked.
pub async fn exchange_code(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    app: &App,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<String, FetchError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", &app.client_id),
        ("client_secret", &app.client_secret),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
        ("scope", SCOPES),
    ];
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let t: Token = post_form(http, &endpoints.token, &form, "token").await?;
    Ok(t.access_token)
}
