//! Automatic assignment: each queue (support, marketing) can hand its waiting items to the agents on duty for it,
//! round-robin or least-loaded, up to each agent's cap (the choice itself is `earshot_desk::pick`). Every
//! process may run it: a queue's rule row is locked while its items are handed out (on PostgreSQL), an item
//! is only given while nobody holds it, and claims wait on the agent rows, so two processes never give one
//! item twice or take anyone past their cap.

use earshot_desk::{AssignMode, Load};
use earshot_store::work::{self, ClaimQueue as StoreQueue};
use serde::Serialize;
use specta::Type;

use crate::work::ClaimQueue;
use crate::{Engine, EngineError};

/// How many waiting items one pass hands out per queue at most; the next pass carries on.
const PASS: i64 = 500;

/// A queue's automatic assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AssignmentRule {
    pub queue: ClaimQueue,
    pub mode: AssignMode,
}

/// An item automatic assignment gave someone.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AutoAssigned {
    pub item_id: String,
    pub agent: String,
    pub queue: ClaimQueue,
}

const QUEUES: [ClaimQueue; 2] = [ClaimQueue::Support, ClaimQueue::Marketing];

fn store_queue(q: ClaimQueue) -> StoreQueue {
    match q {
        ClaimQueue::Support => StoreQueue::Support,
        ClaimQueue::Marketing => StoreQueue::Marketing,
    }
}

fn mode_of(raw: &str) -> AssignMode {
    AssignMode::parse(raw).unwrap_or(AssignMode::Off)
}

impl Engine {
    /// Each queue's automatic assignment.
    pub async fn assignment_rules(&self) -> Result<Vec<AssignmentRule>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let mut out = Vec::new();
        for queue in QUEUES {
            let (mode, _) = work::assignment_rule(&mut conn, store_queue(queue), false).await?;
            out.push(AssignmentRule {
                queue,
                mode: mode_of(&mode),
            });
        }
        Ok(out)
    }

    /// Sets how a queue hands out its waiting items.
    pub async fn set_assignment_mode(
        &self,
        queue: ClaimQueue,
        mode: AssignMode,
    ) -> Result<AssignmentRule, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        work::set_assignment_mode(&mut conn, store_queue(queue), mode.as_str()).await?;
        Ok(AssignmentRule { queue, mode })
    }

    /// Hands every queue's waiting items to the agents on duty for it, as its rule says, until the items run
    /// out or everyone is at their cap. Returns what it gave whom.
    pub async fn auto_assign(&self) -> Result<Vec<AutoAssigned>, EngineError> {
        let mut given = Vec::new();
        for queue in QUEUES {
            let q = store_queue(queue);
            // A cheap look first: most passes find nothing to do and should not take locks.
            {
                let mut conn = earshot_store::acquire(&self.db).await?;
                let (mode, _) = work::assignment_rule(&mut conn, q, false).await?;
                if mode_of(&mode) == AssignMode::Off || work::unheld(&mut conn, q, 1).await?.is_empty() {
                    continue;
                }
            }
            let now = self.clock.now();
            let mut tx = earshot_store::begin_write(&self.db).await?;
            let (mode, mut last) = work::assignment_rule(&mut tx, q, true).await?;
            let mode = mode_of(&mode);
            let agents = work::on_duty_for(&mut tx, q, now).await?;
            let mut loads: Vec<Load> = agents
                .iter()
                .map(|a| Load {
                    agent: a.id.0,
                    holding: a.holding,
                    cap: a.cap,
                })
                .collect();
            for item in work::unheld(&mut tx, q, PASS).await? {
                let Some(i) = earshot_desk::pick(mode, &loads, last.map(|a| a.0)) else {
                    break;
                };
                let agent = &agents[i];
                if !work::give_if_unheld(&mut tx, item, agent.id).await? {
                    continue;
                }
                loads[i].holding += 1;
                last = Some(agent.id);
                work::add_event(
                    &mut tx,
                    item,
                    now,
                    None,
                    "assigned",
                    &serde_json::json!({ "agent": agent.name, "by": "automatic", "mode": mode.as_str() }),
                )
                .await?;
                given.push(AutoAssigned {
                    item_id: item.0.to_string(),
                    agent: agent.name.clone(),
                    queue,
                });
            }
            if let Some(agent) = last {
                work::set_last_assigned(&mut tx, q, agent).await?;
            }
            earshot_store::commit(tx).await?;
        }
        Ok(given)
    }
}
