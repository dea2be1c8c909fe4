//! Presence: who is viewing an item and who is writing an answer to it, from each desktop's heartbeat.
//!
//! One row per agent says what they have open now. The window beats every few seconds while an item is open;
//! a row that has not been refreshed within the caller's freshness window is ignored, so a desktop that
//! closed or crashed drops out on its own without anyone cleaning up.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::agents::AgentId;
use crate::{from_millis, to_millis, ItemId, StoreError};

/// What an agent is doing with the item they have open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    Viewing,
    Composing,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Viewing => "viewing",
            Activity::Composing => "composing",
        }
    }

    fn parse(s: &str) -> Activity {
        match s {
            "composing" => Activity::Composing,
            _ => Activity::Viewing,
        }
    }
}

/// Another agent on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    pub agent: AgentId,
    pub name: String,
    pub activity: Activity,
    pub seen_at: DateTime<Utc>,
}

/// Records that `agent` has `item` open (or nothing, with `None`) as of `now`.
pub async fn beat(
    conn: &mut AnyConnection,
    agent: AgentId,
    item: Option<ItemId>,
    activity: Activity,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match item {
        Some(item) => {
            sqlx::query(
                "INSERT INTO presence (agent_id, mention_id, activity, seen_at)
                 SELECT $1, id, $2, $3 FROM mentions WHERE id = $4
                 ON CONFLICT (agent_id) DO UPDATE
                    SET mention_id = excluded.mention_id, activity = excluded.activity, seen_at = excluded.seen_at",
            )
            .bind(agent.0)
            .bind(activity.as_str())
            .bind(to_millis(now))
            .bind(item.0)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM presence WHERE agent_id = $1")
                .bind(agent.0)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// Everyone but `except` who has had `item` open since `fresh_since`, writers first, then by name.
pub async fn on_item(
    conn: &mut AnyConnection,
    item: ItemId,
    except: AgentId,
    fresh_since: DateTime<Utc>,
) -> Result<Vec<Present>, StoreError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT p.agent_id, a.name, p.activity, p.seen_at
           FROM presence p JOIN agents a ON a.id = p.agent_id
          WHERE p.mention_id = $1 AND p.agent_id <> $2 AND p.seen_at >= $3
          ORDER BY CASE p.activity WHEN 'composing' THEN 0 ELSE 1 END, a.name",
    )
    .bind(item.0)
    .bind(except.0)
    .bind(to_millis(fresh_since))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(agent, name, activity, seen_at)| Present {
            agent: AgentId(agent),
            name,
            activity: Activity::parse(&activity),
            seen_at: from_millis(seen_at),
        })
        .collect())
}
