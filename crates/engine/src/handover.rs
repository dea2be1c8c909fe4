//! Ending a shift: the handover summary for the next agent (open items, promises made, items close to their
//! SLA), the person going off duty, and an optional "shift change" post drafted for the agent to confirm.

use chrono::Duration;
use earshot_desk::{Handover, HandoverItem, PromiseMade};
use earshot_store::agents;
use earshot_store::handovers;
use earshot_store::work;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::service::rfc3339;
use crate::work::parse_time;
use crate::{Engine, EngineError};

/// How far back our sent replies are read for promises: a long shift and a bit.
const PROMISE_LOOK_BACK: Duration = Duration::hours(16);
const MAX_ITEMS: i64 = 500;

/// A handover, as the next agent reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct HandoverView {
    pub id: String,
    pub summary: Handover,
    /// The same as plain text, in the reader's time zone, to copy or print.
    pub text: String,
    pub read_by: Option<String>,
    pub read_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct EndShiftRequest {
    /// A note for the next agent.
    pub note: String,
    /// Who takes over, by name, for the sign-off post ("Sam is here until 22:00").
    pub next_agent: Option<String>,
    /// Until when the next agent is on, as the post words it ("22:00").
    pub next_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct EndShiftResult {
    pub handover: HandoverView,
    /// Items the leaving agent held that went back to the queue.
    pub returned: u32,
    /// A "shift change" post to send from a handle after the agent confirms it; nothing is sent yet.
    pub shift_post: String,
}

/// The desk's own time zone for the plain-text summary; UTC when the OS does not say.
pub(crate) fn local_zone() -> chrono_tz::Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

fn view(row: handovers::HandoverRow) -> Result<HandoverView, EngineError> {
    let summary: Handover = serde_json::from_str(&row.summary)
        .map_err(|e| EngineError::Invalid(format!("A stored handover is damaged: {e}")))?;
    Ok(HandoverView {
        id: row.id.to_string(),
        text: summary.to_text(local_zone()),
        summary,
        read_by: row.read_by,
        read_at: row.read_at.map(rfc3339),
    })
}

impl Engine {
    /// What the handover would say now, without ending the shift: the End shift dialog shows it first.
    pub async fn handover_preview(&self, note: &str) -> Result<HandoverView, EngineError> {
        let me = self.me().await?;
        let summary = self.gather_handover(&me.name, note).await?;
        Ok(HandoverView {
            id: String::new(),
            text: summary.to_text(local_zone()),
            summary,
            read_by: None,
            read_at: None,
        })
    }

    async fn gather_handover(&self, agent: &str, note: &str) -> Result<Handover, EngineError> {
        let now = self.clock.now();
        let policies = self.policies().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let ids = work::open_items(&mut conn, None, MAX_ITEMS).await?;
        let mut open = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(w) = work::get(&mut conn, id).await? else {
                continue;
            };
            let Some(row) = earshot_store::mentions::get(&mut conn, id).await? else {
                continue;
            };
            let handles = earshot_store::mentions::handle_ids(&mut conn, id).await?;
            let timers = policies.timers(&handles, &w, now);
            open.push(HandoverItem {
                item_id: id.0.to_string(),
                author: format!("@{}", row.author.handle),
                handle: row
                    .handles
                    .first()
                    .map(|h| format!("@{}", h.account))
                    .unwrap_or_default(),
                intent: row
                    .labels
                    .as_ref()
                    .map(|l| l.intent)
                    .unwrap_or(earshot_core::Intent::Other),
                waiting_since: w.started_at(),
                sla: earshot_desk::headline(&timers).cloned(),
                first_line: row
                    .text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(140)
                    .collect(),
            });
        }
        let mut promises = Vec::new();
        for (item, body, at) in work::sent_on_open_items(&mut conn, now - PROMISE_LOOK_BACK).await? {
            let author = earshot_store::mentions::get(&mut conn, item)
                .await?
                .map(|r| format!("@{}", r.author.handle))
                .unwrap_or_default();
            for promise in earshot_desk::promises(&body) {
                promises.push(PromiseMade {
                    item_id: item.0.to_string(),
                    author: author.clone(),
                    promise,
                    said_at: at,
                });
            }
        }
        Ok(earshot_desk::handover(agent, now, note.trim(), open, promises))
    }

    /// Ends the shift of the person at this desk: the handover is stored for the next agent, the items they
    /// held and have not answered go back to the queue, and they go off duty. A shift post is drafted.
    pub async fn end_shift(&self, req: &EndShiftRequest) -> Result<EndShiftResult, EngineError> {
        let me = self.me().await?;
        let me_id = self.me_id().await?;
        let next = match req.next_agent.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => Some(self.agent_by_name(name).await?.name),
            None => None,
        };
        let now = self.clock.now();
        // Unanswered items this agent held go back to the queue; the handover lists them as open.
        let mut returned = 0u32;
        {
            let mut tx = earshot_store::begin(&self.db).await?;
            for id in work::open_items(&mut tx, Some(me_id), MAX_ITEMS).await? {
                let answered = work::get(&mut tx, id)
                    .await?
                    .is_some_and(|w| w.first_response_at.is_some());
                if answered {
                    continue;
                }
                work::hold(&mut tx, id, None, None).await?;
                work::add_event(
                    &mut tx,
                    id,
                    now,
                    Some(me_id),
                    "unassigned",
                    &serde_json::json!({ "why": "shift ended" }),
                )
                .await?;
                returned += 1;
            }
            agents::set_duty(&mut tx, me_id, false, None, &[]).await?;
            earshot_store::commit(tx).await?;
        }
        let summary = self.gather_handover(&me.name, &req.note).await?;
        let json = serde_json::to_string(&summary).map_err(|e| EngineError::Invalid(e.to_string()))?;
        let id = {
            let mut conn = earshot_store::acquire(&self.db).await?;
            handovers::add(&mut conn, Some(me_id), now, &json).await?
        };
        let shift_post = earshot_desk::shift_post(
            &me.name,
            next.as_deref(),
            req.next_until.as_deref().map(str::trim).filter(|u| !u.is_empty()),
            &me.signature_preview,
        );
        Ok(EndShiftResult {
            handover: HandoverView {
                id: id.to_string(),
                text: summary.to_text(local_zone()),
                summary,
                read_by: None,
                read_at: None,
            },
            returned,
            shift_post,
        })
    }

    /// The newest handovers, for the agent starting a shift.
    pub async fn handovers(&self, limit: u32) -> Result<Vec<HandoverView>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        handovers::recent(&mut conn, i64::from(limit.clamp(1, 50)))
            .await?
            .into_iter()
            .map(view)
            .collect()
    }

    /// The person at this desk has read a handover.
    pub async fn read_handover(&self, id: &str) -> Result<(), EngineError> {
        let id: i64 = id
            .trim()
            .parse()
            .map_err(|_| EngineError::NotFound(format!("There is no handover '{id}'.")))?;
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        if handovers::mark_read(&mut conn, id, me, self.clock.now()).await? {
            Ok(())
        } else {
            Err(EngineError::NotFound("That handover no longer exists.".into()))
        }
    }

    /// Starts the shift of the person at this desk on some handles, until a time (RFC 3339).
    pub async fn start_shift(
        &self,
        handle_ids: &[String],
        until: Option<&str>,
    ) -> Result<crate::work::AgentView, EngineError> {
        if let Some(u) = until {
            parse_time(u)?;
        }
        self.set_duty(None, true, until, handle_ids).await
    }
}
