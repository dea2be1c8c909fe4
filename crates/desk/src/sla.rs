//! SLA timers: how long we have to answer and to resolve an item, counted in wall time or in business
//! hours, and where each timer stands at a given instant.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::hours::Hours;
use crate::DeskError;

/// A timer is due soon when at most this share of its target is left…
pub const DUE_SOON_SHARE: f64 = 0.25;
/// …or at most this many minutes, whichever is more.
pub const DUE_SOON_MIN_MINUTES: i64 = 10;
/// The longest target: 30 days.
const MAX_TARGET_MINUTES: u32 = 43_200;

/// The targets a team promises its authors.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SlaPolicy {
    pub first_response_minutes: Option<u32>,
    pub resolution_minutes: Option<u32>,
    /// Count only the time inside business hours (when the team has any).
    pub business_hours_only: bool,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            first_response_minutes: Some(60),
            resolution_minutes: Some(1440),
            business_hours_only: false,
        }
    }
}

impl SlaPolicy {
    pub fn check(&self) -> Result<(), DeskError> {
        let targets = [
            (
                "first_response_minutes",
                "first response",
                self.first_response_minutes,
            ),
            ("resolution_minutes", "resolution", self.resolution_minutes),
        ];
        for (field, what, minutes) in targets {
            if let Some(m) = minutes {
                if !(1..=MAX_TARGET_MINUTES).contains(&m) {
                    return Err(DeskError::invalid(
                        field,
                        format!(
                            "A {what} target of {m} minutes is not possible. Use 1 to 43,200 minutes (30 days), \
                             or turn the target off."
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    FirstResponse,
    Resolution,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TimerState {
    OnTrack,
    DueSoon,
    Breached,
    Met,
    MetLate,
}

impl TimerState {
    pub fn is_running(self) -> bool {
        matches!(
            self,
            TimerState::OnTrack | TimerState::DueSoon | TimerState::Breached
        )
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Timer {
    pub kind: TimerKind,
    pub target_minutes: u32,
    /// None only when the timer counts business hours and the business is never open.
    pub due_at: Option<DateTime<Utc>>,
    pub state: TimerState,
    /// Running: minutes left, negative once breached. Met: the target minus what it took.
    /// In business minutes when the timer counts business hours.
    // Minutes fit an i32 many times over; TypeScript gets a plain number.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub remaining_minutes: i64,
    /// When met: how long it took, in the timer's own minutes.
    #[cfg_attr(feature = "specta", specta(type = Option<i32>))]
    pub took_minutes: Option<i64>,
}

/// The time that counts against a target: business time when asked for and hours are known, wall time
/// otherwise. Never negative.
pub fn elapsed(
    hours: Option<&Hours>,
    business_hours_only: bool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Duration {
    match hours {
        Some(h) if business_hours_only => h.open_between(from, to),
        _ => (to - from).max(Duration::zero()),
    }
}

/// The timers of one item at `now`. A policy without a target gives no timer for it.
///
/// Minutes are whole: what is left rounds up (30 seconds left is "1 min"), what it took rounds down, so
/// `remaining_minutes > 0` exactly when the deadline has not been reached. A timer at its due instant is
/// breached, and an answer at that instant is late.
pub fn timers(
    policy: &SlaPolicy,
    hours: Option<&Hours>,
    start: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Timer> {
    let clock = Clock {
        hours: hours.filter(|_| policy.business_hours_only),
    };
    // Clocks that disagree slightly must not give more time than the target.
    let now = now.max(start);
    // An item closed without a reply no longer waits for one, so resolving also stops that timer.
    let answered = first_response_at.or(resolved_at);
    let mut out = Vec::new();
    if let Some(target) = policy.first_response_minutes {
        out.push(clock.timer(TimerKind::FirstResponse, target, start, answered, now));
    }
    if let Some(target) = policy.resolution_minutes {
        out.push(clock.timer(TimerKind::Resolution, target, start, resolved_at, now));
    }
    out
}

/// The timer a list row shows: the running one most in need of attention (breached first, then nearest
/// due); when none is running, the last met one.
pub fn headline(timers: &[Timer]) -> Option<&Timer> {
    let running = timers.iter().filter(|t| t.state.is_running()).min_by_key(|t| {
        (
            t.state != TimerState::Breached,
            t.due_at.is_none(),
            t.due_at,
            t.remaining_minutes,
        )
    });
    running.or_else(|| timers.iter().rev().find(|t| !t.state.is_running()))
}

/// Wall time, or business time when the policy asks for it and hours are known.
struct Clock<'a> {
    hours: Option<&'a Hours>,
}

impl Clock<'_> {
    fn due(&self, start: DateTime<Utc>, target: Duration) -> Option<DateTime<Utc>> {
        match self.hours {
            Some(h) => h.advance(start, target),
            None => Some(start + target),
        }
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        elapsed(self.hours, true, from, to)
    }

    fn timer(
        &self,
        kind: TimerKind,
        target_minutes: u32,
        start: DateTime<Utc>,
        stopped_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Timer {
        let target = Duration::minutes(i64::from(target_minutes));
        let due_at = self.due(start, target);
        let (state, remaining, took_minutes) = match stopped_at {
            Some(at) => {
                let took = self.between(start, at);
                let took_minutes = took.num_minutes();
                let state = if took < target {
                    TimerState::Met
                } else {
                    TimerState::MetLate
                };
                (
                    state,
                    i64::from(target_minutes) - took_minutes,
                    Some(took_minutes),
                )
            }
            None => {
                let left = match due_at {
                    Some(due) if now < due => self.between(now, due),
                    Some(due) => -self.between(due, now),
                    // Business hours that never open: the clock never runs.
                    None => target,
                };
                let remaining = minutes_rounded_up(left);
                (running_state(target_minutes, remaining), remaining, None)
            }
        };
        Timer {
            kind,
            target_minutes,
            due_at,
            state,
            remaining_minutes: remaining,
            took_minutes,
        }
    }
}

fn minutes_rounded_up(d: Duration) -> i64 {
    let seconds = d.num_seconds();
    seconds.div_euclid(60) + i64::from(seconds.rem_euclid(60) > 0)
}

fn running_state(target_minutes: u32, remaining: i64) -> TimerState {
    let soon = (f64::from(target_minutes) * DUE_SOON_SHARE).max(DUE_SOON_MIN_MINUTES as f64);
    if remaining <= 0 {
        TimerState::Breached
    } else if remaining as f64 <= soon {
        TimerState::DueSoon
    } else {
        TimerState::OnTrack
    }
}

#[cfg(test)]
mod tests;
