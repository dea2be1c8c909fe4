//! Desktop alerts: which new items fire a rule, and how they reach the person (alone, as a burst summary, or
//! held back for quiet hours and do-not-disturb and summarised after). Showing them is the caller's job
//! (`crate::notifier` in the app); this decides what to show and records it, so nothing alerts twice.

use chrono::{DateTime, Duration, Utc};
use earshot_core::Queue;
use earshot_desk::{AlertFacts, AlertRule, HandleFact, Notice, NoticeKind};
use earshot_store::alerts::{self, AlertRow, Delivery};
use earshot_store::{mentions, workspace, ItemId};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::service::rfc3339;
use crate::work::parse_time;
use crate::{Engine, EngineError};

const RULES_KEY: &str = "alerts.rules";
const DND_KEY: &str = "alerts.dnd_until";
const CHECKED_KEY: &str = "alerts.checked_at";
/// "Do not disturb" with no end: on until the person turns it off.
const DND_OPEN_ENDED: &str = "on";
/// Items seen this long before the newest checked one are looked at again, in case a slower writer committed
/// them after the last check.
const OVERLAP: Duration = Duration::minutes(2);
/// A post written longer ago than this is news to us, not to the world: it does not interrupt anyone.
const TOO_OLD: Duration = Duration::hours(24);
/// On the very first check, look back this far, so a first sync of history does not raise a storm.
const FIRST_LOOK_BACK: Duration = Duration::minutes(15);
const FIRST_LINE_CHARS: usize = 200;

/// The alert rules and do-not-disturb, for Settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertSettings {
    pub rules: Vec<AlertRule>,
    /// Do-not-disturb is on until this time; "on" with no time means until turned off.
    pub dnd_until: Option<String>,
    pub dnd_active: bool,
}

impl Engine {
    async fn rules(&self) -> Result<Vec<AlertRule>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(match workspace::get(&mut conn, RULES_KEY).await? {
            Some(raw) => serde_json::from_str(&raw).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the stored alert rules are damaged; using the default rule");
                earshot_desk::default_rules()
            }),
            None => earshot_desk::default_rules(),
        })
    }

    async fn dnd(&self) -> Result<(Option<String>, bool), EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let raw = workspace::get(&mut conn, DND_KEY).await?;
        let active = match raw.as_deref() {
            None => false,
            Some(DND_OPEN_ENDED) => true,
            Some(t) => parse_time(t).is_ok_and(|t| t > self.clock.now()),
        };
        Ok((raw.filter(|_| active), active))
    }

    pub async fn alert_settings(&self) -> Result<AlertSettings, EngineError> {
        let (dnd_until, dnd_active) = self.dnd().await?;
        Ok(AlertSettings {
            rules: self.rules().await?,
            dnd_until,
            dnd_active,
        })
    }

    /// Saves the alert rules after checking them.
    pub async fn set_alert_rules(&self, rules: &[AlertRule]) -> Result<AlertSettings, EngineError> {
        earshot_desk::check_rules(rules).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let json = serde_json::to_string(rules).map_err(|e| EngineError::Invalid(e.to_string()))?;
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            workspace::set(&mut conn, RULES_KEY, &json).await?;
        }
        self.alert_settings().await
    }

    /// Turns do-not-disturb on (until a time, RFC 3339, or "on" for until turned off) or off (`None`).
    pub async fn set_dnd(&self, until: Option<&str>) -> Result<AlertSettings, EngineError> {
        let value = match until.map(str::trim) {
            None | Some("") => None,
            Some(DND_OPEN_ENDED) => Some(DND_OPEN_ENDED.to_owned()),
            Some(t) => {
                let t = parse_time(t)?;
                if t <= self.clock.now() {
                    return Err(EngineError::Invalid(
                        "That time has already passed. Choose when do-not-disturb should end.".into(),
                    ));
                }
                Some(rfc3339(t))
            }
        };
        {
            let mut conn = earshot_store::acquire(&self.db).await?;
            match &value {
                Some(v) => workspace::set(&mut conn, DND_KEY, v).await?,
                None => workspace::delete(&mut conn, DND_KEY).await?,
            }
        }
        self.alert_settings().await
    }

    /// What to show now: alerts for items that arrived since the last check, then a summary of held alerts
    /// whose quiet has ended. Each alert is recorded before it is returned, so it is shown at most once.
    pub async fn alerts_due(&self) -> Result<Vec<Notice>, EngineError> {
        let now = self.clock.now();
        let rules = self.rules().await?;
        let policies = self.policies().await?;
        let (_, dnd) = self.dnd().await?;

        let since = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            match workspace::get(&mut conn, CHECKED_KEY).await? {
                Some(t) => parse_time(&t).unwrap_or(now - FIRST_LOOK_BACK) - OVERLAP,
                None => now - FIRST_LOOK_BACK,
            }
        };
        let candidates = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            alerts::unchecked_since(&mut conn, since, 2000).await?
        };
        let mut newest = None;
        let mut fired = Vec::new();
        for (item, seen) in candidates {
            newest = Some(newest.map_or(seen, |n: DateTime<Utc>| n.max(seen)));
            if let Some(alert) = self.fire(item, &rules, now).await? {
                fired.push(alert);
            }
        }

        let mut notices = Vec::new();
        if !fired.is_empty() {
            let fired_handles = self.handles_of(&fired).await?;
            let quiet = |a: &earshot_desk::Alert| {
                dnd || a
                    .item_id
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| fired_handles.get(&id))
                    .is_some_and(|hs| !hs.is_empty() && hs.iter().all(|h| policies.quiet(*h, now)))
            };
            let shown = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                alerts::shown_since(
                    &mut conn,
                    now - Duration::seconds(earshot_desk::BURST_WINDOW_SECONDS),
                )
                .await?
            };
            let plan = earshot_desk::plan(fired, shown, quiet);
            let mut conn = earshot_store::acquire(&self.db).await?;
            for notice in &plan.show {
                let delivery = match notice.kind {
                    NoticeKind::Burst => Delivery::Burst,
                    _ => Delivery::Shown,
                };
                alerts::set_delivery(&mut conn, &item_ids(&notice.item_ids), delivery, now).await?;
            }
            // Held alerts keep the state they were recorded with.
            notices.extend(plan.show);
        }
        if let Some(n) = newest {
            let mut conn = earshot_store::acquire(&self.db).await?;
            workspace::set(&mut conn, CHECKED_KEY, &rfc3339(n)).await?;
        } else {
            let mut conn = earshot_store::acquire(&self.db).await?;
            if workspace::get(&mut conn, CHECKED_KEY).await?.is_none() {
                workspace::set(&mut conn, CHECKED_KEY, &rfc3339(now - FIRST_LOOK_BACK)).await?;
            }
        }
        if let Some(n) = self.release_held(dnd, &policies, now).await? {
            notices.push(n);
        }
        Ok(notices)
    }

    /// Held alerts whose quiet has ended, as one summary.
    async fn release_held(
        &self,
        dnd: bool,
        policies: &crate::work::Policies,
        now: DateTime<Utc>,
    ) -> Result<Option<Notice>, EngineError> {
        if dnd {
            return Ok(None);
        }
        let held = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            alerts::held(&mut conn).await?
        };
        if held.is_empty() {
            return Ok(None);
        }
        let mut ready = Vec::new();
        for row in held {
            let Some(alert) = self.alert_of(&row).await? else {
                continue;
            };
            let handles = {
                let mut conn = earshot_store::acquire(&self.db).await?;
                mentions::handle_ids(&mut conn, row.item).await?
            };
            if handles.is_empty() || !handles.iter().all(|h| policies.quiet(*h, now)) {
                ready.push(alert);
            }
        }
        if ready.is_empty() {
            return Ok(None);
        }
        let notice = earshot_desk::summarise(&ready, NoticeKind::AfterQuiet);
        let mut conn = earshot_store::acquire(&self.db).await?;
        alerts::set_delivery(&mut conn, &item_ids(&notice.item_ids), Delivery::Released, now).await?;
        Ok(Some(notice))
    }

    async fn handles_of(
        &self,
        fired: &[earshot_desk::Alert],
    ) -> Result<std::collections::HashMap<i64, Vec<earshot_store::HandleId>>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let mut out = std::collections::HashMap::new();
        for a in fired {
            if let Ok(id) = a.item_id.parse::<i64>() {
                out.insert(id, mentions::handle_ids(&mut conn, ItemId(id)).await?);
            }
        }
        Ok(out)
    }

    /// Checks one item against the rules; records and returns the alert when one fires.
    async fn fire(
        &self,
        item: ItemId,
        rules: &[AlertRule],
        now: DateTime<Utc>,
    ) -> Result<Option<earshot_desk::Alert>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let Some(row) = mentions::get(&mut conn, item).await? else {
            return Ok(None);
        };
        let Some(labels) = row.labels.as_ref() else {
            // Not triaged yet: the next check sees it.
            return Ok(None);
        };
        if row.created_at < now - TOO_OLD {
            return Ok(None);
        }
        let author = crate::triage::author_of(&row)?;
        let customer = crate::crm::standing_of(&mut conn, &author).await?;
        let handles: Vec<HandleFact> = row
            .handles
            .iter()
            .map(|h| HandleFact {
                id: h.id.0.to_string(),
                role: h.role,
                network: h.network,
            })
            .collect();
        let facts = AlertFacts {
            intent: labels.intent,
            sentiment: labels.sentiment,
            urgent: labels.urgency.is_some(),
            spam: labels.queue() == Queue::Spam,
            followers: author.followers,
            customer_standing: customer.as_ref().map(|c| c.standing),
            handles: &handles,
            network: row.network,
            text: &row.text,
        };
        let Some(fired) = earshot_desk::first_match(rules, &facts) else {
            return Ok(None);
        };
        let record = AlertRow {
            item,
            rule_id: fired.rule_id,
            rule_name: fired.rule_name,
            why: fired.why,
            fired_at: now,
        };
        if !alerts::record(&mut conn, &record).await? {
            return Ok(None);
        }
        drop(conn);
        self.alert_of(&record).await
    }

    /// The alert as the notification shows it.
    async fn alert_of(&self, record: &AlertRow) -> Result<Option<earshot_desk::Alert>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let Some(row) = mentions::get(&mut conn, record.item).await? else {
            return Ok(None);
        };
        let author = crate::triage::author_of(&row)?;
        let customer = crate::crm::standing_of(&mut conn, &author).await?;
        let handle = row
            .handles
            .first()
            .map(|h| format!("@{}", h.account))
            .unwrap_or_else(|| row.network.label().to_owned());
        let who = match row
            .author
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => format!("{name} (@{})", row.author.handle),
            None => format!("@{}", row.author.handle),
        };
        let first_line: String = row
            .text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .chars()
            .take(FIRST_LINE_CHARS)
            .collect();
        let (intent, urgent) = row
            .labels
            .as_ref()
            .map_or((earshot_core::Intent::Other, false), |l| {
                (l.intent, l.urgency.is_some())
            });
        Ok(Some(earshot_desk::Alert {
            item_id: record.item.0.to_string(),
            rule_name: record.rule_name.clone(),
            why: record.why.clone(),
            author: who,
            handle,
            intent,
            urgent,
            customer: customer.is_some(),
            first_line,
            fired_at: record.fired_at,
        }))
    }

    /// Unanswered actionable items: the tray's and the window title's count.
    pub async fn unanswered_count(&self) -> Result<u32, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let n = earshot_store::work::unanswered(&mut conn).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

fn item_ids(ids: &[String]) -> Vec<ItemId> {
    ids.iter().filter_map(|i| i.parse().ok()).map(ItemId).collect()
}
