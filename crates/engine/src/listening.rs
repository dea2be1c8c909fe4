//! Listening sources: the RSS and Atom feeds of forums, blogs, review sites and Google Alerts, read for
//! mentions of the brand.
//!
//! A source is an account on the `web` network: its handle is a short name made from the feed's address,
//! its role says which queue its items go to, `keywords` are the words an entry must contain (any one) and
//! `exclude_keywords` the words it must not. No secret is involved. The feed's ETag and Last-Modified are
//! its cursor, stored in the same transaction as the items, and sent back as a conditional GET. Sites are
//! asked politely seldom: a source at most every [`SOURCE_GAP`], a site at most every [`HOST_GAP`] (its
//! sources take turns), and never before a `Retry-After` has passed.

use chrono::{DateTime, Duration, Utc};
use earshot_core::canonical::Record;
use earshot_core::{keyword_list, Account, Handle, KeywordFilter, Network, Role};
use earshot_networks::feed::{self, FeedPage, Fetched, Validators};
use earshot_networks::{FetchError, Skipped};
use earshot_store::accounts::{self, AccountId, AccountRow, AccountState};
use serde::Serialize;
use specta::Type;
use url::Url;

use crate::accounts::SyncReport;
use crate::service::rfc3339;
use crate::source::{Batch, Entry, OneBatch};
use crate::{Engine, EngineError, ImportReport, Progress};

/// The cursor's name: the feed's validators, as JSON.
const FEED: &str = "feed";
/// The least time between two fetches of one feed.
const SOURCE_GAP: Duration = Duration::minutes(5);
/// The least time between two fetches from one site, whichever of its feeds.
const HOST_GAP: Duration = Duration::minutes(1);
/// How many unreadable entries a source's problem names; the count covers the rest.
const NAMED_SKIPS: usize = 3;

/// A listening source as the CLI and the app show it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SourceView {
    pub id: String,
    /// The feed's address.
    pub url: String,
    /// The short name Earshot gave the source (its site and path); its items show it as their handle.
    pub name: String,
    /// The feed's own title, when it gives one.
    pub title: Option<String>,
    /// Which queue the source's items go to.
    pub role: Role,
    /// An entry is kept when it contains any of these (every entry, when there are none)…
    pub include: Vec<String>,
    /// …and none of these.
    pub exclude: Vec<String>,
    /// healthy, syncing, rate_limited or unreachable.
    pub state: String,
    /// What went wrong last (the feed could not be reached, or some entries could not be read), in words.
    pub problem: Option<String>,
    /// When Earshot last asked the site for the feed.
    pub last_fetch_at: Option<String>,
    /// The earliest the feed will be asked for again; absent when the next sync may.
    pub next_fetch_at: Option<String>,
    /// Inbox items the source found, open or done.
    pub items: u32,
}

/// `host:port` of a source's feed: the unit of politeness.
fn site(row: &AccountRow) -> String {
    Url::parse(&row.service_url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| row.service_url.clone())
}

/// The earliest a source may be fetched: `SOURCE_GAP` after its own last fetch, `HOST_GAP` after the
/// last fetch from its site, and not while its site has asked Earshot to wait. `force` (a person asking
/// now) skips the gaps but never a site's own request to wait. `None`: at once.
fn due_at(row: &AccountRow, same_site: &[&AccountRow], force: bool) -> Option<DateTime<Utc>> {
    let waited_for = same_site
        .iter()
        .chain([&row])
        .filter_map(|r| r.rate_limited_until)
        .max();
    if force {
        return waited_for;
    }
    let own = row.fetched_at.map(|t| t + SOURCE_GAP);
    let site = same_site
        .iter()
        .filter_map(|r| r.fetched_at)
        .max()
        .map(|t| t + HOST_GAP);
    own.max(site).max(waited_for)
}

/// Whether to wait rather than fetch now, and until when. Besides [`due_at`], the sources of one site take
/// turns: one that is due but was fetched more recently than another due one waits for it.
fn wait_until(
    row: &AccountRow,
    same_site: &[&AccountRow],
    now: DateTime<Utc>,
    force: bool,
) -> Option<DateTime<Utc>> {
    if let Some(at) = due_at(row, same_site, force).filter(|at| *at > now) {
        return Some(at);
    }
    let own_due = |r: &AccountRow| r.fetched_at.is_none_or(|t| t + SOURCE_GAP <= now);
    let behind = same_site
        .iter()
        .any(|r| own_due(r) && (r.fetched_at, r.id.0) < (row.fetched_at, row.id.0));
    (!force && behind).then_some(now + HOST_GAP)
}

/// A short name for a feed, stable for its address: site, path and query, without `www.` or the scheme.
fn source_name(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().trim_start_matches("www.");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{host}{port}{path}{query}").chars().take(200).collect()
}

/// A feed's address as typed: `http` or `https` only, `https://` added when no scheme is given.
fn feed_url(raw: &str) -> Result<Url, EngineError> {
    let trimmed = raw.trim();
    let refused = || {
        EngineError::Invalid(format!(
            "'{trimmed}' is not a web address. Use the feed's full address, such as https://forum.example.com/latest.rss."
        ))
    };
    let parsed = match Url::parse(trimmed) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Ok(url) if trimmed.contains("://") || url.cannot_be_a_base() => {
            return Err(EngineError::Invalid(format!(
                "Earshot reads feeds over http and https only, and '{trimmed}' is a {}: address. Use the feed's web address.",
                url.scheme()
            )))
        }
        Err(_) if trimmed.contains("://") => return Err(refused()),
        _ => Url::parse(&format!("https://{trimmed}")).map_err(|_| refused())?,
    };
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    let mut url = parsed;
    url.set_fragment(None);
    Ok(url)
}

fn clean_keywords(raw: &[String]) -> Result<Vec<String>, EngineError> {
    keyword_list(raw).map_err(|e| EngineError::Invalid(format!("{e}.")))
}

/// Why adding a source failed, for the person adding it.
fn add_error(url: &Url, e: FetchError) -> EngineError {
    EngineError::Invalid(match e {
        FetchError::Unreachable { reason, .. } => format!(
            "{url} could not be reached ({reason}). Check the address and your connection, then add it again."
        ),
        FetchError::RateLimited { until, .. } => format!(
            "{url} asks Earshot to wait until {}. Add the source after that.",
            rfc3339(until)
        ),
        other => format!("{url} could not be added as a listening source. {other}"),
    })
}

/// The problem to show on a source after a fetch: what was wrong with the feed, and which entries could
/// not be read. `None` for a clean fetch, which clears the last problem.
fn feed_note(problems: Vec<String>, skipped: &[String], total: usize) -> Option<String> {
    let mut notes = problems;
    if !skipped.is_empty() {
        let named: Vec<&str> = skipped.iter().take(NAMED_SKIPS).map(String::as_str).collect();
        let more = match skipped.len().saturating_sub(NAMED_SKIPS) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        notes.push(format!(
            "{} of {total} entries could not be read: {}{more}. The others were kept.",
            skipped.len(),
            named.join("; ")
        ));
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

impl Engine {
    async fn web_rows(&self) -> Result<Vec<AccountRow>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(accounts::list(&mut conn)
            .await?
            .into_iter()
            .filter(|r| r.network == Network::Web)
            .collect())
    }

    async fn source_row(&self, id: &str) -> Result<AccountRow, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no listening source '{id}'."));
        let account_id = id.trim().parse().map(AccountId).map_err(|_| missing())?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::get(&mut conn, account_id)
            .await?
            .filter(|r| r.network == Network::Web)
            .ok_or_else(missing)
    }

    async fn source_view(&self, row: AccountRow, all: &[AccountRow]) -> Result<SourceView, EngineError> {
        let same_site: Vec<&AccountRow> = all
            .iter()
            .filter(|r| r.id != row.id && site(r) == site(&row))
            .collect();
        let now = self.clock.now();
        let next = due_at(&row, &same_site, false).filter(|t| *t > now);
        let mut conn = earshot_store::acquire(&self.db).await?;
        let items = earshot_store::handles::item_count(&mut conn, row.handle_id).await?;
        let title = earshot_store::handles::list(&mut conn)
            .await?
            .into_iter()
            .find(|h| h.id == row.handle_id)
            .and_then(|h| h.display_name);
        Ok(SourceView {
            id: row.id.0.to_string(),
            url: row.service_url,
            name: row.account,
            title,
            role: row.role,
            include: row.keywords,
            exclude: row.exclude_keywords,
            state: row.state.as_str().to_owned(),
            problem: row.problem,
            last_fetch_at: row.fetched_at.map(rfc3339),
            next_fetch_at: next.map(rfc3339),
            items: u32::try_from(items.max(0)).unwrap_or(u32::MAX),
        })
    }

    async fn source(&self, id: AccountId) -> Result<SourceView, EngineError> {
        let all = self.web_rows().await?;
        let row = all
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| EngineError::NotFound(format!("There is no listening source '{}'.", id.0)))?;
        self.source_view(row, &all).await
    }

    /// Every listening source, with its health and when it will next be fetched.
    pub async fn sources(&self) -> Result<Vec<SourceView>, EngineError> {
        let all = self.web_rows().await?;
        let mut views = Vec::with_capacity(all.len());
        for row in &all {
            views.push(self.source_view(row.clone(), &all).await?);
        }
        Ok(views)
    }

    /// Adds a feed as a listening source. The feed is fetched once, to check that it is one and to learn
    /// its title; the entries it holds now that match the keywords go straight to the inbox.
    pub async fn add_source(
        &self,
        url: &str,
        include: &[String],
        exclude: &[String],
        role: Role,
    ) -> Result<SourceView, EngineError> {
        let url = feed_url(url)?;
        let (include, exclude) = (clean_keywords(include)?, clean_keywords(exclude)?);
        let all = self.web_rows().await?;
        if let Some(known) = all.iter().find(|r| r.service_url == url.as_str()) {
            return Err(EngineError::Invalid(format!(
                "{url} is already listening source {}. Change its keywords or role instead of adding it again.",
                known.id.0
            )));
        }
        let base = source_name(&url);
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}~{n}")
                }
            })
            .find(|candidate| !all.iter().any(|r| &r.account == candidate))
            .unwrap_or(base);
        let account = Account::new("source", &name).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let now = self.clock.now();
        let probe = AccountRow {
            service_url: url.to_string(),
            ..placeholder_row()
        };
        let same_site: Vec<&AccountRow> = all.iter().filter(|r| site(r) == site(&probe)).collect();
        if let Some(until) = due_at(&probe, &same_site, true).filter(|t| *t > now) {
            return Err(add_error(
                &url,
                FetchError::RateLimited {
                    network: "Web",
                    until,
                },
            ));
        }
        let page = match feed::fetch(&self.http, &url, &Validators::default(), &account, now).await {
            Ok(Fetched::Feed(page)) => page,
            Ok(Fetched::NotModified) => {
                return Err(EngineError::Invalid(format!(
                    "{url} answered \"not modified\" to a first request, which a feed never should. Check the address."
                )))
            }
            Err(e) => return Err(add_error(&url, e)),
        };
        let handle = Handle {
            network: Network::Web,
            account,
            role,
            display_name: page.title.clone(),
        };
        let mut tx = earshot_store::begin(&self.db).await?;
        let handle_id = earshot_store::handles::upsert(&mut tx, &handle).await?;
        let id = accounts::upsert(&mut tx, handle_id, url.as_str(), None, now).await?;
        accounts::set_keywords(&mut tx, id, &include).await?;
        accounts::set_exclude_keywords(&mut tx, id, &exclude).await?;
        accounts::set_fetched_at(&mut tx, id, now).await?;
        let row = accounts::get(&mut tx, id)
            .await?
            .ok_or_else(|| EngineError::NotFound("The new source disappeared.".into()))?;
        earshot_store::commit(tx).await?;
        let mut counts = ImportReport::default();
        let note = self.store_feed(&row, page, &mut counts, &mut |_| {}).await?;
        self.record(id, AccountState::Healthy, note, None, true).await?;
        self.source(id).await
    }

    /// Changes a source's keywords or role. New keywords apply to the feed as it is now: the next fetch
    /// reads it whole instead of asking whether it changed.
    pub async fn update_source(
        &self,
        id: &str,
        include: Option<Vec<String>>,
        exclude: Option<Vec<String>>,
        role: Option<Role>,
    ) -> Result<SourceView, EngineError> {
        let row = self.source_row(id).await?;
        let include = include.as_deref().map(clean_keywords).transpose()?;
        let exclude = exclude.as_deref().map(clean_keywords).transpose()?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if let Some(role) = role {
            earshot_store::handles::set_role(&mut tx, row.handle_id, role).await?;
        }
        if let Some(include) = &include {
            accounts::set_keywords(&mut tx, row.id, include).await?;
        }
        if let Some(exclude) = &exclude {
            accounts::set_exclude_keywords(&mut tx, row.id, exclude).await?;
        }
        if include.is_some() || exclude.is_some() {
            let none = serde_json::to_string(&Validators::default()).unwrap_or_else(|_| "{}".into());
            accounts::set_cursor(&mut tx, row.id, FEED, &none).await?;
        }
        earshot_store::commit(tx).await?;
        self.source(row.id).await
    }

    /// Stops listening to a source. The items it found stay in the inbox.
    pub async fn remove_source(&self, id: &str) -> Result<SourceView, EngineError> {
        let row = self.source_row(id).await?;
        let view = self.source(row.id).await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        accounts::remove(&mut conn, row.id).await?;
        Ok(view)
    }

    /// Fetches one source now, even if it was fetched a moment ago (a site's `Retry-After` still holds).
    pub async fn sync_source(
        &self,
        id: &str,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<SyncReport, EngineError> {
        let row = self.source_row(id).await?;
        self.sync_with(&row.id.0.to_string(), true, progress).await
    }

    /// When a source should not be fetched yet (see [`wait_until`]).
    pub(crate) async fn feed_wait(
        &self,
        row: &AccountRow,
        force: bool,
    ) -> Result<Option<DateTime<Utc>>, EngineError> {
        let all = self.web_rows().await?;
        let same_site: Vec<&AccountRow> = all
            .iter()
            .filter(|r| r.id != row.id && site(r) == site(row))
            .collect();
        Ok(wait_until(row, &same_site, self.clock.now(), force))
    }

    /// One conditional GET of a source's feed. A 304 stores nothing and keeps the problem the feed's
    /// content last gave; a feed stores its kept entries and its new validators together. Returns the
    /// problem to show on the source.
    pub(crate) async fn sync_feed(
        &self,
        row: &AccountRow,
        report: &mut SyncReport,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Option<String>, EngineError> {
        let url = feed_url(&row.service_url)?;
        let source = Account::new("source", &row.account).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let validators: Validators = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::cursor(&mut conn, row.id, FEED)
                .await?
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default()
        };
        let now = self.clock.now();
        let fetched = feed::fetch(&self.http, &url, &validators, &source, now).await;
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            accounts::set_fetched_at(&mut conn, row.id, now).await?;
        }
        report.pages = 1;
        match fetched? {
            Fetched::NotModified => {
                let still = (row.state == AccountState::Healthy).then(|| row.problem.clone());
                Ok(still.flatten())
            }
            Fetched::Feed(page) => self.store_feed(row, page, counts, progress).await,
        }
    }

    /// Stores a fetched feed's entries that pass the source's keywords, oldest first, with its validators
    /// in the same transaction. Entries that could not be read are counted and named in the problem.
    async fn store_feed(
        &self,
        row: &AccountRow,
        page: FeedPage,
        counts: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Option<String>, EngineError> {
        let filter = KeywordFilter::new(&row.keywords, &row.exclude_keywords);
        let total = page.entries.len();
        let mut kept = Vec::new();
        let mut skipped = Vec::new();
        for (i, entry) in page.entries.into_iter().enumerate() {
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            match entry {
                Ok(mention) if filter.keeps(&mention.text) => kept.push((position, mention)),
                Ok(_) | Err(Skipped::NotAMention(_)) => {}
                Err(Skipped::Malformed(why)) => {
                    tracing::warn!(source = %row.account, %why, "skipped a feed entry Earshot could not read");
                    skipped.push((position, why));
                }
            }
        }
        // Oldest first, as every sync stores; the sort is stable, so undated entries keep feed order.
        kept.sort_by_key(|(_, m)| m.created_at);
        let mut entries: Vec<Entry> = kept
            .into_iter()
            .map(|(position, m)| Entry {
                position,
                record: Ok(Record::Mention(Box::new(m))),
            })
            .collect();
        entries.extend(skipped.iter().map(|(position, why)| Entry {
            position: *position,
            record: Err(why.clone()),
        }));
        let cursor =
            serde_json::to_string(&page.validators).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let mut batch = OneBatch(Some(Batch {
            entries,
            cursor: Some(cursor),
        }));
        self.ingest_into(&mut batch, Some((row.id, FEED)), counts, progress)
            .await?;
        let reasons: Vec<String> = skipped.into_iter().map(|(_, why)| why).collect();
        Ok(feed_note(page.problems, &reasons, total))
    }
}

/// A never-fetched source with no address yet, to fill in: a source not yet added, or one in a test.
fn placeholder_row() -> AccountRow {
    AccountRow {
        id: AccountId(0),
        handle_id: earshot_store::HandleId(0),
        network: Network::Web,
        account: String::new(),
        role: Role::Other,
        service_url: String::new(),
        state: AccountState::Healthy,
        problem: None,
        rate_limited_until: None,
        last_sync_at: None,
        remote_user: None,
        keywords: Vec::new(),
        live_since: None,
        exclude_keywords: Vec::new(),
        fetched_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        "2026-11-28T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
    }

    fn row(id: i64, url: &str, fetched: Option<i64>) -> AccountRow {
        AccountRow {
            id: AccountId(id),
            service_url: url.into(),
            fetched_at: fetched.map(at),
            ..placeholder_row()
        }
    }

    #[test]
    fn a_feed_waits_five_minutes_and_a_site_one_minute() {
        let feed = row(1, "https://forum.example/posts.rss", Some(0));
        assert_eq!(
            wait_until(&feed, &[], at(4), false),
            Some(at(5)),
            "five minutes after its last fetch"
        );
        assert_eq!(wait_until(&feed, &[], at(5), false), None, "then it may go");
        assert_eq!(
            wait_until(&feed, &[], at(1), true),
            None,
            "a person asking now skips the gap"
        );

        let other = row(2, "https://forum.example/search.rss?q=acme", Some(10));
        assert_eq!(
            wait_until(&feed, &[&other], at(10), false),
            Some(at(11)),
            "another feed of the same site was just fetched"
        );
        assert_eq!(wait_until(&feed, &[&other], at(11), false), None);
    }

    #[test]
    fn the_feeds_of_one_site_take_turns() {
        let first = row(1, "https://www.google.com/alerts/feeds/1/a", Some(0));
        let second = row(2, "https://www.google.com/alerts/feeds/1/b", Some(2));
        let never = row(3, "https://www.google.com/alerts/feeds/1/c", None);
        assert!(
            wait_until(&first, &[&second, &never], at(10), false).is_some(),
            "a feed never fetched goes before one fetched before"
        );
        assert_eq!(wait_until(&never, &[&first, &second], at(10), false), None);
        assert_eq!(
            wait_until(&first, &[&second], at(10), false),
            None,
            "of two due feeds, the one fetched longer ago goes first"
        );
        assert!(wait_until(&second, &[&first], at(10), false).is_some());
    }

    #[test]
    fn a_sites_retry_after_holds_for_all_its_feeds_even_when_forced() {
        let mut limited = row(1, "https://forum.example/posts.rss", Some(0));
        limited.rate_limited_until = Some(at(30));
        let sibling = row(2, "https://forum.example/search.rss", None);
        assert_eq!(wait_until(&sibling, &[&limited], at(10), true), Some(at(30)));
        assert_eq!(wait_until(&sibling, &[&limited], at(30), true), None);
    }

    #[test]
    fn feed_addresses_are_checked_and_named() {
        let url = feed_url(" forum.Example.com/latest.rss#top ").unwrap();
        assert_eq!(
            url.as_str(),
            "https://forum.example.com/latest.rss",
            "https added, fragment dropped"
        );
        assert_eq!(
            source_name(&"https://www.google.com/alerts/feeds/0645/8312".parse().unwrap()),
            "google.com/alerts/feeds/0645/8312"
        );
        assert_eq!(
            source_name(&"http://127.0.0.1:8080/search.rss?q=acme".parse().unwrap()),
            "127.0.0.1:8080/search.rss?q=acme"
        );
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://example.com/feed",
            "",
            "https://",
        ] {
            let err = feed_url(bad).expect_err(bad).to_string();
            assert!(
                err.contains("http"),
                "'{bad}' is refused with what to use instead: {err}"
            );
        }
    }

    #[test]
    fn the_problem_names_the_first_unreadable_entries() {
        let skipped: Vec<String> = (1..=5).map(|n| format!("entry {n} has no link or id")).collect();
        assert_eq!(
            feed_note(Vec::new(), &skipped[..1], 20).as_deref(),
            Some("1 of 20 entries could not be read: entry 1 has no link or id. The others were kept.")
        );
        let note = feed_note(vec!["The feed breaks off.".into()], &skipped, 20).unwrap();
        assert!(
            note.starts_with("The feed breaks off. 5 of 20 entries")
                && note.contains("entry 3 has no link or id and 2 more."),
            "{note}"
        );
        assert_eq!(
            feed_note(Vec::new(), &[], 20),
            None,
            "a clean fetch clears the problem"
        );
    }
}
