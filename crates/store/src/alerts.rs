//! Desktop alerts: one per item at most, with how each reached the person.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::{from_millis, to_millis, ItemId, StoreError};

/// How an alert reached the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A notification of its own.
    Shown,
    /// Part of a burst summary.
    Burst,
    /// Held back by quiet hours or do-not-disturb.
    Held,
    /// Held, then summarised when the quiet ended.
    Released,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Shown => "shown",
            Delivery::Burst => "burst",
            Delivery::Held => "held",
            Delivery::Released => "released",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub item: ItemId,
    pub rule_id: String,
    pub rule_name: String,
    pub why: String,
    pub fired_at: DateTime<Utc>,
}

/// Records that an alert fired for an item. Returns `false` if the item already had one: an item alerts once.
pub async fn record(conn: &mut AnyConnection, alert: &AlertRow) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO alerts (item_id, rule_id, rule_name, why, fired_at, delivery) VALUES ($1, $2, $3, $4, $5, 'held')
         ON CONFLICT (item_id) DO NOTHING",
    )
    .bind(alert.item.0)
    .bind(&alert.rule_id)
    .bind(&alert.rule_name)
    .bind(&alert.why)
    .bind(to_millis(alert.fired_at))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_delivery(
    conn: &mut AnyConnection,
    items: &[ItemId],
    delivery: Delivery,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for item in items {
        sqlx::query("UPDATE alerts SET delivery = $1, delivered_at = $2 WHERE item_id = $3")
            .bind(delivery.as_str())
            .bind((delivery != Delivery::Held).then(|| to_millis(now)))
            .bind(item.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// How many alerts reached the person on their own since `since` (bursts count as one each).
pub async fn shown_since(conn: &mut AnyConnection, since: DateTime<Utc>) -> Result<usize, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM alerts WHERE delivery = 'shown' AND delivered_at >= $1)
              + (SELECT COUNT(DISTINCT delivered_at) FROM alerts WHERE delivery = 'burst' AND delivered_at >= $1)",
    )
    .bind(to_millis(since))
    .fetch_one(conn)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Alerts held back, oldest first.
pub async fn held(conn: &mut AnyConnection) -> Result<Vec<AlertRow>, StoreError> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT item_id, rule_id, rule_name, why, fired_at FROM alerts WHERE delivery = 'held' ORDER BY fired_at, id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, rule_id, rule_name, why, at)| AlertRow {
            item: ItemId(item),
            rule_id,
            rule_name,
            why,
            fired_at: from_millis(at),
        })
        .collect())
}

/// Items first seen after `since` that have no alert yet, oldest first: the candidates to check against the
/// rules. Spam is left out here already.
pub async fn unchecked_since(
    conn: &mut AnyConnection,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(ItemId, DateTime<Utc>)>, StoreError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT m.id, m.first_seen_at FROM mentions m
          WHERE m.first_seen_at > $1 AND m.queue <> 'spam' AND m.stage IN ('new', 'open')
            AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.item_id = m.id)
          ORDER BY m.first_seen_at, m.id LIMIT $2",
    )
    .bind(to_millis(since))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at)| (ItemId(id), from_millis(at)))
        .collect())
}
