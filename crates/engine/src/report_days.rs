//! The facts reports are drawn from, kept per UTC day. A year of mentions is a million rows; reading them for
//! every report took seconds. Each UTC day's mentions (when written, their kind, handles, holder, work times and
//! SLA outcomes) and sent actions are encoded once into `report_days` and read back as 365 rows. Triggers on
//! mentions, their handles and the outbox bump a day's generation and drop its facts whenever it changes
//! (migration 16), facts built from an older generation are never kept, and facts worked out under other SLA
//! settings are rebuilt. SLA timers still running when a day was built are worked out again at read time.
//!
//! UTC days, not local ones: every fact keeps its own instant, so any time zone's local days are cut from them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use earshot_desk::{TimerKind, TimerState};
use earshot_store::reports::{self as store, DayMention, DaySent, DAY_MS};
use earshot_store::work::WorkRow;
use earshot_store::{HandleId, ItemId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::views::Progress;
use crate::work::Policies;
use crate::{Engine, EngineError};

/// Part of every policy fingerprint: bump it when the encoding or the meaning of the facts changes, and every
/// stored day is rebuilt on its next read.
const FACTS_VERSION: &str = "report-facts-1";

/// At most this many days' mentions are read from the database at once while building (memory, not speed).
const BUILD_CHUNK_DAYS: i64 = 7;

/// A kind of mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Queue {
    Actionable,
    Spam,
    Other,
}

impl Queue {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Queue::Actionable => "actionable",
            Queue::Spam => "spam",
            Queue::Other => "other",
        }
    }
}

/// How an SLA timer ended, or that it still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// The handle sets no target of this kind.
    NoTarget,
    Met,
    /// Met late, or breached and still open: either way missed, and no later moment changes that.
    Missed,
    /// Within target when the day was built: worked out again at read time.
    Running,
}

/// One mention. Instants are milliseconds; the later ones count from `at`, which keeps them small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Fact {
    /// When it was written.
    pub at: i64,
    /// Index into the day's networks.
    pub network: u16,
    pub queue: Queue,
    /// complaint, question, praise or other; None when untriaged.
    pub intent: Option<Intent>,
    /// Index into the day's handle sets.
    pub handles: u16,
    pub assignee: Option<i64>,
    /// Work times, for actionable items.
    pub work: Option<Work>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Intent {
    Complaint,
    Question,
    Praise,
    Other,
}

impl Intent {
    fn parse(raw: &str) -> Intent {
        match raw {
            "complaint" => Intent::Complaint,
            "question" => Intent::Question,
            "praise" => Intent::Praise,
            _ => Intent::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Work {
    pub seen_after: i64,
    pub response_after: Option<i64>,
    pub resolved_after: Option<i64>,
    /// Its stage is resolved (an item reopened after resolving keeps its old resolved_at).
    pub resolved: bool,
    pub first_response: Outcome,
    pub resolution: Outcome,
}

impl Fact {
    /// The work row the SLA timers are worked out from.
    pub(crate) fn work_row(&self, w: &Work) -> WorkRow {
        let t = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        WorkRow {
            id: ItemId(0),
            stage: if w.resolved {
                earshot_core::Stage::Resolved
            } else {
                earshot_core::Stage::Open
            },
            snoozed_until: None,
            created_at: t(self.at),
            first_seen_at: t(self.at + w.seen_after),
            first_response_at: w.response_after.map(|d| t(self.at + d)),
            resolved_at: w.resolved_after.map(|d| t(self.at + d)),
            assignee: None,
            held_by_role: None,
        }
    }

    /// When its clock started: written, or first seen when that was later.
    pub(crate) fn started(&self, w: &Work) -> i64 {
        self.at + w.seen_after.max(0)
    }
}

/// An action sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sent {
    pub at: i64,
    pub kind: SentKind,
    pub handle: i64,
    /// Index into the day's names of who asked.
    pub requested_by: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SentKind {
    Reply,
    DirectMessage,
    Boost,
    Like,
    Post,
    Other,
}

/// One UTC day's facts, with the tables their small indexes point into.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct DayFacts {
    pub networks: Vec<String>,
    pub handle_sets: Vec<Vec<i64>>,
    pub names: Vec<String>,
    pub mentions: Vec<Fact>,
    pub sent: Vec<Sent>,
}

fn index_of<T: PartialEq + Clone>(table: &mut Vec<T>, value: &T) -> u16 {
    let i = match table.iter().position(|v| v == value) {
        Some(i) => i,
        None => {
            table.push(value.clone());
            table.len() - 1
        }
    };
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn outcome(timers: &[earshot_desk::Timer], kind: TimerKind) -> Outcome {
    match timers.iter().find(|t| t.kind == kind).map(|t| t.state) {
        None => Outcome::NoTarget,
        Some(TimerState::Met) => Outcome::Met,
        Some(TimerState::MetLate | TimerState::Breached) => Outcome::Missed,
        Some(TimerState::OnTrack | TimerState::DueSoon) => Outcome::Running,
    }
}

/// Encodes a day's rows as facts, working out SLA outcomes as they stand at `now`.
fn build(mentions: &[DayMention], sent: &[DaySent], policies: &Policies, now: DateTime<Utc>) -> DayFacts {
    let mut day = DayFacts::default();
    for m in mentions {
        let queue = match m.queue.as_str() {
            "spam" => Queue::Spam,
            "actionable" => Queue::Actionable,
            _ => Queue::Other,
        };
        let handles: Vec<i64> = m.handles.iter().map(|h| h.0).collect();
        let mut fact = Fact {
            at: m.created_at,
            network: index_of(&mut day.networks, &m.network),
            queue,
            intent: m.intent.as_deref().map(Intent::parse),
            handles: index_of(&mut day.handle_sets, &handles),
            assignee: m.assignee,
            work: None,
        };
        if queue == Queue::Actionable {
            let mut work = Work {
                seen_after: m.first_seen_at - m.created_at,
                response_after: m.first_response_at.map(|t| t - m.created_at),
                resolved_after: m.resolved_at.map(|t| t - m.created_at),
                resolved: m.stage == "resolved",
                first_response: Outcome::NoTarget,
                resolution: Outcome::NoTarget,
            };
            let timers = policies.timers(&m.handles, &fact.work_row(&work), now);
            work.first_response = outcome(&timers, TimerKind::FirstResponse);
            work.resolution = outcome(&timers, TimerKind::Resolution);
            fact.work = Some(work);
        }
        day.mentions.push(fact);
    }
    for s in sent {
        let requested_by = s.requested_by.as_ref().map(|n| index_of(&mut day.names, n));
        day.sent.push(Sent {
            at: s.sent_at,
            kind: match s.kind.as_str() {
                "reply" => SentKind::Reply,
                "dm" => SentKind::DirectMessage,
                "boost" => SentKind::Boost,
                "like" => SentKind::Like,
                "post" => SentKind::Post,
                _ => SentKind::Other,
            },
            handle: s.handle.0,
            requested_by,
        });
    }
    day
}

impl Engine {
    /// Builds the stored facts of every day of the longest report period that lacks them, so the first report
    /// opened is as quick as the later ones. The app and `earshot sync` run it in the background at start;
    /// afterwards only the days that change are built again, as reports read them. Returns how many days.
    pub async fn warm_reports(&self) -> Result<usize, EngineError> {
        let now = self.clock.now();
        let (policies, fingerprint) = self.report_policies().await?;
        let to = now.timestamp_millis() + DAY_MS;
        let from = to - (crate::reports::MAX_DAYS + 1) * DAY_MS;
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(
            facts(&mut conn, from, to, &policies, &fingerprint, now, &mut |_| {})
                .await?
                .len(),
        )
    }

    /// The SLA settings of every handle, and a fingerprint of what in them shapes report facts.
    pub(crate) async fn report_policies(&self) -> Result<(Policies, String), EngineError> {
        let policies = self.policies().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let mut hash = Sha256::new();
        hash.update(FACTS_VERSION.as_bytes());
        for row in earshot_store::handle_settings::all(&mut conn).await? {
            hash.update(row.handle.0.to_le_bytes());
            hash.update(row.sla.as_bytes());
            hash.update([0]);
            hash.update(row.business_hours.as_deref().unwrap_or("").as_bytes());
            hash.update([0]);
        }
        let digest = hash.finalize();
        let fingerprint = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        Ok((policies, fingerprint))
    }
}

/// What progress on building days' facts says.
pub const BUILDING_DAYS: &str = "Working out each day's figures (once; later reports reuse them)";

/// The facts of every UTC day that `[from, to)` (milliseconds) touches, oldest first: stored ones where they
/// are current, the others built now and stored for next time. `progress` hears of the days built, when
/// there are any: seconds of work for a year of a busy workspace.
pub(crate) async fn facts(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    policies: &Policies,
    fingerprint: &str,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<Vec<DayFacts>, EngineError> {
    let (first, last) = (from / DAY_MS, (to - 1).max(from) / DAY_MS);
    // Generations first: a change that lands while a day is being built bumps it, and the stale build is
    // then not kept.
    let started = std::time::Instant::now();
    let stored = store::stored_days(conn, first, last).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "report facts: stored days read");
    let mut stored = stored.into_iter().peekable();
    let mut out: Vec<Option<DayFacts>> = Vec::new();
    let mut missing: Vec<(i64, i64)> = Vec::new();
    for day in first..=last {
        let row = match stored.peek() {
            Some(r) if r.day == day => stored.next(),
            _ => None,
        };
        let current = row.as_ref().and_then(|r| match (&r.facts, &r.policy) {
            (Some(bytes), Some(p)) if p == fingerprint => match postcard::from_bytes::<DayFacts>(bytes) {
                Ok(facts) => Some(facts),
                Err(e) => {
                    tracing::warn!(day, error = %e, "stored report facts are unreadable; building them again");
                    None
                }
            },
            _ => None,
        });
        if current.is_none() {
            missing.push((day, row.map_or(0, |r| r.gen)));
        }
        out.push(current);
    }
    tracing::debug!(elapsed = ?started.elapsed(), missing = missing.len(), "report facts: stored days decoded");
    let (mut read, mut built, mut kept) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let total = missing.len() as u32;
    let mut done = 0u32;
    let mut tell = |done: u32| {
        progress(&Progress {
            done,
            total,
            phase: BUILDING_DAYS.to_owned(),
        })
    };
    if total > 0 {
        tell(0);
    }
    for chunk in missing.chunk_by(|a, b| b.0 == a.0 + 1) {
        for run in chunk.chunks(BUILD_CHUNK_DAYS as usize) {
            let (start, end) = (run[0].0 * DAY_MS, (run[run.len() - 1].0 + 1) * DAY_MS);
            let t = std::time::Instant::now();
            let mentions = store::day_mentions(conn, start, end).await?;
            let sent = store::day_sent(conn, start, end).await?;
            read += t.elapsed();
            for &(day, gen) in run {
                let in_day = |t: i64| t / DAY_MS == day;
                let m_from = mentions.partition_point(|m| m.created_at < day * DAY_MS);
                let m_to = mentions.partition_point(|m| m.created_at < (day + 1) * DAY_MS);
                let s: Vec<DaySent> = sent.iter().filter(|s| in_day(s.sent_at)).cloned().collect();
                let t = std::time::Instant::now();
                let facts = build(&mentions[m_from..m_to], &s, policies, now);
                built += t.elapsed();
                let t = std::time::Instant::now();
                match postcard::to_allocvec(&facts) {
                    Ok(bytes) => {
                        // Keeping them is a saving, not a duty: a busy or read-only database still gets its report.
                        if let Err(e) = store::store_day(conn, day, gen, fingerprint, &bytes).await {
                            tracing::debug!(day, error = %e, "report facts not kept");
                        }
                    }
                    Err(e) => tracing::warn!(day, error = %e, "report facts could not be encoded"),
                }
                kept += t.elapsed();
                out[(day - first) as usize] = Some(facts);
                done += 1;
                tell(done);
            }
        }
    }
    if !missing.is_empty() {
        tracing::debug!(
            ?read,
            ?built,
            ?kept,
            days = missing.len(),
            "report facts: days built"
        );
    }
    Ok(out.into_iter().flatten().collect())
}

/// The handles of a fact.
pub(crate) fn handles_of<'a>(day: &'a DayFacts, fact: &Fact) -> &'a [i64] {
    day.handle_sets
        .get(usize::from(fact.handles))
        .map_or(&[], Vec::as_slice)
}

/// Handle IDs as the store names them.
pub(crate) fn handle_ids(ids: &[i64]) -> Vec<HandleId> {
    ids.iter().copied().map(HandleId).collect()
}
