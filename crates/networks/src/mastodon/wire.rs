//! Mastodon's JSON, kept private, and its conversion into canonical mentions.

use chrono::{DateTime, Utc};
use earshot_core::canonical::{RawAuthor, RawMention};
use earshot_core::{Engagement, Facet, Mention};
use serde::Deserialize;

use crate::html::status_text;
use crate::{NetworkError, Skipped};

#[derive(Debug, Deserialize)]
struct Notification {
    #[serde(rename = "type")]
    kind: String,
    status: Option<Status>,
}

#[derive(Debug, Deserialize)]
struct Account {
    acct: String,
    display_name: Option<String>,
    created_at: Option<DateTime<Utc>>,
    url: Option<String>,
    followers_count: Option<u64>,
    #[serde(default)]
    bot: bool,
    #[serde(default)]
    fields: Vec<Field>,
}

/// A profile field. `verified_at` is set when the server confirmed that the linked page links back
/// (`rel="me"`): Mastodon's only verification.
#[derive(Debug, Deserialize)]
struct Field {
    /// HTML: a link, for a field that holds one.
    #[serde(default)]
    value: String,
    verified_at: Option<DateTime<Utc>>,
}

impl Field {
    /// The address a field links to: its first `href`.
    fn link(&self) -> Option<String> {
        let start = self.value.find("href=\"")? + "href=\"".len();
        let end = self.value[start..].find('"')? + start;
        Some(self.value[start..end].replace("&amp;", "&"))
    }
}

#[derive(Debug, Deserialize)]
struct StatusMention {
    acct: String,
    url: String,
}

#[derive(Debug, Deserialize)]
struct Quote {
    quoted_status: Option<Box<Status>>,
}

#[derive(Debug, Deserialize)]
struct Status {
    uri: String,
    url: Option<String>,
    created_at: DateTime<Utc>,
    account: Account,
    content: String,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    mentions: Vec<StatusMention>,
    quote: Option<Quote>,
    replies_count: Option<u64>,
    reblogs_count: Option<u64>,
}

/// `user` on our own server is `user@server` everywhere else; Earshot always keeps the full form.
fn full_acct(acct: &str, server_host: &str) -> String {
    if acct.contains('@') {
        acct.to_owned()
    } else {
        format!("{acct}@{server_host}")
    }
}

impl Status {
    fn into_mention(self, server_host: &str) -> Result<Mention, Skipped> {
        let mentioned: Vec<(String, String)> = self
            .mentions
            .iter()
            .map(|m| (m.url.clone(), full_acct(&m.acct, server_host)))
            .collect();
        let (mut text, mut facets) = status_text(&self.content, &mentioned);
        if !self.spoiler_text.trim().is_empty() {
            // A content warning comes first, as Mastodon shows it; the facets move with the text.
            let prefix = format!("CW: {}\n\n", self.spoiler_text.trim());
            facets = facets
                .into_iter()
                .map(|f| Facet {
                    start: f.start + prefix.len(),
                    end: f.end + prefix.len(),
                    kind: f.kind,
                })
                .collect();
            text = prefix + &text;
        }
        let raw = RawMention {
            network: Some("mastodon".into()),
            // The status URI is the same on every server, so two of our handles on different servers see
            // one item. (A status's numeric ID is only unique on one server.)
            remote_id: Some(self.uri),
            url: self.url,
            author: Some(RawAuthor {
                handle: Some(full_acct(&self.account.acct, server_host)),
                display_name: self.account.display_name,
                followers: self.account.followers_count.unwrap_or(0),
                verified: self.account.fields.iter().any(|f| f.verified_at.is_some()),
                verified_links: self
                    .account
                    .fields
                    .iter()
                    .filter(|f| f.verified_at.is_some())
                    .filter_map(Field::link)
                    .collect(),
                bot: self.account.bot,
                labels: Vec::new(),
                created_at: self.account.created_at,
                profile_url: self.account.url,
            }),
            text: Some(text),
            facets,
            created_at: Some(self.created_at),
            mentions: mentioned.into_iter().map(|(_, acct)| acct).collect(),
            // Mastodon names the parent only by its server-local ID; the connector resolves it to a URI.
            reply_to: None,
            quote_of: self.quote.and_then(|q| q.quoted_status).map(|s| s.uri),
            conversation_root: None,
            engagement: match (self.replies_count, self.reblogs_count) {
                (None, None) => None,
                (replies, reblogs) => Some(Engagement {
                    replies: replies.unwrap_or(0),
                    reposts: reblogs.unwrap_or(0),
                }),
            },
        };
        raw.validate().map_err(|e| Skipped::Malformed(e.to_string()))
    }
}

/// One notification (as JSON) into a mention, if it is one. `server_host` is our account's server, which
/// completes local account names.
pub fn mention_from_notification(value: serde_json::Value, server_host: &str) -> Result<Mention, Skipped> {
    let notification: Notification =
        serde_json::from_value(value).map_err(|e| Skipped::Malformed(e.to_string()))?;
    match (notification.kind.as_str(), notification.status) {
        ("mention" | "quote", Some(status)) => status.into_mention(server_host),
        ("mention" | "quote", None) => Err(Skipped::Malformed("a mention without its status".into())),
        (other, _) => Err(Skipped::NotAMention(other.to_owned())),
    }
}

/// A status (as JSON, from search or a timeline) into a mention.
pub fn mention_from_status(value: serde_json::Value, server_host: &str) -> Result<Mention, Skipped> {
    let status: Status = serde_json::from_value(value).map_err(|e| Skipped::Malformed(e.to_string()))?;
    status.into_mention(server_host)
}

/// A page of `/api/v1/notifications`: each entry becomes a mention or says why it was skipped. Only a body
/// that is not a JSON array at all is an error.
pub fn mentions_from_notifications(
    body: &str,
    server_host: &str,
) -> Result<Vec<Result<Mention, Skipped>>, NetworkError> {
    Ok(parse_page(body, server_host)?
        .1
        .into_iter()
        .map(|(m, _)| m)
        .collect())
}

/// A page's newest notification ID (the cursor), and each entry's mention or why it was skipped, with the
/// server-local ID of the status it replies to, if any.
pub(crate) type ParsedPage = (Option<String>, Vec<(Result<Mention, Skipped>, Option<String>)>);

/// The server-local ID of the status that `status` (JSON) replies to. Mastodon names a parent only this way;
/// the caller resolves it to a URI.
pub(crate) fn parent_id(status: Option<&serde_json::Value>) -> Option<String> {
    status?.get("in_reply_to_id")?.as_str().map(str::to_owned)
}

/// Like [`mentions_from_notifications`], and also the newest notification ID on the page (the cursor).
pub(crate) fn parse_page(body: &str, server_host: &str) -> Result<ParsedPage, NetworkError> {
    let values: Vec<serde_json::Value> = serde_json::from_str(body).map_err(|e| NetworkError::Malformed {
        network: "Mastodon",
        reason: format!("notifications: {e}"),
    })?;
    // Mastodon IDs are decimal strings that grow with time: compare them as numbers, longer first.
    let newest = values
        .iter()
        .filter_map(|v| v.get("id")?.as_str().map(str::to_owned))
        .max_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let entries = values
        .into_iter()
        .map(|v| {
            let parent = parent_id(v.get("status"));
            (mention_from_notification(v, server_host), parent)
        })
        .collect();
    Ok((newest, entries))
}
