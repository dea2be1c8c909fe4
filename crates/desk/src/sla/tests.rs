//! Timers in wall and business time, at and around their deadlines.

use super::*;
use crate::hours::Schedule;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn wall(first: u32, resolution: u32) -> SlaPolicy {
    SlaPolicy {
        first_response_minutes: Some(first),
        resolution_minutes: Some(resolution),
        business_hours_only: false,
    }
}

fn business(first: u32, resolution: u32) -> SlaPolicy {
    SlaPolicy {
        business_hours_only: true,
        ..wall(first, resolution)
    }
}

fn berlin_office() -> Hours {
    Schedule::weekdays("Europe/Berlin", "09:00", "17:00")
        .check()
        .unwrap()
}

#[test]
fn default_policy_and_its_limits() {
    let p = SlaPolicy::default();
    assert_eq!(
        (p.first_response_minutes, p.resolution_minutes),
        (Some(60), Some(1440))
    );
    assert!(!p.business_hours_only);
    assert_eq!(p.check(), Ok(()));
    assert_eq!(
        wall(1, 43_200).check(),
        Ok(()),
        "both ends of the range are allowed"
    );
    let DeskError::Invalid { field, message } = wall(0, 60).check().unwrap_err();
    assert_eq!(field, "first_response_minutes");
    assert!(
        message.contains("0 minutes") && message.contains("43,200"),
        "{message}"
    );
    let err = wall(60, 43_201).check().unwrap_err();
    assert!(matches!(err, DeskError::Invalid { ref field, .. } if field == "resolution_minutes"));
    let off = SlaPolicy {
        first_response_minutes: None,
        resolution_minutes: None,
        business_hours_only: false,
    };
    assert_eq!(off.check(), Ok(()), "a policy may have no targets at all");
}

#[test]
fn wall_clock_timers_move_from_on_track_to_breached() {
    let start = utc("2025-01-06T10:00:00Z");
    let at = |minutes: i64| {
        timers(
            &wall(60, 1440),
            None,
            start,
            None,
            None,
            start + Duration::minutes(minutes),
        )
    };

    let fresh = at(0);
    assert_eq!(fresh.len(), 2);
    assert_eq!(fresh[0].kind, TimerKind::FirstResponse);
    assert_eq!(fresh[0].due_at, Some(utc("2025-01-06T11:00:00Z")));
    assert_eq!(
        (fresh[0].state, fresh[0].remaining_minutes),
        (TimerState::OnTrack, 60)
    );
    assert_eq!(fresh[1].due_at, Some(utc("2025-01-07T10:00:00Z")));

    // 25% of 60 is 15 minutes.
    assert_eq!(
        at(44)[0].state,
        TimerState::OnTrack,
        "16 minutes left is not yet due soon"
    );
    assert_eq!(
        (at(45)[0].state, at(45)[0].remaining_minutes),
        (TimerState::DueSoon, 15)
    );
    assert_eq!(
        at(60)[0].state,
        TimerState::Breached,
        "exactly at the due time is breached"
    );
    assert_eq!(at(60)[0].remaining_minutes, 0);
    assert_eq!(
        (at(80)[0].state, at(80)[0].remaining_minutes),
        (TimerState::Breached, -20)
    );
    assert_eq!(
        at(80)[0].took_minutes,
        None,
        "a running timer has taken nothing yet"
    );
}

#[test]
fn seconds_round_so_that_remaining_and_state_agree() {
    let start = utc("2025-01-06T10:00:00Z");
    let now = start + Duration::seconds(59 * 60 + 30);
    let t = &timers(&wall(60, 1440), None, start, None, None, now)[0];
    assert_eq!(
        (t.state, t.remaining_minutes),
        (TimerState::DueSoon, 1),
        "30 seconds left is 1 minute"
    );
    let late = start + Duration::seconds(60 * 60 + 30);
    let t = &timers(&wall(60, 1440), None, start, None, None, late)[0];
    assert_eq!((t.state, t.remaining_minutes), (TimerState::Breached, 0));
}

#[test]
fn due_soon_has_a_floor_of_ten_minutes() {
    let start = utc("2025-01-06T10:00:00Z");
    // 25% of 20 minutes is 5, but ten minutes is the floor.
    let t = &timers(
        &wall(20, 1440),
        None,
        start,
        None,
        None,
        start + Duration::minutes(10),
    )[0];
    assert_eq!(t.state, TimerState::DueSoon);
    let t = &timers(
        &wall(20, 1440),
        None,
        start,
        None,
        None,
        start + Duration::minutes(9),
    )[0];
    assert_eq!(t.state, TimerState::OnTrack);
}

#[test]
fn met_and_met_late_and_the_resolution_keeps_running() {
    let start = utc("2025-01-06T10:00:00Z");
    let replied = Some(start + Duration::minutes(42));
    let now = start + Duration::hours(23);
    let ts = timers(&wall(60, 1440), None, start, replied, None, now);
    assert_eq!(ts[0].state, TimerState::Met);
    assert_eq!((ts[0].took_minutes, ts[0].remaining_minutes), (Some(42), 18));
    assert_eq!(
        ts[1].state,
        TimerState::DueSoon,
        "the resolution timer runs on after the reply"
    );
    assert_eq!(ts[1].remaining_minutes, 60);

    let on_the_dot = Some(start + Duration::minutes(60));
    let ts = timers(&wall(60, 1440), None, start, on_the_dot, None, now);
    assert_eq!(
        ts[0].state,
        TimerState::MetLate,
        "an answer at the due instant is late"
    );
    assert_eq!(ts[0].remaining_minutes, 0);

    let resolved = Some(start + Duration::hours(30));
    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        replied,
        resolved,
        start + Duration::days(3),
    );
    assert_eq!(
        (ts[1].state, ts[1].took_minutes),
        (TimerState::MetLate, Some(1800))
    );
    assert_eq!(ts[1].remaining_minutes, -360);
}

#[test]
fn closing_without_a_reply_stops_the_first_response_timer() {
    let start = utc("2025-01-06T10:00:00Z");
    let resolved = Some(start + Duration::minutes(5));
    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        None,
        resolved,
        start + Duration::days(2),
    );
    assert_eq!(
        ts[0].state,
        TimerState::Met,
        "a closed item is not waiting for a reply"
    );
    assert_eq!(ts[1].state, TimerState::Met);
}

#[test]
fn a_policy_without_targets_has_no_timers() {
    let start = utc("2025-01-06T10:00:00Z");
    let only_first = SlaPolicy {
        resolution_minutes: None,
        ..wall(30, 1)
    };
    let ts = timers(&only_first, None, start, None, None, start);
    assert_eq!(ts.len(), 1);
    assert_eq!(ts[0].kind, TimerKind::FirstResponse);
}

#[test]
fn business_hours_stop_the_clock_over_the_weekend() {
    let hours = berlin_office();
    // Friday 2025-01-10 16:30 CET = 15:30 UTC; one hour of business time ends Monday 09:30 CET.
    let start = utc("2025-01-10T15:30:00Z");
    let saturday = utc("2025-01-11T12:00:00Z");
    let t = &timers(&business(60, 1440), Some(&hours), start, None, None, saturday)[0];
    assert_eq!(t.due_at, Some(utc("2025-01-13T08:30:00Z")));
    assert_eq!(
        (t.state, t.remaining_minutes),
        (TimerState::OnTrack, 30),
        "the weekend does not count"
    );

    let monday = utc("2025-01-13T08:20:00Z");
    let t = &timers(&business(60, 1440), Some(&hours), start, None, None, monday)[0];
    assert_eq!((t.state, t.remaining_minutes), (TimerState::DueSoon, 10));

    // A breach on Monday at 09:30 has lasted 7.5 business hours by Tuesday morning before opening.
    let tuesday = utc("2025-01-14T07:00:00Z");
    let t = &timers(&business(60, 1440), Some(&hours), start, None, None, tuesday)[0];
    assert_eq!((t.state, t.remaining_minutes), (TimerState::Breached, -450));

    let replied = Some(utc("2025-01-13T08:10:00Z"));
    let t = &timers(&business(60, 1440), Some(&hours), start, replied, None, tuesday)[0];
    assert_eq!(
        (t.state, t.took_minutes),
        (TimerState::Met, Some(40)),
        "business minutes taken"
    );
}

#[test]
fn business_hours_across_the_spring_change() {
    let hours = Schedule::weekdays("America/New_York", "09:00", "17:00")
        .check()
        .unwrap();
    // Friday 7 March 2025 16:00 EST; clocks go forward on Sunday; Monday opens 09:00 EDT = 13:00 UTC.
    let start = utc("2025-03-07T21:00:00Z");
    let ts = timers(&business(120, 600), Some(&hours), start, None, None, start);
    assert_eq!(ts[0].due_at, Some(utc("2025-03-10T14:00:00Z")));
    // 600 minutes: 1 h Friday, 8 h Monday, 1 h Tuesday.
    assert_eq!(ts[1].due_at, Some(utc("2025-03-11T14:00:00Z")));
}

#[test]
fn wall_time_is_used_without_hours_or_without_the_flag() {
    let start = utc("2025-01-10T15:30:00Z");
    let saturday = utc("2025-01-11T12:00:00Z");
    let hours = berlin_office();
    let t = &timers(&business(60, 1440), None, start, None, None, saturday)[0];
    assert_eq!(t.state, TimerState::Breached, "no hours known: wall time");
    let t = &timers(&wall(60, 1440), Some(&hours), start, None, None, saturday)[0];
    assert_eq!(
        t.state,
        TimerState::Breached,
        "hours known but not asked for: wall time"
    );
    assert_eq!(elapsed(Some(&hours), false, start, saturday), saturday - start);
    assert_eq!(
        elapsed(Some(&hours), true, start, saturday),
        Duration::minutes(30)
    );
    assert_eq!(
        elapsed(None, true, saturday, start),
        Duration::zero(),
        "never negative"
    );
}

#[test]
fn hours_that_never_open_have_no_due_time() {
    let never = Schedule {
        time_zone: "UTC".into(),
        spans: vec![],
    }
    .check()
    .unwrap();
    let start = utc("2025-01-06T10:00:00Z");
    let ts = timers(
        &business(60, 1440),
        Some(&never),
        start,
        None,
        None,
        start + Duration::days(9),
    );
    assert_eq!(ts[0].due_at, None);
    assert_eq!((ts[0].state, ts[0].remaining_minutes), (TimerState::OnTrack, 60));
}

#[test]
fn a_clock_behind_the_start_does_not_add_time() {
    let start = utc("2025-01-06T10:00:00Z");
    let t = &timers(
        &wall(60, 1440),
        None,
        start,
        None,
        None,
        start - Duration::minutes(5),
    )[0];
    assert_eq!(t.remaining_minutes, 60);
}

#[test]
fn headline_prefers_breached_then_nearest_then_last_met() {
    let start = utc("2025-01-06T10:00:00Z");
    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        None,
        None,
        start + Duration::minutes(90),
    );
    assert_eq!(
        headline(&ts).map(|t| t.kind),
        Some(TimerKind::FirstResponse),
        "the breached one"
    );

    let ts = timers(
        &wall(60, 90),
        None,
        start,
        None,
        None,
        start + Duration::minutes(100),
    );
    assert_eq!(
        headline(&ts).map(|t| t.kind),
        Some(TimerKind::FirstResponse),
        "breached earliest"
    );

    let replied = Some(start + Duration::minutes(10));
    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        replied,
        None,
        start + Duration::minutes(20),
    );
    assert_eq!(
        headline(&ts).map(|t| t.kind),
        Some(TimerKind::Resolution),
        "the one still running"
    );

    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        replied,
        replied,
        start + Duration::minutes(20),
    );
    assert_eq!(
        headline(&ts).map(|t| t.kind),
        Some(TimerKind::Resolution),
        "the last met one"
    );

    let ts: Vec<Timer> = vec![
        Timer {
            due_at: Some(start + Duration::hours(5)),
            ..ts[0].clone()
        },
        Timer {
            kind: TimerKind::Resolution,
            state: TimerState::OnTrack,
            due_at: Some(start + Duration::hours(2)),
            ..ts[0].clone()
        },
    ];
    assert_eq!(
        headline(&ts).map(|t| t.kind),
        Some(TimerKind::Resolution),
        "a running one beats met"
    );
    assert_eq!(headline(&[]), None);
}

#[test]
fn timers_serialise_in_snake_case() {
    let start = utc("2025-01-06T10:00:00Z");
    let ts = timers(
        &wall(60, 1440),
        None,
        start,
        None,
        None,
        start + Duration::minutes(50),
    );
    let json = serde_json::to_string(&ts[0]).unwrap();
    assert!(json.contains(r#""kind":"first_response""#), "{json}");
    assert!(json.contains(r#""state":"due_soon""#), "{json}");
    let back: Timer = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ts[0]);
    let policy: SlaPolicy = serde_json::from_str(&serde_json::to_string(&wall(5, 10)).unwrap()).unwrap();
    assert_eq!(policy, wall(5, 10));
}
