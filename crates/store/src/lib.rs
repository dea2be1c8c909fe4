//! Earshot's persistence, through sqlx's Any driver: a SQLite file for one person, PostgreSQL for a team.
//! The SQL is written once for both; [`sql::Dialect`] covers the few places where they differ.
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
pub mod presence;
pub mod profiles;
pub mod replies;
pub mod reports;
pub mod spend;
pub mod sql;
pub mod testing;
pub mod transfer;
pub mod work;
pub mod workspace;

pub use error::StoreError;
pub use open::{acquire, begin, begin_write, commit, connect, open, probe, redact, Database, Probe};

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

/// A yes/no column. Both databases store it as an integer (0 or 1), so SQL can compare and sum it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flag(pub bool);

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty) || <bool as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

/// Reads an integer column, or a yes/no expression (`x IS NULL` is a boolean on PostgreSQL, an integer on
/// SQLite).
impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        use sqlx::ValueRef;
        if <bool as sqlx::Type<sqlx::Any>>::compatible(&value.type_info()) {
            return Ok(Flag(<bool as sqlx::Decode<sqlx::Any>>::decode(value)?));
        }
        Ok(Flag(<i64 as sqlx::Decode<sqlx::Any>>::decode(value)? != 0))
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for Flag {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <i64 as sqlx::Encode<sqlx::Any>>::encode(i64::from(self.0), buf)
    }
}
