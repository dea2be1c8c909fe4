//! X (API v2): mentions, brand searches and every outgoing action, with OAuth 2.0 and PKCE.

mod client;
pub mod oauth;
mod wire;

pub use client::{Created, OwnPost, PostPage, XClient, XUser, API_BASE};
