//! The app's own worker: sends the outbox every few seconds and syncs every account every two minutes, so
//! the inbox stays live without anyone pressing "Sync now". The window hears of each change.

use std::time::Duration;

use earshot_engine::{Engine, Progress};
use tauri::AppHandle;

use crate::commands::changed;

const SEND_EVERY: Duration = Duration::from_secs(5);
const SYNC_EVERY: Duration = Duration::from_secs(120);

pub fn start(app: AppHandle, engine: Engine) {
    tauri::async_runtime::spawn(async move {
        let mut since_sync = SYNC_EVERY;
        loop {
            match engine.send_due().await {
                Ok(tried) if !tried.is_empty() => changed(&app, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not be sent"),
            }
            if since_sync >= SYNC_EVERY {
                since_sync = Duration::ZERO;
                match engine.sync_all(&mut |_: &Progress| {}).await {
                    Ok(reports) if !reports.is_empty() => changed(&app, "sync"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the background sync failed"),
                }
            }
            tokio::time::sleep(SEND_EVERY).await;
            since_sync += SEND_EVERY;
        }
    });
}
