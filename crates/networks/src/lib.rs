//! Network connectors. Each network's wire types stay private to its module and are converted into
//! [`earshot_core::Mention`]; nothing downstream sees a network's own shapes.

pub mod mastodon;

/// A response from a network that Earshot could not use. It names what was wrong so it can be logged with
/// context and the item skipped, never a panic.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("the {network} response was not in the expected shape: {reason}")]
    Malformed { network: &'static str, reason: String },
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
