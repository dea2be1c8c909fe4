//! The desktop shell. It only registers commands and events; every decision is the engine's.

mod background;
mod commands;
mod desktop;
mod team_commands;
mod work_commands;

use std::path::PathBuf;
use std::sync::Arc;

use earshot_engine::{resolve_data_dir, ApiError, Engine, ErrorCode, SystemClock};
use serde::{Deserialize, Serialize};
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder};

/// Sent whenever the inbox changes, so the window refreshes its list and counts.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InboxChanged {
    pub reason: String,
}

/// Sent when the person clicks an alert or chooses "Open" on it: the window shows that item.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct OpenItem {
    pub item_id: String,
}

/// The desktop's notification server, or why alerts are unavailable (said once in the window).
#[derive(Clone)]
pub struct AlertsState(pub std::sync::Arc<std::sync::Mutex<Result<earshot_engine::DesktopAlerts, String>>>);

impl AlertsState {
    pub fn get(&self) -> Result<earshot_engine::DesktopAlerts, String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The open workspace, or why it could not be opened (shown in the window instead of a crash).
pub struct AppState(pub Result<Engine, ApiError>);

/// This computer's data folder: the personal workspace, and where the team database joined is noted.
pub struct DataDir(pub Result<PathBuf, ApiError>);

impl DataDir {
    pub fn path(&self) -> Result<&std::path::Path, ApiError> {
        self.0.as_deref().map_err(Clone::clone)
    }
}

/// The browser sign-in in progress, if any: sending `true` cancels it.
#[derive(Default)]
pub struct SignIn(pub std::sync::Mutex<Option<tokio::sync::watch::Sender<bool>>>);

/// The commands and events the window may use; also the source of the generated TypeScript bindings.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::workspace_info,
            commands::inbox_page,
            commands::get_item,
            commands::set_status,
            commands::label_item,
            commands::priority_weights,
            commands::set_priority_weights,
            commands::triage_quality,
            commands::retrain_triage,
            commands::list_handles,
            commands::load_demo,
            commands::open_link,
            commands::list_accounts,
            commands::connect_mastodon,
            commands::sign_in_mastodon,
            commands::sign_in_x,
            commands::connect_x,
            commands::x_spend,
            commands::set_x_spend,
            commands::cancel_sign_in,
            commands::sync_account,
            commands::connect_bluesky,
            commands::update_account,
            commands::remove_account,
            commands::sources,
            commands::add_source,
            commands::update_source,
            commands::remove_source,
            commands::sync_source,
            commands::compose_check,
            commands::queue_action,
            commands::list_outbox,
            commands::retry_action,
            commands::preview_contacts,
            commands::import_contacts,
            commands::item_customer,
            commands::link_customer,
            commands::unlink_customer,
            commands::create_contact,
            commands::update_contact,
            commands::merge_contacts,
            commands::get_contact,
            commands::search_contacts,
            commands::crm_sources,
            commands::add_carddav,
            commands::add_hubspot,
            commands::sync_crm_source,
            commands::remove_crm_source,
            work_commands::set_stage,
            work_commands::snooze_item,
            work_commands::item_work,
            work_commands::escalate_item,
            work_commands::assign_item,
            work_commands::add_note,
            work_commands::me,
            work_commands::update_me,
            work_commands::list_agents,
            work_commands::add_agent,
            work_commands::set_duty,
            work_commands::handle_settings,
            work_commands::set_handle_settings,
            work_commands::alert_settings,
            work_commands::set_alert_rules,
            work_commands::set_dnd,
            work_commands::alerts_status,
            work_commands::send_test_alert,
            work_commands::saved_replies,
            work_commands::save_reply,
            work_commands::delete_reply,
            work_commands::preview_reply,
            work_commands::template_variables,
            work_commands::handover_preview,
            work_commands::end_shift,
            work_commands::start_shift,
            work_commands::list_handovers,
            work_commands::read_handover,
            work_commands::unanswered_count,
            work_commands::queue_post,
            work_commands::report,
            work_commands::report_now,
            work_commands::export_report,
            work_commands::beat_presence,
            work_commands::assignment_rules,
            work_commands::set_assignment_mode,
            team_commands::team_status,
            team_commands::check_team_database,
            team_commands::join_team_database,
            team_commands::leave_team_database,
            team_commands::restart_app,
        ])
        .events(collect_events![InboxChanged, OpenItem])
        // Our view types serialise one way only; one TypeScript name per type keeps the UI simple.
        .disable_serde_phases()
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line, as the CLI takes it.
fn data_dir_arg(args: impl IntoIterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// The app's log: `earshot.log` in the data folder (moved to `earshot.old.log` once over 5 MB) and standard
/// error. `EARSHOT_LOG` takes a filter such as `debug` or `earshot::http=debug`. No event carries a secret.
fn init_logging(dir: &std::path::Path) {
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_env("EARSHOT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let path = dir.join("earshot.log");
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 5_000_000) {
        let _ = std::fs::rename(&path, dir.join("earshot.old.log"));
    }
    let file = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::OpenOptions::new().create(true).append(true).open(&path))
        .ok();
    let to_file = file.map(|f| {
        fmt::layer()
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(f))
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(to_file)
        .try_init();
}

/// Opens the workspace: the team database this desk joined (Settings → Team), else the personal one.
fn open_engine(dir: &std::path::Path) -> Result<Engine, ApiError> {
    let storage = |e: earshot_engine::EngineError| ApiError {
        code: ErrorCode::Storage,
        message: ApiError::from(e).message,
    };
    let team = earshot_engine::joined_team(dir).map_err(storage)?;
    let database = match &team {
        Some(url) => Some(earshot_engine::team_database_url(url).map_err(storage)?),
        None => None,
    };
    tauri::async_runtime::block_on(Engine::open_at(
        dir.to_path_buf(),
        database.as_deref(),
        Arc::new(SystemClock),
    ))
    .map_err(|e| {
        let mut error = storage(e);
        if team.is_some() {
            error.message.push_str(
                " To work in your personal workspace meanwhile, leave the team in Settings → Team database.",
            );
        }
        error
    })
}

pub fn run() {
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let dir = resolve_data_dir(data_dir_arg(std::env::args().skip(1))).map_err(ApiError::from);
            let engine = dir.clone().and_then(|dir| {
                init_logging(&dir);
                open_engine(&dir)
            });
            let alerts = desktop::connect_alerts(app.handle(), engine.as_ref().ok().cloned());
            app.manage(alerts.clone());
            desktop::tray(app.handle());
            if let Ok(engine) = &engine {
                background::start(app.handle().clone(), engine.clone(), alerts);
            }
            app.manage(AppState(engine));
            app.manage(DataDir(dir));
            app.manage(SignIn::default());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Earshot could not start its window: {e}. Is a graphical session (DISPLAY or WAYLAND_DISPLAY) available?");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_is_read_in_both_spellings() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            data_dir_arg(args(&["--data-dir", "/tmp/x"])),
            Some(PathBuf::from("/tmp/x"))
        );
        assert_eq!(
            data_dir_arg(args(&["--data-dir=/tmp/y"])),
            Some(PathBuf::from("/tmp/y"))
        );
        assert_eq!(data_dir_arg(args(&["--other"])), None);
    }

    /// The committed TypeScript bindings must match what Rust generates. Run with UPDATE_BINDINGS=1 to refresh.
    #[test]
    fn typescript_bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let fresh = std::env::temp_dir().join(format!("earshot-bindings-{}.ts", std::process::id()));
        specta_builder()
            .export(
                specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"),
                &fresh,
            )
            .expect("the bindings must export");
        let generated = std::fs::read_to_string(&fresh).expect("read the generated bindings");
        let _ = std::fs::remove_file(&fresh);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p earshot-app typescript_bindings` and commit it"
        );
    }
}
