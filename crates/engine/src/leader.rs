//! Sync leadership in team mode: exactly one process polls and streams each account.
//!
//! Every desktop and worker on a team database asks for a PostgreSQL advisory lock per account, on one
//! connection of its own that it keeps open. The first to ask leads that account; the others leave it
//! alone. The lock belongs to the connection, so when the leader dies (even by `kill -9`) PostgreSQL sees
//! the connection close and frees the lock, and the next process to ask takes over from the stored cursor.
//! The cursor is written in the same transaction as each page, so the new leader repeats nothing and
//! misses nothing. A personal (SQLite) workspace has one process and always leads.

use std::collections::HashSet;

use earshot_store::{Flag, StoreError};
use sqlx::{AnyConnection, Connection};
use tokio::sync::Mutex;

use crate::EngineError;

/// The advisory locks' namespace ("EARS" in the high 32 bits); the account's ID is in the low 32 bits.
const CLASS: i64 = 0x4541_5253 << 32;

/// Whether this process leads an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lead {
    /// It did already.
    Held,
    /// It does from now on: nobody held it (the last leader stopped or died).
    Gained,
    /// Another process leads it.
    Elsewhere,
}

impl Lead {
    pub(crate) fn leads(self) -> bool {
        self != Lead::Elsewhere
    }
}

pub(crate) struct Leadership {
    /// The team database; `None` in a personal workspace.
    url: Option<String>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    conn: Option<AnyConnection>,
    held: HashSet<i64>,
}

impl Leadership {
    pub(crate) fn new(team_url: Option<&str>) -> Self {
        Self {
            url: team_url.map(str::to_owned),
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn is_team(&self) -> bool {
        self.url.is_some()
    }

    /// The team database's URL (with its password: never show or log it).
    pub(crate) fn team_url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Asks to lead `account`: keeps it if this process leads it, takes it if nobody does.
    pub(crate) async fn lead(&self, account: i64) -> Result<Lead, EngineError> {
        let Some(url) = &self.url else {
            return Ok(Lead::Held);
        };
        let key = CLASS | (account & 0xFFFF_FFFF);
        let mut state = self.state.lock().await;
        for attempt in 0..2 {
            if state.conn.is_none() {
                // A new connection holds no locks: whatever the old one held must be won again.
                state.held.clear();
                let conn = AnyConnection::connect(url)
                    .await
                    .map_err(|source| StoreError::Connect {
                        url: earshot_store::redact(url),
                        source,
                    })?;
                state.conn = Some(conn);
            }
            let Some(conn) = state.conn.as_mut() else {
                continue;
            };
            // Taking a lock this session already holds succeeds (and stacks, which is harmless: the locks
            // are only ever released by closing the connection).
            let asked = sqlx::query_scalar::<_, Flag>("SELECT pg_try_advisory_lock($1)")
                .bind(key)
                .fetch_one(conn)
                .await;
            match asked {
                Ok(Flag(true)) => {
                    return Ok(if state.held.insert(account) {
                        Lead::Gained
                    } else {
                        Lead::Held
                    });
                }
                Ok(Flag(false)) => {
                    state.held.remove(&account);
                    return Ok(Lead::Elsewhere);
                }
                Err(e) if attempt == 0 => {
                    // The connection broke, and with it every lock it held: connect again and ask anew.
                    tracing::warn!(error = %e, "the sync leadership connection failed; reconnecting");
                    state.conn = None;
                }
                Err(e) => return Err(StoreError::from(e).into()),
            }
        }
        Ok(Lead::Elsewhere)
    }
}
