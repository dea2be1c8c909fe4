//! Turning fired alerts into desktop notifications: one notice per alert while they are few, one summary
//! when they come in a burst, and nothing during quiet hours (those are held and summarised later).
//!
//! Notice text is plain text. Some notification servers render a subset of HTML, and post text is written
//! by strangers, so `<`, `>` and `&` are always escaped and control characters removed.

use chrono::{DateTime, Utc};
use earshot_core::Intent;
use serde::{Deserialize, Serialize};

use crate::text::{count, cut, escape_markup, intent_word, one_line};

/// More than this many alerts within [`BURST_WINDOW_SECONDS`] become one summary.
pub const BURST_LIMIT: usize = 3;
pub const BURST_WINDOW_SECONDS: i64 = 60;
/// A single notice shows this much of the post.
const SINGLE_LINE_CHARS: usize = 120;
/// A summary lists this many authors, and this much of each post.
const SUMMARY_AUTHORS: usize = 5;
const SUMMARY_LINE_CHARS: usize = 80;
/// A summary names at most this many intent-and-handle groups before "N others".
const SUMMARY_GROUPS: usize = 3;

/// One fired alert, with everything a notice needs to say.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Alert {
    pub item_id: String,
    pub rule_name: String,
    pub why: String,
    /// "Jane Doe (@jane.example)".
    pub author: String,
    /// Our handle as shown: "@brand-support".
    pub handle: String,
    pub intent: Intent,
    pub urgent: bool,
    pub customer: bool,
    /// The post's first line, already plain text.
    pub first_line: String,
    pub fired_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Single,
    Burst,
    AfterQuiet,
}

/// One desktop notification.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notice {
    pub kind: NoticeKind,
    pub summary: String,
    pub body: String,
    pub item_ids: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Plan {
    pub show: Vec<Notice>,
    /// Item IDs held back for quiet hours or do-not-disturb.
    pub hold: Vec<String>,
}

/// What to show for `new` alerts, given how many notices were already shown in the burst window.
pub fn plan(new: Vec<Alert>, shown_in_window: usize, quiet: impl Fn(&Alert) -> bool) -> Plan {
    let (held, rest): (Vec<Alert>, Vec<Alert>) = new.into_iter().partition(|a| quiet(a));
    let hold = held.into_iter().map(|a| a.item_id).collect();
    let show = if rest.is_empty() {
        vec![]
    } else if shown_in_window + rest.len() <= BURST_LIMIT {
        rest.iter().map(single).collect()
    } else {
        vec![summarise(&rest, NoticeKind::Burst)]
    };
    Plan { show, hold }
}

/// "Complaint from Jane Doe on @brand-support", with the post's first line and the reason.
pub fn single(alert: &Alert) -> Notice {
    let summary = format!(
        "{}{} from {} on {}",
        if alert.urgent { "Urgent: " } else { "" },
        intent_word(alert.intent),
        display_name(&alert.author),
        one_line(&alert.handle),
    );
    let line = cut(&one_line(&alert.first_line), SINGLE_LINE_CHARS);
    // The reason in words, then the rule's own name, so the person knows which rule to change.
    let why = match one_line(&alert.rule_name) {
        name if name.is_empty() => format!("Why: {}", one_line(&alert.why)),
        name => format!("Why: {} (rule: {name})", one_line(&alert.why)),
    };
    let body = if line.is_empty() {
        why
    } else {
        format!("{line}\n{why}")
    };
    Notice {
        kind: NoticeKind::Single,
        summary: escape_markup(&summary),
        body: escape_markup(&body),
        item_ids: vec![alert.item_id.clone()],
    }
}

/// One notice for many alerts: counts by intent and handle, then the first few authors.
pub fn summarise(alerts: &[Alert], kind: NoticeKind) -> Notice {
    let mut summary = String::new();
    if kind == NoticeKind::AfterQuiet {
        summary.push_str("While alerts were held: ");
    }
    summary.push_str(&counts(alerts));

    let mut lines: Vec<String> = alerts
        .iter()
        .take(SUMMARY_AUTHORS)
        .map(|a| {
            let line = cut(&one_line(&a.first_line), SUMMARY_LINE_CHARS);
            let author = one_line(&a.author);
            if line.is_empty() {
                author
            } else {
                format!("{author}: {line}")
            }
        })
        .collect();
    if alerts.len() > SUMMARY_AUTHORS {
        lines.push(format!("and {} more", alerts.len() - SUMMARY_AUTHORS));
    }
    Notice {
        kind,
        summary: escape_markup(&summary),
        body: escape_markup(&lines.join("\n")),
        item_ids: alerts.iter().map(|a| a.item_id.clone()).collect(),
    }
}

/// "12 complaints on @brand-support, 3 from customers", or with several groups
/// "14 alerts: 12 complaints on @brand-support, 2 questions on @brand-help; 3 from customers".
fn counts(alerts: &[Alert]) -> String {
    let mut groups: Vec<(Intent, String, usize)> = Vec::new();
    for a in alerts {
        let handle = one_line(&a.handle);
        match groups.iter_mut().find(|(i, h, _)| *i == a.intent && *h == handle) {
            Some(group) => group.2 += 1,
            None => groups.push((a.intent, handle, 1)),
        }
    }
    // Largest first; a stable sort keeps first-seen order among equals.
    groups.sort_by_key(|g| std::cmp::Reverse(g.2));
    let mut phrases: Vec<String> = groups
        .iter()
        .take(SUMMARY_GROUPS)
        .map(|(intent, handle, n)| format!("{} on {handle}", intent_count(*intent, *n)))
        .collect();
    if groups.len() > SUMMARY_GROUPS {
        let others: usize = groups[SUMMARY_GROUPS..].iter().map(|g| g.2).sum();
        phrases.push(count(others, "other", "others"));
    }

    let mut tail = Vec::new();
    let customers = alerts.iter().filter(|a| a.customer).count();
    if customers > 0 {
        tail.push(if customers == 1 {
            "1 from a customer".to_string()
        } else {
            format!("{customers} from customers")
        });
    }
    let urgent = alerts.iter().filter(|a| a.urgent).count();
    if urgent > 0 {
        tail.push(format!("{urgent} urgent"));
    }

    if groups.len() <= 1 {
        let mut parts = phrases;
        if parts.is_empty() {
            parts.push("0 alerts".to_string());
        }
        parts.extend(tail);
        parts.join(", ")
    } else {
        let mut text = format!(
            "{}: {}",
            count(alerts.len(), "alert", "alerts"),
            phrases.join(", ")
        );
        if !tail.is_empty() {
            text.push_str("; ");
            text.push_str(&tail.join(", "));
        }
        text
    }
}

fn intent_count(intent: Intent, n: usize) -> String {
    match intent {
        Intent::Complaint => count(n, "complaint", "complaints"),
        Intent::Question => count(n, "question", "questions"),
        Intent::Praise => count(n, "post of praise", "posts of praise"),
        Intent::Other => count(n, "mention", "mentions"),
    }
}

/// "Jane Doe (@jane.example)" → "Jane Doe"; an author without a display name keeps the handle.
fn display_name(author: &str) -> String {
    let author = one_line(author);
    match author.strip_suffix(')').and_then(|a| a.rsplit_once(" (")) {
        Some((name, handle)) if !name.trim().is_empty() && handle.starts_with('@') => name.trim().to_string(),
        _ => author,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(id: &str, intent: Intent, handle: &str) -> Alert {
        Alert {
            item_id: id.into(),
            rule_name: "Complaints from influential authors or customers".into(),
            why: "Complaint from an author with 48,200 followers".into(),
            author: format!("Author {id} (@a{id}.example)"),
            handle: handle.into(),
            intent,
            urgent: false,
            customer: false,
            first_line: format!("Post {id}"),
            fired_at: DateTime::parse_from_rfc3339("2025-01-06T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    fn complaints(n: usize) -> Vec<Alert> {
        (0..n)
            .map(|i| alert(&i.to_string(), Intent::Complaint, "@brand-support"))
            .collect()
    }

    #[test]
    fn a_few_alerts_show_one_notice_each() {
        let p = plan(complaints(3), 0, |_| false);
        assert_eq!(p.show.len(), 3);
        assert!(p.show.iter().all(|n| n.kind == NoticeKind::Single));
        assert_eq!(p.show[2].item_ids, vec!["2".to_string()]);
        assert!(p.hold.is_empty());
    }

    #[test]
    fn more_than_the_limit_become_one_burst() {
        let p = plan(complaints(4), 0, |_| false);
        assert_eq!(p.show.len(), 1, "four at once is a burst");
        assert_eq!(p.show[0].kind, NoticeKind::Burst);
        assert_eq!(
            p.show[0].item_ids,
            vec!["0", "1", "2", "3"],
            "item IDs keep their order"
        );

        let p = plan(complaints(2), 2, |_| false);
        assert_eq!(
            p.show.len(),
            1,
            "two already shown plus two new is over the limit"
        );
        assert_eq!(p.show[0].kind, NoticeKind::Burst);
        let p = plan(complaints(1), 2, |_| false);
        assert_eq!(
            p.show[0].kind,
            NoticeKind::Single,
            "two shown plus one is still at the limit"
        );
    }

    #[test]
    fn quiet_alerts_are_held_and_do_not_count_towards_a_burst() {
        let mut alerts = complaints(5);
        alerts[4].urgent = true;
        let p = plan(alerts, 0, |a| !a.urgent);
        assert_eq!(p.hold, vec!["0", "1", "2", "3"]);
        assert_eq!(p.show.len(), 1);
        assert_eq!(p.show[0].kind, NoticeKind::Single);
        assert_eq!(p.show[0].item_ids, vec!["4"]);

        let p = plan(complaints(2), 0, |_| true);
        assert!(p.show.is_empty(), "everything held, nothing shown");
        assert_eq!(p.hold.len(), 2);
        assert_eq!(
            plan(vec![], 5, |_| false),
            Plan {
                show: vec![],
                hold: vec![]
            }
        );
    }

    #[test]
    fn a_single_notice_names_intent_author_and_handle() {
        let mut a = alert("1", Intent::Complaint, "@brand-support");
        a.author = "Jane Doe (@jane.example)".into();
        a.first_line = "My order never arrived".into();
        let n = single(&a);
        assert_eq!(n.summary, "Complaint from Jane Doe on @brand-support");
        assert_eq!(
            n.body,
            "My order never arrived\nWhy: Complaint from an author with 48,200 followers \
             (rule: Complaints from influential authors or customers)"
        );

        a.urgent = true;
        a.intent = Intent::Other;
        assert_eq!(
            single(&a).summary,
            "Urgent: Mention from Jane Doe on @brand-support"
        );
        a.author = "@jane.example".into();
        a.intent = Intent::Question;
        a.urgent = false;
        assert_eq!(
            single(&a).summary,
            "Question from @jane.example on @brand-support"
        );
    }

    #[test]
    fn long_lines_are_cut_at_a_character_boundary() {
        let mut a = alert("1", Intent::Praise, "@brand");
        a.first_line = "ä".repeat(200);
        let n = single(&a);
        let first = n.body.lines().next().unwrap();
        assert_eq!(
            first.chars().count(),
            120,
            "cut to 120 characters including the ellipsis"
        );
        assert!(first.ends_with('…'));
        a.first_line = "x".repeat(120);
        assert!(
            !single(&a).body.contains('…'),
            "exactly 120 characters is not cut"
        );
    }

    #[test]
    fn attacker_text_cannot_add_markup_or_control_characters() {
        let mut a = alert("1", Intent::Complaint, "@brand");
        a.author = "<b>Eve</b> & co (@eve)".into();
        a.first_line = "<img src=x onerror=alert(1)>\u{1b}[2J\u{7}\nsecond line".into();
        let n = single(&a);
        assert_eq!(
            n.summary,
            "Complaint from &lt;b&gt;Eve&lt;/b&gt; &amp; co on @brand"
        );
        assert!(!n.body.contains('<') && !n.body.contains('\u{1b}') && !n.body.contains('\u{7}'));
        assert!(
            n.body
                .starts_with("&lt;img src=x onerror=alert(1)&gt;[2J second line\n"),
            "{}",
            n.body
        );
        let burst = summarise(&[a], NoticeKind::Burst);
        assert!(!burst.body.contains('<'), "{}", burst.body);
        assert!(burst.body.contains("&lt;b&gt;Eve"), "{}", burst.body);
    }

    #[test]
    fn a_summary_for_one_intent_on_one_handle() {
        let mut alerts = complaints(12);
        for a in alerts.iter_mut().take(3) {
            a.customer = true;
        }
        let n = summarise(&alerts, NoticeKind::Burst);
        assert_eq!(n.summary, "12 complaints on @brand-support, 3 from customers");
        assert_eq!(
            summarise(&complaints(1), NoticeKind::Burst).summary,
            "1 complaint on @brand-support"
        );
        alerts[0].customer = false;
        alerts[1].customer = false;
        alerts[5].urgent = true;
        assert_eq!(
            summarise(&alerts, NoticeKind::Burst).summary,
            "12 complaints on @brand-support, 1 from a customer, 1 urgent"
        );
    }

    #[test]
    fn a_summary_for_several_handles_and_intents() {
        let mut alerts = vec![alert("q1", Intent::Question, "@brand-help")];
        alerts.extend(complaints(12));
        alerts.push(alert("q2", Intent::Question, "@brand-help"));
        for a in alerts.iter_mut().skip(1).take(3) {
            a.customer = true;
        }
        let n = summarise(&alerts, NoticeKind::Burst);
        assert_eq!(
            n.summary,
            "14 alerts: 12 complaints on @brand-support, 2 questions on @brand-help; 3 from customers"
        );
        assert_eq!(
            n.item_ids.first().map(String::as_str),
            Some("q1"),
            "IDs in arrival order"
        );
        assert_eq!(n.item_ids.last().map(String::as_str), Some("q2"));

        let mixed = vec![
            alert("1", Intent::Praise, "@a"),
            alert("2", Intent::Other, "@b"),
            alert("3", Intent::Praise, "@a"),
            alert("4", Intent::Complaint, "@c"),
            alert("5", Intent::Question, "@d"),
        ];
        assert_eq!(
            summarise(&mixed, NoticeKind::Burst).summary,
            "5 alerts: 2 posts of praise on @a, 1 mention on @b, 1 complaint on @c, 1 other"
        );
    }

    #[test]
    fn after_quiet_summaries_say_so() {
        let n = summarise(&complaints(2), NoticeKind::AfterQuiet);
        assert_eq!(n.kind, NoticeKind::AfterQuiet);
        assert_eq!(
            n.summary,
            "While alerts were held: 2 complaints on @brand-support"
        );
    }

    #[test]
    fn the_body_lists_five_authors_then_how_many_more() {
        let n = summarise(&complaints(7), NoticeKind::Burst);
        let lines: Vec<&str> = n.body.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "Author 0 (@a0.example): Post 0");
        assert_eq!(lines[4], "Author 4 (@a4.example): Post 4");
        assert_eq!(lines[5], "and 2 more");
        let n = summarise(&complaints(5), NoticeKind::Burst);
        assert!(!n.body.contains("more"), "five fit without a tail: {}", n.body);
    }

    #[test]
    fn notices_serialise_in_snake_case() {
        let n = summarise(&complaints(2), NoticeKind::AfterQuiet);
        let json = serde_json::to_string(&n).unwrap();
        assert!(json.contains(r#""kind":"after_quiet""#), "{json}");
        assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), n);
    }
}
