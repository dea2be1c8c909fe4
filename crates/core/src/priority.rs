//! The priority score: who is waiting, and how much their voice carries.
//!
//! The score is a sum of factors, each kept as a [`Reason`] so the inbox can say why an item ranks where it
//! does. Waiting time grows linearly, so the *order* of two items never changes as time passes: the store
//! sorts by a time-free [`Priority::rank_key`], and the score shown is worked out for the moment it is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Author;

/// How much each factor counts. Tunable; the defaults favour a large, verified, established author who has
/// waited long.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriorityWeights {
    /// Points per tenfold followers (log10 of followers + 1).
    pub followers: f64,
    pub verified: f64,
    /// Points taken from an account younger than [`NEW_ACCOUNT_DAYS`], full at one day old.
    pub new_account: f64,
    /// Points for an account at least a year old when it posted.
    pub established_account: f64,
    /// Points per hour of waiting.
    pub waiting_per_hour: f64,
}

pub const NEW_ACCOUNT_DAYS: f64 = 30.0;

impl Default for PriorityWeights {
    fn default() -> Self {
        Self {
            followers: 1.0,
            verified: 1.5,
            new_account: 2.0,
            established_account: 0.5,
            waiting_per_hour: 0.25,
        }
    }
}

/// A part of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Followers,
    Verified,
    AccountAge,
    Waiting,
}

/// One factor's contribution to an item's score, with a line a person can read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub factor: Factor,
    pub label: String,
    pub contribution: f64,
}

/// An item's assessed priority: the parts that do not change with time, plus the waiting rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub reasons: Vec<Reason>,
    pub waiting_since: DateTime<Utc>,
    pub waiting_per_hour: f64,
}

fn hours_since_epoch(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 3_600_000.0
}

impl Priority {
    /// Assesses a mention by its author, at the time it was posted. Nothing here depends on the present.
    pub fn assess(author: &Author, posted_at: DateTime<Utc>, weights: &PriorityWeights) -> Self {
        let mut reasons = Vec::new();
        let followers = weights.followers * (author.followers as f64 + 1.0).log10();
        if followers > 0.0 {
            reasons.push(Reason {
                factor: Factor::Followers,
                label: format!("Followers: {}", human_count(author.followers)),
                contribution: followers,
            });
        }
        if author.verified && weights.verified != 0.0 {
            reasons.push(Reason {
                factor: Factor::Verified,
                label: "Verified account".into(),
                contribution: weights.verified,
            });
        }
        if let Some(created) = author.created_at {
            let days = (posted_at - created).num_hours() as f64 / 24.0;
            if days < NEW_ACCOUNT_DAYS {
                let share = 1.0 - (days.max(1.0) - 1.0) / (NEW_ACCOUNT_DAYS - 1.0);
                reasons.push(Reason {
                    factor: Factor::AccountAge,
                    label: format!("New account: {} old", human_age_days(days)),
                    contribution: -weights.new_account * share,
                });
            } else if days >= 365.0 && weights.established_account != 0.0 {
                reasons.push(Reason {
                    factor: Factor::AccountAge,
                    label: format!("Established account: {} old", human_age_days(days)),
                    contribution: weights.established_account,
                });
            }
        }
        Self {
            reasons,
            waiting_since: posted_at,
            waiting_per_hour: weights.waiting_per_hour,
        }
    }

    /// The part of the score that does not depend on time.
    pub fn base(&self) -> f64 {
        self.reasons.iter().map(|r| r.contribution).sum()
    }

    /// A key that sorts items exactly as [`Priority::score_at`] would at any single moment, without the moment.
    pub fn rank_key(&self) -> f64 {
        self.base() - self.waiting_per_hour * hours_since_epoch(self.waiting_since)
    }

    /// The score at `now`, from a stored rank key and waiting rate.
    pub fn score_from_rank_key(rank_key: f64, waiting_per_hour: f64, now: DateTime<Utc>) -> f64 {
        rank_key + waiting_per_hour * hours_since_epoch(now)
    }

    pub fn waiting_reason(&self, now: DateTime<Utc>) -> Reason {
        let hours = ((now - self.waiting_since).num_seconds().max(0) as f64) / 3600.0;
        Reason {
            factor: Factor::Waiting,
            label: format!("Waiting {}", human_duration_hours(hours)),
            contribution: self.waiting_per_hour * hours,
        }
    }

    pub fn score_at(&self, now: DateTime<Utc>) -> f64 {
        self.base() + self.waiting_reason(now).contribution
    }

    /// Every factor at `now`, the largest effect first.
    pub fn reasons_at(&self, now: DateTime<Utc>) -> Vec<Reason> {
        let mut all = self.reasons.clone();
        all.push(self.waiting_reason(now));
        all.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        all
    }
}

/// 950 → "950", 12_400 → "12.4k", 1_260_000 → "1.3M".
pub fn human_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => trim_decimal(n as f64 / 1_000.0, "k"),
        _ => trim_decimal(n as f64 / 1_000_000.0, "M"),
    }
}

fn trim_decimal(v: f64, unit: &str) -> String {
    let s = if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    };
    format!("{}{unit}", s.strip_suffix(".0").unwrap_or(&s))
}

fn human_age_days(days: f64) -> String {
    if days < 1.0 {
        "less than a day".into()
    } else if days < 60.0 {
        plural(days.floor() as u64, "day")
    } else if days < 730.0 {
        plural((days / 30.4).floor() as u64, "month")
    } else {
        plural((days / 365.25).floor() as u64, "year")
    }
}

fn human_duration_hours(hours: f64) -> String {
    if hours < 1.0 {
        plural((hours * 60.0).floor() as u64, "minute")
    } else if hours < 48.0 {
        plural(hours.floor() as u64, "hour")
    } else {
        plural((hours / 24.0).floor() as u64, "day")
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::{Account, Network};

    fn author(followers: u64, verified: bool, age_days: i64, at: DateTime<Utc>) -> Author {
        Author {
            network: Network::Bluesky,
            handle: Account::new("h", "someone").unwrap(),
            display_name: None,
            followers,
            verified,
            bot: false,
            labels: Vec::new(),
            created_at: Some(at - Duration::days(age_days)),
            profile_url: None,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()
    }

    #[test]
    fn influence_outranks_obscurity_at_the_same_moment() {
        let w = PriorityWeights::default();
        let big = Priority::assess(&author(250_000, true, 2000, t0()), t0(), &w);
        let small = Priority::assess(&author(12, false, 2000, t0()), t0(), &w);
        assert!(
            big.score_at(t0()) > small.score_at(t0()),
            "a verified author with 250k followers ranks higher"
        );
        assert!(
            big.rank_key() > small.rank_key(),
            "the rank key must agree with the score"
        );
    }

    #[test]
    fn a_long_wait_lifts_a_small_author_above_a_fresh_big_one() {
        let w = PriorityWeights::default();
        let old = Priority::assess(&author(50, false, 2000, t0()), t0() - Duration::hours(13), &w);
        let fresh = Priority::assess(&author(5_000, false, 2000, t0()), t0(), &w);
        assert!(
            old.score_at(t0()) > fresh.score_at(t0()),
            "thirteen hours of waiting must count for a lot"
        );
    }

    #[test]
    fn rank_key_order_matches_score_order_at_any_time() {
        let w = PriorityWeights::default();
        let a = Priority::assess(&author(10, false, 400, t0()), t0() - Duration::hours(30), &w);
        let b = Priority::assess(&author(900_000, true, 4000, t0()), t0(), &w);
        for later in [0, 1, 10, 100, 1000] {
            let now = t0() + Duration::hours(later);
            assert_eq!(
                a.score_at(now) > b.score_at(now),
                a.rank_key() > b.rank_key(),
                "order must not change with time (at +{later}h)"
            );
            let from_key = Priority::score_from_rank_key(a.rank_key(), a.waiting_per_hour, now);
            assert!(
                (from_key - a.score_at(now)).abs() < 1e-6,
                "score from the stored key must match"
            );
        }
    }

    #[test]
    fn brand_new_accounts_are_penalised_and_explained() {
        let p = Priority::assess(&author(3, false, 2, t0()), t0(), &PriorityWeights::default());
        let age = p
            .reasons
            .iter()
            .find(|r| r.factor == Factor::AccountAge)
            .expect("an age reason");
        assert!(
            age.contribution < -1.5,
            "a two-day-old account should lose most of the penalty's points"
        );
        assert_eq!(age.label, "New account: 2 days old");
    }

    #[test]
    fn reasons_come_largest_first_and_include_waiting() {
        let p = Priority::assess(
            &author(12_400, true, 900, t0()),
            t0(),
            &PriorityWeights::default(),
        );
        let reasons = p.reasons_at(t0() + Duration::hours(5));
        assert_eq!(reasons[0].label, "Followers: 12.4k");
        assert!(reasons
            .iter()
            .any(|r| r.label == "Waiting 5 hours" && (r.contribution - 1.25).abs() < 1e-9));
        let total: f64 = reasons.iter().map(|r| r.contribution).sum();
        assert!(
            (total - p.score_at(t0() + Duration::hours(5))).abs() < 1e-9,
            "reasons must add up to the score"
        );
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(human_count(950), "950");
        assert_eq!(human_count(12_400), "12.4k");
        assert_eq!(human_count(3_000), "3k");
        assert_eq!(human_count(1_260_000), "1.3M");
    }
}
