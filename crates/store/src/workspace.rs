//! Small key-value facts about the workspace.

use sqlx::AnyConnection;

use crate::StoreError;

pub async fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar("SELECT value FROM workspace WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?)
}

pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO workspace (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many items the workspace holds, in all and still open.
pub async fn counts(conn: &mut AnyConnection) -> Result<(i64, i64), StoreError> {
    let row: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) FROM mentions",
    )
    .fetch_one(conn)
    .await?;
    Ok(row)
}

pub async fn delete(conn: &mut AnyConnection, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM workspace WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
