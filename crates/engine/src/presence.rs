//! Presence: the window says every few seconds which item it has open and whether its person is writing an
//! answer; it hears back who else has that item open. Shown beside the item so two agents do not answer the
//! same customer twice. In a team the database tells other desktops when someone opens, starts writing on or
//! leaves an item (not of every heartbeat).

use chrono::Duration;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::service::{parse_id, Engine};
use crate::EngineError;
use earshot_store::presence::{self, Activity};

/// A presence older than this is nobody's: the window beats every 10 s, so two beats may be missed.
pub const PRESENCE_FRESH_SECS: i64 = 30;

/// What the person at this desk is doing with the item open in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PresenceActivity {
    Viewing,
    Composing,
}

/// Someone else on an item.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct PresenceView {
    pub agent: String,
    pub activity: PresenceActivity,
    /// "Ana Ruiz is writing a reply", for the line beside the item.
    pub text: String,
}

fn view(p: presence::Present) -> PresenceView {
    let (activity, text) = match p.activity {
        Activity::Composing => (
            PresenceActivity::Composing,
            format!("{} is writing a reply", p.name),
        ),
        Activity::Viewing => (
            PresenceActivity::Viewing,
            format!("{} is viewing this item", p.name),
        ),
    };
    PresenceView {
        agent: p.name,
        activity,
        text,
    }
}

impl Engine {
    /// The heartbeat: this desk's person has item `id` open (or nothing, with `None`), doing `activity`.
    /// Returns everyone else who has that item open now, writers first.
    pub async fn beat_presence(
        &self,
        id: Option<&str>,
        activity: PresenceActivity,
    ) -> Result<Vec<PresenceView>, EngineError> {
        let item = id.map(parse_id).transpose()?;
        let me = self.me_id().await?;
        let now = self.clock.now();
        let activity = match activity {
            PresenceActivity::Viewing => Activity::Viewing,
            PresenceActivity::Composing => Activity::Composing,
        };
        let mut conn = earshot_store::acquire(&self.db).await?;
        presence::beat(&mut conn, me, item, activity, now).await?;
        let Some(item) = item else {
            return Ok(Vec::new());
        };
        let fresh_since = now - Duration::seconds(PRESENCE_FRESH_SECS);
        Ok(presence::on_item(&mut conn, item, me, fresh_since)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }
}
