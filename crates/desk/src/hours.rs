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
    /// open (no spans, or spans that only ever fall into DST gaps).
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
mod tests {
    use super::*;
    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test instants are RFC 3339")
            .with_timezone(&Utc)
    }

    fn hours(schedule: Schedule) -> Hours {
        schedule.check().expect("the test schedule is valid")
    }

    fn span(day: u8, start: &str, end: &str) -> Span {
        Span {
            day,
            start: start.into(),
            end: end.into(),
        }
    }

    fn message(err: DeskError) -> (String, String) {
        let DeskError::Invalid { field, message } = err;
        (field, message)
    }

    #[test]
    fn weekday_hours_open_and_close_in_local_time() {
        let h = hours(Schedule::weekdays("Europe/Berlin", "09:00", "17:00"));
        // 2025-01-06 is a Monday; Berlin is UTC+1 in winter.
        assert!(
            !h.contains(utc("2025-01-06T07:59:00Z")),
            "08:59 local is before opening"
        );
        assert!(
            h.contains(utc("2025-01-06T08:00:00Z")),
            "09:00 local is the first open minute"
        );
        assert!(
            h.contains(utc("2025-01-06T15:59:59Z")),
            "16:59:59 local is still open"
        );
        assert!(
            !h.contains(utc("2025-01-06T16:00:00Z")),
            "17:00 local is closed: the end is exclusive"
        );
        assert!(
            !h.contains(utc("2025-01-11T10:00:00Z")),
            "Saturday is not a weekday"
        );
        assert_eq!(h.time_zone(), chrono_tz::Europe::Berlin);
    }

    #[test]
    fn friday_evening_to_monday_morning_has_no_open_time() {
        let h = hours(Schedule::weekdays("Europe/Berlin", "09:00", "17:00"));
        let friday_evening = utc("2025-01-10T17:00:00Z");
        let monday_morning = utc("2025-01-13T07:00:00Z");
        assert_eq!(h.open_between(friday_evening, monday_morning), Duration::zero());
        assert_eq!(
            h.next_change(friday_evening),
            Some(utc("2025-01-13T08:00:00Z")),
            "the next change after Friday's close is Monday's opening"
        );
        assert_eq!(
            h.advance(utc("2025-01-11T12:00:00Z"), Duration::minutes(30)),
            Some(utc("2025-01-13T08:30:00Z")),
            "half an hour asked on Saturday is used up on Monday at 09:30"
        );
        assert_eq!(
            h.open_between(utc("2025-01-10T15:00:00Z"), utc("2025-01-13T09:00:00Z")),
            Duration::hours(2),
            "Friday 16:00 to 17:00 plus Monday 09:00 to 10:00"
        );
    }

    #[test]
    fn business_hours_count_across_the_new_york_spring_change() {
        let h = hours(Schedule::weekdays("America/New_York", "09:00", "17:00"));
        // Friday 2025-03-07 16:00 EST = 21:00 UTC; clocks go forward on Sunday 9 March.
        let from = utc("2025-03-07T21:00:00Z");
        let due = h.advance(from, Duration::minutes(120)).unwrap();
        // One hour on Friday, one from Monday 09:00 EDT = 13:00 UTC. A fixed offset would say 15:00.
        assert_eq!(due, utc("2025-03-10T14:00:00Z"));
        assert_eq!(
            h.open_between(from, due),
            Duration::minutes(120),
            "advance and open_between agree"
        );
    }

    #[test]
    fn business_hours_count_across_the_berlin_spring_change() {
        let h = hours(Schedule::weekdays("Europe/Berlin", "09:00", "17:00"));
        // Friday 2025-03-28 16:30 CET = 15:30 UTC; Monday 31 March opens at 09:00 CEST = 07:00 UTC.
        let due = h
            .advance(utc("2025-03-28T15:30:00Z"), Duration::minutes(60))
            .unwrap();
        assert_eq!(due, utc("2025-03-31T07:30:00Z"));
        assert_eq!(
            h.open_between(utc("2025-03-24T00:00:00Z"), utc("2025-04-07T00:00:00Z")),
            Duration::hours(80),
            "two full weeks of 8-hour days, whatever the offset"
        );
    }

    #[test]
    fn quiet_night_spans_the_spring_and_autumn_changes() {
        let h = hours(Schedule::every_day("Europe/Berlin", "22:00", "07:00"));
        // Night of 29 to 30 March 2025: 22:00 CET (21:00 UTC) to 07:00 CEST (05:00 UTC) is 8 hours.
        let spring = h.open_between(utc("2025-03-29T12:00:00Z"), utc("2025-03-30T12:00:00Z"));
        assert_eq!(spring, Duration::hours(8), "the spring night is an hour short");
        assert!(
            h.contains(utc("2025-03-30T01:30:00Z")),
            "03:30 CEST is inside the quiet night"
        );
        assert!(
            !h.contains(utc("2025-03-30T05:00:00Z")),
            "07:00 CEST ends the night"
        );
        // Night of 25 to 26 October: 22:00 CEST (20:00 UTC) to 07:00 CET (06:00 UTC) is 10 hours.
        let autumn = h.open_between(utc("2025-10-25T12:00:00Z"), utc("2025-10-26T12:00:00Z"));
        assert_eq!(autumn, Duration::hours(10), "the autumn night is an hour long");
        assert_eq!(
            h.next_change(utc("2025-10-25T21:00:00Z")),
            Some(utc("2025-10-26T06:00:00Z"))
        );
    }

    #[test]
    fn quiet_night_on_the_new_york_autumn_change() {
        let h = hours(Schedule::every_day("America/New_York", "22:00", "07:00"));
        // 22:00 EDT on 1 November = 02:00 UTC; 07:00 EST on 2 November = 12:00 UTC.
        let night = h.open_between(utc("2025-11-01T12:00:00Z"), utc("2025-11-02T16:00:00Z"));
        assert_eq!(night, Duration::hours(10));
        assert!(
            h.contains(utc("2025-11-02T06:30:00Z")),
            "01:30 local, either of them, is quiet"
        );
    }

    #[test]
    fn a_span_starting_in_the_spring_gap_starts_when_the_clock_resumes() {
        // 02:30 does not exist in Berlin on 30 March 2025; the span opens at 03:00 CEST = 01:00 UTC.
        let h = hours(Schedule {
            time_zone: "Europe/Berlin".into(),
            spans: vec![span(7, "02:30", "03:30")],
        });
        assert_eq!(
            h.next_change(utc("2025-03-30T00:00:00Z")),
            Some(utc("2025-03-30T01:00:00Z"))
        );
        let that_day = h.open_between(utc("2025-03-29T00:00:00Z"), utc("2025-03-31T00:00:00Z"));
        assert_eq!(that_day, Duration::minutes(30), "03:00 to 03:30 CEST");
        let normal = h.open_between(utc("2025-03-22T00:00:00Z"), utc("2025-03-24T00:00:00Z"));
        assert_eq!(normal, Duration::minutes(60), "the Sunday before is a full hour");
    }

    #[test]
    fn a_span_in_the_autumn_overlap_keeps_both_readings() {
        // 02:00 to 02:30 happens twice in Berlin on 26 October 2025: start at the first 02:00 (00:00 UTC),
        // end at the second 02:30 (01:30 UTC).
        let h = hours(Schedule {
            time_zone: "Europe/Berlin".into(),
            spans: vec![span(7, "02:00", "02:30")],
        });
        assert!(h.contains(utc("2025-10-26T00:00:00Z")));
        assert!(h.contains(utc("2025-10-26T01:29:00Z")));
        assert!(!h.contains(utc("2025-10-26T01:30:00Z")));
        let day = h.open_between(utc("2025-10-25T00:00:00Z"), utc("2025-10-27T00:00:00Z"));
        assert_eq!(day, Duration::minutes(90));
    }

    #[test]
    fn an_overnight_span_belongs_to_the_day_it_starts() {
        let h = hours(Schedule {
            time_zone: "UTC".into(),
            spans: vec![span(5, "22:00", "02:00")],
        });
        // 2025-01-10 is a Friday.
        assert!(
            h.contains(utc("2025-01-11T01:00:00Z")),
            "Saturday 01:00 is Friday night's span"
        );
        assert!(
            !h.contains(utc("2025-01-10T01:00:00Z")),
            "Friday 01:00 would be Thursday night's"
        );
        assert_eq!(
            h.open_between(utc("2025-01-06T00:00:00Z"), utc("2025-01-13T00:00:00Z")),
            Duration::hours(4)
        );
    }

    #[test]
    fn a_sunday_night_span_runs_into_monday() {
        let h = hours(Schedule {
            time_zone: "UTC".into(),
            spans: vec![span(7, "23:00", "01:00")],
        });
        assert!(
            h.contains(utc("2025-01-13T00:30:00Z")),
            "Monday 00:30 is Sunday night's span"
        );
    }

    #[test]
    fn end_of_day_and_a_full_day() {
        let h = hours(Schedule::every_day("UTC", "00:00", "24:00"));
        let at = utc("2025-06-01T10:00:00Z");
        assert!(h.contains(at));
        assert_eq!(
            h.next_change(at),
            None,
            "a schedule open all the time never changes"
        );
        assert_eq!(h.open_between(at, at + Duration::days(3)), Duration::days(3));
        assert_eq!(
            h.advance(at, Duration::minutes(90)),
            Some(at + Duration::minutes(90))
        );

        let evening = hours(Schedule {
            time_zone: "UTC".into(),
            spans: vec![span(1, "20:00", "24:00"), span(2, "00:00", "02:00")],
        });
        // Monday 20:00 to 24:00 joins Tuesday 00:00 to 02:00: midnight is no change.
        assert_eq!(
            evening.next_change(utc("2025-01-06T21:00:00Z")),
            Some(utc("2025-01-07T02:00:00Z"))
        );
    }

    #[test]
    fn overlapping_spans_do_not_count_twice() {
        let h = hours(Schedule {
            time_zone: "UTC".into(),
            spans: vec![
                span(1, "09:00", "13:00"),
                span(1, "12:00", "17:00"),
                span(1, "10:00", "11:00"),
            ],
        });
        let day = h.open_between(utc("2025-01-06T00:00:00Z"), utc("2025-01-07T00:00:00Z"));
        assert_eq!(day, Duration::hours(8));
        assert_eq!(
            h.next_change(utc("2025-01-06T09:30:00Z")),
            Some(utc("2025-01-06T17:00:00Z"))
        );
    }

    #[test]
    fn an_empty_schedule_is_never_open() {
        let h = hours(Schedule {
            time_zone: "Europe/Berlin".into(),
            spans: vec![],
        });
        let at = utc("2025-01-06T10:00:00Z");
        assert!(!h.contains(at));
        assert_eq!(h.open_between(at, at + Duration::days(30)), Duration::zero());
        assert_eq!(h.advance(at, Duration::minutes(1)), None);
        assert_eq!(h.next_change(at), None);
    }

    #[test]
    fn backwards_or_empty_ranges_are_zero() {
        let h = hours(Schedule::every_day("UTC", "00:00", "24:00"));
        let at = utc("2025-01-06T10:00:00Z");
        assert_eq!(h.open_between(at, at), Duration::zero());
        assert_eq!(h.open_between(at, at - Duration::hours(1)), Duration::zero());
        assert_eq!(h.advance(at, Duration::zero()), Some(at));
    }

    #[test]
    fn advance_lands_on_closing_time_when_the_budget_ends_there() {
        let h = hours(Schedule::weekdays("UTC", "09:00", "17:00"));
        assert_eq!(
            h.advance(utc("2025-01-06T16:00:00Z"), Duration::minutes(60)),
            Some(utc("2025-01-06T17:00:00Z"))
        );
        assert_eq!(
            h.advance(utc("2025-01-06T09:00:00Z"), Duration::hours(24)),
            Some(utc("2025-01-08T17:00:00Z")),
            "three full days of eight hours"
        );
    }

    #[test]
    fn schedules_survive_json() {
        let schedule = Schedule::weekdays("Europe/Berlin", "09:00", "17:30");
        let json = serde_json::to_string(&schedule).unwrap();
        assert!(json.contains(r#""day":1"#), "days are plain numbers: {json}");
        let back: Schedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, schedule);
        assert_eq!(schedule.spans.len(), 5);
        assert_eq!(Schedule::every_day("UTC", "08:00", "20:00").spans.len(), 7);
    }

    #[test]
    fn bad_input_says_what_to_do() {
        let mut s = Schedule::weekdays("Berlin", "09:00", "17:00");
        let (field, text) = message(s.check().unwrap_err());
        assert_eq!(field, "time_zone");
        assert!(
            text.contains("\"Berlin\"") && text.contains("Europe/Berlin"),
            "{text}"
        );

        s.time_zone = "  ".into();
        assert_eq!(message(s.check().unwrap_err()).0, "time_zone");

        s.time_zone = "Europe/Berlin".into();
        s.spans[1].end = "25:00".into();
        assert_eq!(
            message(s.check().unwrap_err()),
            (
                "spans[1].end".to_string(),
                "Closing time 25:00 is not a time of day. Use HH:MM, such as 17:30.".to_string()
            )
        );

        for bad in ["9", "9.00", "17:60", "", "ab:cd", "123:00", "-1:00", "09:5"] {
            s.spans[1].end = bad.into();
            assert!(s.check().is_err(), "{bad:?} should not be a closing time");
        }
        s.spans[1].end = "24:00".into();
        assert!(s.check().is_ok(), "24:00 closes at the end of the day");

        s.spans[0].start = "24:00".into();
        let (field, text) = message(s.check().unwrap_err());
        assert_eq!(field, "spans[0].start");
        assert!(text.contains("00:00"), "{text}");

        s.spans[0].start = "9:00".into();
        assert!(s.check().is_ok(), "a one-digit hour is fine");

        s.spans[2].day = 8;
        let (field, text) = message(s.check().unwrap_err());
        assert_eq!(field, "spans[2].day");
        assert_eq!(
            text,
            "Day 8 is not a day of the week. Use 1 for Monday up to 7 for Sunday."
        );
        s.spans[2].day = 0;
        assert!(s.check().is_err(), "day 0 is not a weekday");
    }
}
