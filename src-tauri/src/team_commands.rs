//! Settings → Team: which database this desk works in. Joining or leaving a team takes effect at the next start,
//! so these commands work from the data folder, even when the current database cannot be opened (a team server
//! that is down must not lock anyone out of going back to their personal workspace).

use earshot_engine::{ApiError, Engine, MoveReport, Progress, TeamCheck};
use serde::Serialize;
use specta::Type;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::{AppState, DataDir};

/// Where this desk works now, and where it will work after a restart.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TeamStatus {
    /// The team database joined (its address without the password); null: the personal workspace.
    pub joined: Option<String>,
    /// The database open now is a team database.
    pub in_team: bool,
    /// This computer's data folder (the personal workspace, and this desk's own files in a team).
    pub data_dir: String,
    /// Why the joined team database could not be opened at start, if it could not.
    pub open_error: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn team_status(
    state: State<'_, AppState>,
    dir: State<'_, DataDir>,
) -> Result<TeamStatus, ApiError> {
    let dir = dir.path()?;
    let joined = earshot_engine::joined_team(dir)?;
    Ok(TeamStatus {
        in_team: state.0.as_ref().is_ok_and(Engine::is_team),
        open_error: match (&joined, &state.0) {
            (Some(_), Err(e)) => Some(e.message.clone()),
            _ => None,
        },
        joined,
        data_dir: dir.display().to_string(),
    })
}

/// Connects to a team database and says what is there, changing nothing. The password is used only for this.
#[tauri::command]
#[specta::specta]
pub async fn check_team_database(url: String, password: Option<String>) -> Result<TeamCheck, ApiError> {
    Ok(earshot_engine::check_team(&url, password.as_deref()).await?)
}

/// What joining did: the check of the database, and what moved into it when asked to.
#[derive(Debug, Clone, Serialize, Type)]
pub struct JoinedTeam {
    pub check: TeamCheck,
    pub moved: Option<MoveReport>,
}

/// Joins the team database at `url` from the next start: the password goes to the OS keyring, the address (without
/// it) to the data folder. With `bring_workspace`, the personal workspace is first moved into it (it must be empty).
#[tauri::command]
#[specta::specta]
pub async fn join_team_database(
    dir: State<'_, DataDir>,
    url: String,
    password: Option<String>,
    bring_workspace: bool,
    on_progress: Channel<Progress>,
) -> Result<JoinedTeam, ApiError> {
    let dir = dir.path()?;
    let check = earshot_engine::join_team(dir, &url, password.as_deref()).await?;
    let moved = match bring_workspace {
        false => None,
        true => {
            let result = earshot_engine::move_into_team(dir, &url, &mut |p: &Progress| {
                let _ = on_progress.send(p.clone());
            })
            .await;
            match result {
                Ok(report) => Some(report),
                Err(e) => {
                    // Nothing moved: stay in the personal workspace, as before.
                    earshot_engine::leave_team(dir)?;
                    return Err(e.into());
                }
            }
        }
    };
    Ok(JoinedTeam { check, moved })
}

/// Works in the personal workspace again from the next start. The team database is left as it is.
#[tauri::command]
#[specta::specta]
pub async fn leave_team_database(dir: State<'_, DataDir>) -> Result<(), ApiError> {
    Ok(earshot_engine::leave_team(dir.path()?)?)
}

/// Starts Earshot again, to open the database just joined or left.
#[tauri::command]
#[specta::specta]
pub async fn restart_app(app: AppHandle) -> Result<(), ApiError> {
    app.restart()
}
