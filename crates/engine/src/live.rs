//! Keeps one streaming listener running for each Mastodon account, for the app's worker and `earshot sync`.

use std::collections::HashMap;
use std::sync::Arc;

use earshot_core::Network;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{Engine, EngineError, SyncReport};

/// Called after a listener stores something new.
pub type OnChange = Arc<dyn Fn(&SyncReport) + Send + Sync>;

/// The running listeners, by account ID.
pub struct Listeners {
    engine: Engine,
    changed: OnChange,
    running: HashMap<String, (watch::Sender<bool>, JoinHandle<()>)>,
    started: bool,
}

impl Listeners {
    pub fn new(engine: Engine, changed: OnChange) -> Self {
        Self {
            engine,
            changed,
            running: HashMap::new(),
            started: false,
        }
    }

    /// Starts a listener for each Mastodon account that has none (a new account, or one reconnected after
    /// its token was refused), and stops those of removed accounts. Call it after accounts change, and now
    /// and then.
    pub async fn refresh(&mut self) -> Result<(), EngineError> {
        if !self.started {
            // Live marks left by a process that ended without clearing them are not true any more. In a
            // team the marks belong to whichever process streams each account, and the next one to take an
            // account over sets its mark again.
            if !self.engine.is_team() {
                self.engine.clear_live().await?;
            }
            self.started = true;
        }
        let accounts = self.engine.accounts().await?;
        self.running.retain(|id, (stop, task)| {
            let kept = accounts.iter().any(|a| &a.id == id) && !task.is_finished();
            if !kept {
                let _ = stop.send(true);
            }
            kept
        });
        for account in accounts {
            if account.network != Network::Mastodon
                || account.state == "token_invalid"
                || self.running.contains_key(&account.id)
                || !self.engine.leads_sync(&account.id).await?
            {
                continue;
            }
            let (stop, stopped) = watch::channel(false);
            let engine = self.engine.clone();
            let changed = Arc::clone(&self.changed);
            let id = account.id.clone();
            let task = tokio::spawn(async move {
                if let Err(e) = engine.listen_mastodon(&id, stopped, changed.as_ref()).await {
                    tracing::warn!(account = %id, error = %e, "listening stopped");
                }
            });
            self.running.insert(account.id, (stop, task));
        }
        Ok(())
    }

    /// How many accounts are being listened to.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Stops every listener and waits for each to close its stream.
    pub async fn stop(self) {
        for (_, (stop, task)) in self.running {
            let _ = stop.send(true);
            let _ = task.await;
        }
    }
}
