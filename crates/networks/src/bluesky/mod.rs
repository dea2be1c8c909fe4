//! Bluesky (the AT Protocol): notifications and keyword searches into canonical mentions, and the records an
//! agent writes back. The lexicon types come from atrium; nothing here is a hand-written XRPC shape.

mod client;
mod convert;
pub mod richtext;
mod transport;

pub use client::{new_record_key, BlueskyClient, Page, PageEntry, ReplyTarget, SavedSession, Written};
pub use convert::{enrich, mention_from_notification, mention_from_post_view, ProfileFacts, MENTION_REASONS};

/// Record collections Earshot writes.
pub const POST: &str = "app.bsky.feed.post";
pub const REPOST: &str = "app.bsky.feed.repost";
pub const LIKE: &str = "app.bsky.feed.like";
