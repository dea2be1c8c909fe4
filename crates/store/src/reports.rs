//! The raw figures reports are drawn from: mention counts in 15-minute buckets (every time zone's day starts on
//! a quarter hour, so the engine can fold them into local days across DST), the items answered or resolved,
//! and the actions sent. Filters narrow by handle, role and network.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::sql::{Dialect, Sql};

use crate::{from_millis, to_millis, HandleId, ItemId, StoreError};

/// The width of a count bucket.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportFilter {
    pub handle: Option<HandleId>,
    pub role: Option<String>,
    pub network: Option<String>,
    /// Items held by this agent (by ID).
    pub agent: Option<i64>,
}

/// What a report's breakdown table is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    /// Our handle the item came to (an item on two handles counts for each).
    Handle,
    /// The role of that handle.
    Role,
    Network,
    /// The agent holding the item, or nobody.
    Agent,
}

fn push_filter(q: &mut Sql<'_>, f: &ReportFilter) {
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
    if let Some(agent) = f.agent {
        q.push(" AND m.assignee_id = ").push_bind(agent);
    }
}

/// The key, display name and joins of a split, over mentions `m`.
fn split_parts(by: SplitBy) -> (&'static str, &'static str, &'static str) {
    match by {
        SplitBy::Handle => (
            "CAST(h.id AS TEXT)",
            "'@' || h.account",
            " JOIN mention_handles sh ON sh.mention_id = m.id JOIN handles h ON h.id = sh.handle_id",
        ),
        SplitBy::Role => (
            "h.role",
            "h.role",
            " JOIN mention_handles sh ON sh.mention_id = m.id JOIN handles h ON h.id = sh.handle_id",
        ),
        SplitBy::Network => ("m.network", "m.network", ""),
        SplitBy::Agent => (
            "COALESCE(CAST(a.id AS TEXT), '')",
            "COALESCE(a.name, 'Unassigned')",
            " LEFT JOIN agents a ON a.id = m.assignee_id",
        ),
    }
}

/// One split's mention count of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitCount {
    pub key: String,
    pub name: String,
    pub queue: String,
    pub intent: Option<String>,
    pub count: i64,
}

/// Mention counts by split, queue and intent, for posts written in `[from, to)`. A post on two handles of
/// the same role counts once for that role.
pub async fn volume_split(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
    by: SplitBy,
) -> Result<Vec<SplitCount>, StoreError> {
    let (key, name, joins) = split_parts(by);
    let mut q = Sql::new(format!(
        "SELECT {key} AS k, MAX({name}), m.queue, m.intent, COUNT(DISTINCT m.id) FROM mentions m{joins}
          WHERE m.created_at >= "
    ));
    q.push_bind(to_millis(from))
        .push(" AND m.created_at < ")
        .push_bind(to_millis(to));
    push_filter(&mut q, filter);
    q.push(" GROUP BY k, m.queue, m.intent ORDER BY k");
    let rows: Vec<(String, String, String, Option<String>, i64)> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(key, name, queue, intent, count)| SplitCount {
            key,
            name,
            queue,
            intent,
            count,
        })
        .collect())
}

/// Actions sent in `[from, to)` by split and kind, as (key, name, kind, count). By agent, the split is who
/// asked for the action; otherwise the handle it was sent from.
pub async fn sent_split(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
    by: SplitBy,
) -> Result<Vec<(String, String, String, i64)>, StoreError> {
    let (key, name) = match by {
        SplitBy::Handle => ("CAST(h.id AS TEXT)", "'@' || h.account"),
        SplitBy::Role => ("h.role", "h.role"),
        SplitBy::Network => ("h.network", "h.network"),
        // The agent's ID, as items are keyed; someone no longer on the team by name.
        SplitBy::Agent => (
            "COALESCE(CAST((SELECT ag.id FROM agents ag WHERE ag.name = o.requested_by) AS TEXT),
                      'name:' || o.requested_by, '')",
            "COALESCE(o.requested_by, 'Unassigned')",
        ),
    };
    let mut q = Sql::new(format!(
        "SELECT {key} AS k, MAX({name}), o.kind, COUNT(*) FROM outbox o
           JOIN accounts ac ON ac.id = o.account_id JOIN handles h ON h.id = ac.handle_id
          WHERE o.state = 'sent' AND o.sent_at >= "
    ));
    q.push_bind(to_millis(from))
        .push(" AND o.sent_at < ")
        .push_bind(to_millis(to));
    push_sent_filter(&mut q, filter);
    q.push(" GROUP BY k, o.kind ORDER BY k, o.kind");
    Ok(q.build_query_as().fetch_all(conn).await?)
}

/// The report filter, over sent actions `o` from handles `h`.
fn push_sent_filter(q: &mut Sql<'_>, f: &ReportFilter) {
    if let Some(network) = &f.network {
        q.push(" AND h.network = ").push_bind(network.clone());
    }
    if let Some(handle) = f.handle {
        q.push(" AND h.id = ").push_bind(handle.0);
    }
    if let Some(role) = &f.role {
        q.push(" AND h.role = ").push_bind(role.clone());
    }
    if let Some(agent) = f.agent {
        q.push(" AND o.requested_by = (SELECT name FROM agents WHERE id = ")
            .push_bind(agent)
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
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
) -> Result<Vec<BucketCount>, StoreError> {
    let mut q = Sql::new("SELECT (m.created_at / ");
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
    pub network: String,
    /// The agent holding the item, as (ID, name).
    pub assignee: Option<(i64, String)>,
}

/// Actionable (non-spam) items written in `[from, to)`, with their work times.
pub async fn worked(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
) -> Result<Vec<WorkedItem>, StoreError> {
    let handles = match Dialect::of(conn) {
        Dialect::Sqlite => "group_concat(mh.handle_id)",
        Dialect::Postgres => "string_agg(CAST(mh.handle_id AS TEXT), ',')",
    };
    let mut q = Sql::new(format!(
        "SELECT m.id, m.created_at, m.first_seen_at, m.first_response_at, m.resolved_at, m.stage,
                (SELECT {handles} FROM mention_handles mh WHERE mh.mention_id = m.id),
                m.network, m.assignee_id, (SELECT a.name FROM agents a WHERE a.id = m.assignee_id)
           FROM mentions m WHERE m.queue = 'actionable' AND m.created_at >= "
    ));
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
        String,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Raw> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, created, seen, first, resolved, stage, handles, network, agent_id, agent)| WorkedItem {
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
                network,
                assignee: agent_id.zip(agent),
            },
        )
        .collect())
}

/// Actions sent in `[from, to)`, by kind and by who asked.
pub async fn sent(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
    let mut q = Sql::new(
        "SELECT o.kind, o.requested_by, COUNT(*) FROM outbox o
           JOIN accounts ac ON ac.id = o.account_id JOIN handles h ON h.id = ac.handle_id
          WHERE o.state = 'sent' AND o.sent_at >= ",
    );
    q.push_bind(to_millis(from))
        .push(" AND o.sent_at < ")
        .push_bind(to_millis(to));
    push_sent_filter(&mut q, filter);
    q.push(" GROUP BY o.kind, o.requested_by ORDER BY o.kind, o.requested_by");
    Ok(q.build_query_as().fetch_all(conn).await?)
}

/// An author who wrote to us in the period, with how much.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorActivity {
    pub author_id: i64,
    pub network: String,
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: i64,
    pub verified: bool,
    pub mentions: i64,
    pub open: i64,
}

/// The most-followed authors who wrote something that was not spam in `[from, to)`, most followed first.
pub async fn top_authors(
    conn: &mut AnyConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    filter: &ReportFilter,
    limit: i64,
) -> Result<Vec<AuthorActivity>, StoreError> {
    // Walks authors from the most followed (an index) and stops at `limit` who wrote in the period, so a
    // year of mentions is never scanned whole.
    let mut q = Sql::new(
        "SELECT * FROM (SELECT a.id, a.network, a.handle, a.display_name, a.followers, a.verified,
                (SELECT COUNT(*) FROM mentions m WHERE m.author_id = a.id AND m.queue <> 'spam' AND m.created_at >= ",
    );
    q.push_bind(to_millis(from))
        .push(" AND m.created_at < ")
        .push_bind(to_millis(to));
    push_filter(&mut q, filter);
    q.push(
        ") AS n,
                (SELECT COUNT(*) FROM mentions m WHERE m.author_id = a.id AND m.status = 'open'
                    AND m.queue = 'actionable') AS open
           FROM authors a ORDER BY a.followers DESC, a.id) t WHERE t.n > 0 LIMIT ",
    )
    .push_bind(limit);
    type Raw = (i64, String, String, Option<String>, i64, i64, i64, i64);
    let rows: Vec<Raw> = q.build_query_as().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(author_id, network, handle, display_name, followers, verified, mentions, open)| {
                AuthorActivity {
                    author_id,
                    network,
                    handle,
                    display_name,
                    followers,
                    verified: verified != 0,
                    mentions,
                    open,
                }
            },
        )
        .collect())
}

/// Authors with actionable items in the working list now, most such items first, as (network, handle,
/// open items).
pub async fn open_by_author(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.network, a.handle, COUNT(*) AS n FROM mentions m JOIN authors a ON a.id = m.author_id
          WHERE m.status = 'open' AND m.queue = 'actionable'
          GROUP BY a.id ORDER BY n DESC, a.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now (new or open, not snoozed), by queue.
pub async fn waiting_by_queue(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT queue, COUNT(*) FROM mentions WHERE status = 'open' GROUP BY queue ORDER BY queue",
    )
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now that need a person, by our handle (an item on two handles counts for each).
pub async fn waiting_by_handle(conn: &mut AnyConnection) -> Result<Vec<(HandleId, String, i64)>, StoreError> {
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
pub async fn longest_waiting(conn: &mut AnyConnection, limit: i64) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mentions WHERE status = 'open' AND queue = 'actionable' AND first_response_at IS NULL
          ORDER BY CASE WHEN first_seen_at > created_at THEN first_seen_at ELSE created_at END, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}
