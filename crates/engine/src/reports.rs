//! Reports over a period, in the agent's time zone: volume per local day, the share of each kind, response and
//! resolution times (median and 90th percentile), SLA attainment in business hours, and actions sent, split
//! by handle, role, network or agent. Definitions are in docs/reports.md.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use earshot_desk::TimerState;
use earshot_store::reports::{self, ReportFilter};
use earshot_store::work::WorkRow;

use crate::report_days::{self, DayFacts, Fact, Outcome, Sent, SentKind, Work};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Engine, EngineError};

/// The longest period a report covers.
pub(crate) const MAX_DAYS: i64 = 400;

/// What to report on.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct ReportQuery {
    /// The first local day, YYYY-MM-DD.
    pub from: String,
    /// The last local day, included.
    pub to: String,
    /// An IANA time zone; the desk's own when absent.
    pub time_zone: Option<String>,
    pub handle_id: Option<String>,
    pub role: Option<String>,
    pub network: Option<String>,
    /// Only items held by this agent (by name) and actions they asked for.
    pub agent: Option<String>,
    /// The breakdown table's split; none for no breakdown.
    pub split: Option<ReportSplit>,
}

/// What the breakdown table is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportSplit {
    Handle,
    Role,
    Network,
    Agent,
}

impl ReportSplit {
    pub fn parse(raw: &str) -> Result<ReportSplit, EngineError> {
        match raw.trim() {
            "handle" => Ok(ReportSplit::Handle),
            "role" => Ok(ReportSplit::Role),
            "network" => Ok(ReportSplit::Network),
            "agent" => Ok(ReportSplit::Agent),
            other => Err(EngineError::Invalid(format!(
                "'{other}' is not a split; use handle, role, network or agent."
            ))),
        }
    }
}

/// One of the report's tables, for CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportTable {
    Days,
    Split,
    Authors,
    Customers,
}

/// A table of the report as CSV, the same rows and columns as the window shows.
pub fn report_csv(report: &Report, table: ReportTable) -> String {
    match table {
        ReportTable::Days => days_csv(report),
        ReportTable::Split => split_csv(report),
        ReportTable::Authors => authors_csv(report),
        ReportTable::Customers => customers_csv(report),
    }
}

/// One row of the breakdown table: a handle, role, network or agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct SplitRow {
    /// The handle's or agent's ID, the role or the network; empty for "Unassigned".
    pub key: String,
    pub name: String,
    pub volume: DayVolume,
    pub first_response: TimeStats,
    pub resolution: TimeStats,
    pub first_response_sla: Attainment,
    pub resolution_sla: Attainment,
    pub sent: SentCounts,
}

/// An author who wrote to us in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TopAuthor {
    pub network: String,
    pub handle: String,
    pub name: Option<String>,
    pub followers: u32,
    pub verified: bool,
    /// Their posts in the period that were not spam.
    pub mentions: u32,
    /// Their actionable items in the working list now.
    pub open_items: u32,
}

/// A customer with items in the working list now.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TopCustomer {
    pub contact_id: String,
    pub name: String,
    pub standing: Option<String>,
    pub open_items: u32,
    /// The accounts they wrote from, as @handle on network.
    pub accounts: Vec<String>,
}

/// One local day's mentions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct DayVolume {
    /// The local day, YYYY-MM-DD; in a breakdown row, empty.
    pub day: String,
    pub total: u32,
    pub spam: u32,
    pub actionable: u32,
    pub complaint: u32,
    pub question: u32,
    pub praise: u32,
    /// The median first response time of the day's items that have one; only in the day table.
    pub first_response_median_minutes: Option<f64>,
}

/// Minutes to a first reply or to resolution, over the items that had one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct TimeStats {
    pub count: u32,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// How many items met their SLA target, of those whose target has been reached or passed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct Attainment {
    pub met: u32,
    pub missed: u32,
    /// met / (met + missed), 0 to 1; `None` when nothing counted yet.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct SentCounts {
    pub replies: u32,
    pub direct_messages: u32,
    pub boosts: u32,
    pub likes: u32,
    pub posts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub days: Vec<DayVolume>,
    pub totals: DayVolume,
    pub first_response: TimeStats,
    pub resolution: TimeStats,
    pub first_response_sla: Attainment,
    pub resolution_sla: Attainment,
    pub sent: SentCounts,
    pub split_by: Option<ReportSplit>,
    /// The breakdown table, largest volume first.
    pub split: Vec<SplitRow>,
    /// The most-followed authors who wrote in the period.
    pub top_authors: Vec<TopAuthor>,
    /// Customers with the most actionable items waiting now.
    pub top_customers: Vec<TopCustomer>,
}

/// Items waiting in one queue or on one handle.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WaitingCount {
    /// The queue (actionable, spam, other) or the handle's account.
    pub name: String,
    pub handle_id: Option<String>,
    pub count: u32,
}

/// An actionable item still without a first reply.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WaitingItem {
    pub item_id: String,
    pub author: String,
    pub handle: Option<String>,
    pub waited_minutes: u32,
    /// The SLA timer in words ("First reply 2 h overdue").
    pub sla: Option<crate::work::SlaTimerView>,
}

/// How the team is doing right now.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct NowReport {
    pub by_queue: Vec<WaitingCount>,
    /// Actionable items in the working list, per handle.
    pub by_handle: Vec<WaitingCount>,
    pub oldest: Option<WaitingItem>,
    /// Items past their first-response target, most overdue first (at most 20).
    pub breaches: Vec<WaitingItem>,
    pub agents: Vec<crate::work::AgentView>,
}

/// How many waiting items are looked at for breaches: the longest waiting, where breaches are.
const BREACH_SCAN: i64 = 2000;
const BREACHES_SHOWN: usize = 20;
/// How many top authors and customers a report lists.
const TOP_SHOWN: i64 = 10;
/// How many authors with open items are matched to customers for the customer list.
const CUSTOMER_SCAN: i64 = 500;

fn bad_day(raw: &str) -> EngineError {
    EngineError::Invalid(format!(
        "'{raw}' is not a date; use YYYY-MM-DD, such as 2026-11-30."
    ))
}

/// The instant a local day starts; the first valid instant when midnight falls in a DST gap.
pub(crate) fn day_start(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..8 {
        if let Some(s) = tz.from_local_datetime(&t).earliest() {
            return s.with_timezone(&Utc);
        }
        t += Duration::minutes(15);
    }
    Utc.from_utc_datetime(&t)
}

/// The value at a quantile (0 to 1) of sorted values, by linear interpolation between the nearest ranks.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

fn stats(mut minutes: Vec<f64>) -> TimeStats {
    minutes.sort_by(f64::total_cmp);
    TimeStats {
        count: u32::try_from(minutes.len()).unwrap_or(u32::MAX),
        median_minutes: quantile(&minutes, 0.5),
        p90_minutes: quantile(&minutes, 0.9),
    }
}

fn attainment(met: u32, missed: u32) -> Attainment {
    Attainment {
        met,
        missed,
        share: (met + missed > 0).then(|| f64::from(met) / f64::from(met + missed)),
    }
}

fn intent_str(i: report_days::Intent) -> &'static str {
    match i {
        report_days::Intent::Complaint => "complaint",
        report_days::Intent::Question => "question",
        report_days::Intent::Praise => "praise",
        report_days::Intent::Other => "other",
    }
}

fn add(v: &mut DayVolume, queue: &str, intent: Option<&str>, n: u32) {
    v.total += n;
    match queue {
        "spam" => v.spam += n,
        "actionable" => v.actionable += n,
        _ => {}
    }
    if queue != "spam" {
        match intent {
            Some("complaint") => v.complaint += n,
            Some("question") => v.question += n,
            Some("praise") => v.praise += n,
            _ => {}
        }
    }
}

/// The figures of one row (or the whole report) as they are gathered.
#[derive(Default)]
struct Tally {
    name: String,
    volume: DayVolume,
    first_minutes: Vec<f64>,
    resolve_minutes: Vec<f64>,
    fr: (u32, u32),
    res: (u32, u32),
    sent: SentCounts,
}

/// Minutes between two instants in milliseconds, to the whole second below (as durations count them).
fn minutes_between(from: i64, to: i64) -> f64 {
    ((to - from) / 1000) as f64 / 60.0
}

/// An actionable item's figures: its response and resolution minutes, and whether each SLA timer was met
/// (None: no target, or still within it).
struct Worked {
    first_minutes: Option<f64>,
    resolve_minutes: Option<f64>,
    fr: Option<bool>,
    res: Option<bool>,
}

impl Worked {
    fn of(
        fact: &Fact,
        w: &Work,
        handles: &[i64],
        policies: &crate::work::Policies,
        now: DateTime<Utc>,
    ) -> Worked {
        let start = fact.started(w);
        let live = |kind: earshot_desk::TimerKind| {
            policies
                .timers(&report_days::handle_ids(handles), &fact.work_row(w), now)
                .into_iter()
                .find(|t| t.kind == kind)
                .and_then(|t| match t.state {
                    TimerState::Met => Some(true),
                    TimerState::MetLate | TimerState::Breached => Some(false),
                    // Still running within target: not counted either way yet.
                    TimerState::OnTrack | TimerState::DueSoon => None,
                })
        };
        let settled = |o: Outcome, kind| match o {
            Outcome::NoTarget => None,
            Outcome::Met => Some(true),
            Outcome::Missed => Some(false),
            Outcome::Running => live(kind),
        };
        Worked {
            first_minutes: w.response_after.map(|d| minutes_between(start, fact.at + d)),
            resolve_minutes: match (w.resolved_after, w.resolved) {
                (Some(d), true) => Some(minutes_between(start, fact.at + d)),
                _ => None,
            },
            fr: settled(w.first_response, earshot_desk::TimerKind::FirstResponse),
            res: settled(w.resolution, earshot_desk::TimerKind::Resolution),
        }
    }
}

impl Tally {
    fn work(&mut self, w: &Worked) {
        self.first_minutes.extend(w.first_minutes);
        self.resolve_minutes.extend(w.resolve_minutes);
        for (outcome, (met, missed)) in [(w.fr, &mut self.fr), (w.res, &mut self.res)] {
            match outcome {
                Some(true) => *met += 1,
                Some(false) => *missed += 1,
                None => {}
            }
        }
    }

    /// Adds another row's figures to this one.
    fn merge(&mut self, other: Tally) {
        let (v, o) = (&mut self.volume, &other.volume);
        v.total += o.total;
        v.spam += o.spam;
        v.actionable += o.actionable;
        v.complaint += o.complaint;
        v.question += o.question;
        v.praise += o.praise;
        self.first_minutes.extend(other.first_minutes);
        self.resolve_minutes.extend(other.resolve_minutes);
        self.fr = (self.fr.0 + other.fr.0, self.fr.1 + other.fr.1);
        self.res = (self.res.0 + other.res.0, self.res.1 + other.res.1);
        let (s, o) = (&mut self.sent, &other.sent);
        s.replies += o.replies;
        s.direct_messages += o.direct_messages;
        s.boosts += o.boosts;
        s.likes += o.likes;
        s.posts += o.posts;
    }

    fn row(self, key: String, name: String) -> SplitRow {
        SplitRow {
            key,
            name,
            volume: self.volume,
            first_response: stats(self.first_minutes),
            resolution: stats(self.resolve_minutes),
            first_response_sla: attainment(self.fr.0, self.fr.1),
            resolution_sla: attainment(self.res.0, self.res.1),
            sent: self.sent,
        }
    }
}

/// A handle as reports name and group it.
struct HandleInfo {
    account: String,
    role: String,
    network: String,
}

/// What a report is narrowed to, resolved to IDs.
struct Narrow {
    from: i64,
    to: i64,
    handle: Option<i64>,
    role: Option<String>,
    network: Option<String>,
    /// The agent by ID and name.
    agent: Option<(i64, String)>,
}

impl Narrow {
    fn mention(&self, day: &DayFacts, f: &Fact, handles: &HashMap<i64, HandleInfo>) -> bool {
        let ours = report_days::handles_of(day, f);
        f.at >= self.from
            && f.at < self.to
            && self
                .network
                .as_ref()
                .is_none_or(|n| day.networks.get(usize::from(f.network)) == Some(n))
            && self.handle.is_none_or(|h| ours.contains(&h))
            && self
                .role
                .as_ref()
                .is_none_or(|r| ours.iter().any(|h| handles.get(h).is_some_and(|i| &i.role == r)))
            && self.agent.as_ref().is_none_or(|(id, _)| f.assignee == Some(*id))
    }

    fn sent(&self, day: &DayFacts, s: &Sent, handles: &HashMap<i64, HandleInfo>) -> bool {
        let h = handles.get(&s.handle);
        s.at >= self.from
            && s.at < self.to
            && self
                .network
                .as_ref()
                .is_none_or(|n| h.is_some_and(|h| &h.network == n))
            && self.handle.is_none_or(|id| s.handle == id)
            && self.role.as_ref().is_none_or(|r| h.is_some_and(|h| &h.role == r))
            && self.agent.as_ref().is_none_or(|(_, name)| {
                s.requested_by.and_then(|i| day.names.get(usize::from(i))) == Some(name)
            })
    }
}

/// A row of the breakdown while figures are gathered: cheap to hash, no text built per mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Handle(i64),
    Role(&'a str),
    Network(&'a str),
    /// The agent holding the item or who asked for the action; None: nobody.
    Agent(Option<i64>),
    /// Someone no longer on the team who asked for an action, by name.
    FormerAgent(&'a str),
}

impl Key<'_> {
    /// The row's key and name as the table shows them.
    fn shown(self, handles: &HashMap<i64, HandleInfo>, agents: &HashMap<i64, String>) -> (String, String) {
        match self {
            Key::Handle(id) => (
                id.to_string(),
                handles
                    .get(&id)
                    .map_or_else(|| id.to_string(), |h| format!("@{}", h.account)),
            ),
            Key::Role(r) | Key::Network(r) => (r.to_owned(), r.to_owned()),
            Key::Agent(Some(id)) => match agents.get(&id) {
                Some(name) => (id.to_string(), name.clone()),
                None => (String::new(), "Unassigned".to_owned()),
            },
            Key::Agent(None) => (String::new(), "Unassigned".to_owned()),
            Key::FormerAgent(name) => (format!("name:{name}"), name.to_owned()),
        }
    }
}

/// Calls `each` with every row of the breakdown a mention counts in (a post on two handles of one role counts
/// once for the role).
fn mention_keys<'a>(
    by: ReportSplit,
    day: &'a DayFacts,
    f: &Fact,
    handles: &'a HashMap<i64, HandleInfo>,
    mut each: impl FnMut(Key<'a>),
) {
    let ours = report_days::handles_of(day, f);
    match by {
        ReportSplit::Handle => ours
            .iter()
            .filter(|h| handles.contains_key(h))
            .for_each(|h| each(Key::Handle(*h))),
        ReportSplit::Role => {
            let mut seen: [Option<&str>; 3] = [None; 3];
            for role in ours
                .iter()
                .filter_map(|h| handles.get(h).map(|i| i.role.as_str()))
            {
                if seen.contains(&Some(role)) {
                    continue;
                }
                if let Some(slot) = seen.iter_mut().find(|s| s.is_none()) {
                    *slot = Some(role);
                }
                each(Key::Role(role));
            }
        }
        ReportSplit::Network => {
            if let Some(n) = day.networks.get(usize::from(f.network)) {
                each(Key::Network(n));
            }
        }
        ReportSplit::Agent => each(Key::Agent(f.assignee)),
    }
}

/// The row of the breakdown a sent action counts in: by agent, who asked for it; otherwise the handle it was
/// sent from.
fn sent_key<'a>(
    by: ReportSplit,
    day: &'a DayFacts,
    s: &Sent,
    handles: &'a HashMap<i64, HandleInfo>,
    agent_ids: &HashMap<&str, i64>,
) -> Option<Key<'a>> {
    let h = handles.get(&s.handle);
    match by {
        ReportSplit::Handle => h.map(|_| Key::Handle(s.handle)),
        ReportSplit::Role => h.map(|i| Key::Role(i.role.as_str())),
        ReportSplit::Network => h.map(|i| Key::Network(i.network.as_str())),
        ReportSplit::Agent => Some(match s.requested_by.and_then(|i| day.names.get(usize::from(i))) {
            Some(name) => match agent_ids.get(name.as_str()) {
                Some(id) => Key::Agent(Some(*id)),
                None => Key::FormerAgent(name.as_str()),
            },
            None => Key::Agent(None),
        }),
    }
}

fn add_sent(c: &mut SentCounts, kind: SentKind) {
    match kind {
        SentKind::Reply => c.replies += 1,
        SentKind::DirectMessage => c.direct_messages += 1,
        SentKind::Boost => c.boosts += 1,
        SentKind::Like => c.likes += 1,
        SentKind::Post => c.posts += 1,
        SentKind::Other => {}
    }
}

impl Engine {
    /// The report for a period of local days.
    pub async fn report(&self, q: &ReportQuery) -> Result<Report, EngineError> {
        self.report_with_progress(q, &mut |_| {}).await
    }

    /// The report for a period of local days; `progress` hears of the days whose figures are worked out for
    /// it (only the first report over a period of a busy workspace takes long).
    pub async fn report_with_progress(
        &self,
        q: &ReportQuery,
        progress: &mut (dyn FnMut(&crate::views::Progress) + Send),
    ) -> Result<Report, EngineError> {
        let tz: Tz = match q.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            Some(z) => z.parse().map_err(|_| {
                EngineError::Invalid(format!(
                    "'{z}' is not a time zone; use a name such as Europe/Berlin."
                ))
            })?,
            None => crate::handover::local_zone(),
        };
        let first = NaiveDate::parse_from_str(q.from.trim(), "%Y-%m-%d").map_err(|_| bad_day(&q.from))?;
        let last = NaiveDate::parse_from_str(q.to.trim(), "%Y-%m-%d").map_err(|_| bad_day(&q.to))?;
        if last < first {
            return Err(EngineError::Invalid("The period ends before it starts.".into()));
        }
        if (last - first).num_days() >= MAX_DAYS {
            return Err(EngineError::Invalid(format!(
                "Choose a period of at most {MAX_DAYS} days."
            )));
        }
        let from = day_start(tz, first);
        let to = day_start(tz, last + Duration::days(1));
        let agent = match q.agent.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(name) => {
                let a = self.agent_by_name(name).await?;
                Some((a.id.0, a.name))
            }
            None => None,
        };
        let narrow = Narrow {
            from: from.timestamp_millis(),
            to: to.timestamp_millis(),
            handle: match q.handle_id.as_deref() {
                Some(h) => Some(self.handle_id(h).await?.0),
                None => None,
            },
            role: q.role.clone(),
            network: q.network.clone(),
            agent,
        };
        let now = self.clock.now();
        let started = std::time::Instant::now();
        let (policies, fingerprint) = self.report_policies().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let handles: HashMap<i64, HandleInfo> = reports::handles(&mut conn)
            .await?
            .into_iter()
            .map(|(id, network, account, role)| {
                (
                    id.0,
                    HandleInfo {
                        account,
                        role,
                        network,
                    },
                )
            })
            .collect();
        let agents: HashMap<i64, String> = earshot_store::agents::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| (a.id.0, a.name))
            .collect();
        let agent_ids: HashMap<&str, i64> = agents.iter().map(|(id, n)| (n.as_str(), *id)).collect();
        let facts = report_days::facts(
            &mut conn,
            narrow.from,
            narrow.to,
            &policies,
            &fingerprint,
            now,
            progress,
        )
        .await?;
        tracing::debug!(elapsed = ?started.elapsed(), days = facts.len(), "report: facts read");

        // Local days, each with the instant it starts; an item belongs to the last day starting at or before it.
        let mut days: Vec<(i64, DayVolume, Vec<f64>)> = Vec::new();
        let mut d = first;
        while d <= last {
            days.push((
                day_start(tz, d).timestamp_millis(),
                DayVolume {
                    day: d.format("%Y-%m-%d").to_string(),
                    ..Default::default()
                },
                Vec::new(),
            ));
            d += Duration::days(1);
        }
        let mut all = Tally::default();
        let mut rows: HashMap<Key, Tally> = HashMap::new();
        for day in &facts {
            for f in day.mentions.iter().filter(|f| narrow.mention(day, f, &handles)) {
                let slot = days
                    .partition_point(|(start, _, _)| *start <= f.at)
                    .checked_sub(1);
                let queue = f.queue.as_str();
                let intent = f.intent.map(intent_str);
                if let Some(i) = slot {
                    add(&mut days[i].1, queue, intent, 1);
                }
                add(&mut all.volume, queue, intent, 1);
                let worked = f
                    .work
                    .as_ref()
                    .map(|w| Worked::of(f, w, report_days::handles_of(day, f), &policies, now));
                if let Some(w) = &worked {
                    all.work(w);
                    if let (Some(m), Some(i)) = (w.first_minutes, slot) {
                        days[i].2.push(m);
                    }
                }
                if let Some(by) = q.split {
                    mention_keys(by, day, f, &handles, |key| {
                        let row = rows.entry(key).or_default();
                        add(&mut row.volume, queue, intent, 1);
                        if let Some(w) = &worked {
                            row.work(w);
                        }
                    });
                }
            }
            for s in day.sent.iter().filter(|s| narrow.sent(day, s, &handles)) {
                add_sent(&mut all.sent, s.kind);
                if let Some(key) = q.split.and_then(|by| sent_key(by, day, s, &handles, &agent_ids)) {
                    add_sent(&mut rows.entry(key).or_default().sent, s.kind);
                }
            }
        }
        let days: Vec<DayVolume> = days
            .into_iter()
            .map(|(_, mut v, minutes)| {
                v.first_response_median_minutes = stats(minutes).median_minutes;
                v
            })
            .collect();
        // Rows that show alike (an agent since removed, and nobody) are one row.
        let mut shown: BTreeMap<String, Tally> = BTreeMap::new();
        for (key, tally) in rows {
            let (key, name) = key.shown(&handles, &agents);
            let row = shown.entry(key).or_default();
            row.name = name;
            row.merge(tally);
        }
        let mut split: Vec<SplitRow> = shown
            .into_iter()
            .map(|(key, mut tally)| {
                let name = std::mem::take(&mut tally.name);
                tally.row(key, name)
            })
            .collect();
        split.sort_by(|a, b| b.volume.total.cmp(&a.volume.total).then(a.name.cmp(&b.name)));
        drop(facts);

        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        let filter = ReportFilter {
            handle: narrow.handle.map(earshot_store::HandleId),
            role: narrow.role.clone(),
            network: narrow.network.clone(),
            agent: narrow.agent.as_ref().map(|(id, _)| *id),
        };
        let top_authors = reports::top_authors(&mut conn, from, to, &filter, TOP_SHOWN)
            .await?
            .into_iter()
            .map(|a| TopAuthor {
                network: a.network,
                handle: a.handle,
                name: a.display_name,
                followers: count(a.followers),
                verified: a.verified,
                mentions: count(a.mentions),
                open_items: count(a.open),
            })
            .collect();
        let top_customers = self.top_customers(&mut conn).await?;
        drop(conn);
        tracing::debug!(elapsed = ?started.elapsed(), "report: done");

        let totals = all.row(String::new(), String::new());
        Ok(Report {
            from: first.format("%Y-%m-%d").to_string(),
            to: last.format("%Y-%m-%d").to_string(),
            time_zone: tz.name().to_owned(),
            days,
            totals: totals.volume,
            first_response: totals.first_response,
            resolution: totals.resolution,
            first_response_sla: totals.first_response_sla,
            resolution_sla: totals.resolution_sla,
            sent: totals.sent,
            split_by: q.split,
            split,
            top_authors,
            top_customers,
        })
    }

    /// Customers (by the matcher's links) with the most actionable items in the working list.
    async fn top_customers(&self, conn: &mut sqlx::AnyConnection) -> Result<Vec<TopCustomer>, EngineError> {
        let mut by_contact: BTreeMap<String, TopCustomer> = BTreeMap::new();
        // Without a single contact nobody is a customer: spare matching hundreds of authors.
        let any_contact: Option<i64> = sqlx::query_scalar("SELECT id FROM contacts LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(earshot_store::StoreError::from)?;
        if any_contact.is_none() {
            return Ok(Vec::new());
        }
        for (network, handle, n) in reports::open_by_author(conn, CUSTOMER_SCAN).await? {
            let Some(contact) = Engine::linked_contact(conn, &network, &handle).await? else {
                continue;
            };
            let entry = by_contact
                .entry(contact.id.clone())
                .or_insert_with(|| TopCustomer {
                    contact_id: contact.id.clone(),
                    name: contact.title.clone(),
                    standing: contact.standing.clone(),
                    open_items: 0,
                    accounts: Vec::new(),
                });
            entry.open_items += u32::try_from(n.max(0)).unwrap_or(u32::MAX);
            entry.accounts.push(format!("@{handle} on {network}"));
        }
        let mut out: Vec<TopCustomer> = by_contact.into_values().collect();
        out.sort_by(|a, b| b.open_items.cmp(&a.open_items).then(a.name.cmp(&b.name)));
        out.truncate(TOP_SHOWN as usize);
        Ok(out)
    }

    /// Right now: items waiting by queue and handle, the one waiting longest, SLA breaches in progress, and who
    /// is on duty holding what.
    pub async fn report_now(&self) -> Result<NowReport, EngineError> {
        let now = self.clock.now();
        let started = std::time::Instant::now();
        let policies = self.policies().await?;
        let agents = self.agents().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let by_queue = reports::waiting_by_queue(&mut conn)
            .await?
            .into_iter()
            .map(|(name, n)| WaitingCount {
                name,
                handle_id: None,
                count: count(n),
            })
            .collect();
        let by_handle = reports::waiting_by_handle(&mut conn)
            .await?
            .into_iter()
            .map(|(id, account, n)| WaitingCount {
                name: account,
                handle_id: Some(id.0.to_string()),
                count: count(n),
            })
            .collect();
        let mut waiting = Vec::new();
        for row in reports::longest_waiting(&mut conn, BREACH_SCAN).await? {
            let w = WorkRow {
                id: row.id,
                stage: earshot_core::Stage::Open,
                snoozed_until: None,
                created_at: row.created_at,
                first_seen_at: row.first_seen_at,
                first_response_at: None,
                resolved_at: row.resolved_at,
                assignee: None,
                held_by_role: None,
            };
            let handles: Vec<_> = row.handles.iter().map(|(id, _)| *id).collect();
            let timers = policies.timers(&handles, &w, now);
            let first = timers
                .iter()
                .find(|t| t.kind == earshot_desk::TimerKind::FirstResponse)
                .map(crate::work::timer_view);
            waiting.push(WaitingItem {
                item_id: row.id.0.to_string(),
                author: format!("@{}", row.author),
                handle: row.handles.first().map(|(_, account)| format!("@{account}")),
                waited_minutes: u32::try_from((now - w.started_at()).num_minutes().max(0))
                    .unwrap_or(u32::MAX),
                sla: first,
            });
        }
        tracing::debug!(elapsed = ?started.elapsed(), "now: done");
        let oldest = waiting.first().cloned();
        let mut breaches: Vec<WaitingItem> = waiting
            .into_iter()
            .filter(|w| w.sla.as_ref().is_some_and(|t| t.state == TimerState::Breached))
            .collect();
        breaches.sort_by_key(|w| w.sla.as_ref().map_or(0, |t| t.remaining_minutes));
        breaches.truncate(BREACHES_SHOWN);
        Ok(NowReport {
            by_queue,
            by_handle,
            oldest,
            breaches,
            agents,
        })
    }
}

/// The report's day table as CSV, with the same columns as the window's table.
pub fn days_csv(report: &Report) -> String {
    let mut out =
        String::from("day,total,spam,actionable,complaint,question,praise,first_response_median_min\n");
    for d in &report.days {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            d.day,
            d.total,
            d.spam,
            d.actionable,
            d.complaint,
            d.question,
            d.praise,
            opt(d.first_response_median_minutes)
        ));
    }
    out
}

/// One CSV cell: quoted when it holds a comma, quote or line break, and made inert when a spreadsheet would
/// read it as a formula (author names are written by strangers).
pub fn csv_cell(raw: &str) -> String {
    let plain_handle = raw.strip_prefix('@').is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    let mut v = raw.to_owned();
    if !plain_handle && v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.insert(0, '\'');
    }
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|m| format!("{m:.1}")).unwrap_or_default()
}

/// The breakdown table as CSV, the same rows and columns as the window's table.
pub fn split_csv(report: &Report) -> String {
    let mut out = String::from(
        "name,total,spam,actionable,complaint,question,praise,first_response_count,first_response_median_min,\
first_response_p90_min,resolution_count,resolution_median_min,resolution_p90_min,first_response_sla_met,\
first_response_sla_missed,resolution_sla_met,resolution_sla_missed,replies,direct_messages,boosts,likes,posts\n",
    );
    for r in &report.split {
        let (v, f, z, s) = (&r.volume, &r.first_response, &r.resolution, &r.sent);
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            csv_cell(&r.name),
            v.total,
            v.spam,
            v.actionable,
            v.complaint,
            v.question,
            v.praise,
            f.count,
            opt(f.median_minutes),
            opt(f.p90_minutes),
            z.count,
            opt(z.median_minutes),
            opt(z.p90_minutes),
            r.first_response_sla.met,
            r.first_response_sla.missed,
            r.resolution_sla.met,
            r.resolution_sla.missed,
            s.replies,
            s.direct_messages,
            s.boosts,
            s.likes,
            s.posts
        ));
    }
    out
}

/// The top authors as CSV.
pub fn authors_csv(report: &Report) -> String {
    let mut out = String::from("network,handle,name,followers,verified,mentions,open_items\n");
    for a in &report.top_authors {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            a.network,
            csv_cell(&a.handle),
            csv_cell(a.name.as_deref().unwrap_or("")),
            a.followers,
            a.verified,
            a.mentions,
            a.open_items
        ));
    }
    out
}

/// The customers with the most open items as CSV.
pub fn customers_csv(report: &Report) -> String {
    let mut out = String::from("name,standing,open_items,accounts\n");
    for c in &report.top_customers {
        out.push_str(&format!(
            "{},{},{},{}\n",
            csv_cell(&c.name),
            csv_cell(c.standing.as_deref().unwrap_or("")),
            c.open_items,
            csv_cell(&c.accounts.join("; "))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_made_inert() {
        assert_eq!(csv_cell("Ana"), "Ana");
        assert_eq!(csv_cell("Diaz, Dana"), "\"Diaz, Dana\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1+2"), "'-1+2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("@acme-help.bsky.social"), "@acme-help.bsky.social");
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        let p90 = quantile(&v, 0.9).unwrap();
        assert!(
            (p90 - 7.6).abs() < 1e-9,
            "between 4 and 10, 60% of the way: {p90}"
        );
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
    }

    #[test]
    fn local_days_start_at_local_midnight_across_dst() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Summer time ends on 25 October 2026: that day lasts 25 hours.
        let start = day_start(berlin, d("2026-10-25"));
        let next = day_start(berlin, d("2026-10-26"));
        assert_eq!(start.to_rfc3339(), "2026-10-24T22:00:00+00:00");
        assert_eq!((next - start).num_hours(), 25);
        // Summer time starts on 29 March 2026: 23 hours.
        let spring = day_start(berlin, d("2026-03-29"));
        assert_eq!((day_start(berlin, d("2026-03-30")) - spring).num_hours(), 23);
        // Where midnight itself is skipped (Santiago, September 2026), the day starts at 01:00.
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let s = day_start(santiago, d("2026-09-06"));
        assert_eq!(s.with_timezone(&santiago).format("%H:%M").to_string(), "01:00");
    }
}
