use chrono::{DateTime, Utc};

use crate::{Account, Network};

/// The person or account that wrote a mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub network: Network,
    pub handle: Account,
    pub display_name: Option<String>,
    pub followers: u64,
    pub verified: bool,
    /// The account says it is automated (Mastodon's bot flag).
    pub bot: bool,
    /// Moderation labels on the account, as the network names them (Bluesky).
    pub labels: Vec<String>,
    /// When the author's account was created, if the network says.
    pub created_at: Option<DateTime<Utc>>,
    /// Only ever an `http` or `https` address.
    pub profile_url: Option<String>,
    /// Addresses the network has verified the author controls (Mastodon profile fields checked by
    /// `rel="me"`). Only ever `http` or `https`.
    pub verified_links: Vec<String>,
}

/// What a span of a mention's text is, beyond plain text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FacetKind {
    Link { uri: String },
    Mention { handle: String },
    Tag { tag: String },
}

/// A rich-text annotation over a mention's text, as UTF-8 byte offsets (end exclusive), as Bluesky sends them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facet {
    pub start: usize,
    pub end: usize,
    #[serde(flatten)]
    pub kind: FacetKind,
}

/// The dedupe key of a mention: the same post seen twice (say, from two handles' notifications) is one item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MentionKey {
    pub network: Network,
    pub remote_id: String,
}

/// A post that mentions, replies to or quotes the brand, in Earshot's canonical form.
///
/// Every network connector converts its wire types into this, and everything downstream (store, ranking,
/// UI) sees only this.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub network: Network,
    pub remote_id: String,
    /// The post's public address; only ever `http` or `https`.
    pub url: Option<String>,
    pub author: Author,
    /// Plain text, never HTML.
    pub text: String,
    pub facets: Vec<Facet>,
    pub created_at: DateTime<Utc>,
    /// Accounts the post mentions. Those that are our handles decide which handles the item belongs to.
    pub mentions: Vec<Account>,
    pub reply_to: Option<String>,
    pub quote_of: Option<String>,
    /// The `remote_id` of the thread's first post.
    pub conversation_root: String,
    /// Replies and reposts the post had drawn when it was read, where the network says.
    pub engagement: Option<crate::Engagement>,
}

impl Mention {
    pub fn key(&self) -> MentionKey {
        MentionKey {
            network: self.network,
            remote_id: self.remote_id.clone(),
        }
    }
}

/// A thread of mentions, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub root: String,
    pub mentions: Vec<Mention>,
}

impl Conversation {
    /// Builds a thread from mentions in any order: sorted by time, ties broken by ID so the order is stable.
    pub fn new(root: String, mut mentions: Vec<Mention>) -> Self {
        mentions.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.remote_id.cmp(&b.remote_id))
        });
        Self { root, mentions }
    }
}

/// Where an inbox item stands.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Open,
    Done,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::Done => "done",
        }
    }
}

impl std::str::FromStr for ItemStatus {
    type Err = crate::CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(ItemStatus::Open),
            "done" => Ok(ItemStatus::Done),
            other => Err(crate::CoreError::invalid(
                "status",
                format!("'{other}' is not a status; use open or done"),
            )),
        }
    }
}

/// Where an item stands in an agent's work: new until someone opens it, open while it is being worked,
/// waiting on the customer, then resolved, or ignored (needs no one). Snoozing is separate: a snoozed item
/// keeps its stage and leaves the list until its time.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    New,
    Open,
    Waiting,
    Resolved,
    Ignored,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::New,
        Stage::Open,
        Stage::Waiting,
        Stage::Resolved,
        Stage::Ignored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::New => "new",
            Stage::Open => "open",
            Stage::Waiting => "waiting",
            Stage::Resolved => "resolved",
            Stage::Ignored => "ignored",
        }
    }

    /// Words for people: "Waiting on customer".
    pub fn label(self) -> &'static str {
        match self {
            Stage::New => "New",
            Stage::Open => "Open",
            Stage::Waiting => "Waiting on customer",
            Stage::Resolved => "Resolved",
            Stage::Ignored => "Ignored",
        }
    }

    /// Whether an item at this stage belongs in the working list (when not snoozed).
    pub fn is_active(self) -> bool {
        matches!(self, Stage::New | Stage::Open)
    }

    /// The inbox status an item at this stage has.
    pub fn status(self) -> ItemStatus {
        if self.is_active() {
            ItemStatus::Open
        } else {
            ItemStatus::Done
        }
    }
}

impl std::str::FromStr for Stage {
    type Err = crate::CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Stage::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            crate::CoreError::invalid(
                "stage",
                format!("'{s}' is not a stage; use new, open, waiting, resolved or ignored"),
            )
        })
    }
}
