//! The brand's own handles.

use earshot_core::{Handle, Network, Role};
use sqlx::AnyConnection;

use crate::{HandleId, StoreError};

/// A stored handle, with how many open items it has.
#[derive(Debug, Clone, PartialEq)]
pub struct HandleRow {
    pub id: HandleId,
    pub network: Network,
    pub account: String,
    pub role: Role,
    pub display_name: Option<String>,
    pub open_count: i64,
}

/// Adds a handle, or updates its role and display name if it is already known.
pub async fn upsert(conn: &mut AnyConnection, handle: &Handle) -> Result<HandleId, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO handles (network, account, role, display_name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (network, account) DO UPDATE SET role = excluded.role,
             display_name = COALESCE(excluded.display_name, handles.display_name)
         RETURNING id",
    )
    .bind(handle.network.as_str())
    .bind(handle.account.as_str())
    .bind(handle.role.as_str())
    .bind(&handle.display_name)
    .fetch_one(conn)
    .await?;
    Ok(HandleId(id))
}

type RawHandleRow = (i64, String, String, String, Option<String>, i64);

pub(crate) fn decode(row: RawHandleRow) -> Result<HandleRow, StoreError> {
    let (id, network, account, role, display_name, open_count) = row;
    Ok(HandleRow {
        id: HandleId(id),
        network: network
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("handle {id}: {e}")))?,
        account,
        role: role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("handle {id}: {e}")))?,
        display_name,
        open_count,
    })
}

/// Every handle, by network then account, each with its open item count.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<HandleRow>, StoreError> {
    // Open items per handle from the index of open items (not every item of every handle).
    let by = crate::sql::indexed_by(conn, "mentions_open_queue");
    let rows: Vec<RawHandleRow> = sqlx::query_as(&format!(
        "SELECT h.id, h.network, h.account, h.role, h.display_name, COALESCE(c.n, 0)
           FROM handles h
           LEFT JOIN (SELECT mh.handle_id, COUNT(*) AS n FROM mentions m{by} JOIN mention_handles mh ON mh.mention_id = m.id
                       WHERE m.status = 'open' GROUP BY mh.handle_id) c ON c.handle_id = h.id
          ORDER BY h.network, h.account"
    ))
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(decode).collect()
}

/// Changes what a handle is for. Returns false when there is no such handle.
pub async fn set_role(conn: &mut AnyConnection, id: HandleId, role: Role) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE handles SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many inbox items belong to a handle, open or done.
pub async fn item_count(conn: &mut AnyConnection, id: HandleId) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM mention_handles WHERE handle_id = $1")
            .bind(id.0)
            .fetch_one(conn)
            .await?,
    )
}
