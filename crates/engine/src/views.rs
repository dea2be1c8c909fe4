//! What the engine hands to its callers. These types cross the IPC boundary: TypeScript is generated from
//! them, and the CLI prints them as JSON. Times are RFC 3339 strings in UTC.

use earshot_core::{ItemStatus, Network, Role};
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
    /// A stable name for the factor: `followers`, `verified`, `account_age`, `waiting`.
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
