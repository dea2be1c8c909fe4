//! Storing mentions: one item per post, merged across the handles it mentions.

use chrono::{DateTime, Utc};
use earshot_core::{Engagement, Facet, ItemStatus, Labels, Mention, Network, Priority, Queue, Reason};
use sqlx::AnyConnection;

use crate::handles::HandleRow;
use crate::sql::Dialect;
use crate::{from_millis, to_millis, Flag, HandleId, ItemId, StoreError};

/// What storing a mention did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new inbox item.
    Inserted(ItemId),
    /// The post was already stored; it now also belongs to `added_handles` more of our handles.
    Merged { id: ItemId, added_handles: usize },
    /// The post was already stored, with nothing new.
    Duplicate(ItemId),
}

/// Stores a mention, or merges it into the item already stored for the same post.
///
/// `seen_at` is when Earshot first saw it. An existing item keeps its text, status and rank: a second
/// sighting only adds the handles it mentions.
pub async fn ingest(
    conn: &mut AnyConnection,
    mention: &Mention,
    priority: &Priority,
    labels: Option<&Labels>,
    seen_at: DateTime<Utc>,
) -> Result<IngestOutcome, StoreError> {
    let author = &mention.author;
    let author_id: i64 = sqlx::query_scalar(
        "INSERT INTO authors (network, handle, display_name, followers, verified, bot, labels, created_at, profile_url,
                              verified_links)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (network, handle) DO UPDATE SET
             display_name = COALESCE(excluded.display_name, authors.display_name),
             followers = excluded.followers, verified = excluded.verified, bot = excluded.bot, labels = excluded.labels,
             created_at = COALESCE(excluded.created_at, authors.created_at),
             profile_url = COALESCE(excluded.profile_url, authors.profile_url),
             verified_links = excluded.verified_links
         RETURNING id",
    )
    .bind(author.network.as_str())
    .bind(author.handle.as_str())
    .bind(&author.display_name)
    .bind(i64::try_from(author.followers).unwrap_or(i64::MAX))
    .bind(Flag(author.verified))
    .bind(Flag(author.bot))
    .bind(serde_json::to_string(&author.labels).unwrap_or_else(|_| "[]".into()))
    .bind(author.created_at.map(to_millis))
    .bind(&author.profile_url)
    .bind(serde_json::to_string(&author.verified_links).unwrap_or_else(|_| "[]".into()))
    .fetch_one(&mut *conn)
    .await?;

    // A reply joins its parent's thread when we hold the parent.
    let root: String = match &mention.reply_to {
        Some(parent) => {
            sqlx::query_scalar("SELECT conversation_root FROM mentions WHERE network = $1 AND remote_id = $2")
                .bind(mention.network.as_str())
                .bind(parent)
                .fetch_optional(&mut *conn)
                .await?
                .unwrap_or_else(|| mention.conversation_root.clone())
        }
        None => mention.conversation_root.clone(),
    };

    let facets = serde_json::to_string(&mention.facets).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let reasons = serde_json::to_string(&priority.reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO mentions (network, remote_id, url, author_id, text, facets, created_at, first_seen_at,
                               reply_to, quote_of, conversation_root, rank_key, waiting_per_hour, reasons,
                               labels, queue, intent, replies, reposts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (network, remote_id) DO NOTHING
         RETURNING id",
    )
    .bind(mention.network.as_str())
    .bind(&mention.remote_id)
    .bind(&mention.url)
    .bind(author_id)
    .bind(&mention.text)
    .bind(facets)
    .bind(to_millis(mention.created_at))
    .bind(to_millis(seen_at))
    .bind(&mention.reply_to)
    .bind(&mention.quote_of)
    .bind(root)
    .bind(priority.rank_key())
    .bind(priority.waiting_per_hour)
    .bind(reasons)
    .bind(labels_json(labels)?)
    .bind(labels.map_or(Queue::Actionable, Labels::queue).as_str())
    .bind(labels.map(|l| l.intent.as_str()))
    .bind(
        mention
            .engagement
            .map(|e| i64::try_from(e.replies).unwrap_or(i64::MAX)),
    )
    .bind(
        mention
            .engagement
            .map(|e| i64::try_from(e.reposts).unwrap_or(i64::MAX)),
    )
    .fetch_optional(&mut *conn)
    .await?;

    let (id, is_new) = match inserted {
        Some(id) => {
            let author_text = match &author.display_name {
                Some(name) => format!("{name} {}", author.handle),
                None => author.handle.to_string(),
            };
            // SQLite's FTS5 folds accents and case itself; PostgreSQL's `simple` configuration only lowers
            // case, so the text is folded here the same way search words are.
            let fts = match Dialect::of(conn) {
                Dialect::Sqlite => {
                    sqlx::query("INSERT INTO mentions_fts (rowid, text, author) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(mention.text.clone())
                        .bind(author_text)
                }
                Dialect::Postgres => {
                    sqlx::query("INSERT INTO mentions_fts (mention_id, text, author) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(earshot_crm::name_key(&mention.text))
                        .bind(earshot_crm::name_key(&author_text))
                }
            };
            fts.execute(&mut *conn).await?;
            // The customer answered: items of this conversation that were waiting on them are open again.
            sqlx::query(
                "UPDATE mentions SET stage = 'open', status = 'open', snoozed_until = NULL
                  WHERE network = $1 AND conversation_root = (SELECT conversation_root FROM mentions WHERE id = $2)
                    AND author_id = $3 AND stage = 'waiting' AND id <> $4",
            )
            .bind(mention.network.as_str())
            .bind(id)
            .bind(author_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            (ItemId(id), true)
        }
        None => {
            let id = sqlx::query_scalar("SELECT id FROM mentions WHERE network = $1 AND remote_id = $2")
                .bind(mention.network.as_str())
                .bind(&mention.remote_id)
                .fetch_one(&mut *conn)
                .await?;
            (ItemId(id), false)
        }
    };

    let mut added = 0;
    for account in &mention.mentions {
        added += sqlx::query(
            "INSERT INTO mention_handles (mention_id, handle_id)
             SELECT $1, id FROM handles WHERE network = $2 AND account = $3 ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(mention.network.as_str())
        .bind(account.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected() as usize;
    }

    Ok(match (is_new, added) {
        (true, _) => IngestOutcome::Inserted(id),
        (false, 0) => IngestOutcome::Duplicate(id),
        (false, added_handles) => IngestOutcome::Merged { id, added_handles },
    })
}

/// Raises an item's reply and repost counts to `e` where `e` is higher (a later sighting of the post).
/// `true` when either count grew, so the caller can score the item again.
pub async fn raise_engagement(
    conn: &mut AnyConnection,
    id: ItemId,
    e: Engagement,
) -> Result<bool, StoreError> {
    let (replies, reposts) = (
        i64::try_from(e.replies).unwrap_or(i64::MAX),
        i64::try_from(e.reposts).unwrap_or(i64::MAX),
    );
    let done = sqlx::query(
        "UPDATE mentions SET replies = CASE WHEN COALESCE(replies, 0) > $1 THEN replies ELSE $2 END,
                reposts = CASE WHEN COALESCE(reposts, 0) > $3 THEN reposts ELSE $4 END
          WHERE id = $5 AND (COALESCE(replies, -1) < $6 OR COALESCE(reposts, -1) < $7)",
    )
    .bind(replies)
    .bind(replies)
    .bind(reposts)
    .bind(reposts)
    .bind(id.0)
    .bind(replies)
    .bind(reposts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

fn labels_json(labels: Option<&Labels>) -> Result<Option<String>, StoreError> {
    labels
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Replaces an item's triage and the priority drawn from it (after an agent's label, or a retrained model).
pub async fn set_triage(
    conn: &mut AnyConnection,
    id: ItemId,
    labels: &Labels,
    priority: &Priority,
) -> Result<(), StoreError> {
    let reasons = serde_json::to_string(&priority.reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "UPDATE mentions SET labels = $1, queue = $2, intent = $3, rank_key = $4, waiting_per_hour = $5, reasons = $6
          WHERE id = $7",
    )
    .bind(labels_json(Some(labels))?)
    .bind(labels.queue().as_str())
    .bind(labels.intent.as_str())
    .bind(priority.rank_key())
    .bind(priority.waiting_per_hour)
    .bind(reasons)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` items that have never been triaged, oldest first.
pub async fn untriaged(conn: &mut AnyConnection, limit: i64) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM mentions WHERE labels IS NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(ItemId).collect())
}

/// The texts of the `limit` most recent items, newest first (what triage retrains on).
pub async fn recent_texts(conn: &mut AnyConnection, limit: i64) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT text FROM mentions ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(conn)
            .await?,
    )
}

/// Every open item's ID and text, oldest first (to find those like a labelled one).
pub async fn open_texts(conn: &mut AnyConnection) -> Result<Vec<(ItemId, String)>, StoreError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, text FROM mentions WHERE status = 'open' ORDER BY id")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id, text)| (ItemId(id), text)).collect())
}

/// The IDs of the items with a status (or all), oldest first.
pub async fn ids_with_status(
    conn: &mut AnyConnection,
    status: Option<ItemStatus>,
) -> Result<Vec<ItemId>, StoreError> {
    let ids: Vec<i64> = match status {
        Some(s) => {
            sqlx::query_scalar("SELECT id FROM mentions WHERE status = $1 ORDER BY id")
                .bind(s.as_str())
                .fetch_all(conn)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM mentions ORDER BY id")
                .fetch_all(conn)
                .await?
        }
    };
    Ok(ids.into_iter().map(ItemId).collect())
}

/// How many items have never been triaged.
pub async fn count_untriaged(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM mentions WHERE labels IS NULL")
            .fetch_one(conn)
            .await?,
    )
}

/// A stored item with everything the detail view needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRow {
    pub id: ItemId,
    pub network: Network,
    pub remote_id: String,
    pub url: Option<String>,
    pub text: String,
    pub facets: Vec<Facet>,
    pub created_at: DateTime<Utc>,
    pub first_seen_at: DateTime<Utc>,
    pub reply_to: Option<String>,
    pub quote_of: Option<String>,
    pub conversation_root: String,
    pub status: ItemStatus,
    pub priority: Priority,
    /// `None` until the item has been triaged.
    pub labels: Option<Labels>,
    pub author: AuthorRow,
    pub handles: Vec<HandleRow>,
    /// Replies and reposts when last read; `None` where the network does not say.
    pub engagement: Option<Engagement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthorRow {
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: i64,
    pub verified: bool,
    pub bot: bool,
    pub labels: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub profile_url: Option<String>,
    pub verified_links: Vec<String>,
}

/// The columns of an item as stored, before decoding.
#[derive(sqlx::FromRow)]
struct StoredItem {
    id: i64,
    network: String,
    remote_id: String,
    url: Option<String>,
    text: String,
    facets: String,
    created_at: i64,
    first_seen_at: i64,
    reply_to: Option<String>,
    quote_of: Option<String>,
    conversation_root: String,
    status: String,
    waiting_per_hour: f64,
    reasons: String,
    labels: Option<String>,
    author_handle: String,
    author_name: Option<String>,
    author_followers: i64,
    author_verified: Flag,
    author_bot: Flag,
    author_labels: String,
    author_created_at: Option<i64>,
    author_profile_url: Option<String>,
    author_verified_links: String,
    replies: Option<i64>,
    reposts: Option<i64>,
}

fn corrupt(id: i64, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("item {id}: {what}"))
}

/// One item, or `None` if there is no such item.
pub async fn get(conn: &mut AnyConnection, id: ItemId) -> Result<Option<ItemRow>, StoreError> {
    let stored: Option<StoredItem> = sqlx::query_as(
        "SELECT m.id, m.network, m.remote_id, m.url, m.text, m.facets, m.created_at, m.first_seen_at,
                m.reply_to, m.quote_of, m.conversation_root, m.status, m.waiting_per_hour, m.reasons, m.labels,
                a.handle AS author_handle, a.display_name AS author_name, a.followers AS author_followers,
                a.verified AS author_verified, a.bot AS author_bot, a.labels AS author_labels, a.created_at AS author_created_at,
                a.profile_url AS author_profile_url, a.verified_links AS author_verified_links, m.replies, m.reposts
           FROM mentions m JOIN authors a ON a.id = m.author_id WHERE m.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(stored) = stored else { return Ok(None) };
    let handles = handles_of(conn, &[id])
        .await?
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    stored.decode(handles).map(Some)
}

impl StoredItem {
    fn decode(self, handles: Vec<HandleRow>) -> Result<ItemRow, StoreError> {
        let id = self.id;
        let reasons: Vec<Reason> = serde_json::from_str(&self.reasons).map_err(|e| corrupt(id, e))?;
        let created_at = from_millis(self.created_at);
        Ok(ItemRow {
            id: ItemId(id),
            network: self.network.parse().map_err(|e| corrupt(id, e))?,
            remote_id: self.remote_id,
            url: self.url,
            text: self.text,
            facets: serde_json::from_str(&self.facets).map_err(|e| corrupt(id, e))?,
            created_at,
            first_seen_at: from_millis(self.first_seen_at),
            reply_to: self.reply_to,
            quote_of: self.quote_of,
            conversation_root: self.conversation_root,
            status: self.status.parse().map_err(|e| corrupt(id, e))?,
            priority: Priority {
                reasons,
                waiting_since: created_at,
                waiting_per_hour: self.waiting_per_hour,
            },
            labels: self
                .labels
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt(id, e))?,
            author: AuthorRow {
                handle: self.author_handle,
                display_name: self.author_name,
                followers: self.author_followers,
                verified: self.author_verified.0,
                bot: self.author_bot.0,
                labels: serde_json::from_str(&self.author_labels).map_err(|e| corrupt(id, e))?,
                created_at: self.author_created_at.map(from_millis),
                profile_url: self.author_profile_url,
                verified_links: serde_json::from_str(&self.author_verified_links)
                    .map_err(|e| corrupt(id, e))?,
            },
            handles,
            engagement: match (self.replies, self.reposts) {
                (None, None) => None,
                (replies, reposts) => Some(Engagement {
                    replies: u64::try_from(replies.unwrap_or(0)).unwrap_or(0),
                    reposts: u64::try_from(reposts.unwrap_or(0)).unwrap_or(0),
                }),
            },
        })
    }
}

/// (item ID, then a handle row as `handles::decode` takes it).
type ItemHandleRow = (i64, i64, String, String, String, Option<String>, i64);

/// The handles each of `ids` belongs to, as (item, handle) pairs.
pub async fn handles_of(
    conn: &mut AnyConnection,
    ids: &[ItemId],
) -> Result<Vec<(ItemId, HandleRow)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = crate::sql::Sql::new(
        "SELECT mh.mention_id, h.id, h.network, h.account, h.role, h.display_name, 0
           FROM mention_handles mh JOIN handles h ON h.id = mh.handle_id WHERE mh.mention_id IN (",
    );
    q.push_list(ids.iter().map(|id| id.0));
    q.push(") ORDER BY h.role, h.account");
    let rows: Vec<ItemHandleRow> = q.build_query_as().fetch_all(conn).await?;
    rows.into_iter()
        .map(|(item, id, network, account, role, name, n)| {
            Ok((
                ItemId(item),
                crate::handles::decode((id, network, account, role, name, n))?,
            ))
        })
        .collect()
}

/// (id, remote ID, author handle, author name, text, facets, created at).
type StoredThreadRow = (i64, String, String, Option<String>, String, String, i64);

/// The stored posts of a thread, oldest first.
pub async fn thread(
    conn: &mut AnyConnection,
    network: Network,
    root: &str,
    limit: i64,
) -> Result<Vec<ThreadRow>, StoreError> {
    let rows: Vec<StoredThreadRow> = sqlx::query_as(
        "SELECT m.id, m.remote_id, a.handle, a.display_name, m.text, m.facets, m.created_at
           FROM mentions m JOIN authors a ON a.id = m.author_id
          WHERE m.network = $1 AND (m.conversation_root = $2 OR m.remote_id = $3)
          ORDER BY m.created_at, m.remote_id LIMIT $4",
    )
    .bind(network.as_str())
    .bind(root)
    .bind(root)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, remote_id, handle, name, text, facets, created)| {
            Ok(ThreadRow {
                id: ItemId(id),
                remote_id,
                author_handle: handle,
                author_name: name,
                text,
                facets: serde_json::from_str(&facets).map_err(|e| corrupt(id, e))?,
                created_at: from_millis(created),
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadRow {
    pub id: ItemId,
    pub remote_id: String,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub text: String,
    pub facets: Vec<Facet>,
    pub created_at: DateTime<Utc>,
}

/// For tests and diagnostics: the handles of an item by ID, without the open counts.
pub async fn handle_ids(conn: &mut AnyConnection, id: ItemId) -> Result<Vec<HandleId>, StoreError> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT handle_id FROM mention_handles WHERE mention_id = $1 ORDER BY handle_id")
            .bind(id.0)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(HandleId).collect())
}
