//! Per handle: SLA targets, business hours, quiet hours for alerts, and whether replies are signed. The
//! values are JSON the engine reads (earshot_desk's types); the store only keeps them.

use sqlx::AnyConnection;

use crate::Flag;
use crate::{HandleId, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct HandleSettingsRow {
    pub handle: HandleId,
    pub sla: String,
    pub business_hours: Option<String>,
    pub quiet_hours: Option<String>,
    pub sign_replies: bool,
}

pub async fn put(conn: &mut AnyConnection, row: &HandleSettingsRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO handle_settings (handle_id, sla, business_hours, quiet_hours, sign_replies) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (handle_id) DO UPDATE SET sla = excluded.sla, business_hours = excluded.business_hours,
             quiet_hours = excluded.quiet_hours, sign_replies = excluded.sign_replies",
    )
    .bind(row.handle.0)
    .bind(&row.sla)
    .bind(&row.business_hours)
    .bind(&row.quiet_hours)
    .bind(Flag(row.sign_replies))
    .execute(conn)
    .await?;
    Ok(())
}

type RawSettings = (i64, String, Option<String>, Option<String>, Flag);

/// The settings every handle has stored; a handle without a row uses the defaults.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<HandleSettingsRow>, StoreError> {
    let rows: Vec<RawSettings> = sqlx::query_as(
        "SELECT handle_id, sla, business_hours, quiet_hours, sign_replies FROM handle_settings ORDER BY handle_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(h, sla, business_hours, quiet_hours, sign_replies)| HandleSettingsRow {
                handle: HandleId(h),
                sla,
                business_hours,
                quiet_hours,
                sign_replies: sign_replies.0,
            },
        )
        .collect())
}
