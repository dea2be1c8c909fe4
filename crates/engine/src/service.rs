use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use earshot_core::canonical::Record;
use earshot_core::{segments, Intent, Priority, Queue};
use earshot_store::accounts::AccountId;
use earshot_store::handles::HandleRow;
use earshot_store::inbox::InboxFilter;
use earshot_store::mentions::IngestOutcome;
use earshot_store::{handles, inbox, mentions, workspace, Database, HandleId, ItemId};

use crate::source::{JsonLines, MentionSource};
use crate::views::{
    AuthorView, ConversationEntry, HandleRef, HandleSummary, ImportReport, InboxPage, InboxQuery, InboxRow,
    InboxView, ItemView, LineError, Progress, Reason, Segment, TriageSummary, WorkspaceInfo,
};
use crate::{demo, Clock, EngineError, DATABASE_FILE};

/// The most line errors an import report keeps; the count goes on past it.
const MAX_REPORTED_ERRORS: usize = 100;
/// The most posts of a thread shown beside an item.
const THREAD_LIMIT: i64 = 50;
const EXCERPT_CHARS: usize = 240;

/// One open workspace: its database, its clock and its ranking weights.
#[derive(Clone)]
pub struct Engine {
    pub(crate) db: Database,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) triage: crate::triage::SharedTriage,
    /// False only in the import benchmark's baseline: mentions are stored untriaged.
    triage_on: bool,
    pub(crate) http: earshot_networks::HttpClient,
    /// This process's mark on the outbox claims it holds (see `worker`).
    pub(crate) worker: Arc<crate::worker::WorkerLock>,
    /// Which accounts this process syncs: all of them alone, its share in a team (see `leader`).
    pub(crate) leader: Arc<crate::leader::Leadership>,
    data_dir: PathBuf,
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn clamp_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

pub(crate) fn parse_id(id: &str) -> Result<ItemId, EngineError> {
    id.trim()
        .parse::<i64>()
        .map(ItemId)
        .map_err(|_| EngineError::NotFound(format!("There is no inbox item with ID '{id}'.")))
}

fn handle_ref(h: &HandleRow) -> HandleRef {
    HandleRef {
        id: h.id.0.to_string(),
        network: h.network,
        account: h.account.clone(),
        role: h.role,
    }
}

fn segment_views(text: &str, facets: &[earshot_core::Facet]) -> Vec<Segment> {
    segments(text, facets)
        .into_iter()
        .map(|s| Segment {
            text: s.text,
            link: s.link,
        })
        .collect()
}

fn reason_views(priority: &Priority, now: DateTime<Utc>) -> Vec<Reason> {
    priority
        .reasons_at(now)
        .into_iter()
        .map(|r| Reason {
            factor: serde_json::to_value(r.factor)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            label: r.label,
            contribution: r.contribution,
        })
        .collect()
}

/// The timer a list row shows, worked out from the row itself (no extra query per row).
fn sla_headline(
    policies: &crate::work::Policies,
    r: &earshot_store::inbox::InboxRow,
    now: DateTime<Utc>,
) -> Option<crate::work::SlaTimerView> {
    let w = earshot_store::work::WorkRow {
        id: r.id,
        stage: r.stage,
        snoozed_until: r.snoozed_until,
        created_at: r.created_at,
        first_seen_at: r.first_seen_at,
        first_response_at: r.first_response_at,
        resolved_at: r.resolved_at,
        assignee: None,
        held_by_role: None,
    };
    if r.stage == earshot_core::Stage::Ignored {
        return None;
    }
    let handles: Vec<HandleId> = r.handles.iter().map(|h| h.id).collect();
    let timers = policies.timers(&handles, &w, now);
    earshot_desk::headline(&timers).map(crate::work::timer_view)
}

pub(crate) fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

impl Engine {
    /// Opens the personal workspace in `data_dir`, creating the folder and database if needed.
    pub async fn open(data_dir: PathBuf, clock: Arc<dyn Clock>) -> Result<Self, EngineError> {
        Self::open_at(data_dir, None, clock).await
    }

    /// Opens a workspace: the team database at `database` (a `postgres://` URL) when one is given, else the
    /// personal SQLite database in `data_dir`. `data_dir` keeps this desktop's own files either way.
    pub async fn open_at(
        data_dir: PathBuf,
        database: Option<&str>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, EngineError> {
        std::fs::create_dir_all(&data_dir).map_err(|source| EngineError::Io {
            context: format!("Earshot could not create its data folder {}", data_dir.display()),
            source,
        })?;
        let db = match database {
            Some(url) => earshot_store::connect(url).await?,
            None => earshot_store::open(&data_dir.join(DATABASE_FILE)).await?,
        };
        let worker = Arc::new(crate::worker::WorkerLock::take(&data_dir)?);
        let triage = {
            let mut conn = earshot_store::acquire(&db).await?;
            let taught = earshot_store::labels::all(&mut conn).await?;
            let weights = workspace::get(&mut conn, crate::triage::WEIGHTS_KEY).await?;
            let model = workspace::get(&mut conn, crate::triage::MODEL_KEY).await?;
            let retraining = workspace::get(&mut conn, crate::triage::RETRAINED_KEY).await?;
            Arc::new(Self::open_triage(taught, weights, model, retraining)?)
        };
        Ok(Self {
            db,
            clock,
            triage,
            triage_on: true,
            http: earshot_networks::http_client(),
            worker,
            leader: Arc::new(crate::leader::Leadership::new(database)),
            data_dir,
        })
    }

    /// This engine stores new mentions without triaging them (the background catches up later). The import
    /// benchmark measures what triage costs against it.
    pub fn without_triage(mut self) -> Self {
        self.triage_on = false;
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The database pool, for benchmarks and diagnostics.
    pub fn database(&self) -> &Database {
        &self.db
    }

    pub async fn workspace_info(&self) -> Result<WorkspaceInfo, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let (total, open) = workspace::counts(&mut conn).await?;
        let is_demo = workspace::get(&mut conn, "demo").await?.as_deref() == Some("true");
        Ok(WorkspaceInfo {
            data_dir: self.data_dir.display().to_string(),
            total_items: clamp_u32(total),
            open_items: clamp_u32(open),
            is_demo,
        })
    }

    /// Stores every record a source yields, one transaction per batch. A record that cannot be read is
    /// reported with its position and skipped; the rest are kept.
    pub async fn ingest<S: MentionSource>(
        &self,
        source: &mut S,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<ImportReport, EngineError> {
        let mut report = ImportReport::default();
        self.ingest_into(source, None, &mut report, progress).await?;
        Ok(report)
    }

    /// [`Engine::ingest`] that also stores each batch's cursor under `cursor_slot` (account, source) in the
    /// batch's own transaction, and keeps counting into `report` so a failure part-way loses no figures.
    pub(crate) async fn ingest_into<S: MentionSource>(
        &self,
        source: &mut S,
        cursor_slot: Option<(AccountId, &str)>,
        report: &mut ImportReport,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<(), EngineError> {
        let total = source.size_hint().unwrap_or(0);
        let mut done = 0u32;
        let phase = if cursor_slot.is_some() {
            "Syncing mentions"
        } else {
            "Importing mentions"
        };
        progress(&Progress {
            done,
            total,
            phase: phase.into(),
        });
        while let Some(batch) = source.next_batch().await? {
            let seen_at = self.clock.now();
            let mut tx = earshot_store::begin(&self.db).await?;
            // Authors are matched to customers only when there are any: a workspace without contacts pays
            // nothing for the lookups.
            let customers_known = earshot_store::contacts::count(&mut tx).await? > 0;
            for entry in batch.entries {
                done = done.max(entry.position);
                match entry.record {
                    Ok(Record::Handle(handle)) => {
                        handles::upsert(&mut tx, &handle).await?;
                        report.handles += 1;
                    }
                    Ok(Record::Mention(mention)) => {
                        let labels = self.triage_on.then(|| self.triage.assess(&mention.text, None));
                        let customer = match customers_known {
                            true => crate::crm::standing_of(&mut tx, &mention.author).await?,
                            false => None,
                        };
                        let priority = match &labels {
                            Some(l) => self.assess_priority(
                                &mention.author,
                                mention.created_at,
                                l,
                                customer.as_ref(),
                                mention.engagement,
                            ),
                            None => Priority::assess_with(
                                &mention.author,
                                mention.created_at,
                                earshot_core::Signals {
                                    customer: customer.as_ref(),
                                    engagement: mention.engagement,
                                    ..Default::default()
                                },
                                &self.priority_weights(),
                            ),
                        };
                        match mentions::ingest(&mut tx, &mention, &priority, labels.as_ref(), seen_at).await?
                        {
                            IngestOutcome::Inserted(_) => report.imported += 1,
                            IngestOutcome::Merged { id, .. } | IngestOutcome::Duplicate(id) => {
                                report.merged += 1;
                                // A later sighting with more replies or reposts moves the item up.
                                if let Some(e) = mention.engagement {
                                    if mentions::raise_engagement(&mut tx, id, e).await? && self.triage_on {
                                        self.retriage(&mut tx, id).await?;
                                    }
                                }
                            }
                        }
                    }
                    Err(message) => {
                        report.failed += 1;
                        if report.errors.len() < MAX_REPORTED_ERRORS {
                            report.errors.push(LineError {
                                line: entry.position,
                                message,
                            });
                        }
                    }
                }
            }
            if let (Some((account, name)), Some(cursor)) = (cursor_slot, &batch.cursor) {
                earshot_store::accounts::set_cursor(&mut tx, account, name, cursor).await?;
            }
            earshot_store::commit(tx).await?;
            progress(&Progress {
                done,
                total: total.max(done),
                phase: phase.into(),
            });
        }
        Ok(())
    }

    /// Imports a JSON Lines file in the canonical format.
    pub async fn import_file(
        &self,
        path: &Path,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<ImportReport, EngineError> {
        let open = || {
            std::fs::File::open(path).map_err(|source| EngineError::Io {
                context: format!("Earshot could not open {}", path.display()),
                source,
            })
        };
        let lines = {
            use std::io::BufRead;
            let counted = BufReader::new(open()?).split(b'\n').count();
            u32::try_from(counted).unwrap_or(u32::MAX)
        };
        let mut source = JsonLines::new(BufReader::new(open()?), Some(lines));
        self.ingest(&mut source, progress).await
    }

    /// Loads the demo workspace, with its times moved so that the newest mention is five minutes old, and
    /// marks the workspace as holding sample data.
    pub async fn load_demo(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<ImportReport, EngineError> {
        let lines = u32::try_from(demo::DEMO_JSONL.lines().count()).unwrap_or(u32::MAX);
        let mut source = JsonLines::new(demo::DEMO_JSONL.as_bytes(), Some(lines))
            .shifted(demo::demo_shift(self.clock.now()));
        let report = self.ingest(&mut source, progress).await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        workspace::set(&mut conn, "demo", "true").await?;
        Ok(report)
    }

    fn filter(&self, query: &InboxQuery) -> Result<InboxFilter, EngineError> {
        let handle = match query.handle_id.as_deref() {
            None => None,
            Some(raw) => Some(HandleId(raw.trim().parse().map_err(|_| {
                EngineError::NotFound(format!("There is no handle with ID '{raw}'."))
            })?)),
        };
        Ok(InboxFilter {
            status: query.status,
            handle,
            role: query.role,
            network: query.network,
            search: query.search.clone().filter(|s| !s.trim().is_empty()),
            queue: match query.view {
                Some(InboxView::Actionable) => Some(Queue::Actionable),
                Some(InboxView::Spam) => Some(Queue::Spam),
                Some(InboxView::Other) => Some(Queue::Other),
                _ => None,
            },
            intent: match query.view {
                Some(InboxView::Complaints) => Some(Intent::Complaint),
                Some(InboxView::Questions) => Some(Intent::Question),
                Some(InboxView::Praise) => Some(Intent::Praise),
                _ => None,
            },
            stage: query.stage,
            snoozed: query.snoozed,
            assignee: None,
        })
    }

    /// A page of the inbox in priority order, with how many items match in all.
    pub async fn inbox(&self, query: &InboxQuery, offset: u32, limit: u32) -> Result<InboxPage, EngineError> {
        let mut filter = self.filter(query)?;
        if query.mine == Some(true) {
            filter.assignee = Some(self.me_id().await?);
        }
        let now = self.clock.now();
        let policies = self.policies().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let total = inbox::count(&mut conn, &filter).await?;
        let rows = inbox::page(&mut conn, &filter, i64::from(offset), i64::from(limit)).await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                let sla = sla_headline(&policies, &r, now);
                let reasons = serde_json::from_str(&r.reasons).unwrap_or_default();
                let priority = Priority {
                    reasons,
                    waiting_since: r.created_at,
                    waiting_per_hour: r.waiting_per_hour,
                };
                let top_reason = priority
                    .reasons_at(now)
                    .first()
                    .map(|t| format!("{} ({:+.1})", t.label, t.contribution))
                    .unwrap_or_default();
                InboxRow {
                    id: r.id.0.to_string(),
                    network: r.network,
                    author_handle: r.author_handle,
                    author_name: r.author_name,
                    author_followers: clamp_u32(r.author_followers),
                    author_verified: r.author_verified,
                    excerpt: excerpt(&r.text),
                    created_at: rfc3339(r.created_at),
                    handles: r.handles.iter().map(handle_ref).collect(),
                    score: Priority::score_from_rank_key(r.rank_key, r.waiting_per_hour, now),
                    top_reason,
                    status: r.status,
                    triage: r.labels.as_ref().map(TriageSummary::of),
                    stage: r.stage,
                    snoozed_until: r.snoozed_until.map(rfc3339),
                    sla,
                    held_by: r
                        .assignee
                        .clone()
                        .or_else(|| r.held_by_role.as_deref().map(crate::work::role_label)),
                }
            })
            .collect();
        Ok(InboxPage {
            total: clamp_u32(total),
            offset,
            rows,
        })
    }

    /// One item with its author, reasons and thread.
    pub async fn item(&self, id: &str) -> Result<ItemView, EngineError> {
        let item_id = parse_id(id)?;
        let now = self.clock.now();
        let mut conn = earshot_store::acquire(&self.db).await?;
        let item = mentions::get(&mut conn, item_id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {id} no longer exists.")))?;
        // Someone opened it: it is no longer new.
        earshot_store::work::mark_seen(&mut conn, item_id).await?;
        let thread = mentions::thread(&mut conn, item.network, &item.conversation_root, THREAD_LIMIT).await?;
        let conversation = if thread.len() > 1 {
            thread
                .into_iter()
                .map(|t| ConversationEntry {
                    id: Some(t.id.0.to_string()),
                    is_current: t.id == item.id,
                    author_handle: t.author_handle,
                    author_name: t.author_name,
                    created_at: rfc3339(t.created_at),
                    segments: segment_views(&t.text, &t.facets),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(ItemView {
            id: item.id.0.to_string(),
            network: item.network,
            remote_id: item.remote_id,
            url: item.url,
            status: item.status,
            created_at: rfc3339(item.created_at),
            first_seen_at: rfc3339(item.first_seen_at),
            segments: segment_views(&item.text, &item.facets),
            author: AuthorView {
                handle: item.author.handle,
                display_name: item.author.display_name,
                followers: clamp_u32(item.author.followers),
                verified: item.author.verified,
                bot: item.author.bot,
                labels: item.author.labels,
                created_at: item.author.created_at.map(rfc3339),
                profile_url: item.author.profile_url,
            },
            handles: item.handles.iter().map(handle_ref).collect(),
            score: item.priority.score_at(now),
            reasons: reason_views(&item.priority, now),
            triage: item.labels.clone().map(|mut l| {
                // Language is worked out when an item is shown, not for every mention as it arrives.
                l.language = l
                    .language
                    .or_else(|| earshot_triage::assess::language(&item.text));
                l
            }),
            conversation,
            reply_to: item.reply_to,
            quote_of: item.quote_of,
        })
    }

    /// Our handles, each with its open item count.
    pub async fn handles(&self) -> Result<Vec<HandleSummary>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(handles::list(&mut conn)
            .await?
            .into_iter()
            .map(|h| HandleSummary {
                id: h.id.0.to_string(),
                network: h.network,
                account: h.account,
                role: h.role,
                display_name: h.display_name,
                open_count: clamp_u32(h.open_count),
            })
            .collect())
    }
}

/// For tests: an engine on the database the test run asks for (see [`earshot_store::testing`]), a fresh
/// PostgreSQL database or SQLite in `data_dir`. Opening the same `data_dir` again opens the same database, as
/// a restart would.
pub async fn open_for_test(data_dir: PathBuf, clock: Arc<dyn Clock>) -> Result<Engine, EngineError> {
    let remembered = data_dir.join("test-database-url");
    let url = match std::fs::read_to_string(&remembered) {
        Ok(url) => Some(url),
        Err(_) => {
            let url = earshot_store::testing::fresh_database().await?;
            if let Some(url) = &url {
                std::fs::create_dir_all(&data_dir)
                    .and_then(|()| std::fs::write(&remembered, url))
                    .map_err(|source| EngineError::Io {
                        context: format!("could not note the test database in {}", remembered.display()),
                        source,
                    })?;
            }
            url
        }
    };
    Engine::open_at(data_dir, url.as_deref(), clock).await
}
