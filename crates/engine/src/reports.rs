//! Reports over a period, in the agent's time zone: volume per local day, the share of each kind, response and
//! resolution times (median and 90th percentile), SLA attainment in business hours, and actions sent, split
//! by handle, role, network or agent. Definitions are in docs/reports.md.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use earshot_desk::TimerState;
use earshot_store::reports::{self, ReportFilter, WorkedItem};
use earshot_store::work::WorkRow;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Engine, EngineError};

/// The longest period a report covers.
const MAX_DAYS: i64 = 400;

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
}

/// One local day's mentions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct DayVolume {
    pub day: String,
    pub total: u32,
    pub spam: u32,
    pub actionable: u32,
    pub complaint: u32,
    pub question: u32,
    pub praise: u32,
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

impl Engine {
    /// The report for a period of local days.
    pub async fn report(&self, q: &ReportQuery) -> Result<Report, EngineError> {
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
        let filter = ReportFilter {
            handle: match q.handle_id.as_deref() {
                Some(h) => Some(self.handle_id(h).await?),
                None => None,
            },
            role: q.role.clone(),
            network: q.network.clone(),
        };
        let now = self.clock.now();
        let policies = self.policies().await?;
        let (buckets, worked, sent) = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            (
                reports::volume(&mut conn, from, to, &filter).await?,
                reports::worked(&mut conn, from, to, &filter).await?,
                reports::sent(&mut conn, from, to).await?,
            )
        };

        // Local days, each with the instant it starts; a bucket belongs to the last day starting at or before it.
        let mut days: BTreeMap<DateTime<Utc>, DayVolume> = BTreeMap::new();
        let mut d = first;
        while d <= last {
            days.insert(
                day_start(tz, d),
                DayVolume {
                    day: d.format("%Y-%m-%d").to_string(),
                    ..Default::default()
                },
            );
            d += Duration::days(1);
        }
        let mut totals = DayVolume::default();
        for b in &buckets {
            let n = u32::try_from(b.count).unwrap_or(u32::MAX);
            if let Some((_, day)) = days.range_mut(..=b.start).next_back() {
                add(day, &b.queue, b.intent.as_deref(), n);
            }
            add(&mut totals, &b.queue, b.intent.as_deref(), n);
        }

        let (mut first_minutes, mut resolve_minutes) = (Vec::new(), Vec::new());
        let (mut fr_met, mut fr_missed, mut res_met, mut res_missed) = (0u32, 0u32, 0u32, 0u32);
        for item in &worked {
            let w = work_row(item);
            let start = w.started_at();
            if let Some(t) = w.first_response_at {
                first_minutes.push((t - start).num_seconds() as f64 / 60.0);
            }
            if let (Some(t), "resolved") = (w.resolved_at, item.stage.as_str()) {
                resolve_minutes.push((t - start).num_seconds() as f64 / 60.0);
            }
            for timer in policies.timers(&item.handles, &w, now) {
                let first = timer.kind == earshot_desk::TimerKind::FirstResponse;
                let (met, missed) = if first {
                    (&mut fr_met, &mut fr_missed)
                } else {
                    (&mut res_met, &mut res_missed)
                };
                match timer.state {
                    TimerState::Met => *met += 1,
                    TimerState::MetLate | TimerState::Breached => *missed += 1,
                    // Still running within target: not counted either way yet.
                    TimerState::OnTrack | TimerState::DueSoon => {}
                }
            }
        }

        let mut counts = SentCounts::default();
        for (kind, _, n) in &sent {
            let n = u32::try_from(*n).unwrap_or(u32::MAX);
            match kind.as_str() {
                "reply" => counts.replies += n,
                "dm" => counts.direct_messages += n,
                "boost" => counts.boosts += n,
                "like" => counts.likes += n,
                "post" => counts.posts += n,
                _ => {}
            }
        }

        Ok(Report {
            from: first.format("%Y-%m-%d").to_string(),
            to: last.format("%Y-%m-%d").to_string(),
            time_zone: tz.name().to_owned(),
            days: days.into_values().collect(),
            totals,
            first_response: stats(first_minutes),
            resolution: stats(resolve_minutes),
            first_response_sla: attainment(fr_met, fr_missed),
            resolution_sla: attainment(res_met, res_missed),
            sent: counts,
        })
    }

    /// Right now: items waiting by queue and handle, the one waiting longest, SLA breaches in progress, and who
    /// is on duty holding what.
    pub async fn report_now(&self) -> Result<NowReport, EngineError> {
        let now = self.clock.now();
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
        for id in reports::longest_waiting(&mut conn, BREACH_SCAN).await? {
            let (Some(w), Some(row)) = (
                earshot_store::work::get(&mut conn, id).await?,
                earshot_store::mentions::get(&mut conn, id).await?,
            ) else {
                continue;
            };
            let handles: Vec<_> = row.handles.iter().map(|h| h.id).collect();
            let timers = policies.timers(&handles, &w, now);
            let first = timers
                .iter()
                .find(|t| t.kind == earshot_desk::TimerKind::FirstResponse)
                .map(crate::work::timer_view);
            waiting.push(WaitingItem {
                item_id: id.0.to_string(),
                author: format!("@{}", row.author.handle),
                handle: row.handles.first().map(|h| format!("@{}", h.account)),
                waited_minutes: u32::try_from((now - w.started_at()).num_minutes().max(0))
                    .unwrap_or(u32::MAX),
                sla: first,
            });
        }
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

fn work_row(item: &WorkedItem) -> WorkRow {
    WorkRow {
        id: item.id,
        stage: item.stage.parse().unwrap_or(earshot_core::Stage::Open),
        snoozed_until: None,
        created_at: item.created_at,
        first_seen_at: item.first_seen_at,
        first_response_at: item.first_response_at,
        resolved_at: item.resolved_at,
        assignee: None,
        held_by_role: None,
    }
}

/// The report's day table as CSV, with the same columns as the window's table.
pub fn days_csv(report: &Report) -> String {
    let mut out = String::from("day,total,spam,actionable,complaint,question,praise\n");
    for d in &report.days {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            d.day, d.total, d.spam, d.actionable, d.complaint, d.question, d.praise
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
