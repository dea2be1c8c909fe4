//! Connected accounts, their health, and their ingest cursors. No secret is ever stored here.

use chrono::{DateTime, Utc};
use earshot_core::{Network, Role};
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, HandleId, StoreError};

/// A row ID of a connected account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct AccountId(pub i64);

/// How an account's sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Healthy,
    Syncing,
    RateLimited,
    TokenInvalid,
    Unreachable,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Healthy => "healthy",
            AccountState::Syncing => "syncing",
            AccountState::RateLimited => "rate_limited",
            AccountState::TokenInvalid => "token_invalid",
            AccountState::Unreachable => "unreachable",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "healthy" => AccountState::Healthy,
            "syncing" => AccountState::Syncing,
            "rate_limited" => AccountState::RateLimited,
            "token_invalid" => AccountState::TokenInvalid,
            "unreachable" => AccountState::Unreachable,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub id: AccountId,
    pub handle_id: HandleId,
    pub network: Network,
    pub account: String,
    pub role: Role,
    pub service_url: String,
    pub state: AccountState,
    pub problem: Option<String>,
    pub rate_limited_until: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// The account's own ID on its network (a Bluesky DID); `None` where the handle is enough.
    pub remote_user: Option<String>,
    /// Brand keywords searched for this account.
    pub keywords: Vec<String>,
    /// Since when a live stream has been delivering this account's mentions; `None` when it is not.
    pub live_since: Option<DateTime<Utc>>,
    /// A listening source's exclude keywords: an entry holding any of them is not kept.
    pub exclude_keywords: Vec<String>,
    /// When Earshot last asked a listening source's site for its feed, whatever the answer.
    pub fetched_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct StoredAccount {
    id: i64,
    handle_id: i64,
    network: String,
    account: String,
    role: String,
    service_url: String,
    state: String,
    problem: Option<String>,
    rate_limited_until: Option<i64>,
    last_sync_at: Option<i64>,
    remote_user: Option<String>,
    keywords: String,
    live_since: Option<i64>,
    exclude_keywords: String,
    fetched_at: Option<i64>,
}

impl StoredAccount {
    fn decode(self) -> Result<AccountRow, StoreError> {
        let bad = |what: String| StoreError::Corrupt(format!("account {}: {what}", self.id));
        Ok(AccountRow {
            id: AccountId(self.id),
            handle_id: HandleId(self.handle_id),
            network: self.network.parse().map_err(|e| bad(format!("{e}")))?,
            account: self.account.clone(),
            role: self.role.parse().map_err(|e| bad(format!("{e}")))?,
            service_url: self.service_url.clone(),
            state: AccountState::parse(&self.state).ok_or_else(|| bad(format!("state '{}'", self.state)))?,
            problem: self.problem.clone(),
            rate_limited_until: self.rate_limited_until.map(from_millis),
            last_sync_at: self.last_sync_at.map(from_millis),
            remote_user: self.remote_user.clone(),
            keywords: serde_json::from_str(&self.keywords).map_err(|e| bad(format!("keywords: {e}")))?,
            live_since: self.live_since.map(from_millis),
            exclude_keywords: serde_json::from_str(&self.exclude_keywords)
                .map_err(|e| bad(format!("exclude_keywords: {e}")))?,
            fetched_at: self.fetched_at.map(from_millis),
        })
    }
}

const SELECT: &str =
    "SELECT a.id, a.handle_id, h.network, h.account, h.role, a.service_url, a.state, a.problem,
                             a.rate_limited_until, a.last_sync_at, a.remote_user, a.keywords, a.live_since,
                             a.exclude_keywords, a.fetched_at
                        FROM accounts a JOIN handles h ON h.id = a.handle_id";

/// Connects an account to one of our handles (a handle has at most one account). Reconnecting the same
/// handle keeps its cursors and clears the last problem.
pub async fn upsert(
    conn: &mut AnyConnection,
    handle: HandleId,
    service_url: &str,
    remote_user: Option<&str>,
    now: DateTime<Utc>,
) -> Result<AccountId, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO accounts (handle_id, service_url, remote_user, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (handle_id) DO UPDATE SET service_url = excluded.service_url, state = 'healthy',
             problem = NULL, rate_limited_until = NULL,
             remote_user = COALESCE(excluded.remote_user, accounts.remote_user)
         RETURNING id",
    )
    .bind(handle.0)
    .bind(service_url)
    .bind(remote_user)
    .bind(to_millis(now))
    .fetch_one(conn)
    .await?;
    Ok(AccountId(id))
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<AccountRow>, StoreError> {
    let rows: Vec<StoredAccount> = sqlx::query_as(&format!("{SELECT} ORDER BY h.network, h.account"))
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(StoredAccount::decode).collect()
}

pub async fn get(conn: &mut AnyConnection, id: AccountId) -> Result<Option<AccountRow>, StoreError> {
    let row: Option<StoredAccount> = sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(StoredAccount::decode).transpose()
}

/// Records how a sync went. `synced_at` is set only when the sync reached the server and finished.
pub async fn set_state(
    conn: &mut AnyConnection,
    id: AccountId,
    state: AccountState,
    problem: Option<&str>,
    rate_limited_until: Option<DateTime<Utc>>,
    synced_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE accounts SET state = $1, problem = $2, rate_limited_until = $3,
                last_sync_at = COALESCE($4, last_sync_at) WHERE id = $5",
    )
    .bind(state.as_str())
    .bind(problem)
    .bind(rate_limited_until.map(to_millis))
    .bind(synced_at.map(to_millis))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the account as listening live since `since`, or not listening (`None`).
pub async fn set_live(
    conn: &mut AnyConnection,
    id: AccountId,
    since: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET live_since = $1 WHERE id = $2")
        .bind(since.map(to_millis))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clears every live mark: for a process starting its listeners, as marks left by one that died are stale.
pub async fn clear_live(conn: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET live_since = NULL")
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn cursor(
    conn: &mut AnyConnection,
    id: AccountId,
    source: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT cursor FROM cursors WHERE account_id = $1 AND source = $2")
            .bind(id.0)
            .bind(source)
            .fetch_optional(conn)
            .await?,
    )
}

/// Moves a cursor. Call it in the same transaction that stores the mentions it covers.
pub async fn set_cursor(
    conn: &mut AnyConnection,
    id: AccountId,
    source: &str,
    cursor: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO cursors (account_id, source, cursor) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, source) DO UPDATE SET cursor = excluded.cursor",
    )
    .bind(id.0)
    .bind(source)
    .bind(cursor)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the account's brand keywords.
pub async fn set_keywords(
    conn: &mut AnyConnection,
    id: AccountId,
    keywords: &[String],
) -> Result<bool, StoreError> {
    let json = serde_json::to_string(keywords).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let done = sqlx::query("UPDATE accounts SET keywords = $1 WHERE id = $2")
        .bind(json)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a listening source's exclude keywords.
pub async fn set_exclude_keywords(
    conn: &mut AnyConnection,
    id: AccountId,
    keywords: &[String],
) -> Result<bool, StoreError> {
    let json = serde_json::to_string(keywords).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let done = sqlx::query("UPDATE accounts SET exclude_keywords = $1 WHERE id = $2")
        .bind(json)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a listening source's site was just asked for its feed.
pub async fn set_fetched_at(
    conn: &mut AnyConnection,
    id: AccountId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET fetched_at = $1 WHERE id = $2")
        .bind(to_millis(at))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Disconnects an account: its cursors and outbox rows go with it. Its handle and the mentions already in the
/// inbox stay, so nothing an agent worked on disappears.
pub async fn remove(conn: &mut AnyConnection, id: AccountId) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM accounts WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets a cursor (a finished catch-up's resume point).
pub async fn delete_cursor(conn: &mut AnyConnection, id: AccountId, source: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM cursors WHERE account_id = $1 AND source = $2")
        .bind(id.0)
        .bind(source)
        .execute(conn)
        .await?;
    Ok(())
}
