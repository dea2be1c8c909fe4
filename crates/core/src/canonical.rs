//! The canonical mention format: JSON Lines records, as documented in `docs/mention-format.md`.
//!
//! Parsing is separate from validation: serde reads the shape, then [`Record::validate`] turns it into domain
//! types and names the first bad field.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{safe_link, Account, Author, CoreError, Facet, Handle, Mention, Network, Role};

/// The longest mention text accepted, in bytes. Real posts are far shorter; this keeps a hostile file from
/// filling the database or the window.
pub const MAX_TEXT_BYTES: usize = 20_000;

/// One line of an import file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RawRecord {
    Handle(RawHandle),
    Mention(Box<RawMention>),
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawHandle {
    pub network: Option<String>,
    pub account: Option<String>,
    pub role: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawAuthor {
    pub handle: Option<String>,
    pub display_name: Option<String>,
    #[serde(default)]
    pub followers: u64,
    #[serde(default)]
    pub verified: bool,
    /// The account says it is automated.
    #[serde(default)]
    pub bot: bool,
    /// Moderation labels on the account (Bluesky's `spam`, `impersonation`, a self-label…).
    #[serde(default)]
    pub labels: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub profile_url: Option<String>,
    /// Links the network verified as the author's own (Mastodon's rel=me fields).
    #[serde(default)]
    pub verified_links: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawMention {
    pub network: Option<String>,
    pub remote_id: Option<String>,
    pub url: Option<String>,
    pub author: Option<RawAuthor>,
    pub text: Option<String>,
    #[serde(default)]
    pub facets: Vec<Facet>,
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub mentions: Vec<String>,
    pub reply_to: Option<String>,
    pub quote_of: Option<String>,
    pub conversation_root: Option<String>,
    /// Replies and reposts so far, where the network reports them.
    #[serde(default)]
    pub engagement: Option<crate::Engagement>,
}

/// A validated record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Handle(Handle),
    Mention(Box<Mention>),
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("not valid JSON for a handle or mention record: {0}")]
    Json(String),
    #[error(transparent)]
    Field(#[from] CoreError),
}

/// Reads one line of the canonical format. `Ok(None)` means the line holds nothing (blank or a `//` comment).
pub fn parse_line(line: &str) -> Result<Option<Record>, LineError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with("//") {
        return Ok(None);
    }
    let raw: RawRecord = serde_json::from_str(line).map_err(|e| LineError::Json(describe_json_error(&e)))?;
    Ok(Some(raw.validate()?))
}

fn describe_json_error(e: &serde_json::Error) -> String {
    // serde's message already names the field ("missing field `type`"); drop its line/column, which are
    // always "line 1" within a single JSON line.
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

impl RawRecord {
    pub fn validate(self) -> Result<Record, CoreError> {
        match self {
            RawRecord::Handle(h) => Ok(Record::Handle(h.validate()?)),
            RawRecord::Mention(m) => Ok(Record::Mention(Box::new(m.validate()?))),
        }
    }
}

fn required<T>(value: Option<T>, field: &'static str) -> Result<T, CoreError> {
    value.ok_or(CoreError::Missing { field })
}

fn optional_text(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn optional_link(value: Option<String>, field: &'static str) -> Result<Option<String>, CoreError> {
    match optional_text(value) {
        None => Ok(None),
        Some(raw) => safe_link(&raw)
            .map(Some)
            .ok_or_else(|| CoreError::invalid(field, "only http and https addresses are accepted")),
    }
}

fn optional_id(value: Option<String>, field: &'static str) -> Result<Option<String>, CoreError> {
    match optional_text(value) {
        Some(id) if id.len() > 512 => Err(CoreError::invalid(field, "longer than 512 characters")),
        other => Ok(other),
    }
}

impl RawHandle {
    pub fn validate(self) -> Result<Handle, CoreError> {
        Ok(Handle {
            network: required(self.network, "network")?.parse()?,
            account: Account::new("account", &required(self.account, "account")?)?,
            role: required(self.role, "role")?.parse::<Role>()?,
            display_name: optional_text(self.display_name),
        })
    }
}

/// At most 20 labels, each a short word: they come from the network and are shown as they are.
fn clean_labels(labels: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = labels
        .into_iter()
        .map(|l| l.trim().chars().take(64).collect::<String>())
        .filter(|l| !l.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out.truncate(20);
    out
}

impl RawMention {
    pub fn validate(self) -> Result<Mention, CoreError> {
        let network: Network = required(self.network, "network")?.parse()?;
        let remote_id = required(optional_id(self.remote_id, "remote_id")?, "remote_id")?;
        let raw_author = required(self.author, "author")?;
        let author = Author {
            network,
            handle: Account::new("author.handle", &required(raw_author.handle, "author.handle")?)?,
            display_name: optional_text(raw_author.display_name),
            followers: raw_author.followers,
            verified: raw_author.verified,
            bot: raw_author.bot,
            labels: clean_labels(raw_author.labels),
            created_at: raw_author.created_at,
            profile_url: optional_link(raw_author.profile_url, "author.profile_url")?,
            // A link that is not http(s) is dropped, not an error: it is a claim about the author, and the
            // post is worth keeping without it.
            verified_links: raw_author
                .verified_links
                .iter()
                .filter_map(|l| safe_link(l))
                .take(8)
                .collect(),
        };
        let text = required(self.text, "text")?;
        if text.len() > MAX_TEXT_BYTES {
            return Err(CoreError::invalid(
                "text",
                format!("longer than {MAX_TEXT_BYTES} bytes"),
            ));
        }
        let created_at = required(self.created_at, "created_at")?;
        let mentions = self
            .mentions
            .iter()
            .map(|m| Account::new("mentions", m))
            .collect::<Result<Vec<_>, _>>()?;
        let reply_to = optional_id(self.reply_to, "reply_to")?;
        let conversation_root = optional_id(self.conversation_root, "conversation_root")?
            .or_else(|| reply_to.clone())
            .unwrap_or_else(|| remote_id.clone());
        Ok(Mention {
            network,
            url: optional_link(self.url, "url")?,
            author,
            facets: self.facets,
            text,
            created_at,
            mentions,
            reply_to,
            quote_of: optional_id(self.quote_of, "quote_of")?,
            conversation_root,
            remote_id,
            engagement: self.engagement,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"type":"mention","network":"bluesky","remote_id":"at://did:plc:a/app.bsky.feed.post/1","author":{"handle":"@Jane.bsky.social","followers":10},"text":"hi @acme","created_at":"2026-11-28T09:00:00Z","mentions":["@ACME.bsky.social"],"reply_to":"at://r"}"#;

    #[test]
    fn a_good_mention_line_validates() {
        let Some(Record::Mention(m)) = parse_line(GOOD).unwrap() else {
            panic!("expected a mention")
        };
        assert_eq!(m.author.handle.as_str(), "jane.bsky.social");
        assert_eq!(
            m.mentions[0].as_str(),
            "acme.bsky.social",
            "mentioned accounts are normalised too"
        );
        assert_eq!(
            m.conversation_root, "at://r",
            "a reply with no root belongs to its parent's thread"
        );
    }

    #[test]
    fn blank_and_comment_lines_hold_nothing() {
        assert_eq!(parse_line("   ").unwrap(), None);
        assert_eq!(parse_line("// demo workspace").unwrap(), None);
    }

    #[test]
    fn bad_lines_name_what_is_wrong() {
        let cases = [
            ("{not json", "not valid JSON"),
            (
                r#"{"type":"mention","network":"bluesky"}"#,
                "remote_id is missing",
            ),
            (&GOOD.replace("bluesky", "myspace"), "network is invalid"),
            (&GOOD.replace(r#""text":"hi @acme","#, ""), "text is missing"),
            (
                &GOOD.replace(
                    r#""followers":10"#,
                    r#""followers":10,"profile_url":"javascript:x""#,
                ),
                "only http and https",
            ),
            (
                r#"{"type":"handle","network":"x","account":"acme","role":"boss"}"#,
                "not a role",
            ),
        ];
        for (line, want) in cases {
            let err = parse_line(line).unwrap_err().to_string();
            assert!(err.contains(want), "for {line}: expected '{want}' in '{err}'");
        }
    }

    #[test]
    fn oversized_text_is_refused() {
        let line = GOOD.replace("hi @acme", &"a".repeat(MAX_TEXT_BYTES + 1));
        assert!(parse_line(&line).unwrap_err().to_string().contains("longer than"));
    }
}
