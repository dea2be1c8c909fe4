//! The people who answer: their names, signatures, roles, and who is on duty on which handles.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, Flag, HandleId, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct AgentId(pub i64);

#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub id: AgentId,
    pub name: String,
    pub signature: String,
    /// agent or lead.
    pub role: String,
    pub on_duty: bool,
    pub duty_until: Option<DateTime<Utc>>,
    pub handles: Vec<HandleId>,
    /// Items in a working stage that the agent holds.
    pub holding: i64,
    /// How many items they take on at most, through claims of the next item and automatic assignment.
    pub cap: i64,
}

type RawAgent = (i64, String, String, String, Flag, Option<i64>, i64, i64);

const SELECT: &str = "SELECT ag.id, ag.name, ag.signature, ag.role, ag.on_duty, ag.duty_until,
        (SELECT COUNT(*) FROM mentions m WHERE m.assignee_id = ag.id AND m.stage IN ('new', 'open', 'waiting')),
        ag.cap
   FROM agents ag";

async fn decode(conn: &mut AnyConnection, r: RawAgent) -> Result<AgentRow, StoreError> {
    let (id, name, signature, role, on_duty, duty_until, holding, cap) = r;
    let handles: Vec<i64> =
        sqlx::query_scalar("SELECT handle_id FROM agent_handles WHERE agent_id = $1 ORDER BY handle_id")
            .bind(id)
            .fetch_all(conn)
            .await?;
    Ok(AgentRow {
        id: AgentId(id),
        name,
        signature,
        role,
        on_duty: on_duty.0,
        duty_until: duty_until.map(from_millis),
        handles: handles.into_iter().map(HandleId).collect(),
        holding,
        cap,
    })
}

/// Adds a person, or returns the one already known by that name (names are compared exactly).
pub async fn ensure(conn: &mut AnyConnection, name: &str, now: DateTime<Utc>) -> Result<AgentId, StoreError> {
    sqlx::query("INSERT INTO agents (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(to_millis(now))
        .execute(&mut *conn)
        .await?;
    let id = sqlx::query_scalar("SELECT id FROM agents WHERE name = $1")
        .bind(name)
        .fetch_one(conn)
        .await?;
    Ok(AgentId(id))
}

/// Changes a person's name, signature and role. Fails with the constraint `agents_name_unique` when the name
/// is taken by someone else.
pub async fn update(
    conn: &mut AnyConnection,
    id: AgentId,
    name: &str,
    signature: &str,
    role: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE agents SET name = $1, signature = $2, role = $3 WHERE id = $4")
        .bind(name)
        .bind(signature)
        .bind(role)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut AnyConnection, id: AgentId) -> Result<Option<AgentRow>, StoreError> {
    let row: Option<RawAgent> = sqlx::query_as(&format!("{SELECT} WHERE ag.id = $1"))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => Ok(Some(decode(conn, r).await?)),
        None => Ok(None),
    }
}

pub async fn by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<AgentRow>, StoreError> {
    let row: Option<RawAgent> = sqlx::query_as(&format!("{SELECT} WHERE LOWER(ag.name) = LOWER($1)"))
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => Ok(Some(decode(conn, r).await?)),
        None => Ok(None),
    }
}

/// Everyone, on duty first, then by name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<AgentRow>, StoreError> {
    let rows: Vec<RawAgent> = sqlx::query_as(&format!("{SELECT} ORDER BY ag.on_duty DESC, ag.name"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(decode(conn, r).await?);
    }
    Ok(out)
}

/// Puts a person on duty on some handles until a time, or takes them off duty (then their handles are
/// cleared).
pub async fn set_duty(
    conn: &mut AnyConnection,
    id: AgentId,
    on_duty: bool,
    until: Option<DateTime<Utc>>,
    handles: &[HandleId],
) -> Result<(), StoreError> {
    sqlx::query("UPDATE agents SET on_duty = $1, duty_until = $2 WHERE id = $3")
        .bind(Flag(on_duty))
        .bind(until.filter(|_| on_duty).map(to_millis))
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM agent_handles WHERE agent_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    if on_duty {
        for h in handles {
            sqlx::query(
                "INSERT INTO agent_handles (agent_id, handle_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id.0)
            .bind(h.0)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
