//! For tests: the database a test run asks for. Store and engine tests are one contract suite that runs on
//! SQLite by default and on PostgreSQL when `EARSHOT_TEST_POSTGRES` names a server (`scripts/test.sh` runs it
//! both ways, `tests/support/with-postgres.sh` starts the server).

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AnyConnection, Connection, Executor};

use crate::StoreError;

/// The environment variable naming a PostgreSQL server (a URL to its maintenance database, by a role that
/// may create databases) that tests run against instead of SQLite.
pub const POSTGRES_ENV: &str = "EARSHOT_TEST_POSTGRES";

/// The URL of a new, empty PostgreSQL database for one test, or `None` when the run is on SQLite.
///
/// A server that is named but cannot be reached fails the test: a contract run never passes by skipping.
pub async fn fresh_database() -> Result<Option<String>, StoreError> {
    let Some(admin) = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut raw = [0u8; 4];
    getrandom::fill(&mut raw).map_err(|e| StoreError::Invalid(format!("no random source: {e}")))?;
    let name = format!(
        "earshot_test_{}_{}_{:08x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        u32::from_le_bytes(raw)
    );
    crate::open::install_drivers();
    let mut conn = AnyConnection::connect(&admin)
        .await
        .map_err(|source| StoreError::Connect {
            url: crate::redact(&admin),
            source,
        })?;
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    conn.close().await?;
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin.as_str(), String::new()),
    };
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    Ok(Some(format!("{server}/{name}{query}")))
}

/// A database for one test: a fresh PostgreSQL database when the run asks for one, else SQLite in `dir`.
pub async fn database(dir: &std::path::Path) -> Result<crate::Database, StoreError> {
    match fresh_database().await? {
        Some(url) => crate::connect(&url).await,
        None => crate::open(&dir.join("db.sqlite3")).await,
    }
}
