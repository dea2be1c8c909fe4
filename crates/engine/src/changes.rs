//! Team mode, live: the team database tells every desktop what changed (PostgreSQL LISTEN/NOTIFY, channel
//! `earshot_changes`, raised by the triggers of migration 18 with the changed table's name), so a claim or
//! a new item on one desktop shows on the others within a second. A personal workspace has one process and
//! no listener.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::Engine;

/// The channel the triggers notify.
pub const CHANGES_CHANNEL: &str = "earshot_changes";

/// Told which table changed ("mentions", "outbox", "notes", "agents", "accounts"), or "reconnected" after
/// the connection dropped, when anything may have changed meanwhile.
pub type OnTeamChange = Arc<dyn Fn(&str) + Send + Sync>;

/// How long to wait before connecting again after the team database could not be reached.
const RETRY: Duration = Duration::from_secs(2);

/// Listens while it lives; dropping it stops listening.
pub struct TeamListener {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TeamListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Engine {
    /// Starts passing the team database's change notices to `on_change`, from a task of its own that
    /// reconnects when the connection drops. None in a personal workspace.
    pub fn listen_to_team(&self, on_change: OnTeamChange) -> Option<TeamListener> {
        let url = self.leader.team_url()?.to_owned();
        let task = tokio::spawn(async move {
            let mut connected_before = false;
            loop {
                match listen(&url).await {
                    Ok(mut listener) => {
                        if connected_before {
                            on_change("reconnected");
                        }
                        connected_before = true;
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(notice)) => on_change(notice.payload()),
                                // The connection dropped; the listener connects again on the next call, and
                                // whatever changed meanwhile was not told.
                                Ok(None) => on_change("reconnected"),
                                Err(e) => {
                                    tracing::warn!(error = %e, "lost the team database's change notices");
                                    break;
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot listen to the team database's changes"),
                }
                tokio::time::sleep(RETRY).await;
            }
        });
        Some(TeamListener { task })
    }
}

async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}
