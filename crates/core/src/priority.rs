//! The priority score: who is waiting, and how much their voice carries.
//!
//! The score is a sum of factors, each kept as a [`Reason`] so the inbox can say why an item ranks where it
//! does. Waiting time grows linearly, so the *order* of two items never changes as time passes: the store
//! sorts by a time-free [`Priority::rank_key`], and the score shown is worked out for the moment it is shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::triage::{Intent, Labels, Sentiment};
use crate::Author;

/// How much each factor counts. Tunable; the defaults favour a large, verified, established author who has
/// waited long.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
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
    /// Points per tenfold replies and reposts the mention has drawn so far.
    pub engagement: f64,
    pub complaint: f64,
    pub question: f64,
    pub praise: f64,
    /// Points for a negative tone, scaled by the model's confidence.
    pub negative: f64,
    /// Points for an urgency cue: outage, money, cancellation, legal, safety, security.
    pub urgent: f64,
    /// Points taken at full spam probability, scaled by it.
    pub spam: f64,
    /// Points for a customer, scaled by the standing the CRM gives them (0 to 1).
    pub customer: f64,
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
            engagement: 1.0,
            complaint: 2.0,
            question: 1.5,
            praise: 0.5,
            negative: 1.0,
            urgent: 3.0,
            spam: 8.0,
            customer: 3.0,
        }
    }
}

/// What the CRM says about the author (filled by the CRM lookup): a label such as "Customer, Enterprise
/// plan" and a standing from 0 (not a customer) to 1 (the most valued).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerStanding {
    pub label: String,
    pub standing: f64,
}

/// Replies and reposts the mention had drawn when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Engagement {
    pub replies: u64,
    pub reposts: u64,
}

/// Everything known about a mention beyond its author, for the score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    pub labels: Option<&'a Labels>,
    pub customer: Option<&'a CustomerStanding>,
    pub engagement: Option<Engagement>,
}

/// A part of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Followers,
    Verified,
    AccountAge,
    Waiting,
    Engagement,
    Intent,
    Sentiment,
    Urgency,
    Spam,
    Customer,
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
        Self::assess_with(author, posted_at, Signals::default(), weights)
    }

    /// Assesses a mention by its author, its triage labels, the author's standing as a customer, and the
    /// engagement it has drawn.
    pub fn assess_with(
        author: &Author,
        posted_at: DateTime<Utc>,
        signals: Signals<'_>,
        weights: &PriorityWeights,
    ) -> Self {
        let mut reasons = Vec::new();
        let mut push = |factor: Factor, label: String, contribution: f64| {
            if contribution != 0.0 && contribution.is_finite() {
                reasons.push(Reason {
                    factor,
                    label,
                    contribution,
                });
            }
        };
        if let Some(labels) = signals.labels {
            let intent = match labels.intent {
                Intent::Complaint => weights.complaint,
                Intent::Question => weights.question,
                Intent::Praise => weights.praise,
                Intent::Other => 0.0,
            };
            push(
                Factor::Intent,
                labels.intent.label().to_owned(),
                intent * f64::from(labels.intent_confidence),
            );
            if labels.sentiment == Sentiment::Negative {
                push(
                    Factor::Sentiment,
                    "Negative tone".into(),
                    weights.negative * f64::from(labels.sentiment_confidence),
                );
            }
            if let Some(u) = &labels.urgency {
                push(
                    Factor::Urgency,
                    format!("Urgent: {} (\u{201c}{}\u{201d})", u.cue.label(), u.phrase),
                    weights.urgent,
                );
            }
            if labels.spam >= 0.2 {
                push(
                    Factor::Spam,
                    format!("Looks like spam ({:.0}%)", labels.spam * 100.0),
                    -weights.spam * f64::from(labels.spam),
                );
            }
        }
        if let Some(c) = signals.customer {
            push(
                Factor::Customer,
                c.label.clone(),
                weights.customer * c.standing.clamp(0.0, 1.0),
            );
        }
        if let Some(e) = signals.engagement {
            let n = e.replies + e.reposts;
            push(
                Factor::Engagement,
                format!("{} replies and reposts", human_count(n)),
                weights.engagement * (n as f64 + 1.0).log10(),
            );
        }
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
            verified_links: Vec::new(),
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

    fn labels(intent: Intent, sentiment: Sentiment, spam: f32, urgent: bool) -> Labels {
        Labels {
            spam,
            spam_source: crate::LabelSource::Model,
            intent,
            intent_confidence: 1.0,
            intent_source: crate::LabelSource::Model,
            sentiment,
            sentiment_confidence: 1.0,
            urgency: urgent.then(|| crate::Urgency {
                cue: crate::UrgencyCue::Outage,
                phrase: "is down".into(),
            }),
            language: None,
            spam_evidence: Vec::new(),
            intent_evidence: Vec::new(),
            sentiment_evidence: Vec::new(),
            actionable: None,
        }
    }

    #[test]
    fn an_urgent_negative_complaint_outranks_praise_and_spam_sinks() {
        let w = PriorityWeights::default();
        let a = author(500, false, 900, t0());
        let score = |l: &Labels| {
            let signals = Signals {
                labels: Some(l),
                ..Signals::default()
            };
            Priority::assess_with(&a, t0(), signals, &w).score_at(t0())
        };
        let urgent = score(&labels(Intent::Complaint, Sentiment::Negative, 0.0, true));
        let complaint = score(&labels(Intent::Complaint, Sentiment::Negative, 0.0, false));
        let praise = score(&labels(Intent::Praise, Sentiment::Positive, 0.0, false));
        let spam = score(&labels(Intent::Other, Sentiment::Neutral, 0.95, false));
        assert!(urgent > complaint && complaint > praise && praise > spam);
        assert!(spam < 0.0, "spam falls below every plain mention");
    }

    #[test]
    fn customers_and_engagement_are_explained_with_their_points() {
        let w = PriorityWeights::default();
        let customer = CustomerStanding {
            label: "Customer: Enterprise plan".into(),
            standing: 1.0,
        };
        let l = labels(Intent::Complaint, Sentiment::Negative, 0.0, true);
        let p = Priority::assess_with(
            &author(0, false, 900, t0()),
            t0(),
            Signals {
                labels: Some(&l),
                customer: Some(&customer),
                engagement: Some(Engagement {
                    replies: 9,
                    reposts: 90,
                }),
            },
            &w,
        );
        let find = |f: Factor| p.reasons.iter().find(|r| r.factor == f).cloned().unwrap();
        assert_eq!(find(Factor::Customer).contribution, 3.0);
        assert_eq!(find(Factor::Engagement).label, "99 replies and reposts");
        assert!((find(Factor::Engagement).contribution - 2.0).abs() < 1e-9);
        assert_eq!(
            find(Factor::Urgency).label,
            "Urgent: outage (\u{201c}is down\u{201d})"
        );
        assert_eq!(find(Factor::Intent).label, "Complaint");
    }

    #[test]
    fn weights_missing_from_a_stored_copy_take_their_defaults() {
        let w: PriorityWeights = serde_json::from_str(r#"{"followers": 2.0}"#).unwrap();
        assert_eq!(w.followers, 2.0);
        assert_eq!(w.urgent, PriorityWeights::default().urgent);
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(human_count(950), "950");
        assert_eq!(human_count(12_400), "12.4k");
        assert_eq!(human_count(3_000), "3k");
        assert_eq!(human_count(1_260_000), "1.3M");
    }
}
