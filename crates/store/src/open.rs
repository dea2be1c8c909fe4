use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::StoreError;

/// The connection pool of one workspace database.
pub type Database = SqlitePool;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

/// Opens (creating if needed) the workspace database at `path` and brings its schema up to date.
///
/// WAL lets the CLI read while the app writes; a busy timeout makes a writer wait rather than fail.
pub async fn open(path: &Path) -> Result<Database, StoreError> {
    let display = path.display().to_string();
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|source| StoreError::Open {
            path: display.clone(),
            source,
        })?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Open {
            path: display,
            source,
        })?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A connection from the pool, for a unit of work that needs no transaction.
pub async fn acquire(db: &Database) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
    Ok(db.acquire().await?)
}

/// A transaction; the caller commits it with [`commit`] or drops it to roll back.
pub async fn begin(db: &Database) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
    Ok(db.begin().await?)
}

pub async fn commit(tx: sqlx::Transaction<'static, sqlx::Sqlite>) -> Result<(), StoreError> {
    Ok(tx.commit().await?)
}
