//! Where each item stands in the agents' work: its stage, snoozes, who holds it, what happened to it, and the
//! times the SLA timers and reports read (first response, resolution).

use chrono::{DateTime, Utc};
use earshot_core::Stage;
use sqlx::AnyConnection;

use crate::agents::AgentId;
use crate::sql::Dialect;
use crate::{from_millis, to_millis, ItemId, StoreError};

/// An item's work state.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRow {
    pub id: ItemId,
    pub stage: Stage,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub first_seen_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The person who holds it, by ID and name.
    pub assignee: Option<(AgentId, String)>,
    /// The role it was escalated to, while no one person holds it.
    pub held_by_role: Option<String>,
}

impl WorkRow {
    /// When the clock starts for the SLA and response times: when the post was written, or when Earshot first
    /// saw it if that is later (a post found days late was not waiting on us all that time).
    pub fn started_at(&self) -> DateTime<Utc> {
        self.created_at.max(self.first_seen_at)
    }
}

type RawWork = (
    i64,
    String,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const SELECT_WORK: &str =
    "SELECT m.id, m.stage, m.snoozed_until, m.created_at, m.first_seen_at, m.first_response_at,
        m.resolved_at, m.assignee_id, ag.name, m.held_by_role
   FROM mentions m LEFT JOIN agents ag ON ag.id = m.assignee_id";

fn decode(r: RawWork) -> Result<WorkRow, StoreError> {
    let (id, stage, snoozed, created, seen, first_response, resolved, assignee, assignee_name, role) = r;
    Ok(WorkRow {
        id: ItemId(id),
        stage: stage
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("item {id}: {e}")))?,
        snoozed_until: snoozed.map(from_millis),
        created_at: from_millis(created),
        first_seen_at: from_millis(seen),
        first_response_at: first_response.map(from_millis),
        resolved_at: resolved.map(from_millis),
        assignee: assignee.zip(assignee_name).map(|(id, name)| (AgentId(id), name)),
        held_by_role: role,
    })
}

pub async fn get(conn: &mut AnyConnection, id: ItemId) -> Result<Option<WorkRow>, StoreError> {
    let row: Option<RawWork> = sqlx::query_as(&format!("{SELECT_WORK} WHERE m.id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(decode).transpose()
}

/// The work state of many items at once, in no particular order.
pub async fn many(conn: &mut AnyConnection, ids: &[ItemId]) -> Result<Vec<WorkRow>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = crate::sql::Sql::new(format!("{SELECT_WORK} WHERE m.id IN ("));
        q.push_list(chunk.iter().map(|id| id.0)).push(")");
        let rows: Vec<RawWork> = q.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
        for row in rows {
            out.push(decode(row)?);
        }
    }
    Ok(out)
}

/// Moves an item to a stage. Resolving stamps the resolution time; opening again clears it. Any snooze ends.
/// Returns `false` if there is no such item.
pub async fn set_stage(
    conn: &mut AnyConnection,
    id: ItemId,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE mentions SET stage = $1, status = $2, snoozed_until = NULL,
                resolved_at = CASE $3 WHEN 'resolved' THEN $4 WHEN 'ignored' THEN resolved_at ELSE NULL END
          WHERE id = $5",
    )
    .bind(stage.as_str())
    .bind(stage.status().as_str())
    .bind(stage.as_str())
    .bind(to_millis(now))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Someone opened a new item: it is no longer new.
pub async fn mark_seen(conn: &mut AnyConnection, id: ItemId) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE mentions SET stage = 'open' WHERE id = $1 AND stage = 'new'")
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes an item out of the list until `until`; it keeps its stage.
pub async fn snooze(conn: &mut AnyConnection, id: ItemId, until: DateTime<Utc>) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE mentions SET snoozed_until = $1, status = 'done' WHERE id = $2")
        .bind(to_millis(until))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Brings back every item whose snooze has ended. A snoozed item that was waiting on the customer comes back
/// open: the agent asked to be reminded.
pub async fn wake_due(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE mentions SET snoozed_until = NULL, status = CASE stage WHEN 'resolved' THEN 'done'
                WHEN 'ignored' THEN 'done' ELSE 'open' END,
                stage = CASE stage WHEN 'waiting' THEN 'open' ELSE stage END
          WHERE snoozed_until IS NOT NULL AND snoozed_until <= $1 RETURNING id",
    )
    .bind(to_millis(now))
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}

/// When the next snooze ends, for the worker's timer.
pub async fn next_wake(conn: &mut AnyConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<i64> =
        sqlx::query_scalar("SELECT MIN(snoozed_until) FROM mentions WHERE snoozed_until IS NOT NULL")
            .fetch_one(conn)
            .await?;
    Ok(at.map(from_millis))
}

/// Gives the item to a person, or to a role (then no one person holds it), or to no one.
pub async fn hold(
    conn: &mut AnyConnection,
    id: ItemId,
    agent: Option<AgentId>,
    role: Option<&str>,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE mentions SET assignee_id = $1, held_by_role = $2 WHERE id = $3")
        .bind(agent.map(|a| a.0))
        .bind(role)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One thing that happened to an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemEvent {
    pub at: DateTime<Utc>,
    pub agent: Option<String>,
    pub kind: String,
    /// JSON, shaped by the kind.
    pub detail: String,
}

pub async fn add_event(
    conn: &mut AnyConnection,
    item: ItemId,
    at: DateTime<Utc>,
    agent: Option<AgentId>,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO item_events (item_id, at, agent_id, kind, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(item.0)
        .bind(to_millis(at))
        .bind(agent.map(|a| a.0))
        .bind(kind)
        .bind(detail.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// An item's events, oldest first.
pub async fn events(conn: &mut AnyConnection, item: ItemId) -> Result<Vec<ItemEvent>, StoreError> {
    let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
        "SELECT e.at, ag.name, e.kind, e.detail FROM item_events e LEFT JOIN agents ag ON ag.id = e.agent_id
          WHERE e.item_id = $1 ORDER BY e.at, e.id",
    )
    .bind(item.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, agent, kind, detail)| ItemEvent {
            at: from_millis(at),
            agent,
            kind,
            detail,
        })
        .collect())
}

/// Open items (new, open or waiting, snoozed or not) that an agent holds, oldest first; all open items
/// when `agent` is `None`.
pub async fn open_items(
    conn: &mut AnyConnection,
    agent: Option<AgentId>,
    limit: i64,
) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM mentions WHERE stage IN ('new', 'open', 'waiting') AND queue <> 'spam'
            AND ($1 IS NULL OR assignee_id = $2)
          ORDER BY CASE WHEN first_seen_at > created_at THEN first_seen_at ELSE created_at END LIMIT $3",
    )
    .bind(agent.map(|a| a.0))
    .bind(agent.map(|a| a.0))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}

/// Our sent replies and direct messages on items still open, newest first: the handover looks in them for
/// promises.
pub async fn sent_on_open_items(
    conn: &mut AnyConnection,
    since: DateTime<Utc>,
) -> Result<Vec<(ItemId, String, DateTime<Utc>)>, StoreError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT o.item_id, o.body, o.sent_at FROM outbox o JOIN mentions m ON m.id = o.item_id
          WHERE o.state = 'sent' AND o.kind IN ('reply', 'dm') AND o.body IS NOT NULL AND o.sent_at >= $1
            AND m.stage IN ('new', 'open', 'waiting')
          ORDER BY o.sent_at DESC LIMIT 500",
    )
    .bind(to_millis(since))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, body, at)| (ItemId(item), body, from_millis(at)))
        .collect())
}

/// Actionable items in the working list that no one has answered yet: the tray's count.
pub async fn unanswered(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM mentions
          WHERE status = 'open' AND queue = 'actionable' AND first_response_at IS NULL",
    )
    .fetch_one(conn)
    .await?)
}

/// Which items a claim of the next one draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimQueue {
    /// Items on a support handle, and complaints wherever they arrive.
    Support,
    /// Praise on a marketing handle.
    Marketing,
}

impl ClaimQueue {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimQueue::Support => "support",
            ClaimQueue::Marketing => "marketing",
        }
    }

    /// The role of the handles whose items the queue draws from.
    pub fn role(self) -> &'static str {
        self.as_str()
    }
}

/// The SQL condition (starting with AND) that keeps candidate mentions `c` to a queue.
fn in_queue(queue: ClaimQueue) -> &'static str {
    match queue {
        ClaimQueue::Support => {
            " AND (c.intent = 'complaint' OR EXISTS (SELECT 1 FROM mention_handles mh JOIN handles hd ON hd.id = mh.handle_id
                                                      WHERE mh.mention_id = c.id AND hd.role = 'support'))"
        }
        ClaimQueue::Marketing => {
            " AND c.intent = 'praise' AND EXISTS (SELECT 1 FROM mention_handles mh JOIN handles hd ON hd.id = mh.handle_id
                                                   WHERE mh.mention_id = c.id AND hd.role = 'marketing')"
        }
    }
}

/// Unheld open items of a queue, most urgent first: what automatic assignment hands out.
pub async fn unheld(
    conn: &mut AnyConnection,
    queue: ClaimQueue,
    limit: i64,
) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT c.id FROM mentions c WHERE c.assignee_id IS NULL AND c.held_by_role IS NULL AND c.status = 'open'
            AND c.queue = 'actionable'{} ORDER BY c.rank_key DESC, c.created_at, c.id LIMIT $1",
        in_queue(queue)
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}

/// Gives an item to an agent if nobody holds it yet (false when somebody claimed it meanwhile).
pub async fn give_if_unheld(
    conn: &mut AnyConnection,
    item: ItemId,
    agent: AgentId,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE mentions SET assignee_id = $1 WHERE id = $2 AND assignee_id IS NULL AND held_by_role IS NULL",
    )
    .bind(agent.0)
    .bind(item.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Someone automatic assignment may give a queue's items to, with their load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDuty {
    pub id: AgentId,
    pub name: String,
    pub holding: i64,
    pub cap: i64,
}

/// Agents on duty for a queue at `now`, lowest ID first: on duty (and their duty not yet over), and either on
/// duty on a handle of the queue's role or on no handle in particular. On PostgreSQL their rows are locked for
/// the transaction, so claims made meanwhile wait and caps hold.
pub async fn on_duty_for(
    conn: &mut AnyConnection,
    queue: ClaimQueue,
    now: DateTime<Utc>,
) -> Result<Vec<OnDuty>, StoreError> {
    let lock = match Dialect::of(conn) {
        Dialect::Postgres => " FOR UPDATE OF ag",
        Dialect::Sqlite => "",
    };
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT ag.id, ag.name, ({HOLDING_OF_AG}), ag.cap FROM agents ag
          WHERE ag.on_duty <> 0 AND (ag.duty_until IS NULL OR ag.duty_until > $1)
            AND (NOT EXISTS (SELECT 1 FROM agent_handles x WHERE x.agent_id = ag.id)
                 OR EXISTS (SELECT 1 FROM agent_handles x JOIN handles hd ON hd.id = x.handle_id
                             WHERE x.agent_id = ag.id AND hd.role = $2))
          ORDER BY ag.id{lock}"
    ))
    .bind(to_millis(now))
    .bind(queue.role())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, holding, cap)| OnDuty {
            id: AgentId(id),
            name,
            holding,
            cap,
        })
        .collect())
}

/// A queue's automatic assignment: its mode (off, round_robin or least_loaded; off when never set) and who
/// got its previous item. On PostgreSQL the rule's row is locked for the transaction, so two processes never
/// hand out a queue's items at once.
pub async fn assignment_rule(
    conn: &mut AnyConnection,
    queue: ClaimQueue,
    lock: bool,
) -> Result<(String, Option<AgentId>), StoreError> {
    let for_update = match (lock, Dialect::of(conn)) {
        (true, Dialect::Postgres) => " FOR UPDATE",
        _ => "",
    };
    let row: Option<(String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT mode, last_agent_id FROM assignment_rules WHERE queue = $1{for_update}"
    ))
    .bind(queue.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map_or(("off".to_owned(), None), |(mode, last)| (mode, last.map(AgentId))))
}

/// Sets how a queue hands out its items.
pub async fn set_assignment_mode(
    conn: &mut AnyConnection,
    queue: ClaimQueue,
    mode: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assignment_rules (queue, mode) VALUES ($1, $2) ON CONFLICT (queue) DO UPDATE SET mode = $3",
    )
    .bind(queue.as_str())
    .bind(mode)
    .bind(mode)
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers who got a queue's latest item.
pub async fn set_last_assigned(
    conn: &mut AnyConnection,
    queue: ClaimQueue,
    agent: AgentId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE assignment_rules SET last_agent_id = $1 WHERE queue = $2")
        .bind(agent.0)
        .bind(queue.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The agent holds the item now (or held it already).
    Claimed(ItemId),
    /// Someone else holds it: their name.
    HeldBy(String),
    /// There is no such item.
    Missing,
    /// The agent already holds as many items as their cap allows.
    AtCap { holding: i64, cap: i64 },
    /// No unheld item waits in the queue.
    NothingWaiting,
}

/// Items in a working stage, which count against an agent's cap.
const HOLDING: &str =
    "SELECT COUNT(*) FROM mentions h WHERE h.assignee_id = $1 AND h.stage IN ('new', 'open', 'waiting')";
/// The same, for the agent `ag` of an outer query.
const HOLDING_OF_AG: &str =
    "SELECT COUNT(*) FROM mentions h WHERE h.assignee_id = ag.id AND h.stage IN ('new', 'open', 'waiting')";

/// Claims one item for `agent`: it succeeds only if nobody else holds it, in one statement, so two agents
/// claiming at once can never both win.
pub async fn claim(conn: &mut AnyConnection, item: ItemId, agent: AgentId) -> Result<Claim, StoreError> {
    let won: Option<i64> = sqlx::query_scalar(
        "UPDATE mentions SET assignee_id = $1, held_by_role = NULL
          WHERE id = $2 AND (assignee_id IS NULL OR assignee_id = $3) RETURNING id",
    )
    .bind(agent.0)
    .bind(item.0)
    .bind(agent.0)
    .fetch_optional(&mut *conn)
    .await?;
    if won.is_some() {
        return Ok(Claim::Claimed(item));
    }
    let holder: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT ag.name FROM mentions m LEFT JOIN agents ag ON ag.id = m.assignee_id WHERE m.id = $1",
    )
    .bind(item.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match holder {
        None => Claim::Missing,
        Some((name,)) => Claim::HeldBy(name.unwrap_or_else(|| "someone who left the team".into())),
    })
}

/// Claims the most urgent open item nobody holds, from `queue` (or from every actionable item), unless the
/// agent is at their cap. Run it in a transaction.
///
/// On PostgreSQL the agent's row is locked first (so one agent's parallel claims respect the cap), and the
/// candidate is taken `FOR UPDATE SKIP LOCKED`, so agents claiming at once take different items rather than
/// queueing behind each other. SQLite runs one writer at a time, so the same statement is already atomic.
pub async fn claim_next(
    conn: &mut AnyConnection,
    agent: AgentId,
    queue: Option<ClaimQueue>,
) -> Result<Claim, StoreError> {
    let dialect = Dialect::of(conn);
    let cap: Option<i64> = match dialect {
        Dialect::Postgres => sqlx::query_scalar("SELECT cap FROM agents WHERE id = $1 FOR UPDATE"),
        Dialect::Sqlite => sqlx::query_scalar("SELECT cap FROM agents WHERE id = $1"),
    }
    .bind(agent.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(cap) = cap else {
        return Ok(Claim::Missing);
    };
    let holding: i64 = sqlx::query_scalar(HOLDING)
        .bind(agent.0)
        .fetch_one(&mut *conn)
        .await?;
    if holding >= cap {
        return Ok(Claim::AtCap { holding, cap });
    }
    let in_queue = queue.map_or("", in_queue);
    let lock = match dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let candidates = format!(
        "FROM mentions c WHERE c.assignee_id IS NULL AND c.held_by_role IS NULL AND c.status = 'open'
            AND c.queue = 'actionable'{in_queue}"
    );
    let sql = format!(
        "UPDATE mentions SET assignee_id = $1
          WHERE id = (SELECT c.id {candidates} ORDER BY c.rank_key DESC, c.created_at, c.id LIMIT 1{lock})
            AND assignee_id IS NULL
         RETURNING id"
    );
    // On PostgreSQL a candidate another agent took between the look and the lock drops out of the look,
    // which can then come back empty while other items wait: look again.
    for _ in 0..8 {
        let won: Option<i64> = sqlx::query_scalar(&sql)
            .bind(agent.0)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(id) = won {
            return Ok(Claim::Claimed(ItemId(id)));
        }
        let waiting: Option<i64> = sqlx::query_scalar(&format!("SELECT c.id {candidates} LIMIT 1"))
            .fetch_optional(&mut *conn)
            .await?;
        if waiting.is_none() {
            break;
        }
    }
    Ok(Claim::NothingWaiting)
}

/// How many items an agent takes on at most.
pub async fn set_cap(conn: &mut AnyConnection, agent: AgentId, cap: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE agents SET cap = $1 WHERE id = $2")
        .bind(cap)
        .bind(agent.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
