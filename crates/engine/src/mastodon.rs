//! Mastodon accounts: catching up through notifications and keyword searches, and listening live on the
//! streaming API.
//!
//! Every path stores through [`Engine::ingest_into`], one batch and its cursor per transaction, so a crash,
//! a restart or a dropped stream leaves no gap (the next catch-up starts from the stored cursor) and no
//! duplicate (overlap is absorbed by the dedupe key).

use std::time::Duration;

use earshot_core::{Account, Mention};
use earshot_networks::mastodon::{MastodonClient, StreamEvent};
use earshot_networks::{FetchError, RateLimit, Skipped};
use earshot_store::accounts::{self, AccountRow, AccountState};
use tokio::sync::watch;
use url::Url;

use crate::accounts::{secret_key, server_url, SyncReport};
use crate::source::{network_entry, Batch, MentionSource, OneBatch};
use crate::{secrets, Clock, Engine, EngineError, ImportReport, Progress};

/// Mastodon's notifications are one source; each keyword search is another, named `search:<keyword>`.
pub(crate) const NOTIFICATIONS: &str = "notifications";
/// At most this many pages in one sync, so one account cannot hold the others up.
const MAX_PAGES_PER_SYNC: usize = 50;
/// The first wait before reconnecting a dropped stream; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Mastodon IDs are decimal strings that grow with time: the longer one is newer.
fn newer_id(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

/// At most this many parents are looked up on the server per batch; the rest stay unlinked (a reply still
/// arrives, only without its thread).
const PARENT_LOOKUPS_PER_BATCH: usize = 20;

/// How one streaming connection ended.
enum Ended {
    Stopped,
    Dropped(Option<FetchError>),
}

impl Engine {
    /// Links each reply to its parent: Mastodon names a parent only by its server-local ID, so each is
    /// looked up once (`GET /api/v1/statuses/:id`). A reply to a post we hold joins that post's thread (the
    /// store does it); a reply to one of our own sent answers joins the thread of the item we answered.
    async fn link_parents(
        &self,
        client: &MastodonClient,
        found: &mut [(Result<Mention, Skipped>, Option<String>)],
    ) -> Result<(), EngineError> {
        let mut lookups = 0;
        let mut known: Vec<(String, Option<String>)> = Vec::new();
        for (entry, parent) in found.iter_mut() {
            let (Ok(mention), Some(parent)) = (entry, parent.as_deref()) else {
                continue;
            };
            let uri = match known.iter().find(|(id, _)| id == parent) {
                Some((_, uri)) => uri.clone(),
                None if lookups < PARENT_LOOKUPS_PER_BATCH => {
                    lookups += 1;
                    let uri = match client.status_uri(parent, self.clock.now()).await {
                        Ok(uri) => uri,
                        Err(e) if e.is_transient() => return Err(e.into()),
                        Err(e) => {
                            tracing::warn!(error = %e, "could not look up the post a Mastodon reply answers");
                            None
                        }
                    };
                    known.push((parent.to_owned(), uri.clone()));
                    uri
                }
                None => None,
            };
            let Some(uri) = uri else { continue };
            let mut conn = earshot_store::acquire(&self.db).await?;
            if let Some(root) = earshot_store::outbox::thread_of_result(&mut conn, &uri).await? {
                mention.conversation_root = root;
            }
            mention.reply_to = Some(uri);
        }
        Ok(())
    }

    pub(crate) fn mastodon_client(&self, row: &AccountRow) -> Result<MastodonClient, EngineError> {
        let Some(token) = secrets::load(&secret_key(row.network, &row.account))? else {
            return Err(EngineError::Network(FetchError::Unauthorized {
                network: "Mastodon",
                reason: "no token is saved for this account in the system keyring".into(),
            }));
        };
        MastodonClient::new(self.http.clone(), server_url(&row.service_url)?, token)
            .map_err(|e| EngineError::Invalid(e.to_string()))
    }

    pub(crate) async fn sync_mastodon(
        &self,
        row: &AccountRow,
        report: &mut SyncReport,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(), EngineError> {
        let client = self.mastodon_client(row)?;
        let cursor = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::cursor(&mut conn, row.id, NOTIFICATIONS).await?
        };
        let first = cursor.is_none();
        let mut source = MastodonSource::new(self, &client, cursor.as_deref());
        let outcome = self
            .ingest_into(&mut source, Some((row.id, NOTIFICATIONS)), counts, progress)
            .await;
        report.pages = source.pages;
        outcome?;
        if first && source.found_nothing {
            // An account with no notifications yet: everything that comes later has a higher ID, so the
            // next sync catches up on all of it instead of taking only the newest page.
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::set_cursor(&mut conn, row.id, NOTIFICATIONS, "0").await?;
        }
        for keyword in &row.keywords {
            let name = format!("search:{keyword}");
            let since = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                accounts::cursor(&mut conn, row.id, &name).await?
            };
            let page = client
                .search_statuses(keyword, since.as_deref(), self.clock.now())
                .await?;
            report.pages += 1;
            let mut found: Vec<_> = page.entries.into_iter().zip(page.parents).collect();
            // Newest first as found; stored oldest first, so a reply finds its parent already stored.
            found.reverse();
            self.link_parents(&client, &mut found).await?;
            let me =
                Account::new("account", &row.account).map_err(|e| EngineError::Invalid(e.to_string()))?;
            let entries = found
                .into_iter()
                .map(|(entry, _)| entry)
                .enumerate()
                .filter_map(|(i, found)| {
                    // A post that names the brand without mentioning a handle still belongs to this one.
                    let found = found.map(|mut m| {
                        if !m.mentions.contains(&me) {
                            m.mentions.push(me.clone());
                        }
                        m
                    });
                    network_entry("Mastodon", i + 1, found)
                })
                .collect();
            // A first search that finds nothing anchors at 0, so the next one catches up on everything new.
            let cursor = page.newest_id.or_else(|| since.is_none().then(|| "0".to_owned()));
            let mut one = OneBatch(Some(Batch { entries, cursor }));
            self.ingest_into(&mut one, Some((row.id, &name)), counts, progress)
                .await?;
            if let Some(until) = pause_until(page.rate_limit.as_ref(), self.clock.as_ref()) {
                return Err(EngineError::Network(FetchError::RateLimited {
                    network: "Mastodon",
                    until,
                }));
            }
        }
        Ok(())
    }

    /// Stores one notification the stream pushed. The cursor only moves forward, so a late or repeated
    /// event cannot make the next catch-up skip anything.
    async fn store_streamed(
        &self,
        row: &AccountRow,
        client: &MastodonClient,
        id: String,
        converted: Result<Mention, Skipped>,
        parent: Option<String>,
    ) -> Result<ImportReport, EngineError> {
        let mut found = [(converted, parent)];
        self.link_parents(client, &mut found).await?;
        let [(converted, _)] = found;
        let stored = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::cursor(&mut conn, row.id, NOTIFICATIONS).await?
        };
        let cursor = stored.is_none_or(|s| newer_id(&id, &s)).then_some(id);
        let mut one = OneBatch(Some(Batch {
            entries: network_entry("Mastodon", 1, converted).into_iter().collect(),
            cursor,
        }));
        let mut counts = ImportReport::default();
        self.ingest_into(&mut one, Some((row.id, NOTIFICATIONS)), &mut counts, &mut |_| {})
            .await?;
        Ok(counts)
    }

    /// Listens to a Mastodon account's `user` stream until `stop` turns true, the account is removed, or
    /// its token is refused (shown on the account; listening again needs a reconnect).
    ///
    /// Each connection is opened first and then caught up through the notifications endpoint from the
    /// stored cursor, so nothing that happens between the two is missed. A dropped stream is reconnected
    /// after 1 s, doubling to 60 s while it keeps failing. `changed` is called after anything new is stored.
    pub async fn listen_mastodon(
        &self,
        id: &str,
        mut stop: watch::Receiver<bool>,
        changed: &(dyn Fn(&SyncReport) + Send + Sync),
    ) -> Result<(), EngineError> {
        let account_id = Self::account_id(id)?;
        let mut backoff = FIRST_BACKOFF;
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let row = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                match accounts::get(&mut conn, account_id).await? {
                    Some(row) => row,
                    None => return Ok(()),
                }
            };
            let ended = match self.stream_once(&row, &mut stop, changed, &mut backoff).await {
                Ok(ended) => ended,
                Err(EngineError::Network(e)) => Ended::Dropped(Some(e)),
                Err(other) => return Err(other),
            };
            let wait = match ended {
                Ended::Stopped => return Ok(()),
                Ended::Dropped(None) => {
                    tracing::info!(account = %row.account, "the stream closed; reconnecting");
                    backoff
                }
                Ended::Dropped(Some(e @ FetchError::Unauthorized { .. })) => {
                    tracing::warn!(account = %row.account, error = %e, "streaming refused the token");
                    self.record(
                        account_id,
                        AccountState::TokenInvalid,
                        Some(e.to_string()),
                        None,
                        false,
                    )
                    .await?;
                    return Ok(());
                }
                Ended::Dropped(Some(FetchError::RateLimited { until, .. })) => {
                    let now = self.clock.now();
                    (until - now).to_std().unwrap_or(backoff).max(backoff)
                }
                Ended::Dropped(Some(e)) => {
                    tracing::warn!(account = %row.account, error = %e, "the stream broke; reconnecting");
                    backoff
                }
            };
            backoff = (backoff * 2).min(MAX_BACKOFF);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return Ok(()),
            }
        }
    }

    /// One connection, from opening to its end. The account shows as live between its catch-up and its end.
    async fn stream_once(
        &self,
        row: &AccountRow,
        stop: &mut watch::Receiver<bool>,
        changed: &(dyn Fn(&SyncReport) + Send + Sync),
        backoff: &mut Duration,
    ) -> Result<Ended, EngineError> {
        let ended = self.stream_connected(row, stop, changed, backoff).await;
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::set_live(&mut conn, row.id, None).await?;
        drop(conn);
        changed(&SyncReport::default());
        ended
    }

    async fn stream_connected(
        &self,
        row: &AccountRow,
        stop: &mut watch::Receiver<bool>,
        changed: &(dyn Fn(&SyncReport) + Send + Sync),
        backoff: &mut Duration,
    ) -> Result<Ended, EngineError> {
        let client = self.mastodon_client(row)?;
        let streaming: Url = client.streaming_base(self.clock.now()).await?;
        let mut stream = client.open_stream(&streaming).await?;
        tracing::info!(account = %row.account, "listening on the streaming API");
        let id = row.id.0.to_string();
        let caught_up = self.sync_account(&id, &mut |_| {}).await?;
        if let Some(problem) = &caught_up.problem {
            stream.close().await;
            tracing::warn!(account = %row.account, %problem, "catching up failed; the stream waits");
            return Ok(Ended::Dropped(None));
        }
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::set_live(&mut conn, row.id, Some(self.clock.now())).await?;
        }
        changed(&caught_up);
        // Connected and caught up: a later drop starts its backoff afresh.
        *backoff = FIRST_BACKOFF;
        loop {
            let event = tokio::select! {
                event = stream.next() => event,
                _ = stop.changed() => {
                    stream.close().await;
                    return Ok(Ended::Stopped);
                }
            };
            match event {
                Ok(Some(StreamEvent::Notification { id, entry, parent })) => {
                    let counts = self
                        .store_streamed(row, &client, id, entry.map(|m| *m), parent)
                        .await?;
                    if counts.imported + counts.merged + counts.failed > 0 {
                        changed(&SyncReport {
                            account: format!("@{}", row.account),
                            imported: counts.imported,
                            merged: counts.merged,
                            skipped: counts.failed,
                            pages: 0,
                            ..Default::default()
                        });
                    }
                }
                Ok(Some(StreamEvent::Other(_))) => {}
                Ok(None) => return Ok(Ended::Dropped(None)),
                Err(e) => return Ok(Ended::Dropped(Some(e))),
            }
        }
    }
}

/// When to stop asking until the reset: the budget is nearly spent (a person's other apps share it).
fn pause_until(limit: Option<&RateLimit>, clock: &dyn Clock) -> Option<chrono::DateTime<chrono::Utc>> {
    let limit = limit.filter(|r| r.nearly_spent())?;
    Some(limit.reset.unwrap_or(clock.now() + chrono::Duration::minutes(5)))
}

/// A Mastodon account's mention notifications as a [`MentionSource`]: one page a batch, newest ID as cursor.
struct MastodonSource<'a> {
    engine: &'a Engine,
    client: &'a MastodonClient,
    next: Option<Url>,
    pages: u32,
    /// Set when the last page said the budget is nearly spent: the next call stops the sync.
    paused_until: Option<chrono::DateTime<chrono::Utc>>,
    /// The first page was empty.
    found_nothing: bool,
}

impl<'a> MastodonSource<'a> {
    fn new(engine: &'a Engine, client: &'a MastodonClient, cursor: Option<&str>) -> Self {
        Self {
            engine,
            client,
            next: Some(client.mentions_url(cursor)),
            pages: 0,
            paused_until: None,
            found_nothing: false,
        }
    }
}

impl MentionSource for MastodonSource<'_> {
    fn size_hint(&self) -> Option<u32> {
        None
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, EngineError> {
        if self.pages as usize >= MAX_PAGES_PER_SYNC {
            return Ok(None);
        }
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        if let Some(until) = self.paused_until {
            return Err(EngineError::Network(FetchError::RateLimited {
                network: "Mastodon",
                until,
            }));
        }
        let page = self.client.fetch(url, self.engine.clock.now()).await?;
        self.pages += 1;
        if self.pages == 1 && page.newest_id.is_none() {
            self.found_nothing = true;
        }
        let mut found: Vec<_> = page.entries.into_iter().zip(page.parents).collect();
        // Pages come newest first; store oldest first, so a reply finds the post it answers already stored.
        found.reverse();
        self.engine.link_parents(self.client, &mut found).await?;
        let entries = found
            .into_iter()
            .enumerate()
            .filter_map(|(i, (converted, _))| network_entry("Mastodon", i + 1, converted))
            .collect();
        self.next = page.newer;
        self.paused_until = pause_until(page.rate_limit.as_ref(), self.engine.clock.as_ref());
        Ok(Some(Batch {
            entries,
            cursor: page.newest_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_ids_are_longer_or_larger() {
        assert!(newer_id("16", "14"));
        assert!(newer_id("100", "99"));
        assert!(!newer_id("14", "14"));
        assert!(!newer_id("117020581178804515", "117020581187068198"));
    }
}
