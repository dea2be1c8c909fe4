//! Network connectors. Each network's wire types stay private to its module and are converted into
//! [`earshot_core::Mention`]; nothing downstream sees a network's own shapes.

use chrono::{DateTime, Utc};

pub mod bluesky;
pub mod carddav;
pub mod feed;
mod html;
pub mod hubspot;
pub mod mastodon;
pub mod x;

/// The tracing target of the one debug event each request to a network makes (`EARSHOT_LOG=earshot::http=debug`).
pub const HTTP_LOG: &str = "earshot::http";

/// A response from a network that Earshot could not use. It names what was wrong so it can be logged with
/// context and the item skipped, never a panic.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("the {network} response was not in the expected shape: {reason}")]
    Malformed { network: &'static str, reason: String },
}

/// Why a notification or post gave no mention. Neither is fatal: the page's other entries are still used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    #[error("a '{0}' notification is not a mention")]
    NotAMention(String),
    #[error("an entry could not be read: {0}")]
    Malformed(String),
}

/// What the server said about our request budget (Mastodon's `X-RateLimit-*`, Bluesky's `ratelimit-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub reset: Option<DateTime<Utc>>,
}

impl RateLimit {
    /// True when so little of the budget is left that Earshot should stop until the reset rather than
    /// spend the last requests (a person's own clients share the same budget).
    pub fn nearly_spent(&self) -> bool {
        match (self.limit, self.remaining) {
            (Some(limit), Some(remaining)) => u64::from(remaining) * 20 < u64::from(limit).max(1),
            (None, Some(remaining)) => remaining < 2,
            _ => false,
        }
    }
}

/// Why a request to a network failed. Each says what the person should do; none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{network} refused this account's sign-in ({reason}). Reconnect the account.")]
    Unauthorized { network: &'static str, reason: String },
    #[error("{network} asks Earshot to slow down until {until}.")]
    RateLimited {
        network: &'static str,
        until: DateTime<Utc>,
    },
    #[error("The {network} server could not be reached: {reason}. Earshot will try again.")]
    Unreachable { network: &'static str, reason: String },
    #[error("The {network} server answered {status}. Earshot will try again.")]
    Server { network: &'static str, status: u16 },
    /// The server understood the request and refused it for good (a deleted post, text too long…).
    #[error("{network} refused the request: {reason}")]
    Rejected {
        network: &'static str,
        status: u16,
        reason: String,
    },
    #[error(transparent)]
    Malformed(#[from] NetworkError),
    /// A listening source's address gave something that is not a feed Earshot can read.
    #[error("This address did not give an RSS or Atom feed Earshot can read ({reason}). Check that it is the feed's address, not the web page's.")]
    NotAFeed { reason: String },
}

impl FetchError {
    /// Worth trying again later without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::RateLimited { .. } | FetchError::Unreachable { .. } | FetchError::Server { .. }
        )
    }
}

#[cfg(feature = "replay")]
pub mod replay;

/// The HTTP client every connector shares (connection pooling, one TLS setup).
pub use reqwest::Client as HttpClient;

/// A client with Earshot's user agent and timeouts that keep one slow server from stalling a sync.
pub fn http_client() -> HttpClient {
    reqwest::Client::builder()
        .user_agent(concat!("Earshot/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}
