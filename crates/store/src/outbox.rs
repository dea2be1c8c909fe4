//! The durable outbox: every outgoing action is a row before anything is sent, and stays until the network
//! has it. Senders claim due rows for a while; a sender that dies lets its claim lapse and another picks the
//! row up, with the same idempotency key.

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use crate::accounts::AccountId;
use crate::{from_millis, to_millis, ItemId, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct OutboxId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Pending,
    Sent,
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => OutboxState::Pending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            _ => return None,
        })
    }
}

/// An action to queue. `kind` is one of reply, boost, like, dm.
#[derive(Debug, Clone)]
pub struct NewAction<'a> {
    pub idempotency_key: &'a str,
    pub account: AccountId,
    pub item: Option<ItemId>,
    pub kind: &'a str,
    pub target: &'a str,
    pub body: Option<&'a str>,
    pub requested_by: Option<&'a str>,
    /// The saved reply the text was written from, if any.
    pub saved_reply: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub idempotency_key: String,
    pub account: AccountId,
    pub item: Option<ItemId>,
    pub kind: String,
    pub target: String,
    pub body: Option<String>,
    pub requested_by: Option<String>,
    pub state: OutboxState,
    /// Tries started so far, including one in progress.
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// Set while a sender holds the row.
    pub claimed_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub result_id: Option<String>,
    pub result_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    idempotency_key: String,
    account_id: i64,
    item_id: Option<i64>,
    kind: String,
    target: String,
    body: Option<String>,
    requested_by: Option<String>,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
    claimed_until: Option<i64>,
    last_error: Option<String>,
    result_id: Option<String>,
    result_url: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
}

impl Stored {
    fn decode(self) -> Result<OutboxRow, StoreError> {
        Ok(OutboxRow {
            id: OutboxId(self.id),
            state: OutboxState::parse(&self.state)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox {}: state '{}'", self.id, self.state)))?,
            idempotency_key: self.idempotency_key,
            account: AccountId(self.account_id),
            item: self.item_id.map(ItemId),
            kind: self.kind,
            target: self.target,
            body: self.body,
            requested_by: self.requested_by,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            next_attempt_at: from_millis(self.next_attempt_at),
            claimed_until: self.claimed_until.map(from_millis),
            last_error: self.last_error,
            result_id: self.result_id,
            result_url: self.result_url,
            created_at: from_millis(self.created_at),
            sent_at: self.sent_at.map(from_millis),
        })
    }
}

const COLUMNS: &str =
    "id, idempotency_key, account_id, item_id, kind, target, body, requested_by, state, attempts,
     next_attempt_at, claimed_until, last_error, result_id, result_url, created_at, sent_at";

/// Queues an action. Queuing the same key again returns the row already there and changes nothing.
pub async fn enqueue(
    conn: &mut AnyConnection,
    action: &NewAction<'_>,
    now: DateTime<Utc>,
) -> Result<OutboxId, StoreError> {
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, account_id, item_id, kind, target, body, requested_by,
                             next_attempt_at, created_at, saved_reply_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(action.idempotency_key)
    .bind(action.account.0)
    .bind(action.item.map(|i| i.0))
    .bind(action.kind)
    .bind(action.target)
    .bind(action.body)
    .bind(action.requested_by)
    .bind(to_millis(now))
    .bind(to_millis(now))
    .bind(action.saved_reply)
    .execute(&mut *conn)
    .await?;
    let id = sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
        .bind(action.idempotency_key)
        .fetch_one(conn)
        .await?;
    Ok(OutboxId(id))
}

/// Claims up to `limit` due rows for `hold` on behalf of `owner`, counting a try on each, oldest first.
pub async fn claim_due(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    hold: Duration,
    limit: u32,
    owner: &str,
) -> Result<Vec<OutboxRow>, StoreError> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "UPDATE outbox SET claimed_until = $1, claimed_by = $2, attempts = attempts + 1
          WHERE id IN (SELECT id FROM outbox
                        WHERE state = 'pending' AND next_attempt_at <= $3
                          AND (claimed_until IS NULL OR claimed_until < $4)
                        ORDER BY id LIMIT $5)
          RETURNING {COLUMNS}"
    ))
    .bind(to_millis(now + hold))
    .bind(owner)
    .bind(to_millis(now))
    .bind(to_millis(now))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    let mut rows = rows
        .into_iter()
        .map(Stored::decode)
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by_key(|r| r.id.0);
    Ok(rows)
}

/// The thread of the item that one of our sent posts (by its URI) answered, so a reply to our answer joins
/// the conversation it belongs to.
pub async fn thread_of_result(conn: &mut AnyConnection, uri: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT m.conversation_root FROM outbox o JOIN mentions m ON m.id = o.item_id
          WHERE o.result_id = $1 AND o.state = 'sent' LIMIT 1",
    )
    .bind(uri)
    .fetch_optional(conn)
    .await?)
}

/// Who holds live claims on pending rows.
pub async fn claimants(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT claimed_by FROM outbox
          WHERE state = 'pending' AND claimed_by IS NOT NULL AND claimed_until >= $1",
    )
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?)
}

/// Lets go of every claim `owner` holds (it has ended), so the rows are due again at once. The tries they
/// counted stay counted.
pub async fn release_claims(conn: &mut AnyConnection, owner: &str) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("UPDATE outbox SET claimed_until = NULL, claimed_by = NULL WHERE state = 'pending' AND claimed_by = $1")
            .bind(owner)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// The network has it.
pub async fn mark_sent(
    conn: &mut AnyConnection,
    id: OutboxId,
    result_id: &str,
    result_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET state = 'sent', result_id = $1, result_url = $2, sent_at = $3, claimed_until = NULL,
                last_error = NULL WHERE id = $4",
    )
    .bind(result_id)
    .bind(result_url)
    .bind(to_millis(now))
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    // Our first reply or direct message is the item's first response (for its SLA and the reports).
    sqlx::query(
        "UPDATE mentions SET first_response_at = COALESCE(first_response_at, $1),
                stage = CASE stage WHEN 'new' THEN 'open' ELSE stage END
          WHERE id = (SELECT item_id FROM outbox WHERE id = $2 AND kind IN ('reply', 'dm'))",
    )
    .bind(to_millis(now))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// This try failed but a later one may work: try again at `next_at`.
pub async fn mark_retry(
    conn: &mut AnyConnection,
    id: OutboxId,
    error: &str,
    next_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = NULL
          WHERE id = $3 AND state = 'pending'",
    )
    .bind(error)
    .bind(to_millis(next_at))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// No retry will help until a person acts (the post was deleted, the text is too long, the token revoked).
pub async fn mark_failed(conn: &mut AnyConnection, id: OutboxId, error: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1, claimed_until = NULL WHERE id = $2")
        .bind(error)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// A person asked to try a failed action again. Returns false if it was not failed.
pub async fn retry(conn: &mut AnyConnection, id: OutboxId, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = $1, claimed_until = NULL
          WHERE id = $2 AND state = 'failed'",
    )
    .bind(to_millis(now))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut AnyConnection, id: OutboxId) -> Result<Option<OutboxRow>, StoreError> {
    let row: Option<Stored> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(Stored::decode).transpose()
}

/// The newest actions first; for one item when `item` is given.
pub async fn list(
    conn: &mut AnyConnection,
    item: Option<ItemId>,
    limit: u32,
) -> Result<Vec<OutboxRow>, StoreError> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE ($1 IS NULL OR item_id = $2) ORDER BY id DESC LIMIT $3"
    ))
    .bind(item.map(|i| i.0))
    .bind(item.map(|i| i.0))
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Stored::decode).collect()
}

/// When the next pending action falls due, for a sender deciding how long to sleep.
pub async fn next_due(conn: &mut AnyConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until ELSE next_attempt_at END) FROM outbox
          WHERE state = 'pending'",
    )
    .fetch_one(conn)
    .await?;
    Ok(at.map(from_millis))
}

/// Another person's answer to an item: a reply or direct message waiting in the outbox (sent_at None), or one
/// sent at or after `since`. As (who asked, when it was sent), the newest first.
pub async fn others_answers(
    conn: &mut AnyConnection,
    item: ItemId,
    not_by: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(String, Option<DateTime<Utc>>)>, StoreError> {
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT requested_by, sent_at FROM outbox
          WHERE item_id = $1 AND kind IN ('reply', 'dm') AND requested_by IS NOT NULL AND requested_by <> $2
            AND (state = 'pending' OR (state = 'sent' AND sent_at >= $3))
          ORDER BY COALESCE(sent_at, created_at) DESC, id DESC",
    )
    .bind(item.0)
    .bind(not_by)
    .bind(to_millis(since))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(who, at)| (who, at.map(from_millis)))
        .collect())
}
