//! Saved replies, and which of them an author has already been sent.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct SavedReplyRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
    /// How many sent or queued actions were written from it.
    pub uses: i64,
}

type Raw = (i64, String, String, i64, i64);

fn decode((id, title, body, updated, uses): Raw) -> SavedReplyRow {
    SavedReplyRow {
        id,
        title,
        body,
        updated_at: from_millis(updated),
        uses,
    }
}

const SELECT: &str = "SELECT r.id, r.title, r.body, r.updated_at,
        (SELECT COUNT(*) FROM outbox o WHERE o.saved_reply_id = r.id AND o.state <> 'failed')
   FROM saved_replies r";

/// Adds a saved reply, or changes one when `id` is given. Returns its ID, or `None` if `id` names none.
pub async fn save(
    conn: &mut AnyConnection,
    id: Option<i64>,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    Ok(match id {
        Some(id) => {
            let done = sqlx::query("UPDATE saved_replies SET title = $1, body = $2, updated_at = $3 WHERE id = $4")
                .bind(title)
                .bind(body)
                .bind(to_millis(now))
                .bind(id)
                .execute(conn)
                .await?;
            (done.rows_affected() == 1).then_some(id)
        }
        None => Some(
            sqlx::query_scalar(
                "INSERT INTO saved_replies (title, body, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(title)
            .bind(body)
            .bind(to_millis(now))
            .bind(to_millis(now))
            .fetch_one(conn)
            .await?,
        ),
    })
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM saved_replies WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<SavedReplyRow>, StoreError> {
    let row: Option<Raw> = sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(decode))
}

/// All saved replies, by title.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<SavedReplyRow>, StoreError> {
    let rows: Vec<Raw> = sqlx::query_as(&format!("{SELECT} ORDER BY LOWER(r.title), r.id"))
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// When this saved reply last went (or is going) to the author of `item`, on any of their items.
pub async fn last_sent_to_author_of(
    conn: &mut AnyConnection,
    saved_reply: i64,
    item: crate::ItemId,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(o.created_at) FROM outbox o JOIN mentions m ON m.id = o.item_id
          WHERE o.saved_reply_id = $1 AND o.state <> 'failed'
            AND m.author_id = (SELECT author_id FROM mentions WHERE id = $2)",
    )
    .bind(saved_reply)
    .bind(item.0)
    .fetch_one(conn)
    .await?;
    Ok(at.map(from_millis))
}
