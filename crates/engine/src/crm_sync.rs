//! Live CRMs: a CardDAV account's address books kept in step with the built-in contacts. The contacts are
//! the local cache: when the server cannot be reached, the inbox goes on with the copy it has, and the
//! customer panel says how old it is.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use earshot_core::Network;
use earshot_crm::{vcard, ContactFields, ExternalId, Identity, System};
use earshot_networks::carddav::{CardDav, Changes, MULTIGET_BATCH};
use earshot_networks::hubspot::{self, HubSpot};
use earshot_store::contacts;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::AnyConnection;

use crate::service::rfc3339;
use crate::{secrets, Engine, EngineError, Progress};

/// How long a CRM's copy counts as fresh; the background sync reads each source this often.
pub const CRM_TTL: Duration = Duration::minutes(15);

/// A live CRM as the Contacts screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct CrmSourceView {
    pub id: String,
    /// "carddav" (HubSpot comes next).
    pub kind: String,
    pub name: String,
    pub url: String,
    pub username: Option<String>,
    /// Contacts that came from it.
    pub contacts: u32,
    pub last_synced_at: Option<String>,
    /// Why the last sync failed; the contacts shown are then the copy from `last_synced_at`.
    pub last_error: Option<String>,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Type)]
pub struct CrmSyncReport {
    pub books: u32,
    pub created: u32,
    pub updated: u32,
    pub removed: u32,
    pub unchanged: u32,
    /// Cards that could not be read, as "address: why".
    pub skipped: Vec<String>,
}

/// Where a contact's record came from, for the panel: "From CardDAV (Customers), synced 5 min ago".
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct RecordOrigin {
    pub source: String,
    pub synced_at: Option<String>,
    /// Set when the source's last sync failed: the record may be out of date.
    pub stale_because: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct BookState {
    token: Option<String>,
    ctag: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SourceState {
    books: BTreeMap<String, BookState>,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    kind: String,
    name: String,
    url: String,
    username: Option<String>,
    state: String,
    last_synced_at: Option<i64>,
    last_error: Option<String>,
}

fn secret_key(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn store_err(e: sqlx::Error) -> EngineError {
    EngineError::Store(e.into())
}

async fn row(conn: &mut AnyConnection, id: i64) -> Result<SourceRow, EngineError> {
    sqlx::query_as("SELECT id, kind, name, url, username, state, last_synced_at, last_error FROM crm_sources WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(store_err)?
        .ok_or_else(|| EngineError::NotFound(format!("There is no CRM connection with ID '{id}'.")))
}

fn source_id(id: &str) -> Result<i64, EngineError> {
    id.trim()
        .parse()
        .map_err(|_| EngineError::NotFound(format!("There is no CRM connection with ID '{id}'.")))
}

/// Where a contact came from, if a live CRM holds it.
pub(crate) async fn origin_of(
    conn: &mut AnyConnection,
    contact: i64,
) -> Result<Option<RecordOrigin>, EngineError> {
    let found: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT s.name, s.last_synced_at, s.last_error FROM crm_records r JOIN crm_sources s ON s.id = r.source_id
          WHERE r.contact_id = $1 ORDER BY s.id LIMIT 1",
    )
    .bind(contact)
    .fetch_optional(&mut *conn)
    .await
    .map_err(store_err)?;
    Ok(found.map(|(source, synced, error)| RecordOrigin {
        source,
        synced_at: synced.map(|s| rfc3339(at(s))),
        stale_because: error,
    }))
}

impl Engine {
    fn carddav_client(&self, row: &SourceRow) -> Result<CardDav, EngineError> {
        let password = secrets::load(&secret_key(&row.kind, row.id))?.ok_or_else(|| {
            EngineError::Invalid(format!(
                "The password for {} is not in the keyring any more. Remove the connection and add it again.",
                row.name
            ))
        })?;
        Ok(CardDav::new(
            self.http.clone(),
            &row.url,
            row.username.as_deref().unwrap_or(""),
            &password,
        )?)
    }

    /// Connects a CardDAV account (a server address, or one address book's), checks it by finding its
    /// address books, keeps the password in the OS keyring, and reads every card once.
    pub async fn add_carddav(
        &self,
        url: &str,
        username: &str,
        password: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(CrmSourceView, CrmSyncReport), EngineError> {
        let client = CardDav::new(self.http.clone(), url, username, password)?;
        let books = client.discover().await?;
        if books.is_empty() {
            return Err(EngineError::Invalid(format!(
                "{url} has no address book that {username} can read. Check the address, or create an address book first."
            )));
        }
        let name = match books.as_slice() {
            [one] => one.name.clone().unwrap_or_else(|| "CardDAV address book".into()),
            many => format!("{} address books", many.len()),
        };
        let name = format!("CardDAV ({name})");
        self.connect_source("carddav", &name, url.trim(), Some(username), password, progress)
            .await
    }

    /// Records a new connection, puts its secret in the keyring (or records nothing if the keyring
    /// refuses), and reads it once.
    async fn connect_source(
        &self,
        kind: &str,
        name: &str,
        url: &str,
        username: Option<&str>,
        secret: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(CrmSourceView, CrmSyncReport), EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO crm_sources (kind, name, url, username, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(kind)
        .bind(name)
        .bind(url)
        .bind(username)
        .bind(self.clock.now().timestamp_millis())
        .fetch_one(&mut *conn)
        .await
        .map_err(store_err)?;
        if let Err(e) = secrets::save(&secret_key(kind, id), secret) {
            sqlx::query("DELETE FROM crm_sources WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(store_err)?;
            return Err(e);
        }
        drop(conn);
        let report = self.sync_crm_source(&id.to_string(), progress).await?;
        Ok((self.crm_source_view(id).await?, report))
    }

    pub async fn crm_sources(&self) -> Result<Vec<CrmSourceView>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM crm_sources ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .map_err(store_err)?;
        drop(conn);
        let mut out = Vec::new();
        for id in ids {
            out.push(self.crm_source_view(id).await?);
        }
        Ok(out)
    }

    async fn crm_source_view(&self, id: i64) -> Result<CrmSourceView, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let r = row(&mut conn, id).await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM crm_records WHERE source_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(store_err)?;
        Ok(CrmSourceView {
            id: r.id.to_string(),
            kind: r.kind,
            name: r.name,
            url: r.url,
            username: r.username,
            contacts: u32::try_from(n).unwrap_or(0),
            last_synced_at: r.last_synced_at.map(|s| rfc3339(at(s))),
            last_error: r.last_error,
        })
    }

    /// Removes a CRM connection, its password, and the contacts that came only from it.
    pub async fn remove_crm_source(&self, id: &str) -> Result<(), EngineError> {
        let id = source_id(id)?;
        let mut tx = earshot_store::begin(&self.db).await?;
        let kind = row(&mut tx, id).await?.kind;
        let only_here: Vec<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM crm_records r WHERE source_id = $1
               AND NOT EXISTS (SELECT 1 FROM crm_records o WHERE o.contact_id = r.contact_id AND o.source_id <> r.source_id)",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(store_err)?;
        for c in only_here {
            contacts::delete(&mut tx, c).await?;
        }
        sqlx::query("DELETE FROM crm_sources WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(store_err)?;
        earshot_store::commit(tx).await?;
        secrets::delete(&secret_key(&kind, id))
    }

    /// Syncs every CRM connection whose copy is older than [`CRM_TTL`]. A failure is recorded on the
    /// connection and does not stop the others.
    pub async fn sync_crm_due(&self) -> Result<u32, EngineError> {
        let now = self.clock.now().timestamp_millis();
        let mut conn = earshot_store::acquire(&self.db).await?;
        let due: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM crm_sources WHERE next_sync_at <= $1 ORDER BY id")
                .bind(now)
                .fetch_all(&mut *conn)
                .await
                .map_err(store_err)?;
        drop(conn);
        let mut synced = 0;
        for id in due {
            match self
                .sync_crm_source(&id.to_string(), &mut |_: &Progress| {})
                .await
            {
                Ok(_) => synced += 1,
                Err(e) => tracing::warn!(source = id, error = %e, "a CRM connection could not be synced"),
            }
        }
        Ok(synced)
    }

    /// Brings one CRM connection's contacts up to date: only the cards changed since the last sync are
    /// fetched (sync-collection; ctag and ETags where the server lacks it). Each address book's cards and
    /// its new sync token are stored in one transaction, so a sync cut short repeats nothing and loses
    /// nothing. On failure the connection records why, and the contacts stay as they were.
    pub async fn sync_crm_source(
        &self,
        id: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<CrmSyncReport, EngineError> {
        let id = source_id(id)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let r = row(&mut conn, id).await?;
        drop(conn);
        let result = match r.kind.as_str() {
            "hubspot" => self.sync_hubspot(&r, progress).await,
            _ => self.sync_carddav(&r, progress).await,
        };
        let now = self.clock.now();
        let mut conn = earshot_store::acquire(&self.db).await?;
        // Success: the copy is fresh until the TTL ends. Failure: keep the copy's date, say why, and try again
        // sooner than the TTL (the failure may pass by itself), but not before a rate limit ends.
        let (synced, error, next) = match &result {
            Ok(_) => (Some(now.timestamp_millis()), None, now + CRM_TTL),
            Err(EngineError::Network(earshot_networks::FetchError::RateLimited { until, .. })) => {
                (None, result.as_ref().err().map(ToString::to_string), *until)
            }
            Err(e) => (None, Some(e.to_string()), now + Duration::minutes(2)),
        };
        sqlx::query(
            "UPDATE crm_sources SET last_synced_at = COALESCE($1, last_synced_at), last_error = $2, next_sync_at = $3
              WHERE id = $4",
        )
        .bind(synced)
        .bind(error)
        .bind(next.timestamp_millis())
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(store_err)?;
        result
    }

    async fn sync_carddav(
        &self,
        r: &SourceRow,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<CrmSyncReport, EngineError> {
        let client = self.carddav_client(r)?;
        let mut state: SourceState = serde_json::from_str(&r.state).unwrap_or_default();
        let books = client.discover().await?;
        let mut report = CrmSyncReport {
            books: u32::try_from(books.len()).unwrap_or(0),
            ..Default::default()
        };
        let phase = format!("Reading {}", r.name);
        for book in books {
            let mut book_state = state.books.get(&book.url).cloned().unwrap_or_default();
            let known = self.known_records(r.id).await?;
            // What to fetch and what is gone.
            let (to_fetch, removed, token) =
                match client.changes(&book.url, book_state.token.as_deref()).await? {
                    Changes::Delta {
                        changed,
                        removed,
                        token,
                    } if book_state.token.is_some() => (changed, removed, Some(token)),
                    Changes::Delta { changed, token, .. } => {
                        // A first read (or a fresh one after an expired token): everything the book has now; what we
                        // hold from this book and it no longer has is gone.
                        let removed = gone(&known, &book.url, &changed);
                        (changed, removed, Some(token))
                    }
                    Changes::TokenExpired => match client.changes(&book.url, None).await? {
                        Changes::Delta { changed, token, .. } => {
                            let removed = gone(&known, &book.url, &changed);
                            (changed, removed, Some(token))
                        }
                        _ => {
                            return Err(EngineError::Invalid(format!(
                                "{} refused to list its cards.",
                                r.name
                            )))
                        }
                    },
                    Changes::Unsupported => {
                        if book.ctag.is_some() && book.ctag == book_state.ctag {
                            continue; // nothing changed in this book
                        }
                        let all = client.etags(&book.url).await?;
                        let removed = gone(&known, &book.url, &all);
                        (all, removed, None)
                    }
                };
            let to_fetch: Vec<(String, String)> = to_fetch
                .into_iter()
                .filter(|(url, etag)| {
                    let same = known
                        .get(url)
                        .is_some_and(|e| e.as_deref() == Some(etag.as_str()));
                    if same {
                        report.unchanged += 1;
                    }
                    !same
                })
                .collect();
            let total = u32::try_from(to_fetch.len()).unwrap_or(u32::MAX);
            let mut cards = Vec::new();
            for batch in to_fetch.chunks(MULTIGET_BATCH) {
                let urls: Vec<String> = batch.iter().map(|(u, _)| u.clone()).collect();
                cards.extend(client.cards(&book.url, &urls).await?);
                progress(&Progress {
                    done: u32::try_from(cards.len()).unwrap_or(total),
                    total,
                    phase: phase.clone(),
                });
            }
            // Everything for this book, and its new token, in one transaction.
            let now = self.clock.now();
            let mut tx = earshot_store::begin(&self.db).await?;
            for card in cards {
                let fields = match vcard::read(&card.text).into_iter().next().map(|c| c.outcome) {
                    Some(Ok(f)) => f,
                    Some(Err(why)) => {
                        report.skipped.push(format!("{}: {why}", card.url));
                        continue;
                    }
                    None => {
                        report.skipped.push(format!("{}: not a vCard", card.url));
                        continue;
                    }
                };
                self.keep_record(
                    &mut tx,
                    r.id,
                    &card.url,
                    Some(&card.etag),
                    fields,
                    now,
                    &mut report,
                )
                .await?;
            }
            for url in removed {
                let contact: Option<i64> = sqlx::query_scalar(
                    "DELETE FROM crm_records WHERE source_id = $1 AND remote_id = $2 RETURNING contact_id",
                )
                .bind(r.id)
                .bind(&url)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_err)?;
                if let Some(c) = contact {
                    let elsewhere: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM crm_records WHERE contact_id = $1")
                            .bind(c)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(store_err)?;
                    if elsewhere == 0 {
                        contacts::delete(&mut tx, c).await?;
                    }
                    report.removed += 1;
                }
            }
            book_state.token = token;
            book_state.ctag = book.ctag.clone();
            state.books.insert(book.url.clone(), book_state);
            sqlx::query("UPDATE crm_sources SET state = $1 WHERE id = $2")
                .bind(serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()))
                .bind(r.id)
                .execute(&mut *tx)
                .await
                .map_err(store_err)?;
            earshot_store::commit(tx).await?;
        }
        Ok(report)
    }

    /// The records this connection holds: address → ETag.
    async fn known_records(&self, source: i64) -> Result<HashMap<String, Option<String>>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT remote_id, etag FROM crm_records WHERE source_id = $1")
                .bind(source)
                .fetch_all(&mut *conn)
                .await
                .map_err(store_err)?;
        Ok(rows.into_iter().collect())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct HubSpotState {
    /// The latest `lastmodifieddate` read (Unix ms): the next sync asks for contacts changed since.
    since: Option<i64>,
}

/// How long a sync waits out a HubSpot rate limit before giving up until the next round.
const WAIT_OUT: Duration = Duration::seconds(10);

/// A HubSpot contact as contact fields; `owners` names owner IDs.
fn hubspot_fields(c: &hubspot::Contact, owners: &HashMap<String, String>) -> ContactFields {
    let name = [c.get("firstname"), c.get("lastname")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut emails: Vec<String> = c.get("email").map(String::from).into_iter().collect();
    emails.extend(
        c.get("hs_additional_emails")
            .into_iter()
            .flat_map(|e| e.split(';'))
            .map(|e| e.trim().to_owned()),
    );
    emails.retain(|e| earshot_crm::csv_import::is_email(e));
    ContactFields {
        name: Some(name).filter(|n| !n.is_empty()),
        emails,
        phones: [c.get("phone"), c.get("mobilephone")]
            .into_iter()
            .flatten()
            .map(String::from)
            .collect(),
        company: c.get("company").map(String::from),
        lifecycle: c.get("lifecyclestage").map(String::from),
        lifetime_value: c
            .get("total_revenue")
            .and_then(earshot_crm::csv_import::parse_money),
        owner: c
            .get("hubspot_owner_id")
            .map(|id| owners.get(id).cloned().unwrap_or_else(|| format!("owner {id}"))),
        identities: c
            .get("twitterhandle")
            .and_then(|h| Identity::parse(Network::X, h).ok())
            .into_iter()
            .collect(),
        external_ids: vec![ExternalId {
            system: System::Hubspot,
            id: c.id.clone(),
        }],
        ..Default::default()
    }
    .normalised()
}

impl Engine {
    /// Connects HubSpot with a private app's access token (kept in the OS keyring), checks it, and reads
    /// every contact once. `api` is HubSpot's API address unless a test says otherwise.
    pub async fn add_hubspot(
        &self,
        token: &str,
        api: Option<&str>,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(CrmSourceView, CrmSyncReport), EngineError> {
        let api = api.unwrap_or(hubspot::API);
        // One small search checks the token before anything is kept.
        self.hubspot_page(&HubSpot::new(self.http.clone(), api, token), &[], None)
            .await?;
        self.connect_source("hubspot", "HubSpot", api, None, token, progress)
            .await
    }

    fn hubspot_client(&self, row: &SourceRow) -> Result<HubSpot, EngineError> {
        let token = secrets::load(&secret_key(&row.kind, row.id))?.ok_or_else(|| {
            EngineError::Invalid("HubSpot's access token is not in the keyring any more. Remove the connection and add it again.".into())
        })?;
        Ok(HubSpot::new(self.http.clone(), &row.url, &token))
    }

    /// A search page, waiting out a short rate limit (HubSpot's are per ten seconds) rather than failing.
    async fn hubspot_page(
        &self,
        client: &HubSpot,
        filters: &[hubspot::Filter],
        after: Option<&str>,
    ) -> Result<hubspot::Page, EngineError> {
        for _ in 0..3 {
            match client.search(filters, after).await {
                Err(earshot_networks::FetchError::RateLimited { until, .. })
                    if until - Utc::now() <= WAIT_OUT =>
                {
                    let wait = (until - Utc::now()).to_std().unwrap_or_default();
                    tokio::time::sleep(wait.max(std::time::Duration::from_millis(100))).await;
                }
                other => return Ok(other?),
            }
        }
        Ok(client.search(filters, after).await?)
    }

    /// Reads the contacts changed since the last sync (all of them the first time), a page per transaction
    /// with the point reached, so a sync cut short starts where it stopped.
    async fn sync_hubspot(
        &self,
        r: &SourceRow,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<CrmSyncReport, EngineError> {
        let client = self.hubspot_client(r)?;
        let mut state: HubSpotState = serde_json::from_str(&r.state).unwrap_or_default();
        let changed_since = |since: Option<i64>| -> Vec<hubspot::Filter> {
            since
                .map(|ms| hubspot::Filter {
                    property: "lastmodifieddate".into(),
                    operator: "GTE".into(),
                    value: ms.to_string(),
                })
                .into_iter()
                .collect()
        };
        let mut filters = changed_since(state.since);
        let mut restarted_from: Option<i64> = None;
        let mut known = self.known_records(r.id).await?;
        let mut owners: HashMap<String, String> = HashMap::new();
        let mut report = CrmSyncReport {
            books: 1,
            ..Default::default()
        };
        let mut after: Option<String> = None;
        let mut done = 0u32;
        loop {
            let page = self.hubspot_page(&client, &filters, after.as_deref()).await?;
            for c in &page.results {
                if let Some(id) = c.get("hubspot_owner_id") {
                    if !owners.contains_key(id) {
                        let name = client
                            .owner(id)
                            .await?
                            .map_or_else(|| format!("owner {id}"), |o| o.name());
                        owners.insert(id.to_owned(), name);
                    }
                }
            }
            let now = self.clock.now();
            let mut tx = earshot_store::begin(&self.db).await?;
            for c in &page.results {
                let version = c
                    .get("lastmodifieddate")
                    .map(String::from)
                    .or_else(|| c.updated_at.map(|t| t.to_rfc3339()));
                if let Some(ms) = c.get("lastmodifieddate").and_then(|v| {
                    v.parse::<i64>()
                        .ok()
                        .or_else(|| DateTime::parse_from_rfc3339(v).ok().map(|t| t.timestamp_millis()))
                }) {
                    state.since = Some(state.since.map_or(ms, |s| s.max(ms)));
                }
                if known.get(&c.id).is_some_and(|v| *v == version) {
                    report.unchanged += 1;
                    continue;
                }
                let fields = hubspot_fields(c, &owners);
                if !fields.identifies_someone() {
                    report.skipped.push(format!(
                        "HubSpot contact {}: no name, email or Twitter handle",
                        c.id
                    ));
                    continue;
                }
                self.keep_record(&mut tx, r.id, &c.id, version.as_deref(), fields, now, &mut report)
                    .await?;
                known.insert(c.id.clone(), version.clone());
            }
            sqlx::query("UPDATE crm_sources SET state = $1 WHERE id = $2")
                .bind(serde_json::to_string(&state).unwrap_or_else(|_| "{}".into()))
                .bind(r.id)
                .execute(&mut *tx)
                .await
                .map_err(store_err)?;
            earshot_store::commit(tx).await?;
            done += u32::try_from(page.results.len()).unwrap_or(0);
            progress(&Progress {
                done,
                total: u32::try_from(page.total).unwrap_or(u32::MAX).max(done),
                phase: "Reading HubSpot".into(),
            });
            match page.next {
                // HubSpot's search serves at most 10,000 results per query: before that, ask again from the
                // latest change read (contacts changed at that same moment come again, and are unchanged).
                Some(next)
                    if next
                        .parse::<usize>()
                        .is_ok_and(|n| n + hubspot::PAGE as usize > hubspot::SEARCH_CAP) =>
                {
                    if state.since.is_none() || state.since == restarted_from {
                        report.skipped.push(format!(
                            "HubSpot returned more than {} contacts changed at the same moment; the rest come next sync",
                            hubspot::SEARCH_CAP
                        ));
                        break;
                    }
                    restarted_from = state.since;
                    filters = changed_since(state.since);
                    after = None;
                }
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(report)
    }

    /// Stores one record of a live CRM: the contact it already became, else the contact it is the same
    /// person as, else a new contact.
    #[allow(clippy::too_many_arguments)]
    async fn keep_record(
        &self,
        tx: &mut AnyConnection,
        source: i64,
        remote_id: &str,
        version: Option<&str>,
        fields: ContactFields,
        now: DateTime<Utc>,
        report: &mut CrmSyncReport,
    ) -> Result<i64, EngineError> {
        let held: Option<i64> =
            sqlx::query_scalar("SELECT contact_id FROM crm_records WHERE source_id = $1 AND remote_id = $2")
                .bind(source)
                .bind(remote_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_err)?;
        let existing = match held {
            Some(c) => Some(c),
            None => contacts::existing(tx, &fields).await?,
        };
        let contact = match existing {
            Some(c) => {
                let old = contacts::get(tx, c).await?.map(|c| c.fields).unwrap_or_default();
                contacts::update(tx, c, &old.merged_with(fields), now).await?;
                report.updated += 1;
                c
            }
            None => {
                report.created += 1;
                contacts::insert(tx, &fields, now).await?
            }
        };
        sqlx::query(
            "INSERT INTO crm_records (source_id, remote_id, etag, contact_id, fetched_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (source_id, remote_id) DO UPDATE SET etag = excluded.etag, contact_id = excluded.contact_id,
                 fetched_at = excluded.fetched_at",
        )
        .bind(source)
        .bind(remote_id)
        .bind(version)
        .bind(contact)
        .bind(now.timestamp_millis())
        .execute(&mut *tx)
        .await
        .map_err(store_err)?;
        Ok(contact)
    }

    /// Asks each connected HubSpot for an X author by its Twitter-handle property, for an author the local
    /// copy does not know. Quick and quiet: a CRM that cannot answer leaves the inbox as it is.
    pub(crate) async fn ask_live_crms(&self, network: Network, handle: &str) -> bool {
        if network != Network::X {
            return false;
        }
        self.ask_hubspot(hubspot::Filter::eq("twitterhandle", handle))
            .await
    }

    /// Asks each connected HubSpot for a contact by email, so a contact an agent creates here joins the
    /// record HubSpot already has (owner, stage, revenue).
    pub(crate) async fn ask_live_crms_by_email(&self, email: &str) -> bool {
        self.ask_hubspot(hubspot::Filter::eq("email", email)).await
    }

    async fn ask_hubspot(&self, filter: hubspot::Filter) -> bool {
        let Ok(mut conn) = earshot_store::acquire(&self.db).await else {
            return false;
        };
        let rows: Vec<SourceRow> = match sqlx::query_as(
            "SELECT id, kind, name, url, username, state, last_synced_at, last_error FROM crm_sources WHERE kind = 'hubspot'",
        )
        .fetch_all(&mut *conn)
        .await
        {
            Ok(rows) => rows,
            Err(_) => return false,
        };
        drop(conn);
        let mut found = false;
        for r in rows {
            let Ok(client) = self.hubspot_client(&r) else {
                continue;
            };
            let asked = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                client.search(std::slice::from_ref(&filter), None),
            )
            .await;
            let page = match asked {
                Ok(Ok(page)) => page,
                Ok(Err(e)) => {
                    tracing::info!(error = %e, "HubSpot could not be asked about an author");
                    continue;
                }
                Err(_) => continue,
            };
            for c in page.results {
                let owners = match c.get("hubspot_owner_id") {
                    Some(id) => match client.owner(id).await {
                        Ok(Some(o)) => HashMap::from([(id.to_owned(), o.name())]),
                        _ => HashMap::new(),
                    },
                    None => HashMap::new(),
                };
                let fields = hubspot_fields(&c, &owners);
                let version = c.get("lastmodifieddate").map(String::from);
                let Ok(mut tx) = earshot_store::begin(&self.db).await else {
                    return found;
                };
                let mut report = CrmSyncReport::default();
                if self
                    .keep_record(
                        &mut tx,
                        r.id,
                        &c.id,
                        version.as_deref(),
                        fields,
                        self.clock.now(),
                        &mut report,
                    )
                    .await
                    .is_ok()
                    && earshot_store::commit(tx).await.is_ok()
                {
                    found = true;
                }
            }
        }
        found
    }
}

/// Records held from `book` that `present` no longer lists.
fn gone(known: &HashMap<String, Option<String>>, book: &str, present: &[(String, String)]) -> Vec<String> {
    known
        .keys()
        .filter(|url| url.starts_with(book) && !present.iter().any(|(p, _)| p == *url))
        .cloned()
        .collect()
}
