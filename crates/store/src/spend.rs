//! X's billing ledger: what was read and written, per handle and UTC day, counted as X bills it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;

use crate::{to_millis, StoreError};

/// Records billable resources. One already counted for the same app, kind and UTC day is not counted again.
pub async fn record(
    conn: &mut AnyConnection,
    app: &str,
    kind: &str,
    resources: &[String],
    handle: &str,
    at: DateTime<Utc>,
) -> Result<u32, StoreError> {
    let day = at.date_naive().to_string();
    let mut added = 0;
    for resource in resources {
        let done = sqlx::query(
            "INSERT INTO x_ledger (day, app, kind, resource, handle, at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING",
        )
        .bind(&day)
        .bind(app)
        .bind(kind)
        .bind(resource)
        .bind(handle)
        .bind(to_millis(at))
        .execute(&mut *conn)
        .await?;
        added += u32::try_from(done.rows_affected()).unwrap_or(0);
    }
    Ok(added)
}

/// Counts per handle and kind over the UTC days `from..=to`.
pub async fn counts(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT handle, kind, COUNT(*) FROM x_ledger WHERE day >= $1 AND day <= $2
         GROUP BY handle, kind ORDER BY handle, kind",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(conn)
    .await?)
}
