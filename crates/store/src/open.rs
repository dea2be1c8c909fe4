use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

use crate::sql::Dialect;
use crate::StoreError;

/// The connection pool of one workspace database: a SQLite file for one person, or a team's PostgreSQL.
pub type Database = AnyPool;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

pub(crate) fn install_drivers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(sqlx::any::install_default_drivers);
}

/// Opens (creating if needed) the personal workspace database at `path` and brings its schema up to date.
///
/// WAL lets the CLI read while the app writes; a busy timeout makes a writer wait rather than fail.
pub async fn open(path: &Path) -> Result<Database, StoreError> {
    let display = path.display().to_string();
    let Some(text) = path.to_str() else {
        return Err(StoreError::Invalid(format!(
            "Earshot cannot open its database at {display}: the path is not valid UTF-8. Choose a data folder whose name is plain text."
        )));
    };
    // The path is percent-encoded so a `?` or `#` in a folder name stays part of the name.
    let encoded: String = text
        .chars()
        .map(|c| match c {
            '%' | '?' | '#' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect();
    let url = format!("sqlite://{encoded}?mode=rwc");
    connect_url(&url, &display).await
}

/// Connects to the database at `url` (`postgres://…`, or `sqlite://PATH`) and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Database, StoreError> {
    connect_url(url, &redact(url)).await
}

async fn connect_url(url: &str, shown: &str) -> Result<Database, StoreError> {
    install_drivers();
    let is_sqlite = url.starts_with("sqlite:");
    let failed = |source| match is_sqlite {
        true => StoreError::Open {
            path: shown.to_owned(),
            source,
        },
        false => StoreError::Connect {
            url: shown.to_owned(),
            source,
        },
    };
    let options: AnyConnectOptions = url.parse().map_err(failed)?;
    let options = options.disable_statement_logging();
    if !is_sqlite {
        // One connection first: the pool retries a refused or failed connection until its acquire timeout
        // (30 s), so a wrong address, a wrong password or a server that is down would keep a window blank that
        // long before saying so.
        use sqlx::Connection;
        options.connect().await.map_err(failed)?.close().await.ok();
    }
    let pool = AnyPoolOptions::new()
        .max_connections(if is_sqlite { 4 } else { 8 })
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                if Dialect::of(conn) == Dialect::Sqlite {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
                         PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(failed)?;
    let dialect = {
        let conn = pool.acquire().await?;
        Dialect::of(&conn)
    };
    match dialect {
        Dialect::Sqlite => SQLITE.run(&pool).await?,
        Dialect::Postgres => POSTGRES.run(&pool).await?,
    }
    Ok(pool)
}

/// What a team database server said when asked, before anything is written to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// "PostgreSQL 15.18".
    pub server: String,
    /// The connection is encrypted (TLS).
    pub encrypted: bool,
    /// Items already in it; `None` when it has no Earshot schema yet (a new team database).
    pub items: Option<i64>,
}

/// Connects to the PostgreSQL database at `url` and asks what it is, without changing anything in it.
pub async fn probe(url: &str) -> Result<Probe, StoreError> {
    use sqlx::Connection;
    install_drivers();
    let shown = redact(url);
    let failed = |source| StoreError::Connect {
        url: shown.clone(),
        source,
    };
    let options: AnyConnectOptions = url.parse().map_err(failed)?;
    let mut conn = options
        .disable_statement_logging()
        .connect()
        .await
        .map_err(failed)?;
    if Dialect::of(&conn) != Dialect::Postgres {
        return Err(StoreError::Invalid(
            "A team database is PostgreSQL: its address starts with postgres://.".into(),
        ));
    }
    let version: String = sqlx::query_scalar("SELECT current_setting('server_version')")
        .fetch_one(&mut conn)
        .await?;
    let encrypted: bool = sqlx::query_scalar(
        "SELECT COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
    )
    .fetch_one(&mut conn)
    .await?;
    let has_schema: bool = sqlx::query_scalar("SELECT to_regclass('mentions') IS NOT NULL")
        .fetch_one(&mut conn)
        .await?;
    let items = match has_schema {
        true => Some(
            sqlx::query_scalar("SELECT COUNT(*) FROM mentions")
                .fetch_one(&mut conn)
                .await?,
        ),
        false => None,
    };
    let _ = conn.close().await;
    Ok(Probe {
        server: format!(
            "PostgreSQL {}",
            version.split_whitespace().next().unwrap_or(&version)
        ),
        encrypted,
        items,
    })
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user_info, host)) => {
                let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
                if user_info.contains(':') {
                    format!("{scheme}://{user}:***@{host}")
                } else {
                    format!("{scheme}://{user_info}@{host}")
                }
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// A connection from the pool, for a unit of work that needs no transaction.
pub async fn acquire(db: &Database) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
    Ok(db.acquire().await?)
}

/// A transaction; the caller commits it with [`commit`] or drops it to roll back.
pub async fn begin(db: &Database) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    Ok(db.begin().await?)
}

/// A transaction that will write after it reads. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a transaction that read first and wrote later would fail, rather than wait, when another
/// process wrote in between. PostgreSQL's row locks need no such care.
pub async fn begin_write(db: &Database) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        Ok(db.begin_with("BEGIN IMMEDIATE").await?)
    } else {
        Ok(db.begin().await?)
    }
}

pub async fn commit(tx: sqlx::Transaction<'static, sqlx::Any>) -> Result<(), StoreError> {
    Ok(tx.commit().await?)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            redact("postgres://earshot:s3cret@db.example.com/inbox"),
            "postgres://earshot:***@db.example.com/inbox"
        );
        assert_eq!(
            redact("postgres://earshot@db/inbox"),
            "postgres://earshot@db/inbox"
        );
        assert_eq!(redact("postgres://db/inbox"), "postgres://db/inbox");
    }
}
