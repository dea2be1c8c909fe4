//! Mastodon: notifications and statuses into canonical mentions, and the `Link` header that pages them.

mod client;
mod link;
pub mod oauth;
mod stream;
mod wire;

pub use crate::html::status_text;
pub use crate::Skipped;
pub use crate::{FetchError, RateLimit};
pub use client::{MastodonClient, MentionPage, Posted, SearchPage, Visibility};
pub use link::{parse_link_header, Links};
pub use stream::{parse_event, user_stream_url, MastodonStream, StreamEvent};
pub use wire::{mention_from_notification, mention_from_status, mentions_from_notifications};
