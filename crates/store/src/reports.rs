//! The raw figures reports are drawn from: each UTC day's mentions and sent actions, which the engine keeps
//! encoded per day in `report_days` (the triggers of migration 16 drop a day's facts when it changes), and the
//! few figures read live: top authors, open items by author, and what waits now.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::sql::{indexed_by, Dialect, Sql};

use crate::{from_millis, to_millis, HandleId, ItemId, StoreError};

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

/// One mention of a UTC day as reports need it: when it was written, what it is, where it came and who holds
/// it, and its work times.
#[derive(Debug, Clone, PartialEq)]
pub struct DayMention {
    pub created_at: i64,
    pub first_seen_at: i64,
    pub network: String,
    /// actionable, spam or other.
    pub queue: String,
    pub intent: Option<String>,
    pub stage: String,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub assignee: Option<i64>,
    /// Our handles it came to.
    pub handles: Vec<HandleId>,
}

/// Every mention written in `[from, to)` (milliseconds), oldest first.
pub async fn day_mentions(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<DayMention>, StoreError> {
    let handles = match Dialect::of(conn) {
        Dialect::Sqlite => "group_concat(mh.handle_id)",
        Dialect::Postgres => "string_agg(CAST(mh.handle_id AS TEXT), ',')",
    };
    type Raw = (
        i64,
        i64,
        String,
        String,
        Option<String>,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "SELECT m.created_at, m.first_seen_at, m.network, m.queue, m.intent, m.stage, m.first_response_at,
                m.resolved_at, m.assignee_id, (SELECT {handles} FROM mention_handles mh WHERE mh.mention_id = m.id)
           FROM mentions m WHERE m.created_at >= $1 AND m.created_at < $2 ORDER BY m.created_at, m.id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                created_at,
                first_seen_at,
                network,
                queue,
                intent,
                stage,
                first_response_at,
                resolved_at,
                assignee,
                handles,
            )| {
                DayMention {
                    created_at,
                    first_seen_at,
                    network,
                    queue,
                    intent,
                    stage,
                    first_response_at,
                    resolved_at,
                    assignee,
                    handles: handles
                        .unwrap_or_default()
                        .split(',')
                        .filter_map(|h| h.parse().ok())
                        .map(HandleId)
                        .collect(),
                }
            },
        )
        .collect())
}

/// One action sent: when, what, from which handle, and who asked for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DaySent {
    pub sent_at: i64,
    /// reply, dm, boost, like or post.
    pub kind: String,
    pub handle: HandleId,
    pub requested_by: Option<String>,
}

/// Every action sent in `[from, to)` (milliseconds).
pub async fn day_sent(conn: &mut AnyConnection, from: i64, to: i64) -> Result<Vec<DaySent>, StoreError> {
    let by = indexed_by(conn, "outbox_sent");
    let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(&format!(
        "SELECT o.sent_at, o.kind, ac.handle_id, o.requested_by FROM outbox o{by} JOIN accounts ac ON ac.id = o.account_id
          WHERE o.state = 'sent' AND o.sent_at >= $1 AND o.sent_at < $2 ORDER BY o.sent_at, o.id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(sent_at, kind, handle, requested_by)| DaySent {
            sent_at,
            kind,
            handle: HandleId(handle),
            requested_by,
        })
        .collect())
}

/// The length of a report day: UTC days, numbered from 1970-01-01 as `created_at / DAY_MS` (as the triggers
/// that keep them number them).
pub const DAY_MS: i64 = 86_400_000;

/// A UTC day's stored report facts, as last built.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDay {
    pub day: i64,
    /// Bumped by every change to the day's mentions or sent actions.
    pub gen: i64,
    pub policy: Option<String>,
    /// None once a change dropped them, or before they were first built.
    pub facts: Option<Vec<u8>>,
}

/// The stored facts of the UTC days `first..=last` that have a row (a day without one has never changed
/// since reports began keeping days, so its generation is 0).
pub async fn stored_days(
    conn: &mut AnyConnection,
    first: i64,
    last: i64,
) -> Result<Vec<StoredDay>, StoreError> {
    type Raw = (i64, i64, Option<String>, Option<Vec<u8>>);
    let rows: Vec<Raw> = sqlx::query_as(
        "SELECT day, gen, policy, facts FROM report_days WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(first)
    .bind(last)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(day, gen, policy, facts)| StoredDay {
            day,
            gen,
            policy,
            facts,
        })
        .collect())
}

/// Keeps a day's facts, built from what the day held at generation `gen`; when the day changed since, they are
/// stale and kept nowhere (false).
pub async fn store_day(
    conn: &mut AnyConnection,
    day: i64,
    gen: i64,
    policy: &str,
    facts: &[u8],
) -> Result<bool, StoreError> {
    sqlx::query("INSERT INTO report_days (day, gen) VALUES ($1, 0) ON CONFLICT (day) DO NOTHING")
        .bind(day)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("UPDATE report_days SET policy = $1, facts = $2 WHERE day = $3 AND gen = $4")
        .bind(policy)
        .bind(facts)
        .bind(day)
        .bind(gen)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
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
    let by = indexed_by(conn, "mentions_open_actionable");
    Ok(sqlx::query_as(&format!(
        "SELECT a.network, a.handle, t.n
           FROM (SELECT author_id, COUNT(*) AS n FROM mentions{by} WHERE status = 'open' AND queue = 'actionable'
                  GROUP BY author_id ORDER BY n DESC, author_id LIMIT $1) t
           JOIN authors a ON a.id = t.author_id
          ORDER BY t.n DESC, t.author_id"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now (new or open, not snoozed), by queue.
pub async fn waiting_by_queue(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>, StoreError> {
    let by = indexed_by(conn, "mentions_open_queue");
    Ok(sqlx::query_as(&format!(
        "SELECT queue, COUNT(*) FROM mentions{by} WHERE status = 'open' GROUP BY queue ORDER BY queue"
    ))
    .fetch_all(conn)
    .await?)
}

/// Items in the working list now that need a person, by our handle (an item on two handles counts for each).
pub async fn waiting_by_handle(conn: &mut AnyConnection) -> Result<Vec<(HandleId, String, i64)>, StoreError> {
    let by = indexed_by(conn, "mentions_open_actionable");
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT h.id, h.account, COALESCE(c.n, 0) FROM handles h
           LEFT JOIN (SELECT mh.handle_id, COUNT(*) AS n FROM mentions m{by} JOIN mention_handles mh ON mh.mention_id = m.id
                       WHERE m.status = 'open' AND m.queue = 'actionable' GROUP BY mh.handle_id) c ON c.handle_id = h.id
          ORDER BY COALESCE(c.n, 0) DESC, h.account"
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account, n)| (HandleId(id), account, n))
        .collect())
}

/// An actionable item waiting for a first reply, with what the Now panel shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingRow {
    pub id: ItemId,
    pub created_at: DateTime<Utc>,
    pub first_seen_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub author: String,
    /// Our handles it came to, as (ID, account), lowest ID first.
    pub handles: Vec<(HandleId, String)>,
}

/// The actionable items waiting longest for a first reply, oldest first, in one query.
pub async fn longest_waiting(conn: &mut AnyConnection, limit: i64) -> Result<Vec<WaitingRow>, StoreError> {
    let (ids, accounts) = match Dialect::of(conn) {
        Dialect::Sqlite => (
            "group_concat(h.id, char(31))",
            "group_concat(h.account, char(31))",
        ),
        Dialect::Postgres => (
            "string_agg(CAST(h.id AS TEXT), chr(31) ORDER BY h.id)",
            "string_agg(h.account, chr(31) ORDER BY h.id)",
        ),
    };
    let by = indexed_by(conn, "mentions_waiting_since");
    type Raw = (i64, i64, i64, Option<i64>, String, Option<String>, Option<String>);
    let rows: Vec<Raw> = sqlx::query_as(&format!(
        "SELECT m.id, m.created_at, m.first_seen_at, m.resolved_at, a.handle,
                (SELECT {ids} FROM (SELECT h.id, h.account FROM mention_handles mh JOIN handles h ON h.id = mh.handle_id
                                     WHERE mh.mention_id = m.id ORDER BY h.id) h),
                (SELECT {accounts} FROM (SELECT h.id, h.account FROM mention_handles mh
                                           JOIN handles h ON h.id = mh.handle_id
                                          WHERE mh.mention_id = m.id ORDER BY h.id) h)
           FROM mentions m{by} JOIN authors a ON a.id = m.author_id
          WHERE m.status = 'open' AND m.queue = 'actionable' AND m.first_response_at IS NULL
          ORDER BY CASE WHEN m.first_seen_at > m.created_at THEN m.first_seen_at ELSE m.created_at END, m.id
          LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, seen, resolved, author, ids, accounts)| {
            let ids = ids.unwrap_or_default();
            let accounts = accounts.unwrap_or_default();
            WaitingRow {
                id: ItemId(id),
                created_at: from_millis(created),
                first_seen_at: from_millis(seen),
                resolved_at: resolved.map(from_millis),
                author,
                handles: ids
                    .split('\u{1f}')
                    .zip(accounts.split('\u{1f}'))
                    .filter_map(|(id, account)| Some((HandleId(id.parse().ok()?), account.to_owned())))
                    .collect(),
            }
        })
        .collect())
}

/// Every handle as reports group by it: (ID, network, account, role), without the counts of `handles::list`.
pub async fn handles(
    conn: &mut AnyConnection,
) -> Result<Vec<(HandleId, String, String, String)>, StoreError> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, network, account, role FROM handles ORDER BY network, account")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, network, account, role)| (HandleId(id), network, account, role))
        .collect())
}
