//! Automatic assignment: who gets the next waiting item of a queue. Round-robin takes turns in a fixed order;
//! least-loaded gives it to whoever holds the fewest items, taking turns among equals. Either way only people
//! on duty for the queue are offered (the caller's business), and nobody at their cap gets one.

use serde::{Deserialize, Serialize};

/// How a queue hands out its waiting items.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AssignMode {
    /// Nobody is given items: agents claim them.
    Off,
    /// In turn, in a fixed order, skipping anyone at their cap.
    RoundRobin,
    /// To whoever holds the fewest items; in turn among those who hold as few.
    LeastLoaded,
}

impl AssignMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignMode::Off => "off",
            AssignMode::RoundRobin => "round_robin",
            AssignMode::LeastLoaded => "least_loaded",
        }
    }

    /// Accepts `round-robin` and `round_robin` alike, as people type them.
    pub fn parse(raw: &str) -> Option<AssignMode> {
        match raw.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "off" => Some(AssignMode::Off),
            "round_robin" => Some(AssignMode::RoundRobin),
            "least_loaded" => Some(AssignMode::LeastLoaded),
            _ => None,
        }
    }
}

/// Someone who could take an item: their ID (which sets the turn order), what they hold and their cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Load {
    pub agent: i64,
    pub holding: i64,
    pub cap: i64,
}

/// The index in `agents` of who gets the next item, or None when everyone is at their cap (or nobody is
/// offered). `last` is who got the queue's previous item: turns start after them, in ID order, wrapping round.
pub fn pick(mode: AssignMode, agents: &[Load], last: Option<i64>) -> Option<usize> {
    // Turn order: the first ID after `last`, then on round; with no `last`, the lowest ID first.
    let turn = |a: &Load| (last.is_some_and(|l| a.agent <= l), a.agent);
    let free = agents.iter().enumerate().filter(|(_, a)| a.holding < a.cap);
    match mode {
        AssignMode::Off => None,
        AssignMode::RoundRobin => free.min_by_key(|(_, a)| turn(a)).map(|(i, _)| i),
        AssignMode::LeastLoaded => free.min_by_key(|(_, a)| (a.holding, turn(a))).map(|(i, _)| i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(agent: i64, holding: i64, cap: i64) -> Load {
        Load { agent, holding, cap }
    }

    /// Hands out `n` items one by one, as the engine does, and returns who got each.
    fn hand_out(mode: AssignMode, agents: &mut [Load], n: usize) -> Vec<i64> {
        let mut last = None;
        let mut got = Vec::new();
        for _ in 0..n {
            let Some(i) = pick(mode, agents, last) else { break };
            agents[i].holding += 1;
            last = Some(agents[i].agent);
            got.push(agents[i].agent);
        }
        got
    }

    #[test]
    fn round_robin_takes_turns_and_skips_anyone_at_their_cap() {
        let mut team = [load(1, 0, 25), load(2, 7, 25), load(3, 0, 2)];
        assert_eq!(
            hand_out(AssignMode::RoundRobin, &mut team, 8),
            [1, 2, 3, 1, 2, 3, 1, 2],
            "3 reaches the cap of 2 and is skipped from then on"
        );
        // Turns carry on after whoever had the last one.
        let team = [load(1, 0, 25), load(2, 0, 25), load(3, 0, 25)];
        assert_eq!(pick(AssignMode::RoundRobin, &team, Some(2)), Some(2));
        assert_eq!(pick(AssignMode::RoundRobin, &team, Some(3)), Some(0));
        // Someone who left the team since (ID 9) still sets where the turn starts.
        assert_eq!(pick(AssignMode::RoundRobin, &team, Some(9)), Some(0));
    }

    #[test]
    fn least_loaded_fills_the_emptiest_first_then_takes_turns() {
        let mut team = [load(1, 5, 25), load(2, 0, 25), load(3, 1, 25)];
        let got = hand_out(AssignMode::LeastLoaded, &mut team, 12);
        // 2 catches up with 3 at one item; the two take turns until they catch up with 1 at five; then all
        // three take turns, starting after whoever had the last.
        assert_eq!(got, [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 1, 2]);
        assert_eq!(team.map(|a| a.holding), [6, 6, 6]);
    }

    #[test]
    fn nobody_gets_an_item_when_everyone_is_full_or_the_queue_is_off() {
        let team = [load(1, 3, 3), load(2, 0, 0)];
        assert_eq!(pick(AssignMode::RoundRobin, &team, None), None);
        assert_eq!(pick(AssignMode::LeastLoaded, &team, None), None);
        assert_eq!(pick(AssignMode::Off, &[load(1, 0, 5)], None), None);
        assert_eq!(pick(AssignMode::LeastLoaded, &[], None), None);
    }

    #[test]
    fn modes_read_as_people_type_them() {
        assert_eq!(AssignMode::parse("Round-Robin"), Some(AssignMode::RoundRobin));
        assert_eq!(AssignMode::parse("least_loaded"), Some(AssignMode::LeastLoaded));
        assert_eq!(AssignMode::parse("off"), Some(AssignMode::Off));
        assert_eq!(AssignMode::parse("fair"), None);
    }
}
