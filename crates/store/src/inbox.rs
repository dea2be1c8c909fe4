//! The inbox query: items in priority order, filtered by status, handle, role, network and text.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use earshot_core::{Intent, ItemStatus, Labels, Network, Queue, Role, Stage};
use sqlx::AnyConnection;

use crate::sql::{Dialect, Sql};
use crate::Flag;

use crate::agents::AgentId;
use crate::handles::HandleRow;
use crate::mentions::handles_of;
use crate::{from_millis, HandleId, ItemId, StoreError};

/// Which items to show. `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxFilter {
    pub status: Option<ItemStatus>,
    pub handle: Option<HandleId>,
    pub role: Option<Role>,
    pub network: Option<Network>,
    /// Words to find in the text or the author's name; each word matches as a prefix.
    pub search: Option<String>,
    pub queue: Option<Queue>,
    /// Items of this intent, spam left out.
    pub intent: Option<Intent>,
    pub stage: Option<Stage>,
    /// Only snoozed items (`true`), or only items not snoozed (`false`).
    pub snoozed: Option<bool>,
    /// Items this person holds.
    pub assignee: Option<AgentId>,
}

/// One row of the inbox list.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub id: ItemId,
    pub network: Network,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub author_followers: i64,
    pub author_verified: bool,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub status: ItemStatus,
    pub rank_key: f64,
    pub waiting_per_hour: f64,
    /// The largest time-free reason, as stored.
    pub reasons: String,
    pub labels: Option<Labels>,
    pub handles: Vec<HandleRow>,
    pub stage: Stage,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub first_seen_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The person holding it, or the role it was escalated to.
    pub assignee: Option<String>,
    pub held_by_role: Option<String>,
}

/// Turns what a person typed into a safe FTS5 query: every word quoted (so FTS syntax in the input is inert)
/// and matched as a prefix. `None` when there are no words to search for.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// [`fts_query`] for PostgreSQL: every word folded as the stored text is (no accents, lower case), matched as
/// a prefix, all of them required. Folded words hold only letters and digits, so nothing typed is read as
/// `tsquery` syntax.
pub fn ts_query(input: &str) -> Option<String> {
    let words: Vec<String> = earshot_crm::name_key(input)
        .split_whitespace()
        .take(16)
        .map(|w| format!("{w}:*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

fn push_where(q: &mut Sql<'_>, filter: &InboxFilter, dialect: Dialect) {
    q.push(" WHERE 1 = 1");
    if let Some(status) = filter.status {
        q.push(" AND m.status = ").push_bind(status.as_str());
    }
    if let Some(queue) = filter.queue {
        q.push(" AND m.queue = ").push_bind(queue.as_str());
    }
    if let Some(intent) = filter.intent {
        q.push(" AND m.queue <> 'spam' AND m.intent = ")
            .push_bind(intent.as_str());
    }
    if let Some(network) = filter.network {
        q.push(" AND m.network = ").push_bind(network.as_str());
    }
    if let Some(stage) = filter.stage {
        q.push(" AND m.stage = ").push_bind(stage.as_str());
    }
    match filter.snoozed {
        Some(true) => {
            q.push(" AND m.snoozed_until IS NOT NULL");
        }
        Some(false) => {
            q.push(" AND m.snoozed_until IS NULL");
        }
        None => {}
    }
    if let Some(agent) = filter.assignee {
        q.push(" AND m.assignee_id = ").push_bind(agent.0);
    }
    if let Some(handle) = filter.handle {
        q.push(
            " AND EXISTS (SELECT 1 FROM mention_handles mh WHERE mh.mention_id = m.id AND mh.handle_id = ",
        )
        .push_bind(handle.0)
        .push(")");
    }
    if let Some(role) = filter.role {
        q.push(
            " AND EXISTS (SELECT 1 FROM mention_handles mh JOIN handles h ON h.id = mh.handle_id
                           WHERE mh.mention_id = m.id AND h.role = ",
        )
        .push_bind(role.as_str())
        .push(")");
    }
    if let Some(search) = filter.search.as_deref() {
        match dialect {
            Dialect::Sqlite => {
                if let Some(words) = fts_query(search) {
                    q.push(" AND m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ")
                        .push_bind(words)
                        .push(")");
                }
            }
            Dialect::Postgres => {
                if let Some(words) = ts_query(search) {
                    q.push(" AND m.id IN (SELECT mention_id FROM mentions_fts WHERE document @@ to_tsquery('simple', ")
                        .push_bind(words)
                        .push("))");
                }
            }
        }
    }
}

/// How many items match the filter.
pub async fn count(conn: &mut AnyConnection, filter: &InboxFilter) -> Result<i64, StoreError> {
    let mut q = Sql::new("SELECT COUNT(*) FROM mentions m");
    push_where(&mut q, filter, Dialect::of(conn));
    Ok(q.build_query_scalar().fetch_one(conn).await?)
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    network: String,
    author_handle: String,
    author_name: Option<String>,
    author_followers: i64,
    author_verified: Flag,
    text: String,
    created_at: i64,
    status: String,
    rank_key: f64,
    waiting_per_hour: f64,
    reasons: String,
    labels: Option<String>,
    stage: String,
    snoozed_until: Option<i64>,
    first_seen_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    assignee: Option<String>,
    held_by_role: Option<String>,
}

/// A page of matching items, highest priority first; equal priorities oldest first.
pub async fn page(
    conn: &mut AnyConnection,
    filter: &InboxFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<InboxRow>, StoreError> {
    let mut q = Sql::new(
        "SELECT m.id, m.network, a.handle AS author_handle, a.display_name AS author_name,
                a.followers AS author_followers, a.verified AS author_verified, m.text, m.created_at,
                m.status, m.rank_key, m.waiting_per_hour, m.reasons, m.labels, m.stage, m.snoozed_until,
                m.first_seen_at, m.first_response_at, m.resolved_at, ag.name AS assignee, m.held_by_role
           FROM mentions m JOIN authors a ON a.id = m.author_id LEFT JOIN agents ag ON ag.id = m.assignee_id",
    );
    push_where(&mut q, filter, Dialect::of(conn));
    q.push(" ORDER BY m.rank_key DESC, m.created_at ASC, m.id ASC LIMIT ")
        .push_bind(limit.clamp(0, 1000))
        .push(" OFFSET ")
        .push_bind(offset.max(0));
    let stored: Vec<StoredRow> = q.build_query_as().fetch_all(&mut *conn).await?;

    let ids: Vec<ItemId> = stored.iter().map(|r| ItemId(r.id)).collect();
    let mut handles: HashMap<i64, Vec<HandleRow>> = HashMap::new();
    for (item, handle) in handles_of(conn, &ids).await? {
        handles.entry(item.0).or_default().push(handle);
    }
    stored
        .into_iter()
        .map(|r| {
            let bad = |e: earshot_core::CoreError| StoreError::Corrupt(format!("item {}: {e}", r.id));
            Ok(InboxRow {
                id: ItemId(r.id),
                network: r.network.parse().map_err(bad)?,
                author_handle: r.author_handle,
                author_name: r.author_name,
                author_followers: r.author_followers,
                author_verified: r.author_verified.0,
                text: r.text,
                created_at: from_millis(r.created_at),
                status: r.status.parse().map_err(bad)?,
                rank_key: r.rank_key,
                waiting_per_hour: r.waiting_per_hour,
                reasons: r.reasons,
                labels: r
                    .labels
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("item {}: {e}", r.id)))?,
                handles: handles.remove(&r.id).unwrap_or_default(),
                stage: r.stage.parse().map_err(bad)?,
                snoozed_until: r.snoozed_until.map(from_millis),
                first_seen_at: from_millis(r.first_seen_at),
                first_response_at: r.first_response_at.map(from_millis),
                resolved_at: r.resolved_at.map(from_millis),
                assignee: r.assignee,
                held_by_role: r.held_by_role,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fts_query, ts_query};

    #[test]
    fn search_input_cannot_inject_fts_syntax() {
        assert_eq!(
            fts_query("refund NOT \"late\""),
            Some("\"refund\"* \"NOT\"* \"late\"*".into())
        );
        assert_eq!(
            fts_query("col:value OR *"),
            Some("\"col\"* \"value\"* \"OR\"*".into())
        );
        assert_eq!(fts_query("  !!! "), None, "no words means no text filter");
        assert_eq!(ts_query("Zoë's REFUND!"), Some("zoe:* & s:* & refund:*".into()));
        assert_eq!(ts_query("a:* | !b & (c)"), Some("a:* & b:* & c:*".into()));
        assert_eq!(ts_query(" ... "), None);
    }
}
