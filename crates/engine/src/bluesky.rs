//! Bluesky accounts: signing in with an app password, and syncing notifications and brand keyword searches.
//!
//! Bluesky lists notifications and search results newest first and pages backwards. A sync therefore walks
//! back from the newest until it reaches the stored cursor (the newest `indexedAt` already seen, less a margin
//! for entries the server commits out of order), then stores
//! what it found oldest first, one batch and its cursor per transaction. A crash before the walk ends
//! stores nothing; a crash part-way through storing resumes from the last stored batch. Either way the next
//! sync covers the rest, and the dedupe key turns any overlap into no change.

use std::collections::{BTreeSet, VecDeque};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use earshot_core::canonical::Record;
use earshot_core::{Account, Handle, Mention, Network, Role};
use earshot_networks::bluesky::{self, BlueskyClient, Page, ProfileFacts, SavedSession};
use earshot_networks::{FetchError, Skipped};
use earshot_store::accounts::{self, AccountId, AccountRow};
use earshot_store::profiles::{self, CachedProfile};
use serde::{Deserialize, Serialize};

use crate::accounts::{secret_key, server_url, AccountView};
use crate::source::{Batch, Entry, MentionSource};
use crate::{secrets, Engine, EngineError};

/// Notifications are one source; each keyword search is another, named `search:<keyword>`.
pub(crate) const NOTIFICATIONS: &str = "notifications";
/// How far back a first sync reaches: this many pages of 100.
const FIRST_SYNC_PAGES: usize = 5;
/// How far back a catch-up may walk before it stops (and says so in the log).
const MAX_PAGES: usize = 100;
/// Mentions stored per transaction.
const BATCH: usize = 100;
/// How far before the cursor a sync reads again. The AppView stamps an entry's `indexedAt` when it starts
/// indexing the post but may commit it after a later post, so an entry can appear behind a cursor already
/// stored; reading this much again catches it, and the dedupe key makes the repeats no change.
const REORDER_MARGIN: Duration = Duration::minutes(2);
/// A profile lookup is good for this long.
const PROFILE_FRESH_FOR: Duration = Duration::hours(24);

/// What the keyring keeps for a Bluesky account: the app password (to sign in again when the session
/// lapses) and the session's tokens.
#[derive(Serialize, Deserialize)]
struct Secret {
    app_password: String,
    session: Option<String>,
}

fn save_secret(key: &str, app_password: &str, session: Option<&SavedSession>) -> Result<(), EngineError> {
    let secret = Secret {
        app_password: app_password.to_owned(),
        session: session.map(SavedSession::to_secret),
    };
    let json = serde_json::to_string(&secret)
        .map_err(|e| EngineError::Invalid(format!("Earshot could not prepare the keyring entry: {e}")))?;
    secrets::save(key, &json)
}

fn cursor_time(cursor: Option<&str>) -> Option<DateTime<Utc>> {
    cursor
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn cursor_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A mention and its author's DID, or why an entry gave none.
type Found = Result<(Mention, String), Skipped>;

/// Up to this many pages and what they held, in the order found (newest first).
struct Walk {
    found: Vec<(DateTime<Utc>, Found)>,
    newest: Option<DateTime<Utc>>,
    pages: u32,
}

/// Where one sync of one account got to, for the report.
#[derive(Default)]
pub(crate) struct Fetched {
    pub sources: Vec<(String, CollectedSource)>,
    pub pages: u32,
    pub problem: Option<FetchError>,
}

/// Batches already fetched from the network, oldest first, each with the cursor after it.
#[derive(Default)]
pub(crate) struct CollectedSource {
    batches: VecDeque<Batch>,
}

impl MentionSource for CollectedSource {
    fn size_hint(&self) -> Option<u32> {
        u32::try_from(self.batches.iter().map(|b| b.entries.len()).sum::<usize>()).ok()
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, EngineError> {
        Ok(self.batches.pop_front())
    }
}

impl Engine {
    /// Connects a Bluesky account with its handle and an app password, on `service` (the account's PDS:
    /// `https://bsky.social`, or a self-hosted one).
    pub async fn connect_bluesky(
        &self,
        service: &str,
        handle: &str,
        app_password: &str,
        role: Role,
    ) -> Result<AccountView, EngineError> {
        let base = server_url(if service.trim().is_empty() {
            "https://bsky.social"
        } else {
            service
        })?;
        let identifier = handle.trim().trim_start_matches('@');
        if identifier.is_empty() {
            return Err(EngineError::Invalid(
                "Enter the account's handle, like brand.bsky.social.".into(),
            ));
        }
        let app_password = app_password.trim();
        if app_password.is_empty() {
            return Err(EngineError::Invalid(
                "The app password is empty. Create one under Settings → Privacy and security → App passwords."
                    .into(),
            ));
        }
        let client = BlueskyClient::new(self.http.clone(), &base);
        let session = client
            .login(identifier, app_password, self.clock.now())
            .await
            .map_err(|e| match e {
                FetchError::Unauthorized { reason, .. } => EngineError::Invalid(format!(
                    "{base} did not accept that handle and app password ({reason}). Check both and try again."
                )),
                FetchError::Unreachable { reason, .. } => EngineError::Invalid(format!(
                    "{base} could not be reached ({reason}). Check the server address and your connection."
                )),
                other => EngineError::Invalid(format!("{base} could not connect this account: {other}")),
            })?;
        let handle = Handle {
            network: Network::Bluesky,
            account: Account::new("handle", session.handle())
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
            role,
            display_name: None,
        };
        save_secret(
            &secret_key(Network::Bluesky, handle.account.as_str()),
            app_password,
            Some(&session),
        )?;
        let mut tx = earshot_store::begin(&self.db).await?;
        let handle_id = earshot_store::handles::upsert(&mut tx, &handle).await?;
        let id = accounts::upsert(
            &mut tx,
            handle_id,
            base.as_str(),
            Some(session.did()),
            self.clock.now(),
        )
        .await?;
        earshot_store::commit(tx).await?;
        self.account(id).await
    }

    /// A signed-in client for the account, resuming its saved session or signing in again with the app
    /// password. Saves the session back when it changed.
    pub(crate) async fn bluesky_client(&self, row: &AccountRow) -> Result<BlueskyClient, FetchError> {
        let unauthorized = |reason: &str| FetchError::Unauthorized {
            network: "Bluesky",
            reason: reason.to_owned(),
        };
        let key = secret_key(Network::Bluesky, &row.account);
        let secret: Secret = match secrets::load(&key) {
            Ok(Some(json)) => {
                serde_json::from_str(&json).map_err(|_| unauthorized("the saved sign-in is unreadable"))?
            }
            Ok(None) => return Err(unauthorized("no app password is saved in the system keyring")),
            Err(e) => return Err(unauthorized(&e.to_string())),
        };
        let base = server_url(&row.service_url).map_err(|e| unauthorized(&e.to_string()))?;
        let client = BlueskyClient::new(self.http.clone(), &base);
        let now = self.clock.now();
        let resumed = match secret.session.as_deref().and_then(SavedSession::from_secret) {
            Some(saved) => client.resume(&saved, now).await,
            None => Err(unauthorized("no session yet")),
        };
        match resumed {
            Ok(()) => {}
            Err(FetchError::Unauthorized { .. }) => {
                client.login(&row.account, &secret.app_password, now).await?;
            }
            Err(other) => return Err(other),
        }
        let fresh = client.saved_session().await;
        if fresh.as_ref().map(SavedSession::to_secret) != secret.session {
            if let Err(e) = save_secret(&key, &secret.app_password, fresh.as_ref()) {
                tracing::warn!(account = %row.account, error = %e, "could not save the refreshed session");
            }
        }
        Ok(client)
    }

    /// Walks one source back from the newest entry to `since` (or for `first_pages` pages on a first sync).
    async fn walk(
        &self,
        client: &BlueskyClient,
        row: &AccountRow,
        keyword: Option<&str>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Walk, FetchError> {
        let since = since.map(|s| s - REORDER_MARGIN);
        let limit = if since.is_some() {
            MAX_PAGES
        } else {
            FIRST_SYNC_PAGES
        };
        let mut walk = Walk {
            found: Vec::new(),
            newest: None,
            pages: 0,
        };
        let mut older: Option<String> = None;
        loop {
            let now = self.clock.now();
            let page: Page = match keyword {
                None => client.notifications(&row.account, older.as_deref(), now).await?,
                Some(q) => {
                    client
                        .search(&row.account, q, since, older.as_deref(), now)
                        .await?
                }
            };
            walk.pages += 1;
            let mut reached = false;
            for entry in page.entries {
                let Some(at) = entry.indexed_at else {
                    tracing::warn!(account = %row.account, "skipped an entry without its indexedAt time");
                    continue;
                };
                walk.newest = walk.newest.max(Some(at));
                if since.is_some_and(|s| at < s) {
                    reached = true;
                    continue;
                }
                walk.found.push((at, entry.mention));
            }
            older = page.older;
            if reached || older.is_none() {
                break;
            }
            if walk.pages as usize >= limit {
                if since.is_some() {
                    tracing::warn!(account = %row.account, pages = walk.pages,
                        "stopped catching up after the most pages one sync reads; older entries were left");
                }
                break;
            }
            if client.rate_limit().is_some_and(|r| r.nearly_spent()) {
                let until = client
                    .rate_limit()
                    .and_then(|r| r.reset)
                    .unwrap_or(now + Duration::minutes(5));
                return Err(FetchError::RateLimited {
                    network: "Bluesky",
                    until,
                });
            }
        }
        Ok(walk)
    }

    /// Followers, age and verification for each author, from the cache or one lookup per 25 authors.
    async fn profiles_for(
        &self,
        client: &BlueskyClient,
        dids: BTreeSet<String>,
    ) -> Result<Vec<CachedProfile>, EngineError> {
        let dids: Vec<String> = dids.into_iter().collect();
        let now = self.clock.now();
        let mut known = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            profiles::fresh(&mut conn, Network::Bluesky, &dids, now - PROFILE_FRESH_FOR).await?
        };
        let missing: Vec<String> = dids
            .into_iter()
            .filter(|d| !known.iter().any(|k| &k.remote_user == d))
            .collect();
        if missing.is_empty() {
            return Ok(known);
        }
        let fetched: Vec<ProfileFacts> = client.profiles(&missing, now).await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        for facts in fetched {
            let cached = CachedProfile {
                remote_user: facts.did,
                followers: facts.followers,
                verified: facts.verified,
                created_at: facts.created_at,
                labels: facts.labels,
            };
            profiles::put(&mut tx, Network::Bluesky, &cached, now).await?;
            known.push(cached);
        }
        earshot_store::commit(tx).await?;
        Ok(known)
    }

    /// Fetches everything new for a Bluesky account, ready to store. A failure part-way keeps what was
    /// fetched before it (from the sources that finished) and reports the failure.
    pub(crate) async fn fetch_bluesky(
        &self,
        row: &AccountRow,
        client: &BlueskyClient,
    ) -> Result<Fetched, EngineError> {
        let mut fetched = Fetched::default();
        let mut names = vec![(NOTIFICATIONS.to_owned(), None)];
        names.extend(
            row.keywords
                .iter()
                .map(|k| (format!("search:{k}"), Some(k.clone()))),
        );
        for (name, keyword) in names {
            let since = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                cursor_time(accounts::cursor(&mut conn, row.id, &name).await?.as_deref())
            };
            let started = self.clock.now();
            let walk = match self.walk(client, row, keyword.as_deref(), since).await {
                // A first sync that finds nothing still marks where it looked from, or the next sync would
                // be a first sync too and read only the newest pages of what came in between. The margin
                // allows for the server's clock; repeats are absorbed by the dedupe key.
                Ok(mut walk) if since.is_none() && walk.newest.is_none() => {
                    walk.newest = Some(started - Duration::minutes(10));
                    walk
                }
                Ok(walk) => walk,
                Err(e) => {
                    fetched.problem = Some(e);
                    break;
                }
            };
            fetched.pages += walk.pages;
            let dids: BTreeSet<String> = walk
                .found
                .iter()
                .filter_map(|(_, m)| m.as_ref().ok().map(|(_, did)| did.clone()))
                .collect();
            let profiles = match self.profiles_for(client, dids).await {
                Ok(p) => p,
                Err(EngineError::Network(e)) => {
                    fetched.problem = Some(e);
                    break;
                }
                Err(other) => return Err(other),
            };
            fetched.sources.push((name, collect(walk, &profiles)));
        }
        Ok(fetched)
    }

    pub(crate) async fn store_fetched(
        &self,
        id: AccountId,
        fetched: &mut Fetched,
        counts: &mut crate::ImportReport,
        progress: &mut (dyn FnMut(&crate::Progress) + Send),
    ) -> Result<(), EngineError> {
        for (name, source) in &mut fetched.sources {
            self.ingest_into(source, Some((id, name.as_str())), counts, progress)
                .await?;
        }
        Ok(())
    }
}

/// Sorts a walk oldest first into batches, each with the cursor after it. Entries that are not mentions
/// (likes, follows) are dropped, but still move the cursor past them.
fn collect(walk: Walk, profiles: &[CachedProfile]) -> CollectedSource {
    let mut found = walk.found;
    found.sort_by_key(|(at, _)| *at);
    let mut batches = VecDeque::new();
    let mut current: Vec<Entry> = Vec::new();
    let mut last_at: Option<DateTime<Utc>> = None;
    for (i, (at, result)) in found.into_iter().enumerate() {
        let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let record = match result {
            Ok((mut mention, did)) => {
                if let Some(p) = profiles.iter().find(|p| p.remote_user == did) {
                    bluesky::enrich(
                        &mut mention,
                        &ProfileFacts {
                            did,
                            handle: String::new(),
                            display_name: None,
                            followers: p.followers,
                            created_at: p.created_at,
                            verified: p.verified,
                            labels: p.labels.clone(),
                        },
                    );
                }
                Ok(Record::Mention(Box::new(mention)))
            }
            Err(Skipped::NotAMention(_)) => {
                last_at = Some(at);
                continue;
            }
            Err(Skipped::Malformed(why)) => {
                tracing::warn!(%why, "skipped a Bluesky entry Earshot could not read");
                Err(why)
            }
        };
        current.push(Entry { position, record });
        last_at = Some(at);
        if current.len() >= BATCH {
            batches.push_back(Batch {
                entries: std::mem::take(&mut current),
                cursor: last_at.map(cursor_text),
            });
        }
    }
    let end = walk.newest.max(last_at).map(cursor_text);
    if !current.is_empty() || end != batches.back().and_then(|b: &Batch| b.cursor.clone()) {
        batches.push_back(Batch {
            entries: current,
            cursor: end,
        });
    }
    CollectedSource { batches }
}
