//! Connected accounts: connecting one, listing their health, and syncing their mentions.

use earshot_core::{Account, Handle, Network, Role};
use earshot_networks::mastodon::MastodonClient;
use earshot_networks::FetchError;
use earshot_store::accounts::{self, AccountId, AccountRow, AccountState};
use serde::Serialize;
use specta::Type;
use url::Url;

use crate::{secrets, Engine, EngineError, ImportReport, Progress};

/// An account as the Accounts screen and `earshot accounts` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AccountView {
    pub id: String,
    pub network: Network,
    pub account: String,
    pub role: Role,
    pub service_url: String,
    /// healthy, syncing, rate_limited, token_invalid or unreachable.
    pub state: String,
    /// What went wrong last, and what to do, in words.
    pub problem: Option<String>,
    pub rate_limited_until: Option<String>,
    pub last_sync_at: Option<String>,
    /// Brand keywords searched for this account.
    pub keywords: Vec<String>,
    /// Since when new mentions have been arriving live (Mastodon's streaming API); absent when they are
    /// fetched every few minutes instead.
    pub live_since: Option<String>,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct SyncReport {
    pub account: String,
    pub imported: u32,
    pub merged: u32,
    /// Entries the network sent that could not be read; each was logged and skipped.
    pub skipped: u32,
    pub pages: u32,
    /// Set when the sync stopped early, in words.
    pub problem: Option<String>,
    /// Set when a listening source was not fetched because it was fetched a moment ago: when it will be.
    #[specta(optional)]
    pub next_fetch_at: Option<String>,
}

pub(crate) fn secret_key(network: Network, account: &str) -> String {
    format!("{network}:{account}")
}

fn view(row: AccountRow) -> AccountView {
    AccountView {
        id: row.id.0.to_string(),
        network: row.network,
        account: row.account,
        role: row.role,
        service_url: row.service_url,
        state: row.state.as_str().to_owned(),
        problem: row.problem,
        rate_limited_until: row.rate_limited_until.map(crate::service::rfc3339),
        last_sync_at: row.last_sync_at.map(crate::service::rfc3339),
        keywords: row.keywords,
        live_since: row.live_since.map(crate::service::rfc3339),
    }
}

pub(crate) fn server_url(raw: &str) -> Result<Url, EngineError> {
    let with_scheme = if raw.contains("://") {
        raw.trim().to_owned()
    } else {
        format!("https://{}", raw.trim())
    };
    let url = Url::parse(&with_scheme)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| {
            EngineError::Invalid(format!(
                "'{raw}' is not a server address. Use one like https://mastodon.social."
            ))
        })?;
    Ok(url)
}

impl Engine {
    /// Connects a Mastodon account with an access token: asks the server whose token it is, saves the token
    /// in the OS keyring, and records the handle with its role.
    pub async fn connect_mastodon(
        &self,
        server: &str,
        token: &str,
        role: Role,
    ) -> Result<AccountView, EngineError> {
        let base = server_url(server)?;
        let token = token.trim();
        if token.is_empty() {
            return Err(EngineError::Invalid(
                "The access token is empty. Paste the token from the server's Development settings.".into(),
            ));
        }
        let client = MastodonClient::new(self.http.clone(), base.clone(), token.to_owned())
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        let (acct, display_name) =
            client
                .verify_credentials(self.clock.now())
                .await
                .map_err(|e| match e {
                    FetchError::Unauthorized { reason: why, .. } => EngineError::Invalid(format!(
                        "{base} refused the token ({why}). Check that you copied all of it."
                    )),
                    FetchError::Unreachable { reason: why, .. } => EngineError::Invalid(format!(
                        "{base} could not be reached ({why}). Check the server address and your connection."
                    )),
                    other => EngineError::Invalid(format!("{base} could not connect this account: {other}")),
                })?;
        let handle = Handle {
            network: Network::Mastodon,
            account: Account::new("account", &acct).map_err(|e| EngineError::Invalid(e.to_string()))?,
            role,
            display_name,
        };
        secrets::save(&secret_key(Network::Mastodon, handle.account.as_str()), token)?;
        let mut tx = earshot_store::begin(&self.db).await?;
        let handle_id = earshot_store::handles::upsert(&mut tx, &handle).await?;
        let id = accounts::upsert(&mut tx, handle_id, base.as_str(), None, self.clock.now()).await?;
        earshot_store::commit(tx).await?;
        self.account(id).await
    }

    pub(crate) async fn account(&self, id: AccountId) -> Result<AccountView, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::get(&mut conn, id)
            .await?
            .map(view)
            .ok_or_else(|| EngineError::NotFound(format!("Account {} is no longer connected.", id.0)))
    }

    pub(crate) fn account_id(id: &str) -> Result<AccountId, EngineError> {
        id.trim()
            .parse()
            .map(AccountId)
            .map_err(|_| EngineError::NotFound(format!("There is no connected account '{id}'.")))
    }

    /// Changes what a handle is for (support, marketing, other) and, when given, its brand keywords.
    pub async fn update_account(
        &self,
        id: &str,
        role: Option<Role>,
        keywords: Option<Vec<String>>,
    ) -> Result<AccountView, EngineError> {
        let account_id = Self::account_id(id)?;
        self.account(account_id).await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if let Some(role) = role {
            let handle_id = accounts::get(&mut tx, account_id)
                .await?
                .map(|r| r.handle_id)
                .ok_or_else(|| EngineError::NotFound(format!("There is no connected account '{id}'.")))?;
            earshot_store::handles::set_role(&mut tx, handle_id, role).await?;
        }
        if let Some(keywords) = keywords {
            let mut clean: Vec<String> = keywords
                .iter()
                .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|k| !k.is_empty())
                .collect();
            clean.sort();
            clean.dedup();
            if let Some(long) = clean.iter().find(|k| k.chars().count() > 100) {
                return Err(EngineError::Invalid(format!(
                    "The keyword '{long}' is longer than 100 characters. Use a shorter phrase."
                )));
            }
            accounts::set_keywords(&mut tx, account_id, &clean).await?;
        }
        earshot_store::commit(tx).await?;
        self.account(account_id).await
    }

    /// Disconnects an account and deletes its secret from the keyring. Its mentions stay in the inbox.
    pub async fn remove_account(&self, id: &str) -> Result<AccountView, EngineError> {
        let account_id = Self::account_id(id)?;
        let row = self.account(account_id).await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::remove(&mut conn, account_id).await?;
        if row.network != Network::Web {
            secrets::delete(&secret_key(row.network, &row.account))?;
        }
        Ok(row)
    }

    /// Every connected account with its health. Listening sources are listed by [`Engine::sources`].
    pub async fn accounts(&self) -> Result<Vec<AccountView>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(accounts::list(&mut conn)
            .await?
            .into_iter()
            .filter(|row| row.network != Network::Web)
            .map(view)
            .collect())
    }

    pub(crate) async fn record(
        &self,
        id: AccountId,
        state: AccountState,
        problem: Option<String>,
        until: Option<chrono::DateTime<chrono::Utc>>,
        synced: bool,
    ) -> Result<(), EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let synced_at = synced.then(|| self.clock.now());
        accounts::set_state(&mut conn, id, state, problem.as_deref(), until, synced_at).await?;
        Ok(())
    }

    /// Clears every account's live mark (see [`crate::Listeners`]).
    pub(crate) async fn clear_live(&self) -> Result<(), EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::clear_live(&mut conn).await?;
        Ok(())
    }

    /// Syncs every connected account and listening source once. One's failure is recorded on it and does
    /// not stop the rest.
    pub async fn sync_all(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Vec<SyncReport>, EngineError> {
        let ids = self.account_ids().await?;
        let mut reports = Vec::new();
        for id in ids {
            // In a team, each account is synced by the one process that leads it.
            if self.leader.lead(id.0).await?.leads() {
                reports.push(self.sync_account(&id.0.to_string(), progress).await?);
            }
        }
        Ok(reports)
    }

    async fn account_ids(&self) -> Result<Vec<AccountId>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(accounts::list(&mut conn)
            .await?
            .iter()
            .map(|row| row.id)
            .collect())
    }

    /// Whether this desktop or worker is part of a team (a shared PostgreSQL database).
    pub fn is_team(&self) -> bool {
        self.leader.is_team()
    }

    /// Whether this process syncs the account `id` (always, in a personal workspace). In a team it takes
    /// the account over when nobody else syncs it.
    pub async fn leads_sync(&self, id: &str) -> Result<bool, EngineError> {
        Ok(self.leader.lead(Self::account_id(id)?.0).await?.leads())
    }

    /// In a team: takes over the accounts nobody syncs any more (their leader stopped or died) and syncs
    /// each at once from its stored cursor. The reports of those it took; none in a personal workspace.
    pub async fn take_over_syncs(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Vec<SyncReport>, EngineError> {
        if !self.leader.is_team() {
            return Ok(Vec::new());
        }
        let ids = self.account_ids().await?;
        let mut reports = Vec::new();
        for id in ids {
            if self.leader.lead(id.0).await? == crate::leader::Lead::Gained {
                tracing::info!(account = id.0, "this process now syncs the account");
                reports.push(self.sync_account(&id.0.to_string(), progress).await?);
            }
        }
        Ok(reports)
    }

    /// Fetches an account's new mentions from its stored cursor onwards, through the same ingest path as an
    /// import. Each page and the cursor after it are stored in one transaction, so a crash mid-sync loses
    /// nothing and repeats nothing. A network failure is recorded on the account for the Accounts screen.
    pub async fn sync_account(
        &self,
        id: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<SyncReport, EngineError> {
        self.sync_with(id, false, progress).await
    }

    /// [`Engine::sync_account`]; `force` fetches a listening source even if it was fetched a moment ago.
    pub(crate) async fn sync_with(
        &self,
        id: &str,
        force: bool,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<SyncReport, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no connected account '{id}'."));
        let id = Self::account_id(id)?;
        let row = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::get(&mut conn, id).await?.ok_or_else(missing)?
        };
        let mut report = SyncReport {
            account: match row.network {
                Network::Web => format!("Feed {}", row.account),
                _ => format!("@{}", row.account),
            },
            ..Default::default()
        };
        let now = self.clock.now();
        if let Some(until) = row.rate_limited_until.filter(|u| *u > now) {
            report.problem = Some(format!(
                "Rate-limited by the server until {}; Earshot waits.",
                crate::service::rfc3339(until)
            ));
            return Ok(report);
        }
        if row.network == Network::Web {
            if let Some(next) = self.feed_wait(&row, force).await? {
                // Fetched a moment ago (this feed, or another of its site): not a problem, just not yet.
                report.next_fetch_at = Some(crate::service::rfc3339(next));
                return Ok(report);
            }
        }
        self.record(id, AccountState::Syncing, None, None, false).await?;
        let mut counts = ImportReport::default();
        let outcome = match row.network {
            Network::Mastodon => self
                .sync_mastodon(&row, &mut report, &mut counts, progress)
                .await
                .map(|()| None),
            Network::Bluesky => self
                .sync_bluesky(&row, &mut report, &mut counts, progress)
                .await
                .map(|()| None),
            // X may say that the spend budget paused part of it: the sync says so too.
            Network::X => {
                let note = self.sync_x(&row, &mut report, &mut counts, progress).await;
                if let Ok(Some(paused)) = &note {
                    report.problem = Some(paused.clone());
                }
                note
            }
            // A feed can be read and still have had entries that could not be: that note stays on the source.
            Network::Web => self.sync_feed(&row, &mut report, &mut counts, progress).await,
        };
        report.imported = counts.imported;
        report.merged = counts.merged;
        report.skipped = counts.failed;
        match outcome {
            Ok(note) => self.record(id, AccountState::Healthy, note, None, true).await?,
            Err(EngineError::Network(e)) => {
                let (state, until) = match &e {
                    FetchError::Unauthorized { .. } => (AccountState::TokenInvalid, None),
                    FetchError::RateLimited { until, .. } => (AccountState::RateLimited, Some(*until)),
                    _ => (AccountState::Unreachable, None),
                };
                tracing::warn!(account = %row.account, error = %e, "sync stopped");
                self.record(id, state, Some(e.to_string()), until, false).await?;
                report.problem = Some(e.to_string());
            }
            Err(other) => {
                self.record(
                    id,
                    AccountState::Unreachable,
                    Some(other.to_string()),
                    None,
                    false,
                )
                .await?;
                return Err(other);
            }
        }
        Ok(report)
    }

    async fn sync_bluesky(
        &self,
        row: &AccountRow,
        report: &mut SyncReport,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(), EngineError> {
        let client = self.bluesky_client(row).await?;
        let mut fetched = self.fetch_bluesky(row, &client).await?;
        report.pages = fetched.pages;
        self.store_fetched(row.id, &mut fetched, counts, progress).await?;
        match fetched.problem {
            Some(e) => Err(EngineError::Network(e)),
            None => Ok(()),
        }
    }
}
