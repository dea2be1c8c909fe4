//! Commands for the agent's day: stages and snoozes, escalation and notes, the team and its shifts, saved
//! replies, handle SLAs and hours, and desktop alerts. Each is a few lines over the engine.

use std::collections::BTreeMap;

use earshot_core::Stage;
use earshot_engine::{
    AgentView, AlertRule, AlertSettings, ApiError, AssignMode, AssignmentRule, ClaimQueue, EndShiftRequest,
    EndShiftResult, EscalateRequest, HandleSettings, HandoverView, Notice, NoticeKind, PresenceActivity,
    PresenceView, Progress, ReplyPreview, SaveReplyRequest, SavedReplyView, TemplateVariable, WorkView,
};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::commands::{changed, engine};
use crate::{AlertsState, AppState};

#[tauri::command]
#[specta::specta]
pub async fn set_stage(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    stage: Stage,
) -> Result<(), ApiError> {
    engine(&state)?.set_stage(&id, stage).await?;
    changed(&app, "status");
    Ok(())
}

/// Takes an item out of the list until `until` (RFC 3339); returns the time it comes back.
#[tauri::command]
#[specta::specta]
pub async fn snooze_item(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    until: String,
) -> Result<String, ApiError> {
    let back = engine(&state)?.snooze(&id, &until).await?;
    changed(&app, "status");
    Ok(back)
}

#[tauri::command]
#[specta::specta]
pub async fn item_work(state: State<'_, AppState>, id: String) -> Result<WorkView, ApiError> {
    Ok(engine(&state)?.work(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn escalate_item(
    app: AppHandle,
    state: State<'_, AppState>,
    request: EscalateRequest,
) -> Result<WorkView, ApiError> {
    let work = engine(&state)?.escalate(&request).await?;
    changed(&app, "work");
    Ok(work)
}

/// Gives an item to a person by name, or to no one (`to` null).
#[tauri::command]
#[specta::specta]
pub async fn assign_item(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    to: Option<String>,
) -> Result<WorkView, ApiError> {
    let work = engine(&state)?.assign(&id, to.as_deref()).await?;
    changed(&app, "work");
    Ok(work)
}

/// An internal note on the item, or on its whole conversation. Never sent anywhere.
#[tauri::command]
#[specta::specta]
pub async fn add_note(
    state: State<'_, AppState>,
    id: String,
    body: String,
    conversation: bool,
) -> Result<WorkView, ApiError> {
    Ok(engine(&state)?.add_note(&id, &body, conversation).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn me(state: State<'_, AppState>) -> Result<AgentView, ApiError> {
    Ok(engine(&state)?.me().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_me(
    state: State<'_, AppState>,
    name: String,
    signature: String,
) -> Result<AgentView, ApiError> {
    Ok(engine(&state)?.update_me(&name, &signature).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_agents(state: State<'_, AppState>) -> Result<Vec<AgentView>, ApiError> {
    Ok(engine(&state)?.agents().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_agent(
    state: State<'_, AppState>,
    name: String,
    role: String,
) -> Result<AgentView, ApiError> {
    Ok(engine(&state)?.add_agent(&name, &role).await?)
}

/// Puts a person (by name; the person at this desk when null) on or off duty.
#[tauri::command]
#[specta::specta]
pub async fn set_duty(
    state: State<'_, AppState>,
    agent: Option<String>,
    on_duty: bool,
    until: Option<String>,
    handle_ids: Vec<String>,
) -> Result<AgentView, ApiError> {
    Ok(engine(&state)?
        .set_duty(agent.as_deref(), on_duty, until.as_deref(), &handle_ids)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn handle_settings(state: State<'_, AppState>) -> Result<Vec<HandleSettings>, ApiError> {
    Ok(engine(&state)?.handle_settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_handle_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: HandleSettings,
) -> Result<HandleSettings, ApiError> {
    let saved = engine(&state)?.set_handle_settings(&settings).await?;
    // The list's SLA timers change with the targets.
    changed(&app, "settings");
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn alert_settings(state: State<'_, AppState>) -> Result<AlertSettings, ApiError> {
    Ok(engine(&state)?.alert_settings().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_alert_rules(
    state: State<'_, AppState>,
    rules: Vec<AlertRule>,
) -> Result<AlertSettings, ApiError> {
    Ok(engine(&state)?.set_alert_rules(&rules).await?)
}

/// Do-not-disturb until a time (RFC 3339), "on" until turned off, or off (null).
#[tauri::command]
#[specta::specta]
pub async fn set_dnd(state: State<'_, AppState>, until: Option<String>) -> Result<AlertSettings, ApiError> {
    Ok(engine(&state)?.set_dnd(until.as_deref()).await?)
}

/// Whether desktop alerts can be shown here, and if not, why (said once in the window).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AlertsStatus {
    pub available: bool,
    /// The notification server's name and version.
    pub server: Option<String>,
    pub problem: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn alerts_status(alerts: State<'_, AlertsState>) -> Result<AlertsStatus, ApiError> {
    Ok(match alerts.get() {
        Ok(a) => AlertsStatus {
            available: true,
            server: Some(a.server),
            problem: None,
        },
        Err(problem) => AlertsStatus {
            available: false,
            server: None,
            problem: Some(problem),
        },
    })
}

/// Shows a sample alert, so the person can see what alerts look like and that they arrive.
#[tauri::command]
#[specta::specta]
pub async fn send_test_alert(alerts: State<'_, AlertsState>) -> Result<(), ApiError> {
    let alerts = alerts.get().map_err(|problem| ApiError {
        code: earshot_engine::ErrorCode::Internal,
        message: problem,
    })?;
    let notice = Notice {
        kind: NoticeKind::Single,
        summary: "Earshot alerts work".into(),
        body: "Complaints from influential authors and customers will appear like this.".into(),
        item_ids: vec![String::new()],
    };
    tauri::async_runtime::spawn_blocking(move || alerts.show(&notice))
        .await
        .map_err(|e| ApiError {
            code: earshot_engine::ErrorCode::Internal,
            message: format!("The test alert could not be shown: {e}"),
        })?
        .map(|_| ())
        .map_err(|message| ApiError {
            code: earshot_engine::ErrorCode::Internal,
            message,
        })
}

#[tauri::command]
#[specta::specta]
pub async fn saved_replies(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<SavedReplyView>, ApiError> {
    Ok(engine(&state)?.saved_replies(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_reply(
    state: State<'_, AppState>,
    request: SaveReplyRequest,
) -> Result<SavedReplyView, ApiError> {
    Ok(engine(&state)?.save_reply(&request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_reply(state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    Ok(engine(&state)?.delete_reply(&id).await?)
}

/// A saved reply filled in for an item, with the length once signed and a warning if the author had it before.
#[tauri::command]
#[specta::specta]
pub async fn preview_reply(
    state: State<'_, AppState>,
    item_id: String,
    saved_reply_id: String,
    from: Option<String>,
    values: BTreeMap<String, String>,
) -> Result<ReplyPreview, ApiError> {
    Ok(engine(&state)?
        .preview_reply(&item_id, &saved_reply_id, from.as_deref(), &values)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub fn template_variables() -> Vec<TemplateVariable> {
    earshot_engine::template_variables()
}

#[tauri::command]
#[specta::specta]
pub async fn handover_preview(state: State<'_, AppState>, note: String) -> Result<HandoverView, ApiError> {
    Ok(engine(&state)?.handover_preview(&note).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn end_shift(
    app: AppHandle,
    state: State<'_, AppState>,
    request: EndShiftRequest,
) -> Result<EndShiftResult, ApiError> {
    let result = engine(&state)?.end_shift(&request).await?;
    changed(&app, "work");
    Ok(result)
}

#[tauri::command]
#[specta::specta]
pub async fn start_shift(
    state: State<'_, AppState>,
    handle_ids: Vec<String>,
    until: Option<String>,
) -> Result<AgentView, ApiError> {
    Ok(engine(&state)?.start_shift(&handle_ids, until.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_handovers(state: State<'_, AppState>, limit: u32) -> Result<Vec<HandoverView>, ApiError> {
    Ok(engine(&state)?.handovers(limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_handover(state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    Ok(engine(&state)?.read_handover(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn unanswered_count(state: State<'_, AppState>) -> Result<u32, ApiError> {
    Ok(engine(&state)?.unanswered_count().await?)
}

/// Queues the shift change post the agent has read and confirmed, from the handle they chose.
#[tauri::command]
#[specta::specta]
pub async fn queue_post(
    app: AppHandle,
    state: State<'_, AppState>,
    from: String,
    text: String,
) -> Result<earshot_engine::OutboxView, ApiError> {
    let engine = engine(&state)?;
    let queued = engine.queue_post(&from, &text).await?;
    let tried = engine.send_due().await?;
    changed(&app, "outbox");
    Ok(tried.into_iter().find(|v| v.id == queued.id).unwrap_or(queued))
}

/// The report for a period of local days (docs/reports.md). The first report over a period of a busy workspace
/// works out each day's figures: `on_progress` hears of it.
#[tauri::command]
#[specta::specta]
pub async fn report(
    state: State<'_, AppState>,
    query: earshot_engine::ReportQuery,
    on_progress: Channel<Progress>,
) -> Result<earshot_engine::Report, ApiError> {
    Ok(engine(&state)?
        .report_with_progress(&query, &mut |p: &Progress| {
            let _ = on_progress.send(p.clone());
        })
        .await?)
}

/// How the team is doing right now.
#[tauri::command]
#[specta::specta]
pub async fn report_now(state: State<'_, AppState>) -> Result<earshot_engine::NowReport, ApiError> {
    Ok(engine(&state)?.report_now().await?)
}

/// Where an exported table was saved.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct ExportedFile {
    pub path: String,
    /// Data rows, not counting the header.
    pub rows: u32,
}

/// Saves one table of the report as CSV in the Downloads folder (the home folder when there is none), under a
/// name that says what it holds, and never over an existing file.
#[tauri::command]
#[specta::specta]
pub async fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    query: earshot_engine::ReportQuery,
    table: earshot_engine::ReportTable,
) -> Result<ExportedFile, ApiError> {
    use tauri::Manager;
    let report = engine(&state)?.report(&query).await?;
    let csv = earshot_engine::report_csv(&report, table);
    let folder = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            ApiError::from(earshot_engine::EngineError::Invalid(format!(
                "There is no Downloads or home folder to save the report in: {e}"
            )))
        })?;
    let kind = match table {
        earshot_engine::ReportTable::Days => "days",
        earshot_engine::ReportTable::Split => "breakdown",
        earshot_engine::ReportTable::Authors => "top-authors",
        earshot_engine::ReportTable::Customers => "customers",
    };
    let stem = format!("earshot-{kind}-{}-to-{}", report.from, report.to);
    let path = earshot_engine::export::unused_path(&folder, &stem, "csv");
    earshot_engine::export::write_new(&path, csv.as_bytes()).map_err(|e| {
        ApiError::from(earshot_engine::EngineError::Invalid(format!(
            "Could not save {}: {e}",
            path.display()
        )))
    })?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        rows: u32::try_from(csv.lines().count().saturating_sub(1)).unwrap_or(u32::MAX),
    })
}

/// The window's heartbeat: the item it has open (none when nothing is), and whether its person is writing an
/// answer. Returns who else has that item open.
#[tauri::command]
#[specta::specta]
pub async fn beat_presence(
    state: State<'_, AppState>,
    id: Option<String>,
    activity: PresenceActivity,
) -> Result<Vec<PresenceView>, ApiError> {
    Ok(engine(&state)?.beat_presence(id.as_deref(), activity).await?)
}

/// How each queue hands out its items: off (agents claim them), round-robin or least-loaded.
#[tauri::command]
#[specta::specta]
pub async fn assignment_rules(state: State<'_, AppState>) -> Result<Vec<AssignmentRule>, ApiError> {
    Ok(engine(&state)?.assignment_rules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_assignment_mode(
    app: AppHandle,
    state: State<'_, AppState>,
    queue: ClaimQueue,
    mode: AssignMode,
) -> Result<AssignmentRule, ApiError> {
    let rule = engine(&state)?.set_assignment_mode(queue, mode).await?;
    changed(&app, "assign");
    Ok(rule)
}
