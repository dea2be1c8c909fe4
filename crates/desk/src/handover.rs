//! The shift handover: what the next agent must look at first (items close to their SLA), what we
//! promised, and what is still open; and the short public post when the team signs off.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use earshot_core::Intent;
use serde::{Deserialize, Serialize};

use crate::promises::Promise;
use crate::sla::{Timer, TimerKind, TimerState};
use crate::template::{first_name, signed};
use crate::text::{cut, intent_word, one_line};

/// A handover shows this much of each post.
const LINE_CHARS: usize = 100;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandoverItem {
    pub item_id: String,
    pub author: String,
    pub handle: String,
    pub intent: Intent,
    pub waiting_since: DateTime<Utc>,
    /// The item's headline timer.
    pub sla: Option<Timer>,
    pub first_line: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PromiseMade {
    pub item_id: String,
    pub author: String,
    pub promise: Promise,
    pub said_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Handover {
    pub agent: String,
    pub ended_at: DateTime<Utc>,
    pub note: String,
    /// Open items whose headline timer is due soon or breached, soonest due first.
    pub near_sla: Vec<HandoverItem>,
    /// All the other open items, oldest waiting first.
    pub open: Vec<HandoverItem>,
    /// Newest first.
    pub promises: Vec<PromiseMade>,
}

pub fn handover(
    agent: &str,
    ended_at: DateTime<Utc>,
    note: &str,
    open: Vec<HandoverItem>,
    mut promises: Vec<PromiseMade>,
) -> Handover {
    let (mut near_sla, mut open): (Vec<_>, Vec<_>) = open.into_iter().partition(|item| {
        item.sla
            .as_ref()
            .is_some_and(|t| matches!(t.state, TimerState::DueSoon | TimerState::Breached))
    });
    near_sla.sort_by_key(|i| {
        let due = i.sla.as_ref().and_then(|t| t.due_at);
        (due.is_none(), due, i.waiting_since)
    });
    open.sort_by_key(|i| i.waiting_since);
    promises.sort_by_key(|p| std::cmp::Reverse(p.said_at));
    Handover {
        agent: agent.trim().to_string(),
        ended_at,
        note: note.trim().to_string(),
        near_sla,
        open,
        promises,
    }
}

impl Handover {
    /// Plain text for the CLI and the clipboard, with times in `tz`. Text written by authors is kept to
    /// one line and stripped of control characters, so it cannot move a terminal's cursor.
    pub fn to_text(&self, tz: Tz) -> String {
        let end = self.ended_at.with_timezone(&tz);
        let mut out = format!(
            "Handover from {}, {} ({})\n",
            one_line(&self.agent),
            end.format("%H:%M on %a %-d %b %Y"),
            tz.name()
        );
        let note: Vec<String> = self
            .note
            .lines()
            .map(one_line)
            .filter(|l| !l.is_empty())
            .collect();
        if !note.is_empty() {
            out.push_str("\nNote\n");
            for line in note {
                out.push_str(&format!("  {line}\n"));
            }
        }

        out.push_str("\nClose to SLA\n");
        self.items(&mut out, &self.near_sla, tz);

        out.push_str("\nPromises made\n");
        if self.promises.is_empty() {
            out.push_str("  none\n");
        }
        for p in &self.promises {
            out.push_str(&format!(
                "- {}, {}: \"{}\"",
                one_line(&p.author),
                self.local(p.said_at, tz),
                one_line(&p.promise.phrase)
            ));
            if let Some(when) = &p.promise.when {
                out.push_str(&format!(" ({})", one_line(when)));
            }
            out.push('\n');
        }

        out.push_str("\nStill open\n");
        self.items(&mut out, &self.open, tz);
        out
    }

    fn items(&self, out: &mut String, items: &[HandoverItem], tz: Tz) {
        if items.is_empty() {
            out.push_str("  none\n");
        }
        for item in items {
            out.push_str(&format!(
                "- {} on {}: {}, waiting {}",
                one_line(&item.author),
                one_line(&item.handle),
                intent_word(item.intent).to_lowercase(),
                duration(self.ended_at - item.waiting_since),
            ));
            if let Some(timer) = item.sla.as_ref().and_then(|t| self.timer(t, tz)) {
                out.push_str(&format!(", {timer}"));
            }
            out.push('\n');
            let line = cut(&one_line(&item.first_line), LINE_CHARS);
            if !line.is_empty() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }

    /// "first response due 14:05", "resolution breached 20 min ago"; nothing for a met timer.
    fn timer(&self, timer: &Timer, tz: Tz) -> Option<String> {
        let what = match timer.kind {
            TimerKind::FirstResponse => "first response",
            TimerKind::Resolution => "resolution",
        };
        let due = timer.due_at?;
        match timer.state {
            TimerState::Breached => Some(format!("{what} breached {} ago", duration(self.ended_at - due))),
            TimerState::OnTrack | TimerState::DueSoon => Some(format!("{what} due {}", self.local(due, tz))),
            TimerState::Met | TimerState::MetLate => None,
        }
    }

    /// "14:05" on the handover's own day, "Mon 17 Mar 09:30" on another.
    fn local(&self, at: DateTime<Utc>, tz: Tz) -> String {
        let at = at.with_timezone(&tz);
        if at.date_naive() == self.ended_at.with_timezone(&tz).date_naive() {
            at.format("%H:%M").to_string()
        } else {
            at.format("%a %-d %b %H:%M").to_string()
        }
    }
}

/// "3 h 12 min", "45 min", "2 d 4 h".
fn duration(d: chrono::Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "under a minute".to_string(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// The public post when the team signs off: "Signing off for today. Sam is here until 22:00 if you need
/// us. –Ana". Without a next agent: "… We'll be back tomorrow morning. –Ana". Without a signature the
/// leaving agent's first name signs.
pub fn shift_post(leaving: &str, next: Option<&str>, until: Option<&str>, signature: &str) -> String {
    let next = next.map(first_name).filter(|n| !n.is_empty());
    let until = until.map(str::trim).filter(|u| !u.is_empty());
    let middle = match (next, until) {
        (Some(next), Some(until)) => format!("{next} is here until {until} if you need us."),
        (Some(next), None) => format!("{next} is here if you need us."),
        (None, _) => "We'll be back tomorrow morning.".to_string(),
    };
    let own = first_name(leaving);
    let signature = match signature.trim() {
        "" if own.is_empty() => String::new(),
        "" => format!("–{own}"),
        given => given.to_string(),
    };
    signed(&format!("Signing off for today. {middle}"), &signature)
}

#[cfg(test)]
mod tests;
