//! What the engine hands to its callers. These types cross the IPC boundary: TypeScript is generated from
//! them, and the CLI prints them as JSON. Times are RFC 3339 strings in UTC.

use earshot_core::{Intent, ItemStatus, Labels, Network, Queue, Role, Sentiment, Stage, UrgencyCue};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Which items to list. `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct InboxQuery {
    pub status: Option<ItemStatus>,
    pub handle_id: Option<String>,
    pub role: Option<Role>,
    pub network: Option<Network>,
    pub search: Option<String>,
    /// Which triage view; `None` lists every item.
    pub view: Option<InboxView>,
    /// Items at this stage only ("waiting" for the Waiting list).
    #[serde(default)]
    pub stage: Option<Stage>,
    /// Only snoozed items (`true`) or only items not snoozed (`false`).
    #[serde(default)]
    pub snoozed: Option<bool>,
    /// Only items the person at this desk holds.
    #[serde(default)]
    pub mine: Option<bool>,
}

/// The inbox's views by triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum InboxView {
    /// Needs a person: complaints, questions, praise and anything urgent, spam left out. The default.
    Actionable,
    Complaints,
    Questions,
    Praise,
    /// Neither spam nor actionable: chatter, news, passing tags.
    Other,
    /// To rescue what was wrongly called spam.
    Spam,
}

impl InboxView {
    pub const ALL: [InboxView; 6] = [
        InboxView::Actionable,
        InboxView::Complaints,
        InboxView::Questions,
        InboxView::Praise,
        InboxView::Other,
        InboxView::Spam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxView::Actionable => "actionable",
            InboxView::Complaints => "complaints",
            InboxView::Questions => "questions",
            InboxView::Praise => "praise",
            InboxView::Other => "other",
            InboxView::Spam => "spam",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Triage's labels in brief, for a row of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TriageSummary {
    pub queue: Queue,
    pub intent: Intent,
    pub sentiment: Sentiment,
    pub urgency: Option<UrgencyCue>,
    /// The probability of spam, 0 to 1.
    pub spam: f32,
    pub language: Option<String>,
}

impl TriageSummary {
    pub fn of(l: &Labels) -> Self {
        Self {
            queue: l.queue(),
            intent: l.intent,
            sentiment: l.sentiment,
            urgency: l.urgency.as_ref().map(|u| u.cue),
            spam: l.spam,
            language: l.language.clone(),
        }
    }
}

/// One of our handles, as shown beside an item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct HandleRef {
    pub id: String,
    pub network: Network,
    pub account: String,
    pub role: Role,
}

/// One row of the inbox list.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InboxRow {
    pub id: String,
    pub network: Network,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub author_followers: u32,
    pub author_verified: bool,
    /// The start of the text, as plain text.
    pub excerpt: String,
    pub created_at: String,
    pub handles: Vec<HandleRef>,
    pub score: f64,
    /// The factor that adds or takes the most, as a sentence.
    pub top_reason: String,
    pub status: ItemStatus,
    /// `None` until the item has been triaged.
    pub triage: Option<TriageSummary>,
    pub stage: Stage,
    pub snoozed_until: Option<String>,
    /// The SLA timer that matters now: the running one nearest its due time, else the last one met.
    pub sla: Option<crate::work::SlaTimerView>,
    /// The person holding it, or the role it was escalated to.
    pub held_by: Option<String>,
}

/// A page of the inbox, and how many items match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct InboxPage {
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<InboxRow>,
}

/// A run of text; `link` is set only for a safe web address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct Segment {
    pub text: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AuthorView {
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: u32,
    pub verified: bool,
    /// The account says it is automated.
    pub bot: bool,
    /// Moderation labels on the account, as the network names them (`spam`, `impersonation`…).
    pub labels: Vec<String>,
    pub created_at: Option<String>,
    pub profile_url: Option<String>,
}

/// One factor of an item's score.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Reason {
    /// A stable name for the factor: `followers`, `verified`, `account_age`, `waiting`, `engagement`,
    /// `intent`, `sentiment`, `urgency`, `spam`, `customer`.
    pub factor: String,
    pub label: String,
    pub contribution: f64,
}

/// A post in the item's thread.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ConversationEntry {
    pub id: Option<String>,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub created_at: String,
    pub segments: Vec<Segment>,
    pub is_current: bool,
}

/// Everything the detail pane shows about one item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ItemView {
    pub id: String,
    pub network: Network,
    pub remote_id: String,
    pub url: Option<String>,
    pub status: ItemStatus,
    pub created_at: String,
    pub first_seen_at: String,
    pub segments: Vec<Segment>,
    pub author: AuthorView,
    pub handles: Vec<HandleRef>,
    pub score: f64,
    pub reasons: Vec<Reason>,
    /// Triage's labels with the words behind each; `None` until triaged.
    pub triage: Option<Labels>,
    pub conversation: Vec<ConversationEntry>,
    pub reply_to: Option<String>,
    pub quote_of: Option<String>,
}

/// One of our handles, with its open item count.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct HandleSummary {
    pub id: String,
    pub network: Network,
    pub account: String,
    pub role: Role,
    pub display_name: Option<String>,
    pub open_count: u32,
}

/// Facts about the open workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WorkspaceInfo {
    pub data_dir: String,
    pub total_items: u32,
    pub open_items: u32,
    /// True when the workspace holds the demo's sample data.
    pub is_demo: bool,
}

/// Progress of long work, such as an import.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
    pub phase: String,
}

/// A line of an import that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LineError {
    pub line: u32,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct ImportReport {
    /// New inbox items.
    pub imported: u32,
    /// Posts already stored that gained another of our handles, or were seen again.
    pub merged: u32,
    /// Handles added or updated.
    pub handles: u32,
    pub failed: u32,
    /// The first errors, with line numbers (at most 100 are kept).
    pub errors: Vec<LineError>,
}
