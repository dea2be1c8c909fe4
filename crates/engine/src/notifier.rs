//! Showing alerts on the desktop through the freedesktop notification server (notify-rust over D-Bus), and
//! hearing which action the person chose. The app and `earshot alerts` share it.
//!
//! Each shown notification gets a thread that waits for its action or its closing; the notification server
//! closes them when they expire, so the threads end.

use std::sync::mpsc;
use std::sync::Arc;

use earshot_desk::{Notice, NoticeKind};

/// What the person did with an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertAction {
    /// Clicked it, or chose "Open": show this item.
    Open { item_id: String },
    /// Chose "Assign to me".
    AssignToMe { item_id: String },
}

type OnAction = Arc<dyn Fn(AlertAction) + Send + Sync>;

/// A connection to the desktop's notification server.
#[derive(Clone)]
pub struct DesktopAlerts {
    on_action: OnAction,
    actions: bool,
    /// The server's name and version, for the log and Settings ("dunst 1.9.0").
    pub server: String,
}

const APP_NAME: &str = "Earshot";

impl DesktopAlerts {
    /// Finds the notification server. The error is a sentence for the person: alerts are unavailable, and why.
    pub fn connect(on_action: impl Fn(AlertAction) + Send + Sync + 'static) -> Result<Self, String> {
        let info = notify_rust::get_server_information().map_err(|e| {
            tracing::info!(error = %e, "no notification server");
            "Desktop alerts are unavailable: no notification service is running in this desktop session. \
             Earshot keeps working; urgent items still rise to the top of the inbox."
                .to_owned()
        })?;
        let actions = notify_rust::get_capabilities()
            .map(|c| c.iter().any(|c| c == "actions"))
            .unwrap_or(false);
        Ok(Self {
            on_action: Arc::new(on_action),
            actions,
            server: format!("{} {}", info.name, info.version),
        })
    }

    /// Shows one notice. Returns the server's notification ID.
    pub fn show(&self, notice: &Notice) -> Result<u32, String> {
        let Some(first) = notice.item_ids.first().cloned() else {
            return Err("An alert without an item was not shown.".into());
        };
        let mut n = notify_rust::Notification::new();
        n.appname(APP_NAME)
            .summary(&notice.summary)
            .body(&notice.body)
            .icon("mail-message-new")
            .hint(notify_rust::Hint::Category("im.received".into()))
            .hint(notify_rust::Hint::DesktopEntry("earshot".into()));
        if self.actions {
            // "default" is what a click on the notification itself invokes.
            n.action("default", "Open").action("open", "Open");
            if notice.kind == NoticeKind::Single {
                n.action("assign", "Assign to me");
            }
        }
        let on_action = self.on_action.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("earshot-alert".into())
            .spawn(move || match n.show() {
                Ok(handle) => {
                    let _ = tx.send(Ok(handle.id()));
                    handle.wait_for_action(|action| match action {
                        "default" | "open" => on_action(AlertAction::Open { item_id: first }),
                        "assign" => on_action(AlertAction::AssignToMe { item_id: first }),
                        _ => {}
                    });
                }
                Err(e) => {
                    let _ = tx.send(Err(format!("The desktop did not show the alert: {e}")));
                }
            })
            .map_err(|e| format!("Earshot could not start showing an alert: {e}"))?;
        rx.recv()
            .unwrap_or_else(|_| Err("The desktop did not answer when showing the alert.".into()))
    }
}
