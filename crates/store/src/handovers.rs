//! Shift handovers: what the leaving agent left for the next one.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::agents::AgentId;
use crate::{from_millis, to_millis, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct HandoverRow {
    pub id: i64,
    pub agent: Option<String>,
    pub ended_at: DateTime<Utc>,
    /// JSON, written by the engine.
    pub summary: String,
    pub read_by: Option<String>,
    pub read_at: Option<DateTime<Utc>>,
}

pub async fn add(
    conn: &mut AnyConnection,
    agent: Option<AgentId>,
    ended_at: DateTime<Utc>,
    summary: &str,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO handovers (agent_id, ended_at, summary) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(agent.map(|a| a.0))
    .bind(to_millis(ended_at))
    .bind(summary)
    .fetch_one(conn)
    .await?)
}

type Raw = (i64, Option<String>, i64, String, Option<String>, Option<i64>);

/// The newest handovers first.
pub async fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<HandoverRow>, StoreError> {
    let rows: Vec<Raw> = sqlx::query_as(
        "SELECT h.id, a.name, h.ended_at, h.summary, r.name, h.read_at FROM handovers h
           LEFT JOIN agents a ON a.id = h.agent_id LEFT JOIN agents r ON r.id = h.read_by
          ORDER BY h.ended_at DESC, h.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, agent, ended, summary, read_by, read_at)| HandoverRow {
            id,
            agent,
            ended_at: from_millis(ended),
            summary,
            read_by,
            read_at: read_at.map(from_millis),
        })
        .collect())
}

/// Marks a handover read by the agent taking over. The first reader is kept.
pub async fn mark_read(
    conn: &mut AnyConnection,
    id: i64,
    reader: AgentId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE handovers SET read_by = COALESCE(read_by, $1), read_at = COALESCE(read_at, $2) WHERE id = $3",
    )
    .bind(reader.0)
    .bind(to_millis(now))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
