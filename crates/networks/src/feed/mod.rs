//! Listening sources on the open web: RSS 2.0, RSS 1.0 (RDF) and Atom feeds of forums, blogs, review sites
//! and Google Alerts, read with feed-rs.
//!
//! Each fetch is a conditional GET (`If-None-Match`, `If-Modified-Since`), so an unchanged feed costs the
//! site a 304 and nothing else. `429` and `503` with `Retry-After` say when to come back. Every entry is
//! converted on its own: one that cannot be read is reported and the rest are kept, and a feed cut off
//! part-way keeps its complete entries.

mod decode;
mod entry;

use chrono::{DateTime, Duration, Utc};
use earshot_core::{Account, Mention};
use reqwest::header::{
    HeaderMap, ACCEPT, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::{FetchError, HttpClient, Skipped};

const NETWORK: &str = "Web";
/// A feed larger than this is refused rather than read into memory: real feeds are well under 1 MB.
const MAX_FEED_BYTES: usize = 10 * 1024 * 1024;
/// How long to stay away after a 429 that does not say.
const DEFAULT_BACK_OFF: Duration = Duration::minutes(15);
/// The longest a `Retry-After` is taken at its word, so a mistaken header cannot silence a source for good.
const MAX_BACK_OFF: Duration = Duration::days(7);
const ACCEPTED: &str = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, \
                        application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1";

/// What the server said the feed's version is, to send back on the next fetch. Opaque to everyone else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// One feed as read.
#[derive(Debug)]
pub struct FeedPage {
    /// The feed's own title, as plain text.
    pub title: Option<String>,
    /// Each entry in document order, or why it was skipped.
    pub entries: Vec<Result<Mention, Skipped>>,
    /// To send on the next fetch. Empty when the feed was cut off, so the next fetch reads it whole again.
    pub validators: Validators,
    /// What was wrong with the feed as a whole, in words (say, it broke off after its third entry).
    pub problems: Vec<String>,
}

/// The answer to a conditional GET.
#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing has changed since the validators were given.
    NotModified,
    Feed(FeedPage),
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)?
        .to_str()
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `Retry-After` as seconds or an HTTP date, at most [`MAX_BACK_OFF`] away.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = header(headers, RETRY_AFTER)?;
    let until = match value.parse::<i64>() {
        Ok(seconds) => now + Duration::seconds(seconds.clamp(0, MAX_BACK_OFF.num_seconds())),
        Err(_) => DateTime::parse_from_rfc2822(&value).ok()?.with_timezone(&Utc),
    };
    Some(until.clamp(now, now + MAX_BACK_OFF))
}

/// Fetches the feed at `url` unless it is unchanged since `validators`, and converts its entries into
/// mentions belonging to the listening source `source`. `now` dates entries that give no date.
pub async fn fetch(
    http: &HttpClient,
    url: &Url,
    validators: &Validators,
    source: &Account,
    now: DateTime<Utc>,
) -> Result<Fetched, FetchError> {
    let mut request = http.get(url.clone()).header(ACCEPT, ACCEPTED);
    if let Some(etag) = &validators.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(since) = &validators.last_modified {
        request = request.header(IF_MODIFIED_SINCE, since);
    }
    let mut response = request.send().await.map_err(|e| FetchError::Unreachable {
        network: NETWORK,
        reason: e.without_url().to_string(),
    })?;
    let status = response.status();
    tracing::debug!(target: crate::HTTP_LOG, network = NETWORK, host = url.host_str().unwrap_or_default(),
        path = url.path(), status = status.as_u16(), "request");
    let headers = response.headers().clone();
    match status {
        StatusCode::NOT_MODIFIED => return Ok(Fetched::NotModified),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            let until = retry_after(&headers, now);
            return match (status, until) {
                (StatusCode::SERVICE_UNAVAILABLE, None) => Err(FetchError::Server {
                    network: NETWORK,
                    status: status.as_u16(),
                }),
                (_, until) => Err(FetchError::RateLimited {
                    network: NETWORK,
                    until: until.unwrap_or(now + DEFAULT_BACK_OFF),
                }),
            };
        }
        s if s.is_server_error() => {
            return Err(FetchError::Server {
                network: NETWORK,
                status: s.as_u16(),
            })
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(FetchError::Rejected {
                network: NETWORK,
                status: status.as_u16(),
                reason: format!(
                    "the site answered {} (the feed is private or needs a sign-in); Earshot reads only public feeds",
                    status.as_u16()
                ),
            })
        }
        StatusCode::NOT_FOUND | StatusCode::GONE => {
            return Err(FetchError::Rejected {
                network: NETWORK,
                status: status.as_u16(),
                reason: format!(
                    "there is no feed at this address (the site answered {}); check the address",
                    status.as_u16()
                ),
            })
        }
        s if !s.is_success() => {
            return Err(FetchError::Rejected {
                network: NETWORK,
                status: s.as_u16(),
                reason: format!("the site answered {}", s.as_u16()),
            })
        }
        _ => {}
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| FetchError::Unreachable {
        network: NETWORK,
        reason: e.without_url().to_string(),
    })? {
        if body.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(FetchError::NotAFeed {
                reason: format!("it is larger than {} MB", MAX_FEED_BYTES / 1024 / 1024),
            });
        }
        body.extend_from_slice(&chunk);
    }
    // Relative addresses resolve against where the feed really is, after any redirect.
    let fetched_from = response.url().clone();
    let mut page = read(
        &body,
        header(&headers, CONTENT_TYPE).as_deref(),
        &fetched_from,
        source,
        now,
    )?;
    if page.problems.is_empty() {
        page.validators = Validators {
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
        };
    }
    Ok(Fetched::Feed(page))
}

/// Reads a feed's bytes (as served with `content_type`, from `fetched_from`) into mentions belonging to
/// `source`. A document that is not a feed at all is an error; a feed that breaks off part-way keeps the
/// entries before the break and says so in `problems`.
pub fn read(
    bytes: &[u8],
    content_type: Option<&str>,
    fetched_from: &Url,
    source: &Account,
    now: DateTime<Utc>,
) -> Result<FeedPage, FetchError> {
    let (text, encoding) = decode::to_utf8(bytes, content_type);
    tracing::debug!(encoding = encoding.name(), "decoded a feed");
    let mut problems = Vec::new();
    let feed = match parse(&text) {
        Ok(feed) => feed,
        Err(first) => {
            let rescued = decode::rescue(&text)
                .and_then(|r| parse(&r.text).ok().map(|feed| (feed, r.complete_entries)));
            let Some((feed, complete)) = rescued else {
                return Err(FetchError::NotAFeed { reason: first });
            };
            problems.push(format!(
                "The feed breaks off or is malformed after its first {complete} complete entr{} ({first}); \
                 those were kept.",
                if complete == 1 { "y" } else { "ies" }
            ));
            feed
        }
    };
    let base = entry::feed_page(&feed, fetched_from);
    let context = entry::FeedContext {
        base: &base,
        source,
        fetched_at: now,
        authors: &feed.authors,
    };
    let entries = feed
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| entry::mention(e, i + 1, &context))
        .collect();
    let title = feed
        .title
        .as_ref()
        .map(|t| crate::html::plain_text(&t.content))
        .filter(|t| !t.is_empty());
    Ok(FeedPage {
        title,
        entries,
        validators: Validators::default(),
        problems,
    })
}

/// feed-rs with no made-up IDs: an entry without a GUID or id gets an empty one, so it is keyed by its link.
fn parse(text: &str) -> Result<feed_rs::model::Feed, String> {
    feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(text.as_bytes())
        .map_err(|e| match e {
            feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => {
                "it is not an RSS or Atom feed".to_owned()
            }
            other => other.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn now() -> DateTime<Utc> {
        "2026-11-28T12:00:00Z".parse().unwrap()
    }

    fn headers(retry: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(retry).unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_within_bounds() {
        assert_eq!(
            retry_after(&headers("120"), now()),
            Some(now() + Duration::seconds(120))
        );
        assert_eq!(
            retry_after(&headers("Sat, 28 Nov 2026 13:30:00 GMT"), now()),
            Some("2026-11-28T13:30:00Z".parse().unwrap()),
            "an HTTP date"
        );
        assert_eq!(
            retry_after(&headers("Sat, 28 Nov 2026 11:00:00 GMT"), now()),
            Some(now()),
            "a date in the past means now"
        );
        assert_eq!(
            retry_after(&headers("99999999999"), now()),
            Some(now() + MAX_BACK_OFF),
            "a huge wait is capped"
        );
        assert_eq!(retry_after(&headers("soon"), now()), None, "nonsense is ignored");
    }

    #[test]
    fn validators_serialise_compactly_and_read_back() {
        let v = Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        };
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"etag":"\"abc\""}"#);
        assert_eq!(serde_json::from_str::<Validators>(&json).unwrap(), v);
        assert_eq!(
            serde_json::from_str::<Validators>("{}").unwrap(),
            Validators::default()
        );
    }
}
