//! Handover ordering, its plain text in a time zone, and the sign-off post.

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn timer(kind: TimerKind, state: TimerState, due: &str) -> Option<Timer> {
    Some(Timer {
        kind,
        target_minutes: 60,
        due_at: Some(utc(due)),
        state,
        remaining_minutes: 0,
        took_minutes: None,
    })
}

fn item(id: &str, author: &str, waiting_since: &str, sla: Option<Timer>) -> HandoverItem {
    HandoverItem {
        item_id: id.into(),
        author: author.into(),
        handle: "@brand-support".into(),
        intent: Intent::Complaint,
        waiting_since: utc(waiting_since),
        sla,
        first_line: format!("Post from {author}"),
    }
}

fn promise(id: &str, author: &str, said_at: &str, phrase: &str, when: Option<&str>) -> PromiseMade {
    PromiseMade {
        item_id: id.into(),
        author: author.into(),
        promise: Promise {
            phrase: phrase.into(),
            when: when.map(str::to_string),
        },
        said_at: utc(said_at),
    }
}

/// Friday 14 March 2025, 18:02 in Berlin (UTC+1).
const END: &str = "2025-03-14T17:02:00Z";

fn sample() -> Handover {
    let open = vec![
        item("d", "Dan", "2025-03-14T16:00:00Z", None),
        item(
            "b",
            "Bob (@bob)",
            "2025-03-14T16:17:00Z",
            timer(TimerKind::Resolution, TimerState::DueSoon, "2025-03-14T17:12:00Z"),
        ),
        item(
            "c",
            "Carol",
            "2025-03-12T09:00:00Z",
            timer(
                TimerKind::FirstResponse,
                TimerState::OnTrack,
                "2025-03-17T08:30:00Z",
            ),
        ),
        item(
            "a",
            "Jane Doe (@jane.example)",
            "2025-03-14T13:50:00Z",
            timer(
                TimerKind::FirstResponse,
                TimerState::Breached,
                "2025-03-14T16:42:00Z",
            ),
        ),
        item(
            "e",
            "Eve",
            "2025-03-14T17:01:30Z",
            timer(TimerKind::FirstResponse, TimerState::Met, "2025-03-14T18:00:00Z"),
        ),
    ];
    let promises = vec![
        promise(
            "a",
            "Jane Doe",
            "2025-03-14T15:00:00Z",
            "I'll get back to you by Friday.",
            Some("by Friday"),
        ),
        promise("b", "Bob", "2025-03-14T16:40:00Z", "We're on it.", None),
        promise(
            "c",
            "Carol",
            "2025-03-13T09:00:00Z",
            "We'll call you tomorrow.",
            Some("tomorrow"),
        ),
    ];
    handover(
        " Ana López ",
        utc(END),
        "  Finance is slow on refunds today.\n",
        open,
        promises,
    )
}

#[test]
fn items_are_sorted_into_near_sla_and_open() {
    let h = sample();
    let ids = |items: &[HandoverItem]| items.iter().map(|i| i.item_id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&h.near_sla),
        vec!["a", "b"],
        "breached and due soon, soonest due first"
    );
    assert_eq!(
        ids(&h.open),
        vec!["c", "d", "e"],
        "the rest, oldest waiting first"
    );
    let said: Vec<&str> = h.promises.iter().map(|p| p.item_id.as_str()).collect();
    assert_eq!(said, vec!["b", "a", "c"], "newest promise first");
    assert_eq!(h.agent, "Ana López");
    assert_eq!(h.note, "Finance is slow on refunds today.");
}

#[test]
fn the_text_reads_in_local_time() {
    let text = sample().to_text(chrono_tz::Europe::Berlin);
    let expected = "\
Handover from Ana López, 18:02 on Fri 14 Mar 2025 (Europe/Berlin)

Note
  Finance is slow on refunds today.

Close to SLA
- Jane Doe (@jane.example) on @brand-support: complaint, waiting 3 h 12 min, first response breached 20 min ago
  Post from Jane Doe (@jane.example)
- Bob (@bob) on @brand-support: complaint, waiting 45 min, resolution due 18:12
  Post from Bob (@bob)

Promises made
- Bob, 17:40: \"We're on it.\"
- Jane Doe, 16:00: \"I'll get back to you by Friday.\" (by Friday)
- Carol, Thu 13 Mar 10:00: \"We'll call you tomorrow.\" (tomorrow)

Still open
- Carol on @brand-support: complaint, waiting 2 d 8 h, first response due Mon 17 Mar 09:30
  Post from Carol
- Dan on @brand-support: complaint, waiting 1 h 2 min
  Post from Dan
- Eve on @brand-support: complaint, waiting under a minute
  Post from Eve
";
    assert_eq!(text, expected);
}

#[test]
fn empty_sections_say_none() {
    let h = handover("Sam", utc(END), "", vec![], vec![]);
    let text = h.to_text(chrono_tz::America::New_York);
    assert_eq!(
        text,
        "Handover from Sam, 13:02 on Fri 14 Mar 2025 (America/New_York)\n\nClose to SLA\n  none\n\n\
         Promises made\n  none\n\nStill open\n  none\n"
    );
}

#[test]
fn author_text_cannot_reach_the_terminal() {
    let mut evil = item("x", "Mallory\u{1b}[2J", "2025-03-14T17:00:00Z", None);
    evil.first_line = "line one\nline two\u{7}".into();
    evil.intent = Intent::Other;
    let text = handover("Ana", utc(END), "a\u{1b}b\n\nsecond", vec![evil], vec![]).to_text(chrono_tz::UTC);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    assert!(text.contains("- Mallory[2J on @brand-support: mention, waiting 2 min\n  line one line two\n"));
    assert!(text.contains("\nNote\n  ab\n  second\n"), "{text}");
}

#[test]
fn durations_read_naturally() {
    let d = chrono::Duration::minutes;
    assert_eq!(duration(d(0)), "under a minute");
    assert_eq!(
        duration(d(-5)),
        "under a minute",
        "a clock that disagrees is not negative"
    );
    assert_eq!(duration(d(45)), "45 min");
    assert_eq!(duration(d(60)), "1 h");
    assert_eq!(duration(d(192)), "3 h 12 min");
    assert_eq!(duration(d(1440)), "1 d");
    assert_eq!(duration(d(1440 * 2 + 250)), "2 d 4 h");
}

#[test]
fn the_sign_off_post() {
    assert_eq!(
        shift_post("Ana María López", Some("Sam Okafor"), Some("22:00"), "–Ana"),
        "Signing off for today. Sam is here until 22:00 if you need us. –Ana"
    );
    assert_eq!(
        shift_post("Ana López", None, Some("22:00"), "–Ana"),
        "Signing off for today. We'll be back tomorrow morning. –Ana"
    );
    assert_eq!(
        shift_post("Ana López", Some("Sam"), None, "^AL"),
        "Signing off for today. Sam is here if you need us. ^AL"
    );
    assert_eq!(
        shift_post("Ana López", Some("  "), Some(" "), ""),
        "Signing off for today. We'll be back tomorrow morning. –Ana",
        "a blank next agent is no next agent; no signature signs with the first name"
    );
    assert_eq!(
        shift_post("", None, None, ""),
        "Signing off for today. We'll be back tomorrow morning."
    );
}

#[test]
fn a_handover_survives_json() {
    let h = sample();
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(serde_json::from_str::<Handover>(&json).unwrap(), h);
}
