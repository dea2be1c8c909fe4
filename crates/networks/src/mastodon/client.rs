//! Reading one account's mentions from its Mastodon server.

use chrono::{DateTime, Utc};
use earshot_core::Mention;
use reqwest::header::{HeaderMap, AUTHORIZATION, LINK};
use reqwest::StatusCode;
use url::Url;

use super::link::parse_link_header;
use super::wire::{mention_from_status, parent_id, parse_page};
use crate::{FetchError, NetworkError, RateLimit, Skipped};

const NETWORK: &str = "Mastodon";

/// One page of new mentions.
#[derive(Debug)]
pub struct MentionPage {
    pub entries: Vec<Result<Mention, Skipped>>,
    /// For each entry, in the same order: the server-local ID of the status it replies to, if any.
    pub parents: Vec<Option<String>>,
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
pub(super) fn error_text(body: &str, status: u16) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("error")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("HTTP {status}"))
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

    pub(super) fn base(&self) -> &Url {
        &self.base
    }

    /// `host` or `host:port` of the server: completes local account names.
    pub(super) fn host(&self) -> &str {
        &self.host
    }

    pub(super) fn token(&self) -> &str {
        &self.token
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
    pub(super) async fn get(&self, url: Url, now: DateTime<Utc>) -> Result<(HeaderMap, String), FetchError> {
        self.send(self.http.get(url), now).await
    }

    /// Sends an authorised request and sorts out the answer.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        now: DateTime<Utc>,
    ) -> Result<(HeaderMap, String), FetchError> {
        let response = request
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .send()
            .await
            .map_err(|e| FetchError::Unreachable {
                network: NETWORK,
                reason: e.without_url().to_string(),
            })?;
        let status = response.status();
        tracing::debug!(target: crate::HTTP_LOG, network = NETWORK, path = response.url().path(),
            status = status.as_u16(), "request");
        let headers = response.headers().clone();
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                let body = response.text().await.unwrap_or_default();
                let reason = error_text(&body, status.as_u16());
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
                    reason: error_text(&body, s.as_u16()),
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
        let (newest_id, parsed) = parse_page(&body, &self.host)?;
        let (entries, parents) = parsed.into_iter().unzip();
        let newer = headers
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .map(parse_link_header)
            .and_then(|l| l.prev)
            .filter(|_| newest_id.is_some());
        Ok(MentionPage {
            entries,
            parents,
            newest_id,
            newer,
            rate_limit,
        })
    }
}

/// The statuses one keyword search found, newer than the cursor.
#[derive(Debug)]
pub struct SearchPage {
    pub entries: Vec<Result<Mention, Skipped>>,
    /// For each entry, in the same order: the server-local ID of the status it replies to, if any.
    pub parents: Vec<Option<String>>,
    /// The newest status ID found: the cursor for the next search. `None` when nothing was found.
    pub newest_id: Option<String>,
    pub rate_limit: Option<RateLimit>,
}

impl MastodonClient {
    /// Searches statuses for a brand keyword (`/api/v2/search`, `type=statuses`), newer than `since` (the
    /// newest status ID a previous search found). A server without full-text search finds only hashtags
    /// and posts its users interacted with; that is the server's choice, not an error.
    pub async fn search_statuses(
        &self,
        keyword: &str,
        since: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SearchPage, FetchError> {
        let mut url = self.endpoint("/api/v2/search");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("q", keyword)
                .append_pair("type", "statuses")
                .append_pair("resolve", "false")
                .append_pair("limit", "40");
            if let Some(id) = since {
                q.append_pair("min_id", id);
            }
        }
        let (headers, body) = self.get(url, now).await?;
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| NetworkError::Malformed {
            network: NETWORK,
            reason: format!("search: {e}"),
        })?;
        let statuses = match value.get("statuses") {
            Some(serde_json::Value::Array(list)) => list.clone(),
            _ => {
                return Err(FetchError::Malformed(NetworkError::Malformed {
                    network: NETWORK,
                    reason: "search: no list of statuses".into(),
                }))
            }
        };
        let newest_id = statuses
            .iter()
            .filter_map(|v| v.get("id")?.as_str().map(str::to_owned))
            .max_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        let (entries, parents) = statuses
            .into_iter()
            .map(|v| {
                let parent = parent_id(Some(&v));
                (mention_from_status(v, &self.host), parent)
            })
            .unzip();
        Ok(SearchPage {
            entries,
            parents,
            newest_id,
            rate_limit: rate_limit(&headers),
        })
    }
}

/// A status Earshot wrote or acted on, by its server-local ID, its URI and its public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
}

/// Who can see a status Earshot posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    /// Only the people it mentions: Mastodon's direct message.
    Direct,
}

fn posted(body: &str, what: &str) -> Result<Posted, FetchError> {
    #[derive(serde::Deserialize)]
    struct Status {
        id: String,
        uri: String,
        url: Option<String>,
    }
    let s: Status = serde_json::from_str(body).map_err(|e| NetworkError::Malformed {
        network: NETWORK,
        reason: format!("{what}: {e}"),
    })?;
    Ok(Posted {
        id: s.id,
        uri: s.uri,
        url: s.url,
    })
}

impl MastodonClient {
    pub(super) fn endpoint(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// Finds a status by its URI on our own server (fetching it from its home server if needed), so it can
    /// be replied to, boosted or favourited. `None` when the server cannot find it.
    pub async fn resolve_status(&self, uri: &str, now: DateTime<Utc>) -> Result<Option<Posted>, FetchError> {
        let mut url = self.endpoint("/api/v2/search");
        url.query_pairs_mut()
            .append_pair("q", uri)
            .append_pair("resolve", "true")
            .append_pair("type", "statuses")
            .append_pair("limit", "1");
        let (_, body) = self.get(url, now).await?;
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| NetworkError::Malformed {
            network: NETWORK,
            reason: format!("search: {e}"),
        })?;
        match value
            .get("statuses")
            .and_then(|s| s.as_array())
            .and_then(|s| s.first())
        {
            Some(status) => posted(&status.to_string(), "search").map(Some),
            None => Ok(None),
        }
    }

    /// The URI of a status by its server-local ID (to link a reply to its parent). `None` when the server
    /// no longer has it or will not show it.
    pub async fn status_uri(&self, local_id: &str, now: DateTime<Utc>) -> Result<Option<String>, FetchError> {
        let path = format!("/api/v1/statuses/{}", urlencode(local_id));
        match self.get(self.endpoint(&path), now).await {
            Ok((_, body)) => Ok(posted(&body, "status").ok().map(|p| p.uri)),
            Err(FetchError::Rejected {
                status: 404 | 410, ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Posts a status. `idempotency_key` is sent as the `Idempotency-Key` header: the server answers a
    /// repeat of the same key with the status it already made, so a retry cannot post twice.
    pub async fn post_status(
        &self,
        text: &str,
        in_reply_to_id: Option<&str>,
        visibility: Visibility,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Posted, FetchError> {
        let body = serde_json::json!({
            "status": text,
            "visibility": match visibility {
                Visibility::Public => "public",
                Visibility::Direct => "direct",
            },
            "in_reply_to_id": in_reply_to_id,
        });
        let request = self
            .http
            .post(self.endpoint("/api/v1/statuses"))
            .header("Idempotency-Key", idempotency_key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let (_, body) = self.send(request, now).await?;
        posted(&body, "post a status")
    }

    /// Boosts (`reblog`) or favourites (`favourite`) a status by its local ID. Doing either twice is
    /// harmless: the server keeps one.
    pub async fn react(
        &self,
        local_id: &str,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<Posted, FetchError> {
        let path = format!("/api/v1/statuses/{}/{action}", urlencode(local_id));
        let (_, body) = self.send(self.http.post(self.endpoint(&path)), now).await?;
        posted(&body, action)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
