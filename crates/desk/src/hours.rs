//! Weekly schedules in a time zone: business hours for SLA timers and quiet hours for alerts.
//!
//! A schedule is written the way people say it ("Monday 09:00 to 17:00, Europe/Berlin") and checked
//! once into [`Hours`], which answers questions about UTC instants. Local times are turned into instants
//! date by date through chrono-tz, so a day keeps its local opening times across a DST change.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::DeskError;

/// One opening on one day of the week, in local time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Span {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub day: u8,
    /// "HH:MM" local time.
    pub start: String,
    /// "HH:MM" local time; "24:00" is the end of the day. An end at or before the start runs past
    /// midnight into the next day (22:00–07:00 quiet hours).
    pub end: String,
}

/// A weekly schedule as the agent writes it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Schedule {
    /// IANA name, such as "Europe/Berlin".
    pub time_zone: String,
    pub spans: Vec<Span>,
}

const MINUTES_PER_DAY: u32 = 24 * 60;
/// The longest DST gap on record is a skipped day (Samoa, 2011); a start in a gap is searched this far.
const LONGEST_GAP_MINUTES: u32 = 2 * MINUTES_PER_DAY;
/// `advance` looks at most this many days ahead; a schedule open at all is open within a week.
const ADVANCE_CHUNK_DAYS: i64 = 14;
const ADVANCE_MAX_CHUNKS: usize = 60;

impl Schedule {
    /// The same hours Monday to Friday.
    pub fn weekdays(time_zone: &str, start: &str, end: &str) -> Schedule {
        Schedule::on_days(time_zone, 1..=5, start, end)
    }

    /// The same hours every day of the week.
    pub fn every_day(time_zone: &str, start: &str, end: &str) -> Schedule {
        Schedule::on_days(time_zone, 1..=7, start, end)
    }

    fn on_days(time_zone: &str, days: std::ops::RangeInclusive<u8>, start: &str, end: &str) -> Schedule {
        Schedule {
            time_zone: time_zone.to_string(),
            spans: days
                .map(|day| Span {
                    day,
                    start: start.to_string(),
                    end: end.to_string(),
                })
                .collect(),
        }
    }

    /// Checks the time zone, the days and the times. No spans is allowed and means "never open".
    pub fn check(&self) -> Result<Hours, DeskError> {
        let name = self.time_zone.trim();
        if name.is_empty() {
            return Err(DeskError::invalid(
                "time_zone",
                "Choose a time zone for these hours, such as Europe/Berlin or America/New_York.",
            ));
        }
        let tz: Tz = name.parse().map_err(|_| {
            DeskError::invalid(
                "time_zone",
                format!(
                    "Earshot does not know the time zone \"{name}\". Use an IANA name such as Europe/Berlin \
                     or America/New_York."
                ),
            )
        })?;
        let mut spans = Vec::with_capacity(self.spans.len());
        for (i, span) in self.spans.iter().enumerate() {
            if !(1..=7).contains(&span.day) {
                return Err(DeskError::invalid(
                    format!("spans[{i}].day"),
                    format!(
                        "Day {} is not a day of the week. Use 1 for Monday up to 7 for Sunday.",
                        span.day
                    ),
                ));
            }
            let start = match parse_time(&span.start) {
                Some(MINUTES_PER_DAY) => {
                    return Err(DeskError::invalid(
                        format!("spans[{i}].start"),
                        "Opening time 24:00 is the end of a day. Use 00:00 to open at midnight.",
                    ))
                }
                Some(m) => m,
                None => {
                    return Err(DeskError::invalid(
                        format!("spans[{i}].start"),
                        format!(
                            "Opening time {} is not a time of day. Use HH:MM, such as 09:00.",
                            span.start.trim()
                        ),
                    ))
                }
            };
            let end = parse_time(&span.end).ok_or_else(|| {
                DeskError::invalid(
                    format!("spans[{i}].end"),
                    format!(
                        "Closing time {} is not a time of day. Use HH:MM, such as 17:30.",
                        span.end.trim()
                    ),
                )
            })?;
            // An end at or before the start belongs to the next day.
            let end = if end <= start { end + MINUTES_PER_DAY } else { end };
            spans.push(DaySpan {
                weekday: u32::from(span.day),
                start,
                end,
            });
        }
        Ok(Hours { tz, spans })
    }
}

/// "HH:MM" (or "H:MM") to minutes after midnight; "24:00" is 1440.
fn parse_time(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DaySpan {
    weekday: u32,
    /// Minutes after the local midnight that starts `weekday`.
    start: u32,
    /// Minutes after that same midnight; above 1440 when the span runs into the next day.
    end: u32,
}

/// A checked schedule. Intervals are half open: open at the start instant, closed at the end instant.
#[derive(Clone, Debug, PartialEq)]
pub struct Hours {
    tz: Tz,
    spans: Vec<DaySpan>,
}

type Interval = (DateTime<Utc>, DateTime<Utc>);

impl Hours {
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.intervals_around(at, at)
            .iter()
            .any(|&(start, end)| start <= at && at < end)
    }

    /// Only the time inside the schedule between `from` and `to`; zero if `to` is not after `from`.
    pub fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        self.intervals_around(from, to)
            .iter()
            .map(|&(start, end)| clip((start, end), from, to))
            .sum()
    }

    /// The instant at which `by` of open time has passed after `from`. None if the schedule is never
    /// open, or open too little to give `by` within about two years.
    pub fn advance(&self, from: DateTime<Utc>, by: Duration) -> Option<DateTime<Utc>> {
        if by <= Duration::zero() {
            return Some(from);
        }
        if self.spans.is_empty() {
            return None;
        }
        let mut left = by;
        let mut cursor = from;
        for _ in 0..ADVANCE_MAX_CHUNKS {
            let until = cursor + Duration::days(ADVANCE_CHUNK_DAYS);
            for (start, end) in self.intervals_around(cursor, until) {
                let (start, end) = (start.max(cursor), end.min(until));
                if end <= start {
                    continue;
                }
                if end - start >= left {
                    return Some(start + left);
                }
                left -= end - start;
            }
            cursor = until;
        }
        None
    }

    /// The next instant after `at` when the schedule opens or closes, looking at most 8 days ahead.
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let limit = at + Duration::days(8);
        self.intervals_around(at, limit)
            .into_iter()
            .flat_map(|(start, end)| [start, end])
            .filter(|&t| t > at && t <= limit)
            .min()
    }

    /// Merged open intervals for every local day that can touch [from, to]. Spans reach at most one day
    /// past their own, so starting two local days early catches overnight spans whatever the offset.
    fn intervals_around(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Interval> {
        let first = from.with_timezone(&self.tz).date_naive() - Duration::days(2);
        let last = to.with_timezone(&self.tz).date_naive() + Duration::days(1);
        let mut out = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            let weekday = date.weekday().number_from_monday();
            for span in self.spans.iter().filter(|s| s.weekday == weekday) {
                let start = self.instant(date, span.start, Edge::Start);
                let end = self.instant(date, span.end, Edge::End);
                if start < end {
                    out.push((start, end));
                }
            }
        }
        merge(out)
    }

    fn instant(&self, date: NaiveDate, minutes: u32, edge: Edge) -> DateTime<Utc> {
        let local = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
        local_to_utc(self.tz, local, edge)
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// A local time to an instant. In an autumn overlap a start takes the earlier instant and an end the
/// later one, so an opening is never shortened. In a spring gap both take the first instant after it.
fn local_to_utc(tz: Tz, local: NaiveDateTime, edge: Edge) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => match edge {
            Edge::Start => earlier.with_timezone(&Utc),
            Edge::End => later.with_timezone(&Utc),
        },
        LocalResult::None => {
            // Gaps begin and end on whole minutes in every zone in use, so stepping by a minute finds
            // the first local time that exists again.
            (1..=LONGEST_GAP_MINUTES)
                .find_map(|m| {
                    tz.from_local_datetime(&(local + Duration::minutes(i64::from(m))))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

/// Sorts and joins overlapping or touching intervals, so overlapping spans never count twice.
fn merge(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort();
    let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn clip((start, end): Interval, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    let (start, end) = (start.max(from), end.min(to));
    if end > start {
        end - start
    } else {
        Duration::zero()
    }
}

#[cfg(test)]
mod tests;
