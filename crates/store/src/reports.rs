//! The raw figures reports are drawn from: mention counts in 15-minute buckets (every time zone's day starts on
//! a quarter hour, so the engine can fold them into local days across DST), the items answered or resolved,
//! and the actions sent. Filters narrow by handle, role and network.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::{from_millis, to_millis, HandleId, ItemId, StoreError};

/// The width of a count bucket.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportFilter {
    pub handle: Option<HandleId>,
    pub role: Option<String>,
    pub network: Option<String>,
}

fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, f: &ReportFilter) {
    if let Some(network) = &f.network {
        q.push(" AND m.network = ").push_bind(network.clone());
    }
    if let Some(h) = f.handle {
        q.push(
            " AND EXISTS (SELECT 1 FROM mention_handles mh WHERE mh.mention_id = m.id AND mh.handle_id = ",
        )
        .push_bind(h.0)
        .push(")");
    }
    if let Some(role) = &f.role {
        q.push(
            " AND EXISTS (SELECT 1 FROM mention_handles mh JOIN handles h ON h.id = mh.handle_id
                           WHERE mh.mention_id = m.id AND h.role = ",
        )
        .push_bind(role.clone())
        .push(")");
    }
}

/// How many mentions of each kind were written in one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketCount {
    /// The bucket's start.
    pub start: DateTime<Utc>,
    /// actionable, spam or other.
    pub queue: String,
    /// complaint, question, praise, other, or none when untriaged.
    pub intent: Option<String>,
    pub count: i64,
}

/// Mention counts by bucket, queue and intent, for posts written in `[from, to)`.
pub async fn volume(
    conn: &mut SqliteConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
) -> Result<Vec<BucketCount>, StoreError> {
    let mut q = QueryBuilder::new("SELECT (m.created_at / ");
    q.push(BUCKET_MS.to_string())
        .push(") AS b, m.queue, m.intent, COUNT(*) FROM mentions m WHERE m.created_at >= ")
        .push_bind(to_millis(from))
        .push(" AND m.created_at < ")
        .push_bind(to_millis(to));
    push_filter(&mut q, filter);
    q.push(" GROUP BY b, m.queue, m.intent ORDER BY b");
    let rows: Vec<(i64, String, Option<String>, i64)> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(b, queue, intent, count)| BucketCount {
            start: from_millis(b * BUCKET_MS),
            queue,
            intent,
            count,
        })
        .collect())
}

/// An item that needed a person, with its work times: the response-time and SLA figures.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkedItem {
    pub id: ItemId,
    pub created_at: DateTime<Utc>,
    pub first_seen_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub stage: String,
    pub handles: Vec<HandleId>,
    /// Who sent the first reply, as named in the app.
    pub first_responder: Option<String>,
}

/// Actionable (non-spam) items written in `[from, to)`, with their work times.
pub async fn worked(
    conn: &mut SqliteConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
) -> Result<Vec<WorkedItem>, StoreError> {
    let mut q = QueryBuilder::new(
        "SELECT m.id, m.created_at, m.first_seen_at, m.first_response_at, m.resolved_at, m.stage,
                (SELECT group_concat(mh.handle_id) FROM mention_handles mh WHERE mh.mention_id = m.id),
                (SELECT o.requested_by FROM outbox o WHERE o.item_id = m.id AND o.state = 'sent'
                    AND o.kind IN ('reply', 'dm') ORDER BY o.sent_at LIMIT 1)
           FROM mentions m WHERE m.queue = 'actionable' AND m.created_at >= ",
    );
    q.push_bind(to_millis(from))
        .push(" AND m.created_at < ")
        .push_bind(to_millis(to));
    push_filter(&mut q, filter);
    type Raw = (
        i64,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Raw> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, created, seen, first, resolved, stage, handles, responder)| WorkedItem {
                id: ItemId(id),
                created_at: from_millis(created),
                first_seen_at: from_millis(seen),
                first_response_at: first.map(from_millis),
                resolved_at: resolved.map(from_millis),
                stage,
                handles: handles
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|h| h.parse().ok())
                    .map(HandleId)
                    .collect(),
                first_responder: responder,
            },
        )
        .collect())
}

/// Actions sent in `[from, to)`, by kind and by who asked.
pub async fn sent(
    conn: &mut SqliteConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT kind, requested_by, COUNT(*) FROM outbox WHERE state = 'sent' AND sent_at >= ? AND sent_at < ?
          GROUP BY kind, requested_by ORDER BY kind, requested_by",
    )
    .bind(to_millis(from))
    .bind(to_millis(to))
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now (new or open, not snoozed), by queue.
pub async fn waiting_by_queue(conn: &mut SqliteConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT queue, COUNT(*) FROM mentions WHERE status = 'open' GROUP BY queue ORDER BY queue",
    )
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now that need a person, by our handle (an item on two handles counts for each).
pub async fn waiting_by_handle(
    conn: &mut SqliteConnection,
) -> Result<Vec<(HandleId, String, i64)>, StoreError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT h.id, h.account, COUNT(m.id) FROM handles h
           LEFT JOIN mention_handles mh ON mh.handle_id = h.id
           LEFT JOIN mentions m ON m.id = mh.mention_id AND m.status = 'open' AND m.queue = 'actionable'
          GROUP BY h.id ORDER BY COUNT(m.id) DESC, h.account",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account, n)| (HandleId(id), account, n))
        .collect())
}

/// The actionable items waiting longest for a first reply, oldest first.
pub async fn longest_waiting(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mentions WHERE status = 'open' AND queue = 'actionable' AND first_response_at IS NULL
          ORDER BY MAX(created_at, first_seen_at), id LIMIT ?",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}
