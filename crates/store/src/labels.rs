//! The labels agents give items, by what they do (spam, not spam, a changed intent, a reply, closing
//! without a reply). Triage learns from them, and they always win over the model.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, ItemId, StoreError};

/// What an agent said about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    /// "yes" or "no".
    Spam,
    /// complaint, question, praise or other.
    Intent,
    /// "yes" (replied or escalated) or "no" (closed without a reply).
    Actionable,
}

impl Question {
    pub fn as_str(self) -> &'static str {
        match self {
            Question::Spam => "spam",
            Question::Intent => "intent",
            Question::Actionable => "actionable",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Question::Spam, Question::Intent, Question::Actionable]
            .into_iter()
            .find(|q| q.as_str() == s)
    }
}

/// A label with the text it was given to.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentLabel {
    pub item: ItemId,
    pub text: String,
    pub question: Question,
    pub answer: String,
    pub at: DateTime<Utc>,
}

/// Records an agent's answer, replacing an earlier answer to the same question about the same item.
pub async fn put(
    conn: &mut AnyConnection,
    item: ItemId,
    question: Question,
    answer: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO agent_labels (mention_id, question, answer, at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (mention_id, question) DO UPDATE SET answer = excluded.answer, at = excluded.at",
    )
    .bind(item.0)
    .bind(question.as_str())
    .bind(answer)
    .bind(to_millis(at))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Stored {
    mention_id: i64,
    text: String,
    question: String,
    answer: String,
    at: i64,
}

fn decode(rows: Vec<Stored>) -> Vec<AgentLabel> {
    rows.into_iter()
        .filter_map(|r| {
            Some(AgentLabel {
                item: ItemId(r.mention_id),
                text: r.text,
                question: Question::parse(&r.question)?,
                answer: r.answer,
                at: from_millis(r.at),
            })
        })
        .collect()
}

/// Every label, oldest first.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<AgentLabel>, StoreError> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT l.mention_id, m.text, l.question, l.answer, l.at
           FROM agent_labels l JOIN mentions m ON m.id = l.mention_id
          ORDER BY l.at, l.mention_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(decode(rows))
}

/// How many items agents labelled spam, not spam, or with an intent (what triage retrains on).
pub async fn labelled_items(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(DISTINCT mention_id) FROM agent_labels WHERE question IN ('spam', 'intent')",
    )
    .fetch_one(conn)
    .await?)
}

/// The labels of one item.
pub async fn of_item(conn: &mut AnyConnection, item: ItemId) -> Result<Vec<AgentLabel>, StoreError> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT l.mention_id, m.text, l.question, l.answer, l.at
           FROM agent_labels l JOIN mentions m ON m.id = l.mention_id
          WHERE l.mention_id = $1",
    )
    .bind(item.0)
    .fetch_all(conn)
    .await?;
    Ok(decode(rows))
}
