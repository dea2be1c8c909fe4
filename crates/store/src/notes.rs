//! Internal notes on items and conversations. They are never sent to a network.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::agents::AgentId;
use crate::{from_millis, to_millis, Flag, ItemId, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub id: i64,
    pub item: ItemId,
    /// Whether the note is about the whole conversation rather than this one post.
    pub conversation: bool,
    pub agent: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Adds a note to an item, or to the item's whole conversation.
pub async fn add(
    conn: &mut AnyConnection,
    item: ItemId,
    conversation: bool,
    agent: Option<AgentId>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO notes (item_id, network, conversation_root, agent_id, body, created_at)
         SELECT id, network, CASE WHEN $1 = 1 THEN conversation_root END, $2, $3, $4 FROM mentions WHERE id = $5
         RETURNING id",
    )
    .bind(Flag(conversation))
    .bind(agent.map(|a| a.0))
    .bind(body)
    .bind(to_millis(now))
    .bind(item.0)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The notes on an item and on its conversation, oldest first.
pub async fn for_item(conn: &mut AnyConnection, item: ItemId) -> Result<Vec<NoteRow>, StoreError> {
    let rows: Vec<(i64, i64, Flag, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT n.id, n.item_id, n.conversation_root IS NOT NULL, ag.name, n.body, n.created_at
           FROM notes n LEFT JOIN agents ag ON ag.id = n.agent_id, mentions m
          WHERE m.id = $1
            AND (n.item_id = m.id OR (n.network = m.network AND n.conversation_root = m.conversation_root))
          ORDER BY n.created_at, n.id",
    )
    .bind(item.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, item, conversation, agent, body, at)| NoteRow {
            id,
            item: ItemId(item),
            conversation: conversation.0,
            agent,
            body,
            created_at: from_millis(at),
        })
        .collect())
}
