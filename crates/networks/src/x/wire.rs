//! X API v2's JSON, kept private, and its conversion into canonical mentions.
//!
//! Every read asks for `expansions=author_id,referenced_posts` and the user fields priority needs, so a
//! page carries its authors in `includes.users` and nothing more has to be fetched.
//!
//! The names follow X's OpenAPI description (version 2.167), which the tests check every request against:
//! `post.fields` and `referenced_posts` where older documentation says `tweet.fields` and
//! `referenced_tweets.id`. Answers are read in either spelling.

use chrono::{DateTime, Utc};
use earshot_core::canonical::{RawAuthor, RawMention};
use earshot_core::{Engagement, Facet, FacetKind, Mention};
use serde::Deserialize;

use crate::{NetworkError, Skipped};

/// What every read asks for (`post.fields`, `expansions`, `user.fields`).
pub(crate) const POST_FIELDS: &str = "conversation_id,created_at,entities,public_metrics,lang";
pub(crate) const EXPANSIONS: &str = "author_id,referenced_posts";
pub(crate) const USER_FIELDS: &str = "created_at,public_metrics,verified,verified_type,description,url";

#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    #[serde(default)]
    pub data: Vec<serde_json::Value>,
    #[serde(default)]
    pub includes: Includes,
    #[serde(default)]
    pub meta: Meta,
    /// Partial errors: a referenced post that is gone, an author that is suspended. Never fatal.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Includes {
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub tweets: Vec<serde_json::Value>,
    /// The published description calls the expanded posts `posts`; the live API says `tweets`.
    #[serde(default)]
    pub posts: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Meta {
    pub newest_id: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct User {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
    #[serde(default)]
    pub verified: bool,
    pub verified_type: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub public_metrics: Option<UserMetrics>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct UserMetrics {
    #[serde(default)]
    pub followers_count: u64,
}

#[derive(Debug, Deserialize)]
struct Post {
    id: String,
    text: String,
    author_id: Option<String>,
    created_at: Option<DateTime<Utc>>,
    conversation_id: Option<String>,
    #[serde(default, alias = "referenced_tweets")]
    referenced_posts: Vec<Reference>,
    entities: Option<Entities>,
    public_metrics: Option<PostMetrics>,
}

/// A post's counts. X's v2 API says `retweet_count`; its newer description says `repost_count`.
#[derive(Debug, Deserialize)]
struct PostMetrics {
    #[serde(default)]
    reply_count: u64,
    #[serde(default, alias = "retweet_count")]
    repost_count: u64,
    #[serde(default)]
    quote_count: u64,
}

#[derive(Debug, Deserialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Debug, Default, Deserialize)]
struct Entities {
    #[serde(default)]
    mentions: Vec<MentionEntity>,
    #[serde(default)]
    urls: Vec<UrlEntity>,
}

#[derive(Debug, Deserialize)]
struct MentionEntity {
    start: usize,
    end: usize,
    username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UrlEntity {
    start: usize,
    end: usize,
    expanded_url: Option<String>,
    url: Option<String>,
}

/// X escapes `&`, `<` and `>` in post text (and only those). Entity offsets count the unescaped text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// X's entity offsets count Unicode code points; facets are UTF-8 byte offsets.
fn byte_offset(text: &str, chars: usize) -> Option<usize> {
    if chars == text.chars().count() {
        return Some(text.len());
    }
    text.char_indices().nth(chars).map(|(i, _)| i)
}

fn facets(text: &str, entities: &Entities) -> Vec<Facet> {
    let span = |start: usize, end: usize| {
        let (s, e) = (byte_offset(text, start)?, byte_offset(text, end)?);
        (s < e).then_some((s, e))
    };
    let mut out: Vec<Facet> = entities
        .mentions
        .iter()
        .filter_map(|m| {
            let (start, end) = span(m.start, m.end)?;
            Some(Facet {
                start,
                end,
                kind: FacetKind::Mention {
                    handle: m.username.as_deref()?.to_lowercase(),
                },
            })
        })
        .chain(entities.urls.iter().filter_map(|u| {
            let (start, end) = span(u.start, u.end)?;
            let target = u.expanded_url.as_deref().or(u.url.as_deref())?;
            let uri = earshot_core::safe_link(target)?;
            Some(Facet {
                start,
                end,
                kind: FacetKind::Link { uri },
            })
        }))
        .collect();
    out.sort_by_key(|f| f.start);
    out
}

/// The public address of a post.
pub(crate) fn post_url(username: &str, id: &str) -> String {
    format!("https://x.com/{username}/status/{id}")
}

fn into_mention(value: serde_json::Value, users: &[User]) -> Result<Mention, Skipped> {
    let post: Post = serde_json::from_value(value).map_err(|e| Skipped::Malformed(format!("a post: {e}")))?;
    let author = post
        .author_id
        .as_deref()
        .and_then(|id| users.iter().find(|u| u.id == id))
        .ok_or_else(|| Skipped::Malformed(format!("post {} came without its author", post.id)))?;
    let text = unescape(&post.text);
    let facets = post
        .entities
        .as_ref()
        .map(|e| facets(&text, e))
        .unwrap_or_default();
    let reference = |kind: &str| {
        post.referenced_posts
            .iter()
            .find(|r| r.kind == kind)
            .map(|r| r.id.clone())
    };
    let raw = RawMention {
        network: Some("x".into()),
        url: Some(post_url(&author.username, &post.id)),
        author: Some(RawAuthor {
            handle: Some(author.username.clone()),
            display_name: author.name.clone(),
            followers: author.public_metrics.as_ref().map_or(0, |m| m.followers_count),
            // `verified` is the paid check mark; `verified_type` says which (blue, business, government).
            verified: author.verified || author.verified_type.as_deref().is_some_and(|t| t != "none"),
            bot: false,
            labels: Vec::new(),
            created_at: author.created_at,
            profile_url: Some(format!("https://x.com/{}", author.username)),
            verified_links: Vec::new(),
        }),
        text: Some(text),
        facets,
        created_at: post.created_at,
        mentions: post
            .entities
            .iter()
            .flat_map(|e| e.mentions.iter().filter_map(|m| m.username.clone()))
            .collect(),
        reply_to: reference("replied_to"),
        quote_of: reference("quoted"),
        conversation_root: post.conversation_id.clone().or_else(|| Some(post.id.clone())),
        remote_id: Some(post.id),
        engagement: post.public_metrics.as_ref().map(|m| Engagement {
            replies: m.reply_count,
            reposts: m.repost_count + m.quote_count,
        }),
    };
    raw.validate().map_err(|e| Skipped::Malformed(e.to_string()))
}

/// What a page of posts holds, converted.
pub(crate) struct Parsed {
    pub entries: Vec<Result<Mention, Skipped>>,
    pub newest_id: Option<String>,
    pub next_token: Option<String>,
    /// The IDs of every post and user the page returned: what X bills a read for.
    pub post_ids: Vec<String>,
    pub user_ids: Vec<String>,
}

/// A page of posts (mentions or search). Only a body that is not a page at all is an error.
pub(crate) fn parse_page(body: &str) -> Result<Parsed, NetworkError> {
    let page: Page = serde_json::from_str(body).map_err(|e| NetworkError::Malformed {
        network: "X",
        reason: format!("a page of posts: {e}"),
    })?;
    for error in &page.errors {
        tracing::debug!(%error, "X returned a partial error with the page");
    }
    let mut post_ids: Vec<String> = page
        .data
        .iter()
        .chain(&page.includes.tweets)
        .chain(&page.includes.posts)
        .filter_map(|p| p.get("id")?.as_str().map(str::to_owned))
        .collect();
    post_ids.sort();
    post_ids.dedup();
    let user_ids = page.includes.users.iter().map(|u| u.id.clone()).collect();
    let newest_id = page.meta.newest_id.clone().or_else(|| {
        post_ids_of(&page.data)
            .into_iter()
            .max_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)))
    });
    let entries = page
        .data
        .into_iter()
        .map(|p| into_mention(p, &page.includes.users))
        .collect();
    Ok(Parsed {
        entries,
        newest_id,
        next_token: page.meta.next_token,
        post_ids,
        user_ids,
    })
}

fn post_ids_of(data: &[serde_json::Value]) -> Vec<String> {
    data.iter()
        .filter_map(|p| p.get("id")?.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page() -> String {
        json!({
            "data": [{
                "id": "1850000000000000002",
                "text": "@AcmeHelp my order &amp; refund &lt;3 https://t.co/abc",
                "author_id": "42",
                "created_at": "2026-11-20T10:00:00.000Z",
                "conversation_id": "1850000000000000001",
                "referenced_posts": [{"type": "replied_to", "id": "1850000000000000001"}],
                "public_metrics": {"retweet_count": 12, "reply_count": 3, "like_count": 40, "quote_count": 2},
                "entities": {
                    "mentions": [{"start": 0, "end": 9, "username": "AcmeHelp", "id": "7"}],
                    "urls": [{"start": 31, "end": 47, "url": "https://t.co/abc",
                              "expanded_url": "https://example.com/order/1"}]
                }
            }, {
                "id": "1850000000000000003",
                "text": "no author here",
                "author_id": "99"
            }],
            "includes": {"users": [{
                "id": "42", "username": "Dana_R", "name": "Dana", "verified": true,
                "created_at": "2011-01-01T00:00:00.000Z",
                "public_metrics": {"followers_count": 1200, "following_count": 1, "tweet_count": 5, "listed_count": 0}
            }]},
            "meta": {"newest_id": "1850000000000000003", "result_count": 2, "next_token": "b26v89c19zqg8o3fo7"}
        })
        .to_string()
    }

    #[test]
    fn a_page_becomes_mentions_with_their_authors() {
        let parsed = parse_page(&page()).unwrap();
        assert_eq!(parsed.newest_id.as_deref(), Some("1850000000000000003"));
        assert_eq!(parsed.next_token.as_deref(), Some("b26v89c19zqg8o3fo7"));
        assert_eq!(parsed.user_ids, ["42"]);
        assert_eq!(parsed.post_ids.len(), 2);
        let m = parsed.entries[0].as_ref().unwrap();
        assert_eq!(m.text, "@AcmeHelp my order & refund <3 https://t.co/abc");
        assert_eq!(m.author.handle.as_str(), "dana_r");
        assert_eq!(m.author.followers, 1200);
        assert!(m.author.verified);
        assert_eq!(
            m.engagement,
            Some(Engagement {
                replies: 3,
                reposts: 14
            }),
            "reposts and quotes count together"
        );
        assert_eq!(
            m.url.as_deref(),
            Some("https://x.com/Dana_R/status/1850000000000000002")
        );
        assert_eq!(m.reply_to.as_deref(), Some("1850000000000000001"));
        assert_eq!(m.conversation_root, "1850000000000000001");
        assert_eq!(m.mentions[0].as_str(), "acmehelp");
        let link = m
            .facets
            .iter()
            .find(|f| matches!(f.kind, FacetKind::Link { .. }))
            .unwrap();
        assert_eq!(&m.text[link.start..link.end], "https://t.co/abc");
        assert_eq!(
            link.kind,
            FacetKind::Link {
                uri: "https://example.com/order/1".into()
            }
        );
        assert!(
            matches!(&parsed.entries[1], Err(Skipped::Malformed(why)) if why.contains("without its author")),
            "a post whose author is missing is skipped with a reason, and the rest are kept"
        );
    }

    #[test]
    fn a_body_that_is_not_a_page_is_an_error() {
        assert!(parse_page("<html>").is_err());
        let empty = parse_page(r#"{"meta":{"result_count":0}}"#).unwrap();
        assert!(empty.entries.is_empty() && empty.newest_id.is_none());
    }

    #[test]
    fn offsets_count_code_points() {
        let text = "héllo @a";
        assert_eq!(byte_offset(text, 6), Some(7));
        assert_eq!(byte_offset(text, 8), Some(text.len()));
        assert_eq!(byte_offset(text, 20), None);
    }
}
