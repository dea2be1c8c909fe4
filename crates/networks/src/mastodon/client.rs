//! Reading one account's mentions from its Mastodon server.

use chrono::{DateTime, Utc};
use earshot_core::Mention;
use reqwest::header::{HeaderMap, AUTHORIZATION, LINK};
use reqwest::StatusCode;
use url::Url;

use super::link::parse_link_header;
use super::wire::parse_page;
use crate::{FetchError, NetworkError, RateLimit, Skipped};

const NETWORK: &str = "Mastodon";

/// One page of new mentions.
#[derive(Debug)]
pub struct MentionPage {
    pub entries: Vec<Result<Mention, Skipped>>,
    /// The newest notification ID on the page: the cursor to ask from next time. `None` on an empty page.
    pub newest_id: Option<String>,
    /// The page of still newer notifications, if the server says there is one.
    pub newer: Option<Url>,
    pub rate_limit: Option<RateLimit>,
}

/// A signed-in view of one account on one Mastodon server.
pub struct MastodonClient {
    http: reqwest::Client,
    base: Url,
    host: String,
    token: String,
}

/// Mastodon's error body is `{"error": "..."}`; anything else is summed up by its status.
fn error_text(body: &str, status: StatusCode) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {}", status.as_u16()))
}

fn header_u32(headers: &HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let reset = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        .map(|t| t.with_timezone(&Utc));
    let limit = header_u32(headers, "x-ratelimit-limit");
    let remaining = header_u32(headers, "x-ratelimit-remaining");
    (limit.is_some() || remaining.is_some() || reset.is_some()).then_some(RateLimit {
        limit,
        remaining,
        reset,
    })
}

impl MastodonClient {
    /// `base` is the server's address (`https://mastodon.social`). The token never leaves this struct except
    /// in the `Authorization` header, and is never printed.
    pub fn new(http: reqwest::Client, base: Url, token: String) -> Result<Self, NetworkError> {
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => {
                return Err(NetworkError::Malformed {
                    network: "Mastodon",
                    reason: format!("'{base}' has no host"),
                })
            }
        };
        Ok(Self {
            http,
            base,
            host,
            token,
        })
    }

    /// The first URL to ask for mentions newer than `since` (the stored cursor), oldest page first.
    pub fn mentions_url(&self, since: Option<&str>) -> Url {
        let mut url = self
            .base
            .join("/api/v1/notifications")
            .unwrap_or_else(|_| self.base.clone());
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("types[]", "mention");
            q.append_pair("types[]", "quote");
            q.append_pair("limit", "40");
            if let Some(id) = since {
                q.append_pair("min_id", id);
            }
        }
        url
    }

    /// Sends an authorised GET and sorts out the answer: the body on success, or what went wrong.
    async fn get(&self, url: Url, now: DateTime<Utc>) -> Result<(HeaderMap, String), FetchError> {
        let response = self
            .http
            .get(url)
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .send()
            .await
            .map_err(|e| FetchError::Unreachable {
                network: NETWORK,
                reason: e.without_url().to_string(),
            })?;
        let status = response.status();
        let headers = response.headers().clone();
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                let body = response.text().await.unwrap_or_default();
                let reason = error_text(&body, status);
                Err(FetchError::Unauthorized {
                    network: NETWORK,
                    reason,
                })
            }
            StatusCode::TOO_MANY_REQUESTS => {
                let until = rate_limit(&headers)
                    .and_then(|r| r.reset)
                    .unwrap_or(now + chrono::Duration::minutes(5));
                Err(FetchError::RateLimited {
                    network: NETWORK,
                    until,
                })
            }
            s if s.is_server_error() => Err(FetchError::Server {
                network: NETWORK,
                status: s.as_u16(),
            }),
            s if !s.is_success() => {
                let body = response.text().await.unwrap_or_default();
                Err(FetchError::Rejected {
                    network: NETWORK,
                    status: s.as_u16(),
                    reason: error_text(&body, s),
                })
            }
            _ => {
                let body = response.text().await.map_err(|e| FetchError::Unreachable {
                    network: NETWORK,
                    reason: e.without_url().to_string(),
                })?;
                Ok((headers, body))
            }
        }
    }

    /// Who the token belongs to, as a full account (`user@server`), and its display name.
    pub async fn verify_credentials(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(String, Option<String>), FetchError> {
        let url = self
            .base
            .join("/api/v1/accounts/verify_credentials")
            .unwrap_or_else(|_| self.base.clone());
        let (_, body) = self.get(url, now).await?;
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| NetworkError::Malformed {
            network: "Mastodon",
            reason: format!("verify_credentials: {e}"),
        })?;
        let acct = value
            .get("acct")
            .and_then(|a| a.as_str())
            .ok_or_else(|| NetworkError::Malformed {
                network: "Mastodon",
                reason: "verify_credentials has no acct".into(),
            })?;
        let name = value
            .get("display_name")
            .and_then(|n| n.as_str())
            .filter(|n| !n.trim().is_empty());
        let full = if acct.contains('@') {
            acct.to_owned()
        } else {
            format!("{acct}@{}", self.host)
        };
        Ok((full, name.map(str::to_owned)))
    }

    /// Fetches one page. Follow [`MentionPage::newer`] until it is `None` to catch up without gaps.
    pub async fn fetch(&self, url: Url, now: DateTime<Utc>) -> Result<MentionPage, FetchError> {
        let (headers, body) = self.get(url, now).await?;
        let rate_limit = rate_limit(&headers);
        let (newest_id, entries) = parse_page(&body, &self.host)?;
        let newer = headers
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .map(parse_link_header)
            .and_then(|l| l.prev)
            .filter(|_| newest_id.is_some());
        Ok(MentionPage {
            entries,
            newest_id,
            newer,
            rate_limit,
        })
    }
}
