//! The agent's day, item by item: stages, snoozes, SLA timers, escalation, assignment and internal notes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use earshot_core::{ItemStatus, Network, Stage};
use earshot_desk::{Hours, SlaPolicy, Timer, TimerKind, TimerState};
use earshot_store::agents::{self, AgentId};
use earshot_store::handle_settings::{self, HandleSettingsRow};
use earshot_store::work::{self, WorkRow};
use earshot_store::{notes, HandleId};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::service::{parse_id, rfc3339};
use crate::{Engine, EngineError};

/// The longest snooze: a month. Past that the item is forgotten rather than snoozed.
const MAX_SNOOZE_DAYS: i64 = 31;
const MAX_NOTE_CHARS: usize = 5000;

/// An SLA timer as a list row or the detail pane shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SlaTimerView {
    pub kind: TimerKind,
    pub state: TimerState,
    pub target_minutes: u32,
    pub due_at: Option<String>,
    /// Minutes left; negative once breached. Business minutes where the handle counts only business hours.
    #[specta(type = i32)]
    pub remaining_minutes: i64,
    #[specta(type = Option<i32>)]
    pub took_minutes: Option<i64>,
    /// In words: "First reply due in 12 min", "Resolution 2 h 5 min overdue", "First reply in 18 min".
    pub label: String,
}

/// Minutes in words: "45 min", "2 h 5 min", "3 d 4 h".
pub fn minutes_words(m: i64) -> String {
    let m = m.abs();
    match m {
        0..=59 => format!("{m} min"),
        60..=1439 if m % 60 == 0 => format!("{} h", m / 60),
        60..=1439 => format!("{} h {} min", m / 60, m % 60),
        _ if m % 1440 / 60 == 0 => format!("{} d", m / 1440),
        _ => format!("{} d {} h", m / 1440, m % 1440 / 60),
    }
}

pub(crate) fn timer_view(t: &Timer) -> SlaTimerView {
    let what = match t.kind {
        TimerKind::FirstResponse => "First reply",
        TimerKind::Resolution => "Resolution",
    };
    let label = match t.state {
        TimerState::OnTrack | TimerState::DueSoon => {
            format!("{what} due in {}", minutes_words(t.remaining_minutes))
        }
        TimerState::Breached => format!("{what} {} overdue", minutes_words(t.remaining_minutes)),
        TimerState::Met => format!(
            "{what} in {}, within target",
            minutes_words(t.took_minutes.unwrap_or_default())
        ),
        TimerState::MetLate => format!(
            "{what} in {}, {} over target",
            minutes_words(t.took_minutes.unwrap_or_default()),
            minutes_words(t.remaining_minutes)
        ),
    };
    SlaTimerView {
        kind: t.kind,
        state: t.state,
        target_minutes: t.target_minutes,
        due_at: t.due_at.map(rfc3339),
        remaining_minutes: t.remaining_minutes,
        took_minutes: t.took_minutes,
        label,
    }
}

/// A handle's SLA targets and hours, as stored, with the defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HandleSettings {
    pub handle_id: String,
    pub sla: SlaPolicy,
    /// `None`: around the clock.
    pub business_hours: Option<earshot_desk::Schedule>,
    /// When alerts for this handle are held back. `None`: never.
    pub quiet_hours: Option<earshot_desk::Schedule>,
    /// Replies from this handle end with the agent's signature.
    pub sign_replies: bool,
}

/// Every handle's settings, parsed once for a page of rows.
pub(crate) struct Policies {
    by_handle: HashMap<HandleId, (SlaPolicy, Option<Hours>, Option<Hours>, bool)>,
}

impl Policies {
    fn of(&self, h: HandleId) -> (SlaPolicy, Option<&Hours>) {
        match self.by_handle.get(&h) {
            Some((sla, hours, _, _)) => (sla.clone(), hours.as_ref()),
            None => (SlaPolicy::default(), None),
        }
    }

    /// Whether alerts for this handle are held back at `at`.
    pub(crate) fn quiet(&self, h: HandleId, at: DateTime<Utc>) -> bool {
        self.by_handle
            .get(&h)
            .and_then(|(_, _, quiet, _)| quiet.as_ref())
            .is_some_and(|q| q.contains(at))
    }

    pub(crate) fn signs(&self, h: HandleId) -> bool {
        self.by_handle.get(&h).is_none_or(|(_, _, _, sign)| *sign)
    }

    /// The timers of an item on these handles: the handle whose first timer falls due soonest sets them.
    pub(crate) fn timers(&self, handles: &[HandleId], w: &WorkRow, now: DateTime<Utc>) -> Vec<Timer> {
        let run = |h: Option<HandleId>| {
            let (sla, hours) = h.map_or((SlaPolicy::default(), None), |h| self.of(h));
            earshot_desk::timers(
                &sla,
                hours,
                w.started_at(),
                w.first_response_at,
                w.resolved_at,
                now,
            )
        };
        if handles.is_empty() {
            return run(None);
        }
        handles
            .iter()
            .map(|h| run(Some(*h)))
            .min_by_key(|ts| ts.iter().filter_map(|t| t.due_at).min())
            .unwrap_or_default()
    }
}

fn parse_schedule(raw: Option<&str>, what: &str, handle: HandleId) -> Option<earshot_desk::Schedule> {
    raw.and_then(|s| match serde_json::from_str(s) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(handle = handle.0, error = %e, "stored {what} are damaged; using none");
            None
        }
    })
}

fn settings_of(row: &HandleSettingsRow) -> HandleSettings {
    HandleSettings {
        handle_id: row.handle.0.to_string(),
        sla: serde_json::from_str(&row.sla).unwrap_or_default(),
        business_hours: parse_schedule(row.business_hours.as_deref(), "business hours", row.handle),
        quiet_hours: parse_schedule(row.quiet_hours.as_deref(), "quiet hours", row.handle),
        sign_replies: row.sign_replies,
    }
}

/// A person on the team, as the roster shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub signature: String,
    /// The signature as it will appear: "–Ana".
    pub signature_preview: String,
    pub role: String,
    pub on_duty: bool,
    pub duty_until: Option<String>,
    pub handle_ids: Vec<String>,
    /// Items in a working stage that this person holds.
    pub holding: u32,
    /// How many items they take on at most through "next item" claims and automatic assignment.
    pub cap: u32,
    /// This is the person at this desk.
    pub is_me: bool,
}

/// The name of the person at this desk when nobody has said: `EARSHOT_AGENT`, else the login name.
fn desk_name() -> String {
    std::env::var("EARSHOT_AGENT")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Me".into())
}

/// Which items a claim of the next one draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ClaimQueue {
    /// Items on a support handle, and complaints wherever they arrive.
    Support,
    /// Praise on a marketing handle.
    Marketing,
}

/// An item an agent now holds.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ClaimedItem {
    pub item_id: String,
    /// Who holds it now.
    pub agent: String,
    pub network: Network,
    pub author_handle: String,
    pub excerpt: String,
    pub url: Option<String>,
}

/// What a claim did: the item is the agent's, or a refusal that says why.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ClaimOutcome {
    Claimed {
        item: ClaimedItem,
    },
    /// Someone else is handling it.
    Held {
        item_id: String,
        held_by: String,
        message: String,
    },
    /// The agent holds as many items as their cap allows.
    AtCap {
        agent: String,
        holding: u32,
        cap: u32,
        message: String,
    },
    /// Nothing unheld waits in the queue.
    NothingWaiting {
        message: String,
    },
}

/// What to claim: one item, or the most urgent unheld one of a queue (or of all actionable items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimTarget {
    Item(String),
    Next(Option<ClaimQueue>),
}

/// An internal note.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct NoteView {
    pub id: String,
    /// About the whole conversation rather than this post.
    pub conversation: bool,
    pub author: Option<String>,
    pub body: String,
    pub created_at: String,
}

/// Something that happened to an item, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WorkEvent {
    pub at: String,
    pub who: Option<String>,
    pub kind: String,
    /// "Escalated to Sam: refund over $500", "Snoozed until 14:00".
    pub text: String,
}

/// Where an item stands in the team's work, for the detail pane.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct WorkView {
    pub item_id: String,
    pub stage: Stage,
    pub snoozed_until: Option<String>,
    /// The person holding it, or the role it was escalated to ("Leads").
    pub held_by: Option<String>,
    /// Why it is held: the last escalation's note.
    pub held_because: Option<String>,
    pub timers: Vec<SlaTimerView>,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub notes: Vec<NoteView>,
    pub history: Vec<WorkEvent>,
}

/// Where to send an escalated item: a person (by name) or a role.
#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
pub struct EscalateRequest {
    pub item_id: String,
    pub to_agent: Option<String>,
    /// "lead": whoever leads the team picks it up.
    pub to_role: Option<String>,
    pub note: String,
}

pub(crate) fn role_label(role: &str) -> String {
    match role {
        "lead" => "Team leads".into(),
        other => format!("{other}s"),
    }
}

fn event_text(kind: &str, detail: &serde_json::Value) -> String {
    let s = |k: &str| {
        detail
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    match kind {
        "escalated" => {
            let to = if s("agent").is_empty() {
                role_label(&s("role"))
            } else {
                s("agent")
            };
            format!("Escalated to {to}: {}", s("note"))
        }
        "assigned" if s("by") == "automatic" => format!(
            "Assigned to {} automatically ({})",
            s("agent"),
            s("mode").replace('_', "-")
        ),
        "assigned" => format!("Assigned to {}", s("agent")),
        "unassigned" => "Unassigned".into(),
        "stage" => format!("Marked {}", s("label").to_lowercase()),
        "snoozed" => format!("Snoozed until {}", s("until")),
        other => other.to_owned(),
    }
}

impl Engine {
    pub(crate) async fn policies(&self) -> Result<Policies, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let rows = handle_settings::all(&mut conn).await?;
        let mut by_handle = HashMap::new();
        for row in rows {
            let s = settings_of(&row);
            let check = |sch: Option<earshot_desk::Schedule>| sch.and_then(|s| s.check().ok());
            by_handle.insert(
                row.handle,
                (
                    s.sla,
                    check(s.business_hours),
                    check(s.quiet_hours),
                    s.sign_replies,
                ),
            );
        }
        Ok(Policies { by_handle })
    }

    /// The person at this desk, created on first use from the OS account name; they can rename themselves.
    pub(crate) async fn me_id(&self) -> Result<AgentId, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        if self.leader.is_team() {
            // A team database is shared: who sits at this desk is this computer's to say.
            let file = self.data_dir().join("team-agent");
            if let Some(id) = std::fs::read_to_string(&file)
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
            {
                if agents::get(&mut conn, AgentId(id)).await?.is_some() {
                    return Ok(AgentId(id));
                }
            }
            let id = agents::ensure(&mut conn, &desk_name(), self.clock.now()).await?;
            std::fs::write(&file, id.0.to_string()).map_err(|source| EngineError::Io {
                context: format!(
                    "Earshot could not note who works at this desk in {}",
                    file.display()
                ),
                source,
            })?;
            return Ok(id);
        }
        if let Some(id) = earshot_store::workspace::get(&mut conn, "me").await? {
            if let Ok(id) = id.parse::<i64>() {
                if agents::get(&mut conn, AgentId(id)).await?.is_some() {
                    return Ok(AgentId(id));
                }
            }
        }
        let id = agents::ensure(&mut conn, &desk_name(), self.clock.now()).await?;
        earshot_store::workspace::set(&mut conn, "me", &id.0.to_string()).await?;
        Ok(id)
    }

    fn agent_view(a: earshot_store::agents::AgentRow, me: AgentId) -> AgentView {
        let profile = earshot_desk::AgentProfile {
            name: a.name.clone(),
            signature: a.signature.clone(),
        };
        AgentView {
            id: a.id.0.to_string(),
            signature_preview: earshot_desk::signature(&profile),
            name: a.name,
            signature: a.signature,
            role: a.role,
            on_duty: a.on_duty,
            duty_until: a.duty_until.map(rfc3339),
            handle_ids: a.handles.iter().map(|h| h.0.to_string()).collect(),
            holding: u32::try_from(a.holding).unwrap_or(u32::MAX),
            cap: u32::try_from(a.cap).unwrap_or(u32::MAX),
            is_me: a.id == me,
        }
    }

    /// The person at this desk.
    pub async fn me(&self) -> Result<AgentView, EngineError> {
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let row = agents::get(&mut conn, me)
            .await?
            .ok_or_else(|| EngineError::NotFound("Your profile disappeared; restart Earshot.".into()))?;
        Ok(Self::agent_view(row, me))
    }

    /// Changes the name and signature of the person at this desk.
    pub async fn update_me(&self, name: &str, signature: &str) -> Result<AgentView, EngineError> {
        let me = self.me_id().await?;
        let (name, signature) = checked_profile(name, signature)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let role = agents::get(&mut conn, me)
            .await?
            .map(|a| a.role)
            .unwrap_or_else(|| "agent".into());
        if let Some(other) = agents::by_name(&mut conn, &name).await? {
            if other.id != me {
                return Err(EngineError::Invalid(format!(
                    "Someone on the team is already called {}. Add a surname or an initial.",
                    other.name
                )));
            }
        }
        agents::update(&mut conn, me, &name, &signature, &role).await?;
        drop(conn);
        self.me().await
    }

    /// Everyone on the team, on duty first.
    pub async fn agents(&self) -> Result<Vec<AgentView>, EngineError> {
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(agents::list(&mut conn)
            .await?
            .into_iter()
            .map(|a| Self::agent_view(a, me))
            .collect())
    }

    /// Adds a person to the team (to escalate to them, and for the roster).
    pub async fn add_agent(&self, name: &str, role: &str) -> Result<AgentView, EngineError> {
        let (name, _) = checked_profile(name, "")?;
        if !matches!(role, "agent" | "lead") {
            return Err(EngineError::Invalid(format!(
                "'{role}' is not a role; use agent or lead."
            )));
        }
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        if agents::by_name(&mut conn, &name).await?.is_some() {
            return Err(EngineError::Invalid(format!("{name} is already on the team.")));
        }
        let id = agents::ensure(&mut conn, &name, self.clock.now()).await?;
        agents::update(&mut conn, id, &name, "", role).await?;
        let row = agents::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("{name} disappeared.")))?;
        Ok(Self::agent_view(row, me))
    }

    pub(crate) async fn agent_by_name(
        &self,
        name: &str,
    ) -> Result<earshot_store::agents::AgentRow, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        agents::by_name(&mut conn, name.trim()).await?.ok_or_else(|| {
            EngineError::NotFound(format!(
                "No one called '{}' is on the team. Add them in Settings → Team first.",
                name.trim()
            ))
        })
    }

    /// Puts a person on or off duty, on some handles, until a time.
    pub async fn set_duty(
        &self,
        agent: Option<&str>,
        on_duty: bool,
        until: Option<&str>,
        handle_ids: &[String],
    ) -> Result<AgentView, EngineError> {
        let id = match agent {
            Some(name) => self.agent_by_name(name).await?.id,
            None => self.me_id().await?,
        };
        let until = until.map(parse_time).transpose()?;
        if let Some(t) = until.filter(|t| *t <= self.clock.now()) {
            return Err(EngineError::Invalid(format!(
                "The shift end {} has already passed. Choose a later time.",
                rfc3339(t)
            )));
        }
        let mut handles = Vec::new();
        for raw in handle_ids {
            handles.push(self.handle_id(raw).await?);
        }
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        agents::set_duty(&mut conn, id, on_duty, until, &handles).await?;
        let row = agents::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound("That person disappeared.".into()))?;
        Ok(Self::agent_view(row, me))
    }

    pub(crate) async fn handle_id(&self, raw: &str) -> Result<HandleId, EngineError> {
        let missing = || EngineError::NotFound(format!("There is no handle with ID '{raw}'."));
        let id = HandleId(raw.trim().parse().map_err(|_| missing())?);
        let mut conn = earshot_store::acquire(&self.db).await?;
        earshot_store::handles::list(&mut conn)
            .await?
            .into_iter()
            .any(|h| h.id == id)
            .then_some(id)
            .ok_or_else(missing)
    }

    /// Every handle's SLA targets, hours and signing, defaults filled in.
    pub async fn handle_settings(&self) -> Result<Vec<HandleSettings>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let stored: HashMap<HandleId, HandleSettingsRow> = handle_settings::all(&mut conn)
            .await?
            .into_iter()
            .map(|r| (r.handle, r))
            .collect();
        Ok(earshot_store::handles::list(&mut conn)
            .await?
            .into_iter()
            .map(|h| match stored.get(&h.id) {
                Some(row) => settings_of(row),
                None => HandleSettings {
                    handle_id: h.id.0.to_string(),
                    sla: SlaPolicy::default(),
                    business_hours: None,
                    quiet_hours: None,
                    sign_replies: true,
                },
            })
            .collect())
    }

    /// Saves one handle's settings after checking them.
    pub async fn set_handle_settings(&self, s: &HandleSettings) -> Result<HandleSettings, EngineError> {
        let handle = self.handle_id(&s.handle_id).await?;
        let bad = |what: &str, e: earshot_desk::DeskError| EngineError::Invalid(format!("{what}: {e}"));
        s.sla.check().map_err(|e| bad("SLA", e))?;
        if let Some(b) = &s.business_hours {
            b.check().map_err(|e| bad("Business hours", e))?;
        }
        if let Some(q) = &s.quiet_hours {
            q.check().map_err(|e| bad("Quiet hours", e))?;
        }
        let row = HandleSettingsRow {
            handle,
            sla: to_json(&s.sla),
            business_hours: s.business_hours.as_ref().map(to_json),
            quiet_hours: s.quiet_hours.as_ref().map(to_json),
            sign_replies: s.sign_replies,
        };
        let mut conn = earshot_store::acquire(&self.db).await?;
        handle_settings::put(&mut conn, &row).await?;
        Ok(settings_of(&row))
    }

    /// Moves an item to a stage. Resolving or ignoring an item nobody answered teaches triage it needed no one.
    pub async fn set_stage(&self, id: &str, stage: Stage) -> Result<(), EngineError> {
        let item = parse_id(id)?;
        let now = self.clock.now();
        let me = self.me_id().await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if !work::set_stage(&mut tx, item, stage, now).await? {
            return Err(EngineError::NotFound(format!(
                "Inbox item {id} no longer exists."
            )));
        }
        work::add_event(
            &mut tx,
            item,
            now,
            Some(me),
            "stage",
            &serde_json::json!({ "stage": stage.as_str(), "label": stage.label() }),
        )
        .await?;
        earshot_store::commit(tx).await?;
        if matches!(stage, Stage::Resolved | Stage::Ignored) && self.outbox(Some(id)).await?.is_empty() {
            // Closed without an answer: triage learns that items like it need no one.
            self.learn_actionable(item, false).await?;
        }
        Ok(())
    }

    /// Marks an item done (resolved), or opens it again: the inbox's original two states.
    pub async fn set_status(&self, id: &str, status: ItemStatus) -> Result<(), EngineError> {
        let stage = match status {
            ItemStatus::Open => Stage::Open,
            ItemStatus::Done => Stage::Resolved,
        };
        self.set_stage(id, stage).await
    }

    /// Takes an item out of the list until `until` (RFC 3339).
    pub async fn snooze(&self, id: &str, until: &str) -> Result<String, EngineError> {
        let item = parse_id(id)?;
        let until = parse_time(until)?;
        let now = self.clock.now();
        if until <= now {
            return Err(EngineError::Invalid(
                "That time has already passed. Choose a time in the future to snooze until.".into(),
            ));
        }
        if until > now + Duration::days(MAX_SNOOZE_DAYS) {
            return Err(EngineError::Invalid(format!(
                "Snooze for at most {MAX_SNOOZE_DAYS} days. For longer, mark the item waiting or resolved."
            )));
        }
        let me = self.me_id().await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if !work::snooze(&mut tx, item, until).await? {
            return Err(EngineError::NotFound(format!(
                "Inbox item {id} no longer exists."
            )));
        }
        work::add_event(
            &mut tx,
            item,
            now,
            Some(me),
            "snoozed",
            &serde_json::json!({ "until": rfc3339(until) }),
        )
        .await?;
        earshot_store::commit(tx).await?;
        Ok(rfc3339(until))
    }

    /// Brings back items whose snooze has ended; returns how many.
    pub async fn wake_snoozed(&self) -> Result<usize, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        Ok(work::wake_due(&mut conn, self.clock.now()).await?.len())
    }

    /// Escalates an item to a person or a role, with a note saying why.
    pub async fn escalate(&self, req: &EscalateRequest) -> Result<WorkView, EngineError> {
        let item = parse_id(&req.item_id)?;
        let note = req.note.trim();
        if note.is_empty() {
            return Err(EngineError::Invalid(
                "Say why you escalate, so the person taking it over knows where things stand.".into(),
            ));
        }
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(EngineError::Invalid(format!(
                "Keep the note under {MAX_NOTE_CHARS} characters."
            )));
        }
        let (agent, role) = match (
            req.to_agent.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            req.to_role.as_deref(),
        ) {
            (Some(name), _) => (Some(self.agent_by_name(name).await?), None),
            (None, Some("lead")) => (None, Some("lead")),
            (None, Some(other)) => {
                return Err(EngineError::Invalid(format!(
                    "'{other}' is not a role to escalate to; choose a person or the team leads."
                )))
            }
            (None, None) => {
                return Err(EngineError::Invalid(
                    "Choose a person or the team leads to escalate to.".into(),
                ))
            }
        };
        let now = self.clock.now();
        let me = self.me_id().await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if !work::hold(&mut tx, item, agent.as_ref().map(|a| a.id), role).await? {
            return Err(EngineError::NotFound(format!(
                "Inbox item {} no longer exists.",
                req.item_id
            )));
        }
        work::add_event(
            &mut tx,
            item,
            now,
            Some(me),
            "escalated",
            &serde_json::json!({ "agent": agent.as_ref().map(|a| a.name.clone()), "role": role, "note": note }),
        )
        .await?;
        earshot_store::commit(tx).await?;
        // Escalating says the item needs a person: triage learns from it.
        self.learn_actionable(item, true).await?;
        self.work(&req.item_id).await
    }

    /// Gives an item to a person by name, or to no one.
    pub async fn assign(&self, id: &str, to: Option<&str>) -> Result<WorkView, EngineError> {
        let item = parse_id(id)?;
        let agent = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => Some(self.agent_by_name(name).await?),
            None => None,
        };
        let now = self.clock.now();
        let me = self.me_id().await?;
        let mut tx = earshot_store::begin(&self.db).await?;
        if !work::hold(&mut tx, item, agent.as_ref().map(|a| a.id), None).await? {
            return Err(EngineError::NotFound(format!(
                "Inbox item {id} no longer exists."
            )));
        }
        let (kind, detail) = match &agent {
            Some(a) => ("assigned", serde_json::json!({ "agent": a.name })),
            None => ("unassigned", serde_json::json!({})),
        };
        work::add_event(&mut tx, item, now, Some(me), kind, &detail).await?;
        earshot_store::commit(tx).await?;
        self.work(id).await
    }

    /// Claims an item for `agent` (default: the person at this desk): it becomes theirs only if nobody else
    /// holds it. Two agents claiming at once never both win; the loser is told who has it.
    pub async fn claim(&self, agent: Option<&str>, target: ClaimTarget) -> Result<ClaimOutcome, EngineError> {
        let agent = match agent {
            Some(name) => self.agent_by_name(name).await?,
            None => {
                let me = self.me_id().await?;
                let mut conn = earshot_store::acquire(&self.db).await?;
                agents::get(&mut conn, me).await?.ok_or_else(|| {
                    EngineError::NotFound("Your profile disappeared; restart Earshot.".into())
                })?
            }
        };
        let now = self.clock.now();
        let mut tx = earshot_store::begin_write(&self.db).await?;
        let (claim, asked) = match &target {
            ClaimTarget::Item(id) => {
                let item = parse_id(id)?;
                (work::claim(&mut tx, item, agent.id).await?, Some(id.clone()))
            }
            ClaimTarget::Next(queue) => {
                let queue = queue.map(|q| match q {
                    ClaimQueue::Support => work::ClaimQueue::Support,
                    ClaimQueue::Marketing => work::ClaimQueue::Marketing,
                });
                (work::claim_next(&mut tx, agent.id, queue).await?, None)
            }
        };
        let outcome = match claim {
            work::Claim::Claimed(item) => {
                work::add_event(&mut tx, item, now, Some(agent.id), "claimed", &serde_json::json!({})).await?;
                let (network, author_handle, text, url): (String, String, String, Option<String>) = sqlx::query_as(
                    "SELECT m.network, a.handle, m.text, m.url FROM mentions m JOIN authors a ON a.id = m.author_id
                      WHERE m.id = $1",
                )
                .bind(item.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(earshot_store::StoreError::from)?;
                ClaimOutcome::Claimed {
                    item: ClaimedItem {
                        item_id: item.0.to_string(),
                        agent: agent.name.clone(),
                        network: network
                            .parse()
                            .map_err(|e| EngineError::Invalid(format!("item {}: {e}", item.0)))?,
                        author_handle,
                        excerpt: crate::service::excerpt(&text),
                        url,
                    },
                }
            }
            work::Claim::HeldBy(name) => {
                let item_id = asked.unwrap_or_default();
                ClaimOutcome::Held {
                    message: format!("{name} is already handling item {item_id}. Ask them, or pick another item."),
                    item_id,
                    held_by: name,
                }
            }
            work::Claim::Missing => {
                return Err(EngineError::NotFound(format!(
                    "Inbox item {} no longer exists.",
                    asked.unwrap_or_default()
                )))
            }
            work::Claim::AtCap { holding, cap } => ClaimOutcome::AtCap {
                message: format!(
                    "{} already holds {holding} items, as many as their cap of {cap} allows. Finish or hand back one first.",
                    agent.name
                ),
                agent: agent.name.clone(),
                holding: u32::try_from(holding).unwrap_or(u32::MAX),
                cap: u32::try_from(cap).unwrap_or(u32::MAX),
            },
            work::Claim::NothingWaiting => ClaimOutcome::NothingWaiting {
                message: match target {
                    ClaimTarget::Next(Some(ClaimQueue::Support)) => "Nothing in the support queue is waiting for someone.",
                    ClaimTarget::Next(Some(ClaimQueue::Marketing)) => "Nothing in the marketing queue is waiting for someone.",
                    _ => "Nothing is waiting for someone: every open item is held.",
                }
                .into(),
            },
        };
        earshot_store::commit(tx).await?;
        Ok(outcome)
    }

    /// Sets how many items a person takes on at most through "next item" claims and automatic assignment.
    pub async fn set_cap(&self, agent: &str, cap: u32) -> Result<AgentView, EngineError> {
        let row = self.agent_by_name(agent).await?;
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        work::set_cap(&mut conn, row.id, i64::from(cap)).await?;
        let row = agents::get(&mut conn, row.id)
            .await?
            .ok_or_else(|| EngineError::NotFound("That person disappeared.".into()))?;
        Ok(Self::agent_view(row, me))
    }

    /// Adds an internal note to an item, or to its whole conversation. Notes never leave Earshot.
    pub async fn add_note(&self, id: &str, body: &str, conversation: bool) -> Result<WorkView, EngineError> {
        let item = parse_id(id)?;
        let body = body.trim();
        if body.is_empty() {
            return Err(EngineError::Invalid("Write the note first.".into()));
        }
        if body.chars().count() > MAX_NOTE_CHARS {
            return Err(EngineError::Invalid(format!(
                "Keep a note under {MAX_NOTE_CHARS} characters."
            )));
        }
        let me = self.me_id().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        if work::get(&mut conn, item).await?.is_none() {
            return Err(EngineError::NotFound(format!(
                "Inbox item {id} no longer exists."
            )));
        }
        notes::add(&mut conn, item, conversation, Some(me), body, self.clock.now()).await?;
        drop(conn);
        self.work(id).await
    }

    /// Where an item stands: its stage, timers, holder, notes and history.
    pub async fn work(&self, id: &str) -> Result<WorkView, EngineError> {
        let item = parse_id(id)?;
        let now = self.clock.now();
        let policies = self.policies().await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let w = work::get(&mut conn, item)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {id} no longer exists.")))?;
        let handles = earshot_store::mentions::handle_ids(&mut conn, item).await?;
        let events = work::events(&mut conn, item).await?;
        let notes = notes::for_item(&mut conn, item).await?;
        let held_because = events
            .iter()
            .rev()
            .find(|e| e.kind == "escalated" || e.kind == "assigned" || e.kind == "unassigned")
            .filter(|e| e.kind == "escalated")
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.detail).ok())
            .and_then(|d| d.get("note").and_then(|n| n.as_str()).map(str::to_owned));
        Ok(WorkView {
            item_id: id.trim().to_owned(),
            stage: w.stage,
            snoozed_until: w.snoozed_until.map(rfc3339),
            held_by: holder(&w),
            held_because,
            timers: policies
                .timers(&handles, &w, now)
                .iter()
                .map(timer_view)
                .collect(),
            first_response_at: w.first_response_at.map(rfc3339),
            resolved_at: w.resolved_at.map(rfc3339),
            notes: notes
                .into_iter()
                .map(|n| NoteView {
                    id: n.id.to_string(),
                    conversation: n.conversation,
                    author: n.agent,
                    body: n.body,
                    created_at: rfc3339(n.created_at),
                })
                .collect(),
            history: events
                .into_iter()
                .map(|e| {
                    let detail = serde_json::from_str(&e.detail).unwrap_or_default();
                    WorkEvent {
                        at: rfc3339(e.at),
                        who: e.agent,
                        text: event_text(&e.kind, &detail),
                        kind: e.kind,
                    }
                })
                .collect(),
        })
    }
}

pub(crate) fn holder(w: &WorkRow) -> Option<String> {
    w.assignee
        .as_ref()
        .map(|(_, name)| name.clone())
        .or_else(|| w.held_by_role.as_deref().map(role_label))
}

pub(crate) fn parse_time(raw: &str) -> Result<DateTime<Utc>, EngineError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            EngineError::Invalid(format!(
                "'{raw}' is not a time Earshot can read. Use a date and time such as 2026-11-30T09:00:00+01:00."
            ))
        })
}

fn checked_profile(name: &str, signature: &str) -> Result<(String, String), EngineError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(EngineError::Invalid(
            "Enter a name: replies are signed with it.".into(),
        ));
    }
    if name.chars().count() > 80 {
        return Err(EngineError::Invalid("Keep the name under 80 characters.".into()));
    }
    let signature = signature.trim().to_owned();
    if signature.chars().count() > 40 {
        return Err(EngineError::Invalid(
            "Keep the signature short (at most 40 characters): every reply carries it, and networks count it."
                .into(),
        ));
    }
    if signature.contains('\n') {
        return Err(EngineError::Invalid("A signature is one line.".into()));
    }
    let unknown = earshot_desk::render(&signature, &earshot_desk::Vars::new()).unknown;
    if let Some(u) = unknown.first() {
        return Err(EngineError::Invalid(format!(
            "The signature uses {{{u}}}, which Earshot does not know. Use {{agent.first_name}}, {{agent.name}} or {{agent.initials}}."
        )));
    }
    Ok((name, signature))
}

/// Settings are plain data, so serialising them cannot fail.
fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
