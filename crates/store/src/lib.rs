//! Earshot's persistence on SQLite, through sqlx.
//!
//! Functions take a connection (or a transaction, which derefs to one); the use case that owns the unit of
//! work opens and commits the transaction. Times are stored as Unix milliseconds.

pub mod accounts;
pub mod agents;
pub mod alerts;
pub mod contacts;
mod error;
pub mod handle_settings;
pub mod handles;
pub mod handovers;
pub mod inbox;
pub mod labels;
pub mod mentions;
pub mod notes;
mod open;
pub mod outbox;
pub mod profiles;
pub mod replies;
pub mod reports;
pub mod spend;
pub mod work;
pub mod workspace;

pub use error::StoreError;
pub use open::{acquire, begin, commit, open, Database};

use chrono::{DateTime, TimeZone, Utc};

/// A row ID of an inbox item (a stored mention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct ItemId(pub i64);

/// A row ID of one of our handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct HandleId(pub i64);

pub(crate) fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}
