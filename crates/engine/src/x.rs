//! X accounts: connecting (a token, or OAuth 2.0 with PKCE in the browser), catching up on mentions and
//! brand searches, renewing the rotating refresh token, and keeping X's bill in the spend ledger.
//!
//! X pages go newest first. Each page is stored as it arrives with the cursor left alone, and the cursor
//! (`since_id`) moves to the newest post only when the walk back reaches the old cursor. A crash mid-walk
//! repeats pages (absorbed by the dedupe key) and skips none. A walk longer than one sync may take leaves
//! a resume point (`until_id`), and the next sync carries on from there.

use earshot_core::{Account, Handle, Mention, Network, Role};
use earshot_networks::x::oauth::{self, Tokens};
use earshot_networks::x::{PostPage, XClient, API_BASE};
use earshot_networks::{FetchError, Skipped};
use earshot_store::accounts::{self, AccountRow};
use earshot_store::mentions;
use earshot_store::outbox::OutboxRow;
use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

use crate::accounts::{secret_key, server_url, AccountView, SyncReport};
use crate::oauth::{challenge, random_text, respond, wait_for_code, APPROVAL_TIME, DONE_PAGE, FAILED_PAGE};
use crate::outbox::ActionKind;
use crate::source::{network_entry, Batch, OneBatch};
use crate::spend::{Billable, BudgetState};
use crate::{secrets, Engine, EngineError, ImportReport, Progress};

const NETWORK: &str = "X";
/// The mentions timeline's cursor; each keyword search's is `search:<keyword>`.
const MENTIONS: &str = "mentions";
/// At most this many pages (of 100 posts) in one walk, so one account cannot hold the others up or run up
/// a bill unseen. The rest of the walk continues at the next sync.
const MAX_PAGES_PER_SYNC: u32 = 10;
/// The loopback port of the redirect address the brand registers in its X app
/// (`http://127.0.0.1:53682/callback`). X only accepts a registered address, so it cannot change per sign-in.
pub const DEFAULT_REDIRECT_PORT: u16 = 53682;

/// Only one renewal at a time in this process: X rotates refresh tokens, so two at once would retire each
/// other's.
static RENEWING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A post ID from X is a decimal string that grows with time.
fn newer_id(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

fn load_tokens(key: &str) -> Result<Tokens, EngineError> {
    let Some(saved) = secrets::load(key)? else {
        return Err(EngineError::Network(FetchError::Unauthorized {
            network: NETWORK,
            reason: "no token is saved for this account in the system keyring".into(),
        }));
    };
    serde_json::from_str(&saved).map_err(|_| {
        EngineError::Network(FetchError::Unauthorized {
            network: NETWORK,
            reason: "the saved sign-in could not be read".into(),
        })
    })
}

fn save_tokens(key: &str, tokens: &Tokens) -> Result<(), EngineError> {
    let text = serde_json::to_string(tokens).map_err(|e| EngineError::Invalid(e.to_string()))?;
    secrets::save(key, &text)
}

/// The search Earshot runs for a brand keyword: the phrase, no reposts (each would be billed), and none of
/// our own posts.
fn search_query(keyword: &str, username: &str) -> String {
    let phrase: String = keyword.chars().filter(|c| *c != '"').collect();
    format!("\"{}\" -is:retweet -from:{username}", phrase.trim())
}

/// A signed-in X account: the client, and what renewing its token needs.
pub(crate) struct XSession {
    pub client: XClient,
    pub tokens: Tokens,
    pub base: Url,
    key: String,
    /// The account's X user ID.
    pub user_id: String,
    pub username: String,
    renewed: bool,
}

impl Engine {
    /// A session for an X account, renewed first if its access token has run out.
    pub(crate) async fn x_session(&self, row: &AccountRow) -> Result<XSession, EngineError> {
        let key = secret_key(row.network, &row.account);
        let tokens = load_tokens(&key)?;
        let base = server_url(&row.service_url)?;
        let user_id = row
            .remote_user
            .clone()
            .ok_or_else(|| EngineError::Invalid("This X account has no user ID; connect it again.".into()))?;
        let mut session = XSession {
            client: XClient::new(self.http.clone(), base.clone(), tokens.access_token.clone()),
            tokens,
            base,
            key,
            user_id,
            username: row.account.clone(),
            renewed: false,
        };
        let now = self.clock.now();
        if session
            .tokens
            .expires_at
            .is_some_and(|t| t <= now + chrono::Duration::seconds(60))
        {
            self.renew(&mut session).await?;
        }
        Ok(session)
    }

    /// Trades the refresh token for new tokens and saves them before they are used. Called once when X
    /// refuses the access token; a second refusal means the person has to connect again.
    pub(crate) async fn renew(&self, session: &mut XSession) -> Result<(), EngineError> {
        if session.renewed {
            return Err(EngineError::Network(FetchError::Unauthorized {
                network: NETWORK,
                reason: "X refused the renewed token too".into(),
            }));
        }
        let _only_one = RENEWING.lock().await;
        session.renewed = true;
        // Another task may have renewed while this one waited: use its tokens.
        let saved = load_tokens(&session.key)?;
        if saved.access_token != session.tokens.access_token {
            session.tokens = saved;
        } else {
            match oauth::refresh(&self.http, &session.base, &saved, self.clock.now()).await {
                Ok(fresh) => {
                    save_tokens(&session.key, &fresh)?;
                    tracing::info!(account = %session.username, "renewed the X sign-in");
                    session.tokens = fresh;
                }
                Err(FetchError::Unauthorized { reason, .. }) => {
                    // Another process (the app beside `earshot sync`, say) may have renewed with the same
                    // refresh token a moment earlier: X then retires it, and the new pair is in the keyring.
                    let now_saved = load_tokens(&session.key)?;
                    if now_saved.refresh_token == saved.refresh_token {
                        return Err(EngineError::Network(FetchError::Unauthorized {
                            network: NETWORK,
                            reason: format!("X would not renew the sign-in: {reason}"),
                        }));
                    }
                    session.tokens = now_saved;
                }
                Err(other) => return Err(EngineError::Network(other)),
            }
        }
        session.client = XClient::new(
            self.http.clone(),
            session.base.clone(),
            session.tokens.access_token.clone(),
        );
        Ok(())
    }

    /// Connects an X account with tokens already in hand (`--token-stdin`): either a bare access token, or
    /// the JSON X's token endpoint answers (with a refresh token, so Earshot can renew it).
    pub async fn connect_x(
        &self,
        client_id: &str,
        secret: &str,
        role: Role,
        server: Option<&str>,
    ) -> Result<AccountView, EngineError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(EngineError::Invalid(
                "The token is empty. Give an access token, or the JSON answer of X's token endpoint.".into(),
            ));
        }
        let now = self.clock.now();
        let tokens = if secret.starts_with('{') {
            #[derive(serde::Deserialize)]
            struct Given {
                access_token: String,
                refresh_token: Option<String>,
                expires_in: Option<i64>,
            }
            let given: Given = serde_json::from_str(secret).map_err(|e| {
                EngineError::Invalid(format!(
                    "The token JSON could not be read ({e}). It needs access_token."
                ))
            })?;
            Tokens {
                access_token: given.access_token,
                refresh_token: given.refresh_token,
                expires_at: given.expires_in.map(|s| now + chrono::Duration::seconds(s)),
                client_id: client_id.trim().to_owned(),
            }
        } else {
            Tokens {
                access_token: secret.to_owned(),
                refresh_token: None,
                expires_at: None,
                client_id: client_id.trim().to_owned(),
            }
        };
        self.save_x_account(tokens, role, server).await
    }

    async fn save_x_account(
        &self,
        tokens: Tokens,
        role: Role,
        server: Option<&str>,
    ) -> Result<AccountView, EngineError> {
        if tokens.client_id.is_empty() {
            return Err(EngineError::Invalid(
                "The X app's client ID is missing. Find it under Keys and tokens in the X Developer Console."
                    .into(),
            ));
        }
        let base = server_url(server.unwrap_or(API_BASE))?;
        let client = XClient::new(self.http.clone(), base.clone(), tokens.access_token.clone());
        let me = client.me(self.clock.now()).await.map_err(|e| match e {
            FetchError::Unauthorized { reason, .. } => EngineError::Invalid(format!(
                "X refused the token ({reason}). Sign in again to get a new one."
            )),
            FetchError::Unreachable { reason, .. } => EngineError::Invalid(format!(
                "X could not be reached ({reason}). Check your connection."
            )),
            other => EngineError::Invalid(format!("X could not connect this account: {other}")),
        })?;
        let handle = Handle {
            network: Network::X,
            account: Account::new("account", &me.username)
                .map_err(|e| EngineError::Invalid(e.to_string()))?,
            role,
            display_name: me.name,
        };
        save_tokens(&secret_key(Network::X, handle.account.as_str()), &tokens)?;
        let mut tx = earshot_store::begin(&self.db).await?;
        let handle_id = earshot_store::handles::upsert(&mut tx, &handle).await?;
        let id = accounts::upsert(&mut tx, handle_id, base.as_str(), Some(&me.id), self.clock.now()).await?;
        earshot_store::commit(tx).await?;
        self.account(id).await
    }

    /// Connects an X account through the browser: OAuth 2.0 authorization code with PKCE, answered at
    /// `http://127.0.0.1:<port>/callback`, which the brand registers in its own X app. `open` is given the
    /// address to approve Earshot at. Ends on approval or refusal, after five minutes, or on `cancel`.
    #[allow(clippy::too_many_arguments)]
    pub async fn sign_in_x(
        &self,
        client_id: &str,
        role: Role,
        server: Option<&str>,
        port: Option<u16>,
        open: &(dyn Fn(&Url) + Send + Sync),
        mut cancel: watch::Receiver<bool>,
    ) -> Result<AccountView, EngineError> {
        let client_id = client_id.trim();
        if client_id.is_empty() {
            return Err(EngineError::Invalid(
                "Give your X app's OAuth 2.0 client ID (X Developer Console, Keys and tokens).".into(),
            ));
        }
        let base = server_url(server.unwrap_or(API_BASE))?;
        let port = port.unwrap_or(DEFAULT_REDIRECT_PORT);
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            EngineError::Invalid(format!(
                "Earshot could not listen on 127.0.0.1:{port} for X's answer ({e}). Close whatever uses that \
                 port, or register another port in your X app and give it here."
            ))
        })?;
        let redirect = format!("http://127.0.0.1:{port}/callback");
        let verifier = random_text(48)?;
        let state = random_text(24)?;
        let address = oauth::authorize_url(&base, client_id, &redirect, &state, &challenge(&verifier));
        open(&address);
        let (code, mut browser) = tokio::select! {
            code = wait_for_code(&listener, &state) => code?,
            _ = tokio::time::sleep(APPROVAL_TIME) => {
                return Err(EngineError::Invalid(
                    "Nobody approved Earshot on X within 5 minutes. Connect again to retry.".into(),
                ));
            }
            _ = cancel.wait_for(|c| *c) => {
                return Err(EngineError::Invalid("Connecting was cancelled.".into()));
            }
        };
        drop(listener);
        let connected =
            match oauth::exchange_code(&self.http, &base, client_id, &code, &redirect, &verifier, self.clock.now())
                .await
            {
                Ok(tokens) => self.save_x_account(tokens, role, Some(base.as_str())).await,
                Err(e) => Err(EngineError::Invalid(format!(
                    "X refused the sign-in ({e}). Check that the redirect address {redirect} is registered in your X app, and connect again."
                ))),
            };
        let page = if connected.is_ok() { DONE_PAGE } else { FAILED_PAGE };
        respond(&mut browser, "200 OK", page).await;
        connected
    }

    /// Records what one page of posts costs.
    async fn bill_page(&self, session: &XSession, page: &PostPage) -> Result<(), EngineError> {
        self.bill(session, Billable::PostRead, &page.billed_posts).await?;
        self.bill(session, Billable::UserRead, &page.billed_users).await
    }

    pub(crate) async fn bill(
        &self,
        session: &XSession,
        kind: Billable,
        resources: &[String],
    ) -> Result<(), EngineError> {
        if resources.is_empty() {
            return Ok(());
        }
        let mut conn = earshot_store::acquire(&self.db).await?;
        earshot_store::spend::record(
            &mut conn,
            &session.tokens.client_id,
            kind.as_str(),
            resources,
            &session.username,
            self.clock.now(),
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn sync_x(
        &self,
        row: &AccountRow,
        report: &mut SyncReport,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Option<String>, EngineError> {
        let budget = self.budget_state().await?;
        if budget == BudgetState::Exhausted {
            return Ok(Some(self.budget_message(budget).await?));
        }
        let mut session = self.x_session(row).await?;
        self.walk_x(row, &mut session, MENTIONS, None, report, counts, progress)
            .await?;
        if row.keywords.is_empty() {
            return Ok(None);
        }
        // Searching costs more than mentions (every match is billed), so it pauses first.
        let budget = self.budget_state().await?;
        if budget != BudgetState::Fine {
            return Ok(Some(self.budget_message(budget).await?));
        }
        for keyword in &row.keywords {
            let query = search_query(keyword, &session.username);
            let name = format!("search:{keyword}");
            self.walk_x(row, &mut session, &name, Some(&query), report, counts, progress)
                .await?;
        }
        Ok(None)
    }

    /// Walks one timeline (mentions, or a search when `query` is given) from the newest post back to the
    /// stored cursor, storing each page as it comes.
    #[allow(clippy::too_many_arguments)]
    async fn walk_x(
        &self,
        row: &AccountRow,
        session: &mut XSession,
        name: &str,
        query: Option<&str>,
        report: &mut SyncReport,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(), EngineError> {
        let resume_name = format!("{name}:resume");
        let (since, resume) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            (
                accounts::cursor(&mut conn, row.id, name).await?,
                accounts::cursor(&mut conn, row.id, &resume_name).await?,
            )
        };
        // A resume point is "<until_id> <newest_id>": carry on below until_id, and when done move the
        // cursor to newest_id.
        let (until, mut newest) = match resume.as_deref().and_then(|r| r.split_once(' ')) {
            Some((u, n)) => (Some(u.to_owned()), Some(n.to_owned())),
            None => (None, None),
        };
        let me = Account::new("account", &row.account).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let now = self.clock.now();
            let fetched = match query {
                None => {
                    session
                        .client
                        .mentions(
                            &session.user_id,
                            since.as_deref(),
                            until.as_deref(),
                            token.as_deref(),
                            now,
                        )
                        .await
                }
                Some(q) => {
                    session
                        .client
                        .search_recent(q, since.as_deref(), until.as_deref(), token.as_deref(), now)
                        .await
                }
            };
            let page = match fetched {
                Ok(page) => page,
                Err(FetchError::Unauthorized { .. }) if !session.renewed => {
                    self.renew(session).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            pages += 1;
            report.pages += 1;
            self.bill_page(session, &page).await?;
            if newest.is_none() {
                newest = page.newest_id.clone();
            }
            let oldest = page
                .entries
                .iter()
                .filter_map(|e| e.as_ref().ok().map(|m| m.remote_id.clone()))
                .chain(page.billed_posts.iter().cloned())
                .min_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
            let mut found: Vec<Result<Mention, Skipped>> = page.entries;
            // Newest first as X sends them; stored oldest first, so a reply finds its parent stored.
            found.reverse();
            let entries = found
                .into_iter()
                .enumerate()
                .filter_map(|(i, converted)| {
                    // A search hit that names the brand without mentioning a handle still belongs here.
                    let converted = converted.map(|mut m| {
                        if !m.mentions.contains(&me) {
                            m.mentions.push(me.clone());
                        }
                        m
                    });
                    network_entry(NETWORK, i + 1, converted)
                })
                .collect();
            let mut one = OneBatch(Some(Batch {
                entries,
                cursor: None,
            }));
            self.ingest_into(&mut one, Some((row.id, name)), counts, progress)
                .await?;
            token = page.next_token;
            let nearly_spent = page.rate_limit.as_ref().is_some_and(|r| r.nearly_spent());
            if token.is_none() {
                let mut tx = earshot_store::begin(&self.db).await?;
                if let Some(newest) = &newest {
                    if since.as_deref().is_none_or(|s| newer_id(newest, s)) {
                        accounts::set_cursor(&mut tx, row.id, name, newest).await?;
                    }
                }
                accounts::delete_cursor(&mut tx, row.id, &resume_name).await?;
                earshot_store::commit(tx).await?;
                return Ok(());
            }
            if pages >= MAX_PAGES_PER_SYNC || nearly_spent {
                // Carry on below the oldest post stored so far at the next sync.
                if let (Some(oldest), Some(newest)) = (&oldest, &newest) {
                    let mut conn = earshot_store::acquire(&self.db).await?;
                    accounts::set_cursor(&mut conn, row.id, &resume_name, &format!("{oldest} {newest}"))
                        .await?;
                }
                if nearly_spent {
                    let until = page
                        .rate_limit
                        .and_then(|r| r.reset)
                        .unwrap_or(self.clock.now() + chrono::Duration::minutes(15));
                    return Err(EngineError::Network(FetchError::RateLimited {
                        network: NETWORK,
                        until,
                    }));
                }
                return Ok(());
            }
        }
    }
}

impl Engine {
    /// Sends one outbox action from an X account. X takes no idempotency key, so a retry after a lost answer
    /// first looks for what the earlier try made: our own newest posts for a reply, the conversation for a
    /// direct message. Reposting and liking twice is harmless. A refused access token is renewed once.
    pub(crate) async fn send_x(
        &self,
        row: &OutboxRow,
        account: &AccountRow,
        kind: ActionKind,
    ) -> Result<(String, Option<String>), EngineError> {
        let mut session = self.x_session(account).await?;
        loop {
            match self.send_x_once(row, &session, kind).await {
                Err(EngineError::Network(FetchError::Unauthorized { .. })) if !session.renewed => {
                    self.renew(&mut session).await?;
                }
                other => return other,
            }
        }
    }

    async fn send_x_once(
        &self,
        row: &OutboxRow,
        session: &XSession,
        kind: ActionKind,
    ) -> Result<(String, Option<String>), EngineError> {
        let now = self.clock.now();
        let client = &session.client;
        let text = row.body.as_deref().unwrap_or_default();
        match kind {
            ActionKind::Reply | ActionKind::Post => {
                let parent = (kind == ActionKind::Reply).then_some(row.target.as_str());
                if row.attempts > 1 {
                    let own = client.own_posts(&session.user_id, now).await?;
                    let ids: Vec<String> = own.iter().map(|p| p.id.clone()).collect();
                    self.bill(session, Billable::PostRead, &ids).await?;
                    if let Some(done) = own
                        .into_iter()
                        .find(|p| p.in_reply_to.as_deref() == parent && p.text == text)
                    {
                        // X billed the earlier try even though its answer was lost.
                        self.bill(session, reply_kind(text), std::slice::from_ref(&done.id))
                            .await?;
                        let url = format!("https://x.com/{}/status/{}", session.username, done.id);
                        return Ok((done.id, Some(url)));
                    }
                }
                let created = client.create_post(text, parent, &session.username, now).await?;
                self.bill(session, reply_kind(text), std::slice::from_ref(&created.id))
                    .await?;
                Ok((created.id, created.url))
            }
            ActionKind::Boost | ActionKind::Like => {
                let repost = kind == ActionKind::Boost;
                client.react(&session.user_id, &row.target, repost, now).await?;
                let done = format!("{}:{}", kind.as_str(), row.target);
                self.bill(session, Billable::InteractionCreate, std::slice::from_ref(&done))
                    .await?;
                Ok((done, None))
            }
            ActionKind::Dm => {
                let author = match row.item {
                    Some(id) => {
                        let mut conn = earshot_store::acquire(&self.db).await?;
                        mentions::get(&mut conn, id).await?.map(|i| i.author.handle)
                    }
                    None => None,
                }
                .ok_or_else(|| EngineError::NotFound("The post this message answers is gone.".into()))?;
                let participant = client.user_id(&author, now).await?.ok_or_else(|| {
                    EngineError::Network(FetchError::Rejected {
                        network: NETWORK,
                        status: 404,
                        reason: format!("@{author} no longer exists on X"),
                    })
                })?;
                self.bill(session, Billable::UserRead, std::slice::from_ref(&participant))
                    .await?;
                if row.attempts > 1 {
                    let events = client.dm_events(&participant, now).await?;
                    if let Some((id, _)) = events.into_iter().find(|(_, t)| t == text) {
                        self.bill(session, Billable::DmCreate, std::slice::from_ref(&id))
                            .await?;
                        return Ok((id, None));
                    }
                }
                let sent = client.send_dm(&participant, text, now).await?;
                self.bill(session, Billable::DmCreate, std::slice::from_ref(&sent.id))
                    .await?;
                Ok((sent.id, None))
            }
        }
    }
}

/// X bills a post with a link at a higher price.
fn reply_kind(text: &str) -> Billable {
    let has_link = text.split_whitespace().any(|w| {
        let w = w.to_ascii_lowercase();
        w.starts_with("https://") || w.starts_with("http://")
    });
    if has_link {
        Billable::ContentCreateWithUrl
    } else {
        Billable::ContentCreate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_take_the_phrase_and_leave_out_reposts_and_our_own_posts() {
        assert_eq!(
            search_query("acme \"bikes\"", "acmehelp"),
            "\"acme bikes\" -is:retweet -from:acmehelp"
        );
    }

    #[test]
    fn newer_ids_are_longer_or_larger() {
        assert!(newer_id("1860000000000000010", "1860000000000000009"));
        assert!(!newer_id("999", "1000"));
    }
}
