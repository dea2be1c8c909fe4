//! The app's presence on the desktop: alerts that open their item when clicked, the tray icon, and the
//! unanswered count in the tray and the window title.

use earshot_engine::{AlertAction, DesktopAlerts, Engine};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::{AlertsState, OpenItem};

const TRAY_ID: &str = "earshot";

/// Brings the main window to the front.
fn focus(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

fn open_item(app: &AppHandle, item_id: String) {
    focus(app);
    if item_id.is_empty() {
        return;
    }
    if let Err(e) = (OpenItem { item_id }).emit(app) {
        tracing::warn!(error = %e, "could not tell the window to open the alert's item");
    }
}

/// Connects to the notification server. Without one, the app works on and the window says so once.
pub fn connect_alerts(app: &AppHandle, engine: Option<Engine>) -> AlertsState {
    let heard = app.clone();
    let result = DesktopAlerts::connect(move |action| {
        let app = heard.clone();
        match action {
            AlertAction::Open { item_id } => open_item(&app, item_id),
            AlertAction::AssignToMe { item_id } => {
                let engine = engine.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(engine) = engine {
                        match engine.me().await {
                            Ok(me) => {
                                if let Err(e) = engine.assign(&item_id, Some(&me.name)).await {
                                    tracing::warn!(error = %e, "could not assign the alert's item");
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "could not read the profile"),
                        }
                        crate::commands::changed(&app, "work");
                    }
                    open_item(&app, item_id);
                });
            }
        }
    });
    match &result {
        Ok(a) => tracing::info!(server = %a.server, "desktop alerts are on"),
        Err(problem) => tracing::warn!("{problem}"),
    }
    AlertsState(std::sync::Arc::new(std::sync::Mutex::new(result)))
}

/// The tray icon, with a menu to show the window or quit. A desktop without a tray just has no icon.
pub fn tray(app: &AppHandle) {
    let built = (|| -> tauri::Result<()> {
        let show = MenuItem::with_id(app, "show", "Show Earshot", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit Earshot", true, None::<&str>)?;
        let menu = Menu::with_items(app, &[&show, &quit])?;
        let mut tray = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("Earshot")
            .menu(&menu)
            .on_menu_event(|app, event| match event.id().as_ref() {
                "show" => focus(app),
                "quit" => app.exit(0),
                _ => {}
            });
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)?;
        Ok(())
    })();
    if let Err(e) = built {
        tracing::warn!(error = %e, "no tray icon: the desktop has no status area");
    }
}

/// Shows the count of unanswered actionable items in the tray and the window title.
pub fn show_count(app: &AppHandle, unanswered: u32) {
    let title = match unanswered {
        0 => "Earshot".to_owned(),
        1 => "Earshot (1 unanswered)".to_owned(),
        n => format!("Earshot ({n} unanswered)"),
    };
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(&title);
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let label = (unanswered > 0).then(|| unanswered.to_string());
        let _ = tray.set_title(label.as_deref());
        let _ = tray.set_tooltip(Some(&title));
    }
}
