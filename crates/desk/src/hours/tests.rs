//! Hours across DST changes, overnight spans, weekends and bad input.

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
