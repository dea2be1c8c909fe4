//! The app's own worker: sends the outbox every few seconds, listens live on each Mastodon account's stream,
//! and syncs every account every two minutes, so the inbox stays live without anyone pressing "Sync now".
//! Every round it also wakes snoozed items, raises desktop alerts for new items that match a rule, and
//! updates the unanswered count, and hands waiting items out where a queue assigns automatically. In a team
//! it also listens to the team database, so other desktops' changes show at once. The window hears of each
//! change.

use std::sync::Arc;
use std::time::Duration;

use earshot_engine::{Engine, Listeners, Progress, SyncReport};
use tauri::AppHandle;

use crate::commands::changed;
use crate::AlertsState;

const SEND_EVERY: Duration = Duration::from_secs(5);
const SYNC_EVERY: Duration = Duration::from_secs(120);

pub fn start(app: AppHandle, engine: Engine, alerts: AlertsState) {
    tauri::async_runtime::spawn(async move {
        // Items stored before triage existed are labelled once, before anything else.
        match engine.triage_backlog(&mut |_: &Progress| {}).await {
            Ok(0) => {}
            Ok(_) => changed(&app, "triage"),
            Err(e) => tracing::warn!(error = %e, "could not triage the stored items"),
        }
        // Reports read each day's stored figures; build the missing ones now, beside the rest, rather than
        // when Reports opens.
        let warming = engine.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = warming.warm_reports().await {
                tracing::warn!(error = %e, "could not prepare the reports' figures");
            }
        });
        let mut since_sync = SYNC_EVERY;
        // In a team: another desktop's claims, replies and new items, told by the database within a second.
        let told = app.clone();
        // Someone opening or leaving an item changes only who is shown beside it, not the inbox.
        let _team = engine.listen_to_team(Arc::new(move |table: &str| match table {
            "presence" => changed(&told, "presence"),
            _ => changed(&told, "team"),
        }));
        let heard = app.clone();
        let mut listeners = Listeners::new(
            engine.clone(),
            // After a catch-up, a pushed mention, or a stream going live or ending: the window refreshes the
            // inbox and the accounts' live marks.
            Arc::new(move |_: &SyncReport| changed(&heard, "stream")),
        );
        loop {
            if let Err(e) = listeners.refresh().await {
                tracing::warn!(error = %e, "could not start listening");
            }
            match engine.send_due().await {
                Ok(tried) if !tried.is_empty() => changed(&app, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not be sent"),
            }
            // Weights or a retrained model saved by another desktop, the sync worker or the CLI.
            match engine.refresh_triage().await {
                Ok(true) => changed(&app, "triage"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "could not read the workspace's triage settings"),
            }
            if since_sync >= SYNC_EVERY {
                since_sync = Duration::ZERO;
                // Live CRMs older than their freshness period; a CRM that cannot be reached keeps its copy.
                match engine.sync_crm_due().await {
                    Ok(0) => {}
                    Ok(_) => changed(&app, "contacts"),
                    Err(e) => tracing::warn!(error = %e, "the CRM sync failed"),
                }
                match engine.sync_all(&mut |_: &Progress| {}).await {
                    Ok(reports) if !reports.is_empty() => changed(&app, "sync"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the background sync failed"),
                }
            }
            // In a team: accounts whose syncing process stopped or died are taken over at once.
            match engine.take_over_syncs(&mut |_: &Progress| {}).await {
                Ok(taken) if !taken.is_empty() => changed(&app, "sync"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not check which accounts to sync"),
            }
            match engine.wake_snoozed().await {
                Ok(0) => {}
                Ok(_) => changed(&app, "snooze"),
                Err(e) => tracing::warn!(error = %e, "could not wake snoozed items"),
            }
            // Queues with automatic assignment hand their waiting items to whoever is on duty and has room.
            match engine.auto_assign().await {
                Ok(given) if !given.is_empty() => changed(&app, "assign"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "automatic assignment failed"),
            }
            raise_alerts(&engine, &alerts).await;
            match engine.unanswered_count().await {
                Ok(n) => crate::desktop::show_count(&app, n),
                Err(e) => tracing::warn!(error = %e, "could not count unanswered items"),
            }
            tokio::time::sleep(SEND_EVERY).await;
            since_sync += SEND_EVERY;
        }
    });
}

/// Shows the alerts that are due. Without a notification server they are still recorded (so they do not
/// pile up for later), and the window has said once that alerts are unavailable.
async fn raise_alerts(engine: &Engine, alerts: &AlertsState) {
    let notices = match engine.alerts_due().await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "could not check for alerts");
            return;
        }
    };
    if notices.is_empty() {
        return;
    }
    let Ok(desktop) = alerts.get() else {
        return;
    };
    let shown = tauri::async_runtime::spawn_blocking(move || {
        for notice in &notices {
            if let Err(e) = desktop.show(notice) {
                tracing::warn!("{e}");
            }
        }
    })
    .await;
    if let Err(e) = shown {
        tracing::warn!(error = %e, "showing alerts failed");
    }
}
