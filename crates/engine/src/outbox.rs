//! Every outgoing action (reply, boost, like, direct message) goes through the durable outbox: it is a row
//! with its idempotency key before anything is sent, and a sender works the due rows with retries and
//! backoff. The key is the network's own guard against doubles: Mastodon's `Idempotency-Key` header, and
//! Bluesky's client-chosen record key, which a retry checks for before writing.

use std::hash::{BuildHasher, Hasher};

use chrono::{DateTime, Duration, Utc};
use earshot_core::{Network, Role};
use earshot_networks::bluesky::{self, new_record_key, ReplyTarget, Written};
use earshot_networks::mastodon::{MastodonClient, Visibility};
use earshot_networks::FetchError;
use earshot_store::accounts::{self, AccountId, AccountRow};
use earshot_store::mentions::{self, ItemRow};
use earshot_store::outbox::{self, NewAction, OutboxId, OutboxRow, OutboxState};
use earshot_store::ItemId;
use serde::{Deserialize, Serialize};
use specta::Type;
use unicode_segmentation::UnicodeSegmentation;

use crate::accounts::{secret_key, server_url};
use crate::{secrets, Engine, EngineError};

/// A sender holds a claimed row this long; if it dies, another sender takes the row after it.
const CLAIM: Duration = Duration::minutes(2);
/// Tries before an action is marked failed and waits for a person.
const MAX_ATTEMPTS: u32 = 8;
/// The most actions one call of `send_due` sends, so syncing is not held up for long.
const SENDS_PER_ROUND: usize = 20;

/// What an agent can do to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Reply,
    Boost,
    Like,
    Dm,
    /// A post of our own rather than an answer: the "shift change" sign-off.
    Post,
}

impl ActionKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ActionKind::Reply => "reply",
            ActionKind::Boost => "boost",
            ActionKind::Like => "like",
            ActionKind::Dm => "dm",
            ActionKind::Post => "post",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "reply" => ActionKind::Reply,
            "boost" => ActionKind::Boost,
            "like" => ActionKind::Like,
            "dm" => ActionKind::Dm,
            "post" => ActionKind::Post,
            _ => return None,
        })
    }

    fn has_text(self) -> bool {
        matches!(self, ActionKind::Reply | ActionKind::Dm | ActionKind::Post)
    }
}

/// An action as the outbox shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct OutboxView {
    pub id: String,
    pub item_id: Option<String>,
    pub kind: ActionKind,
    pub network: Network,
    /// The handle it goes out from.
    pub from: String,
    pub text: Option<String>,
    /// queued, sending, sent or failed.
    pub state: String,
    pub attempts: u32,
    /// Why the last try failed, in words.
    pub problem: Option<String>,
    /// The public address of what was posted, once sent.
    pub result_url: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub next_attempt_at: Option<String>,
}

/// What the composer should know before sending: the handle to send from, what to warn about, and the
/// network's length limit counted the network's way.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ComposeCheck {
    /// The account to send from by default: one of the item's own handles, preferring the support role for
    /// replies and direct messages and the marketing role for boosts and likes.
    pub default_from: Option<String>,
    /// Reasons to think twice; sending anyway needs `confirmed`.
    pub warnings: Vec<String>,
    /// The most characters the network takes (Bluesky counts graphemes), when the action has text.
    pub limit: Option<u32>,
    /// The text's length once signed.
    pub used: u32,
    /// What is added to the end of the text on sending, by the handle's policy: "–Ana".
    pub signature: Option<String>,
}

/// A request to act on an item.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct ActionRequest {
    pub item_id: String,
    pub kind: ActionKind,
    /// The account to send from (its ID).
    pub from: String,
    pub text: Option<String>,
    /// The agent has seen the warnings and sends anyway.
    #[serde(default)]
    pub confirmed: bool,
    /// Who asked, as they are named in the app.
    pub requested_by: Option<String>,
    /// The saved reply the text was written from, if any.
    #[serde(default)]
    pub saved_reply_id: Option<String>,
}

/// Why nothing can be sent in answer to a page found through a feed.
const WEB_REFUSAL: &str =
    "Web pages cannot be answered from Earshot. Open the page in your browser, answer there, then mark the item done.";

pub(crate) fn limit(network: Network) -> u32 {
    match network {
        Network::Bluesky => 300,
        Network::Mastodon => 500,
        Network::X => 280,
        // Nothing is ever sent to a web page; see WEB_REFUSAL.
        Network::Web => 0,
    }
}

/// Text length as the network counts it: graphemes on Bluesky; on Mastodon, characters, with every link
/// counted as 23 and a mention of someone on another server (`@user@server`) as just `@user`.
pub(crate) fn used(network: Network, text: &str) -> u32 {
    let n = match network {
        Network::Bluesky => text.graphemes(true).count(),
        Network::Mastodon => mastodon_length(text),
        Network::X => x_length(text),
        Network::Web => text.chars().count(),
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Mastodon's own count (its `StatusLengthValidator`): each URL is 23 characters whatever its length, and
/// the server part of a remote mention is free.
fn mastodon_length(text: &str) -> usize {
    const URL_LENGTH: usize = 23;
    let trailing = |word: &str| {
        word.chars()
            .rev()
            .take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\'' | '"'))
            .count()
    };
    let mut total = 0;
    for (i, piece) in text.split(char::is_whitespace).enumerate() {
        if i > 0 {
            total += 1; // the whitespace character the split consumed
        }
        let lower = piece.to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://")) && piece.chars().count() > 8 {
            total += URL_LENGTH + trailing(piece);
        } else if let Some(rest) = piece.strip_prefix('@').filter(|r| r.contains('@')) {
            let user = rest.split('@').next().unwrap_or_default();
            total += 1 + user.chars().count() + trailing(piece);
        } else {
            total += piece.chars().count();
        }
    }
    total
}

/// X's own count (twitter-text, version 3): a link is 23 whatever its length; characters in the Latin,
/// general punctuation and similar ranges count 1, and every other character (CJK, emoji…) counts 2.
fn x_length(text: &str) -> usize {
    const URL_LENGTH: usize = 23;
    let weight = |c: char| match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    };
    let mut total = 0;
    for (i, piece) in text.split(' ').enumerate() {
        if i > 0 {
            total += 1;
        }
        let lower = piece.to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://")) && piece.len() > 8 {
            total += URL_LENGTH;
        } else {
            total += piece.chars().map(weight).sum::<usize>();
        }
    }
    total
}

/// A new idempotency key: a TID (which Bluesky requires of record keys) with a random clock ID, so two
/// desks queuing in the same microsecond still differ.
/// A new action's idempotency key: a record key (TID) from the time and a random clock ID. The time is made
/// to move forward within the process, as the TID spec asks, so two actions queued in the same microsecond (or
/// under a fixed test clock) never share a key: a shared key would merge the second action into the first.
fn new_key(now: DateTime<Utc>) -> String {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let wanted = now.timestamp_micros();
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(wanted.max(last.saturating_add(1)))
        })
        .unwrap_or(wanted);
    let micros = wanted.max(previous.saturating_add(1));
    let at = DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or(now);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    new_record_key(at, u16::try_from(random % 1023).unwrap_or(0))
}

fn backoff(attempts: u32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.saturating_sub(1).min(7));
    Duration::seconds(secs.min(3600))
}

fn state_label(row: &OutboxRow, now: DateTime<Utc>) -> &'static str {
    match row.state {
        OutboxState::Sent => "sent",
        OutboxState::Failed => "failed",
        OutboxState::Pending if row.claimed_until.is_some_and(|c| c > now) => "sending",
        OutboxState::Pending => "queued",
    }
}

fn check(item: &ItemRow, from: &AccountRow, kind: ActionKind, text: &str) -> ComposeCheck {
    let mut warnings = Vec::new();
    let replying = kind.has_text();
    let support_item = item.handles.iter().any(|h| h.role == Role::Support);
    if replying && from.role == Role::Marketing && support_item {
        warnings.push(format!(
            "@{} is a marketing handle, and this mention was sent to a support handle. Answer support from the support handle.",
            from.account
        ));
    }
    if replying && !item.handles.iter().any(|h| h.id == from.handle_id) {
        warnings.push(format!(
            "@{} was not mentioned in this post; the author may not expect an answer from it.",
            from.account
        ));
    }
    let network = item.network;
    ComposeCheck {
        default_from: None,
        warnings,
        limit: replying.then(|| limit(network)),
        used: if replying { used(network, text) } else { 0 },
        signature: None,
    }
}

impl Engine {
    async fn item_row(&self, id: &str) -> Result<ItemRow, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no inbox item with ID '{id}'."));
        let item_id = ItemId(id.trim().parse().map_err(|_| missing())?);
        let mut conn = earshot_store::acquire(&self.db).await?;
        mentions::get(&mut conn, item_id).await?.ok_or_else(missing)
    }

    /// An account by its ID or its handle (`support.example.social`, with or without the `@`).
    pub(crate) async fn account_row(&self, id: &str) -> Result<AccountRow, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no connected account '{id}'."));
        let mut conn = earshot_store::acquire(&self.db).await?;
        match id.trim().parse::<i64>() {
            Ok(n) => accounts::get(&mut conn, AccountId(n)).await?.ok_or_else(missing),
            Err(_) => {
                let handle = id.trim().trim_start_matches('@').to_lowercase();
                accounts::list(&mut conn)
                    .await?
                    .into_iter()
                    .find(|a| a.account == handle)
                    .ok_or_else(missing)
            }
        }
    }

    /// The account to answer an item from by default: one of its handles with a connected account on the
    /// same network, the support role first for replies and the marketing role first for boosts and likes.
    async fn default_from(
        &self,
        item: &ItemRow,
        kind: ActionKind,
    ) -> Result<Option<AccountRow>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let all = accounts::list(&mut conn).await?;
        let preferred = if kind.has_text() {
            Role::Support
        } else {
            Role::Marketing
        };
        let mut candidates: Vec<AccountRow> = all
            .into_iter()
            .filter(|a| a.network == item.network && item.handles.iter().any(|h| h.id == a.handle_id))
            .collect();
        candidates.sort_by_key(|a| (a.role != preferred, a.account.clone()));
        Ok(candidates.into_iter().next())
    }

    /// What the composer shows before sending an action.
    pub async fn compose_check(
        &self,
        item_id: &str,
        kind: ActionKind,
        from: Option<&str>,
        text: &str,
        saved_reply_id: Option<&str>,
    ) -> Result<ComposeCheck, EngineError> {
        let item = self.item_row(item_id).await?;
        if item.network == Network::Web {
            // A listening source is stored as an account, but it can never send: offer no sender at all.
            return Ok(ComposeCheck {
                default_from: None,
                warnings: vec![WEB_REFUSAL.into()],
                limit: None,
                used: 0,
                signature: None,
            });
        }
        let default = self.default_from(&item, kind).await?;
        let from_row = match from {
            Some(id) => Some(self.account_row(id).await?),
            None => default.clone(),
        };
        let mut out = match &from_row {
            Some(row) => check(&item, row, kind, text),
            None => ComposeCheck {
                default_from: None,
                warnings: vec![format!(
                    "None of this item's handles has a connected {} account to answer from. Connect one in Accounts.",
                    item.network.label()
                )],
                limit: kind.has_text().then(|| limit(item.network)),
                used: used(item.network, text),
                signature: None,
            },
        };
        if let (Some(row), true) = (&from_row, kind.has_text()) {
            out.signature = self.signature_for(row).await?;
            if let Some(sig) = &out.signature {
                out.used = used(item.network, &earshot_desk::signed(text.trim(), sig));
            }
        }
        let me = self.me().await?.name;
        out.warnings
            .extend(self.collision_warning(item.id, kind, &me).await?);
        if let Some(saved) = saved_reply_id.filter(|_| kind.has_text()) {
            let saved = saved
                .trim()
                .parse::<i64>()
                .map_err(|_| EngineError::NotFound(format!("There is no saved reply '{saved}'.")))?;
            out.warnings.extend(self.repeat_warning(item.id, saved).await?);
        }
        out.default_from = default.map(|a| a.id.0.to_string());
        Ok(out)
    }

    /// A warning when someone else's answer to this item waits in the outbox or went out in the last minute:
    /// two agents answering one customer at once look careless.
    async fn collision_warning(
        &self,
        item: ItemId,
        kind: ActionKind,
        me: &str,
    ) -> Result<Option<String>, EngineError> {
        if !matches!(kind, ActionKind::Reply | ActionKind::Dm) {
            return Ok(None);
        }
        let now = self.clock.now();
        let mut conn = earshot_store::acquire(&self.db).await?;
        let found =
            earshot_store::outbox::others_answers(&mut conn, item, me, now - chrono::Duration::seconds(60))
                .await?;
        Ok(found.first().map(|(who, at)| match at {
            None => format!("{who}'s answer to this post is waiting in the outbox."),
            Some(t) => {
                let secs = (now - *t).num_seconds().max(0);
                format!(
                    "{who} answered this post {secs} second{} ago.",
                    if secs == 1 { "" } else { "s" }
                )
            }
        }))
    }

    /// Queues an action in the outbox. It is sent by [`Engine::send_due`], now or after a restart.
    pub async fn queue_action(&self, request: &ActionRequest) -> Result<OutboxView, EngineError> {
        let item = self.item_row(&request.item_id).await?;
        if item.network == Network::Web {
            return Err(EngineError::Invalid(WEB_REFUSAL.into()));
        }
        let from = self.account_row(&request.from).await?;
        if from.network != item.network {
            return Err(EngineError::Invalid(format!(
                "@{} is a {} account and this post is on {}. Choose a {} handle to answer from.",
                from.account,
                from.network.label(),
                item.network.label(),
                item.network.label()
            )));
        }
        let text = request.text.as_deref().map(str::trim).unwrap_or_default();
        if request.kind.has_text() && text.is_empty() {
            return Err(EngineError::Invalid("Write something to send first.".into()));
        }
        if request.kind == ActionKind::Dm && item.network == Network::Bluesky {
            return Err(EngineError::Invalid(
                "Earshot cannot send Bluesky direct messages yet. Reply in the thread, or ask the author to write to you."
                    .into(),
            ));
        }
        let saved_reply = match request
            .saved_reply_id
            .as_deref()
            .filter(|_| request.kind.has_text())
        {
            Some(raw) => Some(
                raw.trim()
                    .parse::<i64>()
                    .map_err(|_| EngineError::NotFound(format!("There is no saved reply '{raw}'.")))?,
            ),
            None => None,
        };
        let signed = match self.signature_for(&from).await? {
            Some(sig) if request.kind.has_text() => earshot_desk::signed(text, &sig),
            _ => text.to_owned(),
        };
        let text = signed.as_str();
        let requested_by = match request
            .requested_by
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => name.to_owned(),
            None => self.me().await?.name,
        };
        let mut checked = check(&item, &from, request.kind, text);
        checked.warnings.extend(
            self.collision_warning(item.id, request.kind, &requested_by)
                .await?,
        );
        if let Some(saved) = saved_reply {
            checked
                .warnings
                .extend(self.repeat_warning(item.id, saved).await?);
        }
        if let Some(max) = checked.limit.filter(|max| checked.used > *max) {
            return Err(EngineError::Invalid(format!(
                "The text is {} characters long; {} takes at most {max}. Shorten it by {}.",
                checked.used,
                item.network.label(),
                checked.used - max
            )));
        }
        if !checked.warnings.is_empty() && !request.confirmed {
            return Err(EngineError::Invalid(format!(
                "{} Send anyway to confirm.",
                checked.warnings.join(" ")
            )));
        }
        let body = match request.kind {
            ActionKind::Dm
                if item.network == Network::Mastodon
                    && !text.contains(&format!("@{}", item.author.handle)) =>
            {
                // A Mastodon direct message reaches only the accounts it mentions.
                Some(format!("@{} {text}", item.author.handle))
            }
            k if k.has_text() => Some(text.to_owned()),
            _ => None,
        };
        let now = self.clock.now();
        let key = new_key(now);
        let mut conn = earshot_store::acquire(&self.db).await?;
        let id = outbox::enqueue(
            &mut conn,
            &NewAction {
                idempotency_key: &key,
                account: from.id,
                item: Some(item.id),
                kind: request.kind.as_str(),
                target: &item.remote_id,
                body: body.as_deref(),
                requested_by: Some(requested_by.as_str()),
                saved_reply,
            },
            now,
        )
        .await?;
        let row = outbox::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound("The queued action disappeared.".into()))?;
        drop(conn);
        // Answering, boosting or liking says the item needed a person: triage learns from it.
        self.learn_actionable(item.id, true).await?;
        self.outbox_view(row).await
    }

    /// Queues a post of our own from an account (the shift change sign-off), after the agent has read it.
    pub async fn queue_post(&self, from: &str, text: &str) -> Result<OutboxView, EngineError> {
        let from = self.account_row(from).await?;
        if from.network == Network::Web {
            return Err(EngineError::Invalid(WEB_REFUSAL.into()));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(EngineError::Invalid("Write something to post first.".into()));
        }
        let max = limit(from.network);
        let length = used(from.network, text);
        if length > max {
            return Err(EngineError::Invalid(format!(
                "The post is {length} characters long; {} takes at most {max}. Shorten it by {}.",
                from.network.label(),
                length - max
            )));
        }
        let me = self.me().await?;
        let now = self.clock.now();
        let key = new_key(now);
        let mut conn = earshot_store::acquire(&self.db).await?;
        let id = outbox::enqueue(
            &mut conn,
            &NewAction {
                idempotency_key: &key,
                account: from.id,
                item: None,
                kind: ActionKind::Post.as_str(),
                target: "",
                body: Some(text),
                requested_by: Some(me.name.as_str()),
                saved_reply: None,
            },
            now,
        )
        .await?;
        let row = outbox::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound("The queued post disappeared.".into()))?;
        drop(conn);
        self.outbox_view(row).await
    }

    async fn outbox_view(&self, row: OutboxRow) -> Result<OutboxView, EngineError> {
        let account = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::get(&mut conn, row.account).await?
        };
        let now = self.clock.now();
        Ok(OutboxView {
            id: row.id.0.to_string(),
            item_id: row.item.map(|i| i.0.to_string()),
            kind: ActionKind::parse(&row.kind).unwrap_or(ActionKind::Reply),
            network: account.as_ref().map(|a| a.network).unwrap_or(Network::Bluesky),
            from: account.map(|a| a.account).unwrap_or_default(),
            text: row.body.clone(),
            state: state_label(&row, now).to_owned(),
            attempts: row.attempts,
            problem: row.last_error.clone(),
            result_url: row.result_url.clone(),
            created_at: crate::service::rfc3339(row.created_at),
            sent_at: row.sent_at.map(crate::service::rfc3339),
            next_attempt_at: (row.state == OutboxState::Pending)
                .then(|| crate::service::rfc3339(row.next_attempt_at)),
        })
    }

    /// The newest actions first, for one item or all.
    pub async fn outbox(&self, item_id: Option<&str>) -> Result<Vec<OutboxView>, EngineError> {
        let item = match item_id {
            Some(id) => Some(self.item_row(id).await?.id),
            None => None,
        };
        let rows = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            outbox::list(&mut conn, item, 500).await?
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.outbox_view(row).await?);
        }
        Ok(out)
    }

    /// Puts a failed action back in the queue.
    pub async fn retry_action(&self, id: &str) -> Result<OutboxView, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no queued action '{id}'."));
        let outbox_id = OutboxId(id.trim().parse().map_err(|_| missing())?);
        let mut conn = earshot_store::acquire(&self.db).await?;
        if !outbox::retry(&mut conn, outbox_id, self.clock.now()).await? {
            return Err(EngineError::Invalid(
                "Only a failed action can be tried again.".into(),
            ));
        }
        let row = outbox::get(&mut conn, outbox_id).await?.ok_or_else(missing)?;
        drop(conn);
        self.outbox_view(row).await
    }

    /// Sends every due action once. Each is marked sent, put back with a later try, or failed with the
    /// reason. Returns what was tried.
    pub async fn send_due(&self) -> Result<Vec<OutboxView>, EngineError> {
        self.release_dead_claims().await?;
        let mut out = Vec::new();
        // One at a time, so a process that is killed strands at most the one it was sending.
        for _ in 0..SENDS_PER_ROUND {
            let claimed = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                outbox::claim_due(&mut conn, self.clock.now(), CLAIM, 1, &self.worker.name).await?
            };
            let Some(row) = claimed.into_iter().next() else {
                break;
            };
            let result = self.send_one(&row).await;
            let now = self.clock.now();
            let mut conn = earshot_store::acquire(&self.db).await?;
            match result {
                Ok(sent) => {
                    outbox::mark_sent(&mut conn, row.id, &sent.0, sent.1.as_deref(), now).await?;
                }
                Err(e) => {
                    let transient = matches!(&e, EngineError::Network(f) if f.is_transient());
                    let message = e.to_string();
                    if matches!(&e, EngineError::Network(FetchError::Unauthorized { .. })) {
                        // Shown on the Accounts screen at once, not only on the action.
                        accounts::set_state(
                            &mut conn,
                            row.account,
                            accounts::AccountState::TokenInvalid,
                            Some(&message),
                            None,
                            None,
                        )
                        .await?;
                    }
                    tracing::warn!(action = row.id.0, kind = %row.kind, error = %message, "an outgoing action failed");
                    if transient && row.attempts < MAX_ATTEMPTS {
                        let wait = match &e {
                            EngineError::Network(FetchError::RateLimited { until, .. }) => *until - now,
                            _ => backoff(row.attempts),
                        };
                        outbox::mark_retry(&mut conn, row.id, &message, now + wait).await?;
                    } else {
                        outbox::mark_failed(&mut conn, row.id, &message).await?;
                    }
                }
            }
            let updated = outbox::get(&mut conn, row.id).await?;
            drop(conn);
            if let Some(updated) = updated {
                out.push(self.outbox_view(updated).await?);
            }
        }
        Ok(out)
    }

    /// Takes over the claims of processes that have ended (killed mid-send, say), so their actions are sent
    /// now rather than when the claims expire. Sending again is safe: each action's idempotency key makes a
    /// second try find the first one's post instead of making another.
    async fn release_dead_claims(&self) -> Result<(), EngineError> {
        if self.leader.is_team() {
            // A process's lock file says nothing about processes on other computers: in a team, a claim
            // whose sender died is taken over when it expires.
            return Ok(());
        }
        let mut conn = earshot_store::acquire(&self.db).await?;
        for owner in outbox::claimants(&mut conn, self.clock.now()).await? {
            if self.worker.is_gone(&owner) {
                let released = outbox::release_claims(&mut conn, &owner).await?;
                tracing::info!(released, "took over the outbox claims of a process that ended");
            }
        }
        Ok(())
    }

    /// Sends one action: returns the new post's ID and public address.
    async fn send_one(&self, row: &OutboxRow) -> Result<(String, Option<String>), EngineError> {
        let account = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::get(&mut conn, row.account).await?.ok_or_else(|| {
                EngineError::NotFound("The account this was to go out from is disconnected.".into())
            })?
        };
        let kind = ActionKind::parse(&row.kind)
            .ok_or_else(|| EngineError::Invalid(format!("'{}' is not an action Earshot knows.", row.kind)))?;
        match account.network {
            Network::Bluesky => self.send_bluesky(row, &account, kind).await,
            Network::Mastodon => self.send_mastodon(row, &account, kind).await,
            Network::X => self.send_x(row, &account, kind).await,
            Network::Web => Err(EngineError::Invalid(WEB_REFUSAL.into())),
        }
    }

    async fn send_bluesky(
        &self,
        row: &OutboxRow,
        account: &AccountRow,
        kind: ActionKind,
    ) -> Result<(String, Option<String>), EngineError> {
        let client = self.bluesky_client(account).await?;
        let now = self.clock.now();
        let collection = match kind {
            ActionKind::Reply | ActionKind::Post => bluesky::POST,
            ActionKind::Boost => bluesky::REPOST,
            ActionKind::Like => bluesky::LIKE,
            ActionKind::Dm => {
                return Err(EngineError::Invalid(
                    "Earshot cannot send Bluesky direct messages yet.".into(),
                ))
            }
        };
        let web = |w: &Written| -> Option<String> {
            let rkey = w.uri.rsplit('/').next()?;
            let did = w.uri.strip_prefix("at://")?.split('/').next()?;
            (collection == bluesky::POST).then(|| format!("https://bsky.app/profile/{did}/post/{rkey}"))
        };
        // A try before this one may have landed and then lost its answer (a crash, a dropped connection):
        // the record key says so.
        if row.attempts > 1 {
            if let Some(done) = client.existing(collection, &row.idempotency_key, now).await? {
                return Ok((done.uri.clone(), web(&done)));
            }
        }
        let attempt = match kind {
            ActionKind::Post => {
                let text = row.body.as_deref().unwrap_or_default();
                client.post(text, None, &row.idempotency_key, now).await
            }
            _ => {
                self.answer_on_bluesky(&client, row, kind, collection, now)
                    .await?
            }
        };
        match attempt {
            Ok(done) => Ok((done.uri.clone(), web(&done))),
            // A PDS answers a second write to the same key with a server error: look before retrying.
            Err(FetchError::Server { .. }) => {
                match client.existing(collection, &row.idempotency_key, now).await? {
                    Some(done) => Ok((done.uri.clone(), web(&done))),
                    None => Err(EngineError::Network(FetchError::Server {
                        network: "Bluesky",
                        status: 500,
                    })),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Resolves the post an answer is for (and its thread's root), then replies or reacts.
    async fn answer_on_bluesky(
        &self,
        client: &earshot_networks::bluesky::BlueskyClient,
        row: &OutboxRow,
        kind: ActionKind,
        collection: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<Written, FetchError>, EngineError> {
        let item = match row.item {
            Some(id) => {
                let mut conn = earshot_store::acquire(&self.db).await?;
                mentions::get(&mut conn, id).await?
            }
            None => None,
        };
        let root_uri = item
            .as_ref()
            .map(|i| i.conversation_root.clone())
            .unwrap_or_else(|| row.target.clone());
        let mut wanted = vec![row.target.clone()];
        if root_uri != row.target {
            wanted.push(root_uri.clone());
        }
        let refs = client.refs(&wanted, now).await?;
        let find = |uri: &str| refs.iter().find(|r| r.uri == uri).cloned();
        let target = find(&row.target).ok_or_else(|| {
            EngineError::Network(FetchError::Rejected {
                network: "Bluesky",
                status: 404,
                reason: "the post was deleted or is no longer visible".into(),
            })
        })?;
        Ok(match kind {
            ActionKind::Reply => {
                let reply = ReplyTarget {
                    root: find(&root_uri).unwrap_or_else(|| target.clone()),
                    parent: target,
                };
                let text = row.body.as_deref().unwrap_or_default();
                client.post(text, Some(&reply), &row.idempotency_key, now).await
            }
            _ => client.react(collection, &target, &row.idempotency_key, now).await,
        })
    }

    async fn send_mastodon(
        &self,
        row: &OutboxRow,
        account: &AccountRow,
        kind: ActionKind,
    ) -> Result<(String, Option<String>), EngineError> {
        let Some(token) = secrets::load(&secret_key(account.network, &account.account))? else {
            return Err(EngineError::Network(FetchError::Unauthorized {
                network: "Mastodon",
                reason: "no token is saved for this account in the system keyring".into(),
            }));
        };
        let client = MastodonClient::new(self.http.clone(), server_url(&account.service_url)?, token)
            .map_err(|e| EngineError::Invalid(e.to_string()))?;
        let now = self.clock.now();
        if kind == ActionKind::Post {
            let text = row.body.as_deref().unwrap_or_default();
            let done = client
                .post_status(text, None, Visibility::Public, &row.idempotency_key, now)
                .await?;
            return Ok((done.uri, done.url));
        }
        let target = client.resolve_status(&row.target, now).await?.ok_or_else(|| {
            EngineError::Network(FetchError::Rejected {
                network: "Mastodon",
                status: 404,
                reason: "the post was deleted or your server cannot see it".into(),
            })
        })?;
        let done = match kind {
            ActionKind::Reply | ActionKind::Dm => {
                let visibility = if kind == ActionKind::Dm {
                    Visibility::Direct
                } else {
                    Visibility::Public
                };
                let text = row.body.as_deref().unwrap_or_default();
                client
                    .post_status(text, Some(&target.id), visibility, &row.idempotency_key, now)
                    .await?
            }
            ActionKind::Boost => client.react(&target.id, "reblog", now).await?,
            ActionKind::Like => client.react(&target.id, "favourite", now).await?,
            // Sent above, before looking for a target; kept here so the match stays exhaustive.
            ActionKind::Post => return Err(EngineError::Invalid("A post has no target to answer.".into())),
        };
        Ok((done.uri, done.url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bluesky_counts_graphemes_and_mastodon_characters() {
        let family = "👨‍👩‍👧";
        assert_eq!(used(Network::Bluesky, family), 1);
        assert_eq!(used(Network::Mastodon, family), 5);
        assert_eq!(
            used(Network::Bluesky, "e\u{301}"),
            1,
            "a combining accent is one grapheme"
        );
    }

    #[test]
    fn mastodon_counts_links_as_23_and_remote_mentions_by_their_user() {
        let text = "Hi @alice@mastodon.social, see https://example.com/a/very/long/path/indeed/yes.";
        // "Hi " 3 + "@alice" 6 + "," 1 + " see " 5 + 23 + "." 1
        assert_eq!(used(Network::Mastodon, text), 39);
        assert_eq!(
            used(Network::Mastodon, "@bob hello"),
            10,
            "a local mention counts in full"
        );
        assert_eq!(used(Network::Mastodon, "x\n\ny"), 4, "line breaks count");
        assert_eq!(
            used(Network::Mastodon, "https://"),
            8,
            "a bare scheme is not a link"
        );
    }

    #[test]
    fn x_counts_links_as_23_and_wide_characters_as_2() {
        assert_eq!(used(Network::X, "hello"), 5);
        assert_eq!(
            used(Network::X, "see https://example.com/a/very/long/path/indeed ok"),
            4 + 23 + 3
        );
        assert_eq!(used(Network::X, "日本"), 4);
        assert_eq!(
            used(Network::X, "café – ok"),
            9,
            "Latin and general punctuation count 1"
        );
    }

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(30), Duration::seconds(3600));
    }

    #[test]
    fn keys_are_record_keys_and_never_repeat_even_at_one_instant() {
        let now = Utc::now();
        let (a, b) = (new_key(now), new_key(now));
        assert_eq!(a.len(), 13, "a TID is 13 characters: {a}");
        assert_ne!(a, b);
        // A fixed clock, as in tests: with only a random clock ID, 5,000 keys would surely repeat one.
        let keys: std::collections::HashSet<String> = (0..5_000).map(|_| new_key(now)).collect();
        assert_eq!(keys.len(), 5_000);
    }
}
