//! Reading an X account's mentions and brand searches, and posting replies, reposts, likes and direct
//! messages (X API v2).

use chrono::{DateTime, TimeZone, Utc};
use earshot_core::Mention;
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::Deserialize;
use url::Url;

use super::wire::{self, parse_page, EXPANSIONS, POST_FIELDS, USER_FIELDS};
use crate::{FetchError, NetworkError, RateLimit, Skipped};

const NETWORK: &str = "X";

/// The X API's address.
pub const API_BASE: &str = "https://api.x.com/";

/// Posts per page: the most X gives.
const PAGE_SIZE: &str = "100";

/// One page of posts, newest first, as X returns them.
#[derive(Debug)]
pub struct PostPage {
    pub entries: Vec<Result<Mention, Skipped>>,
    /// The newest post ID on the page. `None` on an empty page.
    pub newest_id: Option<String>,
    /// The token for the next (older) page, if there is one.
    pub next_token: Option<String>,
    pub rate_limit: Option<RateLimit>,
    /// Every post and user the answer carried: what X bills the read for.
    pub billed_posts: Vec<String>,
    pub billed_users: Vec<String>,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XUser {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
}

/// A post or direct message Earshot created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: String,
    pub url: Option<String>,
}

/// One of our own recent posts, to find a reply that landed but whose answer was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPost {
    pub id: String,
    pub text: String,
    pub in_reply_to: Option<String>,
}

/// A signed-in view of one X account.
pub struct XClient {
    http: reqwest::Client,
    base: Url,
    token: String,
}

fn header_u32(headers: &HeaderMap, name: &str) -> Option<u32> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// X's `x-rate-limit-*` headers; the reset is in seconds since the epoch.
pub(crate) fn rate_limit(headers: &HeaderMap) -> Option<RateLimit> {
    let reset = headers
        .get("x-rate-limit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|secs| Utc.timestamp_opt(secs, 0).single());
    let limit = header_u32(headers, "x-rate-limit-limit");
    let remaining = header_u32(headers, "x-rate-limit-remaining");
    (limit.is_some() || remaining.is_some() || reset.is_some()).then_some(RateLimit {
        limit,
        remaining,
        reset,
    })
}

/// What an error answer says, in X's words: a problem (`application/problem+json`: `detail`, else `title`),
/// the older `{"errors": [{"message"}]}`, or `{"code", "message"}`. Anything else is summed up by its status.
pub(crate) fn error_text(body: &str, status: u16) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return format!("HTTP {status}");
    };
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .and_then(|t| t.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    text(&value, "detail")
        .or_else(|| text(&value, "title"))
        .or_else(|| text(&value, "message"))
        .or_else(|| {
            let first = value.get("errors")?.as_array()?.first()?;
            text(first, "detail").or_else(|| text(first, "message"))
        })
        .or_else(|| text(&value, "error_description"))
        .unwrap_or_else(|| format!("HTTP {status}"))
}

fn malformed(what: &str, e: impl std::fmt::Display) -> FetchError {
    FetchError::Malformed(NetworkError::Malformed {
        network: NETWORK,
        reason: format!("{what}: {e}"),
    })
}

impl XClient {
    /// `base` is the API's address ([`API_BASE`]). The token never leaves this struct except in the
    /// `Authorization` header, and is never printed.
    pub fn new(http: reqwest::Client, base: Url, token: String) -> Self {
        Self { http, base, token }
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    /// Sends an authorised request and sorts out the answer: the body on success, or what went wrong.
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
        let body = response.text().await.map_err(|e| FetchError::Unreachable {
            network: NETWORK,
            reason: e.without_url().to_string(),
        })?;
        match status {
            StatusCode::UNAUTHORIZED => Err(FetchError::Unauthorized {
                network: NETWORK,
                reason: error_text(&body, 401),
            }),
            StatusCode::TOO_MANY_REQUESTS => {
                let until = rate_limit(&headers)
                    .and_then(|r| r.reset)
                    .filter(|t| *t > now)
                    .unwrap_or(now + chrono::Duration::minutes(15));
                Err(FetchError::RateLimited {
                    network: NETWORK,
                    until,
                })
            }
            StatusCode::PAYMENT_REQUIRED => Err(FetchError::Rejected {
                network: NETWORK,
                status: 402,
                reason: format!(
                    "the developer account has no X API credits left ({}). Add credits in the X Developer Console",
                    error_text(&body, 402)
                ),
            }),
            s if s.is_server_error() => Err(FetchError::Server {
                network: NETWORK,
                status: s.as_u16(),
            }),
            s if !s.is_success() => Err(FetchError::Rejected {
                network: NETWORK,
                status: s.as_u16(),
                reason: error_text(&body, s.as_u16()),
            }),
            _ => Ok((headers, body)),
        }
    }

    async fn get(&self, url: Url, now: DateTime<Utc>) -> Result<(HeaderMap, String), FetchError> {
        self.send(self.http.get(url), now).await
    }

    async fn post_json(
        &self,
        path: &str,
        body: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<serde_json::Value, FetchError> {
        let (_, text) = self
            .send(
                self.http
                    .post(self.url(path))
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_string()),
                now,
            )
            .await?;
        serde_json::from_str(&text).map_err(|e| malformed(path, e))
    }

    /// Who the token belongs to (`GET /2/users/me`).
    pub async fn me(&self, now: DateTime<Utc>) -> Result<XUser, FetchError> {
        let mut url = self.url("2/users/me");
        url.query_pairs_mut().append_pair("user.fields", "username,name");
        let (_, body) = self.get(url, now).await?;
        #[derive(Deserialize)]
        struct Me {
            data: wire::User,
        }
        let me: Me = serde_json::from_str(&body).map_err(|e| malformed("users/me", e))?;
        Ok(XUser {
            id: me.data.id,
            username: me.data.username,
            name: me.data.name.filter(|n| !n.trim().is_empty()),
        })
    }

    fn read_url(&self, path: &str, extra: &[(&str, &str)]) -> Url {
        let mut url = self.url(path);
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in extra {
                q.append_pair(k, v);
            }
            q.append_pair("max_results", PAGE_SIZE);
            q.append_pair("post.fields", POST_FIELDS);
            q.append_pair("expansions", EXPANSIONS);
            q.append_pair("user.fields", USER_FIELDS);
        }
        url
    }

    async fn page(&self, url: Url, now: DateTime<Utc>) -> Result<PostPage, FetchError> {
        let (headers, body) = self.get(url, now).await?;
        let parsed = parse_page(&body)?;
        Ok(PostPage {
            entries: parsed.entries,
            newest_id: parsed.newest_id,
            next_token: parsed.next_token,
            rate_limit: rate_limit(&headers),
            billed_posts: parsed.post_ids,
            billed_users: parsed.user_ids,
        })
    }

    /// A page of the posts that mention `user_id` (`GET /2/users/{id}/mentions`), newer than `since_id`
    /// and older than `until_id`, newest first. Follow [`PostPage::next_token`] for older pages.
    pub async fn mentions(
        &self,
        user_id: &str,
        since_id: Option<&str>,
        until_id: Option<&str>,
        pagination_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PostPage, FetchError> {
        let mut extra = Vec::new();
        if let Some(id) = since_id {
            extra.push(("since_id", id));
        }
        if let Some(id) = until_id {
            extra.push(("until_id", id));
        }
        if let Some(token) = pagination_token {
            extra.push(("pagination_token", token));
        }
        let path = format!("2/users/{user_id}/mentions");
        self.page(self.read_url(&path, &extra), now).await
    }

    /// A page of the last week's posts that match `query` (`GET /2/tweets/search/recent`), newest first.
    pub async fn search_recent(
        &self,
        query: &str,
        since_id: Option<&str>,
        until_id: Option<&str>,
        next_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<PostPage, FetchError> {
        let mut extra = vec![("query", query)];
        if let Some(id) = since_id {
            extra.push(("since_id", id));
        }
        if let Some(id) = until_id {
            extra.push(("until_id", id));
        }
        if let Some(token) = next_token {
            extra.push(("next_token", token));
        }
        self.page(self.read_url("2/tweets/search/recent", &extra), now)
            .await
    }

    /// Posts `text`, as a reply to `in_reply_to` when given (`POST /2/tweets`).
    pub async fn create_post(
        &self,
        text: &str,
        in_reply_to: Option<&str>,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<Created, FetchError> {
        let mut body = serde_json::json!({ "text": text });
        if let Some(parent) = in_reply_to {
            body["reply"] = serde_json::json!({ "in_reply_to_tweet_id": parent });
        }
        let answer = self.post_json("2/tweets", body, now).await?;
        let id = answer["data"]["id"]
            .as_str()
            .ok_or_else(|| malformed("tweets", "the answer has no post ID"))?;
        Ok(Created {
            id: id.to_owned(),
            url: Some(wire::post_url(username, id)),
        })
    }

    /// Reposts (`POST /2/users/{id}/retweets`) or likes (`POST /2/users/{id}/likes`) a post. Doing either
    /// twice is harmless: X answers that it is already done.
    pub async fn react(
        &self,
        user_id: &str,
        post_id: &str,
        repost: bool,
        now: DateTime<Utc>,
    ) -> Result<(), FetchError> {
        let (path, flag) = if repost {
            (format!("2/users/{user_id}/retweets"), "retweeted")
        } else {
            (format!("2/users/{user_id}/likes"), "liked")
        };
        let answer = self
            .post_json(&path, serde_json::json!({ "tweet_id": post_id }), now)
            .await?;
        match answer["data"][flag].as_bool() {
            Some(true) => Ok(()),
            Some(false) => Err(FetchError::Rejected {
                network: NETWORK,
                status: 200,
                reason: format!("X did not record the {}", if repost { "repost" } else { "like" }),
            }),
            None => Err(malformed(
                &path,
                format!("the answer does not say whether it was {flag}"),
            )),
        }
    }

    /// Sends a direct message to one user (`POST /2/dm_conversations/with/{participant_id}/messages`).
    pub async fn send_dm(
        &self,
        participant_id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Created, FetchError> {
        let path = format!("2/dm_conversations/with/{participant_id}/messages");
        let answer = self
            .post_json(&path, serde_json::json!({ "text": text }), now)
            .await?;
        let id = answer["data"]["dm_event_id"]
            .as_str()
            .ok_or_else(|| malformed("dm_conversations", "the answer has no message ID"))?;
        Ok(Created {
            id: id.to_owned(),
            url: None,
        })
    }

    /// Our own newest posts (`GET /2/users/{id}/tweets`): where a reply whose answer was lost would be.
    pub async fn own_posts(&self, user_id: &str, now: DateTime<Utc>) -> Result<Vec<OwnPost>, FetchError> {
        let mut url = self.url(&format!("2/users/{user_id}/tweets"));
        url.query_pairs_mut()
            .append_pair("max_results", "20")
            .append_pair("expansions", "referenced_posts");
        let (_, body) = self.get(url, now).await?;
        #[derive(Deserialize)]
        struct Reference {
            #[serde(rename = "type")]
            kind: String,
            id: String,
        }
        #[derive(Deserialize)]
        struct Post {
            id: String,
            text: String,
            #[serde(default, alias = "referenced_tweets")]
            referenced_posts: Vec<Reference>,
        }
        #[derive(Deserialize)]
        struct Posts {
            #[serde(default)]
            data: Vec<Post>,
        }
        let posts: Posts = serde_json::from_str(&body).map_err(|e| malformed("users/tweets", e))?;
        Ok(posts
            .data
            .into_iter()
            .map(|p| OwnPost {
                in_reply_to: p
                    .referenced_posts
                    .into_iter()
                    .find(|r| r.kind == "replied_to")
                    .map(|r| r.id),
                text: p
                    .text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"),
                id: p.id,
            })
            .collect())
    }

    /// The newest messages of our direct conversation with one user
    /// (`GET /2/dm_conversations/with/{participant_id}/dm_events`), as (ID, text).
    pub async fn dm_events(
        &self,
        participant_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, FetchError> {
        let mut url = self.url(&format!("2/dm_conversations/with/{participant_id}/dm_events"));
        url.query_pairs_mut()
            .append_pair("max_results", "20")
            .append_pair("dm_event.fields", "id,text,event_type");
        let (_, body) = self.get(url, now).await?;
        #[derive(Deserialize)]
        struct Event {
            id: String,
            #[serde(default)]
            text: String,
        }
        #[derive(Deserialize)]
        struct Events {
            #[serde(default)]
            data: Vec<Event>,
        }
        let events: Events = serde_json::from_str(&body).map_err(|e| malformed("dm_events", e))?;
        Ok(events.data.into_iter().map(|e| (e.id, e.text)).collect())
    }

    /// The user ID of a username (`GET /2/users/by/username/{username}`), to address a direct message.
    pub async fn user_id(&self, username: &str, now: DateTime<Utc>) -> Result<Option<String>, FetchError> {
        let url = self.url(&format!("2/users/by/username/{username}"));
        match self.get(url, now).await {
            Ok((_, body)) => {
                let value: serde_json::Value =
                    serde_json::from_str(&body).map_err(|e| malformed("users/by/username", e))?;
                Ok(value["data"]["id"].as_str().map(str::to_owned))
            }
            Err(FetchError::Rejected { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_come_from_problems_and_both_older_shapes() {
        let problem = r#"{"type":"https://api.x.com/2/problems/invalid-request","title":"Invalid Request",
            "detail":"One or more parameters to your request was invalid.","status":400}"#;
        assert_eq!(
            error_text(problem, 400),
            "One or more parameters to your request was invalid."
        );
        assert_eq!(
            error_text(r#"{"code":187,"message":"Status is a duplicate."}"#, 403),
            "Status is a duplicate."
        );
        assert_eq!(
            error_text(
                r#"{"errors":[{"message":"You are not allowed to create a Tweet with duplicate content."}]}"#,
                403
            ),
            "You are not allowed to create a Tweet with duplicate content."
        );
        assert_eq!(error_text("<html>", 502), "HTTP 502");
    }

    #[test]
    fn the_reset_header_is_seconds_since_the_epoch() {
        let mut headers = HeaderMap::new();
        headers.insert("x-rate-limit-limit", "450".parse().unwrap());
        headers.insert("x-rate-limit-remaining", "0".parse().unwrap());
        headers.insert("x-rate-limit-reset", "1795000000".parse().unwrap());
        let limit = rate_limit(&headers).unwrap();
        assert_eq!(limit.remaining, Some(0));
        assert_eq!(limit.reset, Utc.timestamp_opt(1_795_000_000, 0).single());
        assert!(limit.nearly_spent());
    }
}
