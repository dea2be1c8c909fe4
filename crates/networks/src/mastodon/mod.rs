//! Mastodon: notifications and statuses into canonical mentions, and the `Link` header that pages them.

mod client;
mod html;
mod link;
mod wire;

pub use crate::Skipped;
pub use crate::{FetchError, RateLimit};
pub use client::{MastodonClient, MentionPage, Posted, Visibility};
pub use html::status_text;
pub use link::{parse_link_header, Links};
pub use wire::{mention_from_notification, mentions_from_notifications};
