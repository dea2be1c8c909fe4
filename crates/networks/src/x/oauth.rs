//! X's OAuth 2.0 for a desktop app: the authorization address (with a PKCE challenge), exchanging the
//! returned code, and refreshing. X rotates refresh tokens: each refresh returns a new one and retires the
//! old, so the caller must save the new pair before using it.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::{FetchError, NetworkError};

const NETWORK: &str = "X";

/// What Earshot asks for: reading mentions and searches, replying, reposting, liking, direct messages, and
/// a refresh token (`offline.access`) so the person does not sign in every two hours.
pub const SCOPES: &str = "tweet.read users.read tweet.write like.write dm.read dm.write offline.access";

/// Where the person approves Earshot; X's own address, or under a test server's.
pub fn authorize_endpoint(api_base: &Url) -> Url {
    if api_base.host_str() == Some("api.x.com") {
        Url::parse("https://x.com/i/oauth2/authorize").unwrap_or_else(|_| api_base.clone())
    } else {
        api_base
            .join("i/oauth2/authorize")
            .unwrap_or_else(|_| api_base.clone())
    }
}

fn token_endpoint(api_base: &Url) -> Url {
    api_base
        .join("2/oauth2/token")
        .unwrap_or_else(|_| api_base.clone())
}

/// An access token with the refresh token that renews it. Kept only in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// When the access token stops working, if X said.
    pub expires_at: Option<DateTime<Utc>>,
    /// The brand's own X app: refreshing needs it.
    pub client_id: String,
}

/// The address to open in the browser.
pub fn authorize_url(api_base: &Url, client_id: &str, redirect: &str, state: &str, challenge: &str) -> Url {
    let mut url = authorize_endpoint(api_base);
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", SCOPES)
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
}

async fn token_request(
    http: &reqwest::Client,
    api_base: &Url,
    form: &[(&str, &str)],
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<Tokens, FetchError> {
    let response = http
        .post(token_endpoint(api_base))
        .form(form)
        .send()
        .await
        .map_err(|e| FetchError::Unreachable {
            network: NETWORK,
            reason: e.without_url().to_string(),
        })?;
    let status = response.status();
    tracing::debug!(target: crate::HTTP_LOG, network = NETWORK, path = "/2/oauth2/token",
        status = status.as_u16(), "request");
    let body = response.text().await.unwrap_or_default();
    if status.is_server_error() {
        return Err(FetchError::Server {
            network: NETWORK,
            status: status.as_u16(),
        });
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(FetchError::RateLimited {
            network: NETWORK,
            until: now + Duration::minutes(15),
        });
    }
    if !status.is_success() {
        // A refused refresh token is a refused sign-in: the person has to connect again.
        return Err(FetchError::Unauthorized {
            network: NETWORK,
            reason: super::client::error_text(&body, status.as_u16()),
        });
    }
    let answer: TokenAnswer = serde_json::from_str(&body).map_err(|e| NetworkError::Malformed {
        network: NETWORK,
        reason: format!("the token answer: {e}"),
    })?;
    Ok(Tokens {
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        expires_at: answer.expires_in.map(|s| now + Duration::seconds(s)),
        client_id: client_id.to_owned(),
    })
}

/// Exchanges the code from the browser, with the PKCE verifier, for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    api_base: &Url,
    client_id: &str,
    code: &str,
    redirect: &str,
    verifier: &str,
    now: DateTime<Utc>,
) -> Result<Tokens, FetchError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect),
        ("code_verifier", verifier),
        ("client_id", client_id),
    ];
    token_request(http, api_base, &form, client_id, now).await
}

/// Trades a refresh token for a new access token and a new refresh token.
pub async fn refresh(
    http: &reqwest::Client,
    api_base: &Url,
    tokens: &Tokens,
    now: DateTime<Utc>,
) -> Result<Tokens, FetchError> {
    let Some(refresh_token) = tokens.refresh_token.as_deref() else {
        return Err(FetchError::Unauthorized {
            network: NETWORK,
            reason: "the access token expired and there is no refresh token to renew it".into(),
        });
    };
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", tokens.client_id.as_str()),
    ];
    let mut fresh = token_request(http, api_base, &form, &tokens.client_id, now).await?;
    // X always rotates, but keep the old one if an answer ever leaves it out.
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = tokens.refresh_token.clone();
    }
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_address_carries_pkce_and_every_scope() {
        let base = Url::parse("https://api.x.com/").unwrap();
        let url = authorize_url(&base, "cid", "http://127.0.0.1:53682/callback", "st", "ch");
        assert_eq!(url.host_str(), Some("x.com"));
        assert_eq!(url.path(), "/i/oauth2/authorize");
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("scope"), Some(SCOPES));
        assert!(SCOPES.contains("offline.access") && SCOPES.contains("dm.write"));
        let local = Url::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(
            authorize_endpoint(&local).as_str(),
            "http://127.0.0.1:9/i/oauth2/authorize"
        );
    }
}
