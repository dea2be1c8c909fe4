//! Team mode: where the shared PostgreSQL database is and how its password is found.
//!
//! The password never goes into the database or a settings file: it is in the URL given on the command line
//! (for a one-off), in the OS keyring under [`password_key`], or where PostgreSQL's own tools look (the
//! `PGPASSWORD` variable, or a `~/.pgpass` / `PGPASSFILE` file readable only by its user, which is how a
//! headless worker gets it from a systemd credential). See docs/team.md.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use specta::Type;
use url::Url;

use crate::{secrets, EngineError, Progress, DATABASE_FILE};

/// The file in the data folder that names this desktop's team database (its address without a password).
/// The app and the CLI open that database instead of the personal one while the file is there.
pub const TEAM_FILE: &str = "team-database";
/// How long a check of a team database waits for the server to answer.
const PROBE_WAIT: Duration = Duration::from_secs(15);

/// The URL checked and understood, or a message that says what is wrong with it.
fn parse(url: &str) -> Result<Url, EngineError> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        EngineError::Invalid(format!(
            "'{}' is not a database address ({e}). Write it as postgres://USER@HOST/DATABASE.",
            earshot_store::redact(url)
        ))
    })?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(EngineError::Invalid(format!(
            "A team database is PostgreSQL: its address starts with postgres://, not {}://.",
            parsed.scheme()
        )));
    }
    if parsed.host_str().unwrap_or("").is_empty() {
        return Err(EngineError::Invalid(
            "The team database address needs a server name, as in postgres://USER@HOST/DATABASE.".into(),
        ));
    }
    if parsed.username().is_empty() {
        return Err(EngineError::Invalid(
            "The team database address needs a user name, as in postgres://USER@HOST/DATABASE.".into(),
        ));
    }
    Ok(parsed)
}

/// The keyring entry of the password for the database at `url`: one per user, server and database.
pub fn password_key(url: &str) -> Result<String, EngineError> {
    let parsed = parse(url)?;
    Ok(format!(
        "team-database:{}@{}:{}{}",
        parsed.username(),
        parsed.host_str().unwrap_or(""),
        parsed.port().unwrap_or(5432),
        parsed.path()
    ))
}

/// `url` without its password, for settings, messages and logs.
pub fn without_password(url: &str) -> Result<String, EngineError> {
    let mut parsed = parse(url)?;
    let _ = parsed.set_password(None);
    Ok(parsed.to_string())
}

/// The address to connect with: `url` as given when it carries a password; else with the password from the
/// keyring when one is kept there; else as given, for PostgreSQL's own `PGPASSWORD` or password file. A
/// keyring that cannot be reached (a server with no desktop session) is not an error here.
pub fn team_database_url(url: &str) -> Result<String, EngineError> {
    let mut parsed = parse(url)?;
    if parsed.password().is_some() {
        return Ok(parsed.to_string());
    }
    if let Ok(Some(password)) = secrets::load(&password_key(url)?) {
        parsed.set_password(Some(&password)).map_err(|()| {
            EngineError::Invalid("The team database address cannot carry a password.".into())
        })?;
    }
    Ok(parsed.to_string())
}

/// Keeps the password of the database at `url` in the OS keyring.
pub fn save_password(url: &str, password: &str) -> Result<(), EngineError> {
    secrets::save(&password_key(url)?, password)
}

/// The team database this desktop has joined (its address, without a password), if any.
pub fn joined_team(data_dir: &Path) -> Result<Option<String>, EngineError> {
    let path = data_dir.join(TEAM_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() => Ok(None),
        Ok(text) => Ok(Some(without_password(text.trim())?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EngineError::Io {
            context: format!("Earshot could not read {}", path.display()),
            source,
        }),
    }
}

/// What a check of a team database found.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TeamCheck {
    /// The address, without its password.
    pub url: String,
    /// "PostgreSQL 15.18".
    pub server: String,
    /// The connection is encrypted (TLS).
    pub encrypted: bool,
    /// Items already in it; null for a new, empty team database.
    pub items: Option<u32>,
    /// One sentence for the person: what was found, and any warning.
    pub message: String,
}

/// Connects to the team database at `url` (with `password`, when given, else as [`team_database_url`] finds
/// it) and says what is there, changing nothing.
pub async fn check_team(url: &str, password: Option<&str>) -> Result<TeamCheck, EngineError> {
    let shown = without_password(url)?;
    let mut connect = parse(&team_database_url(url)?)?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        connect.set_password(Some(password)).map_err(|()| {
            EngineError::Invalid("The team database address cannot carry a password.".into())
        })?;
    }
    let probe = tokio::time::timeout(PROBE_WAIT, earshot_store::probe(connect.as_str()))
        .await
        .map_err(|_| {
            EngineError::Invalid(format!(
                "The team database at {shown} did not answer within {} seconds. Check the server name and port, \
                 and that this computer's network can reach it.",
                PROBE_WAIT.as_secs()
            ))
        })??;
    let items = probe.items.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let mut message = match items {
        None => format!(
            "Connected to {}. The database is new: Earshot sets it up on first use.",
            probe.server
        ),
        Some(0) => format!("Connected to {}. The team inbox is empty.", probe.server),
        Some(1) => format!("Connected to {}. The team inbox holds 1 item.", probe.server),
        Some(n) => format!("Connected to {}. The team inbox holds {n} items.", probe.server),
    };
    if !probe.encrypted {
        message.push_str(
            " Warning: the connection is not encrypted. Add ?sslmode=require (or verify-full) to the address, and turn on TLS on the server.",
        );
    }
    Ok(TeamCheck {
        url: shown,
        server: probe.server,
        encrypted: probe.encrypted,
        items,
        message,
    })
}

/// Makes this desktop work in the team database at `url` from its next start: checks that it answers, keeps
/// `password` (when given) in the OS keyring, and notes the address (without the password) in the data folder.
pub async fn join_team(data_dir: &Path, url: &str, password: Option<&str>) -> Result<TeamCheck, EngineError> {
    let check = check_team(url, password).await?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        save_password(url, password).map_err(|e| {
            EngineError::Invalid(format!(
                "Earshot reached the team database but could not keep its password in the system keyring: {e}"
            ))
        })?;
    }
    let path = data_dir.join(TEAM_FILE);
    std::fs::create_dir_all(data_dir)
        .and_then(|()| std::fs::write(&path, format!("{}\n", check.url)))
        .map_err(|source| EngineError::Io {
            context: format!("Earshot could not note the team database in {}", path.display()),
            source,
        })?;
    Ok(check)
}

/// Makes this desktop work in its personal workspace again from its next start. The team database, and the
/// password in the keyring, are left as they are.
pub fn leave_team(data_dir: &Path) -> Result<(), EngineError> {
    let path = data_dir.join(TEAM_FILE);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(EngineError::Io {
            context: format!("Earshot could not remove {}", path.display()),
            source,
        }),
    }
}

/// One table's rows moved into the team database.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MovedTable {
    /// The table's name, as in the schema.
    pub table: String,
    /// What it holds, in words: "items", "contacts".
    pub label: String,
    pub rows: u32,
}

/// What a move of the personal workspace into a team database did.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct MoveReport {
    pub url: String,
    pub tables: Vec<MovedTable>,
    /// Items moved: the figure a person checks first.
    pub items: u32,
}

fn table_label(table: &str) -> String {
    match table {
        "mentions" => "items".into(),
        "mention_handles" => "item–handle links".into(),
        "outbox" => "sent and queued actions".into(),
        "item_events" => "history entries".into(),
        "agent_labels" => "triage lessons".into(),
        "search" => "search entries".into(),
        "workspace" => "workspace settings".into(),
        "x_ledger" => "X spend records".into(),
        "crm_records" => "CRM records".into(),
        "crm_sources" => "CRM connections".into(),
        other => other.replace('_', " "),
    }
}

/// Moves the personal workspace in `data_dir` into the team database at `url`, which must hold no items,
/// handles or people yet: every table, with its IDs, in one transaction (all or nothing). The personal
/// workspace is only read. This desk's person keeps their identity in the team. Reports the rows per table.
pub async fn move_into_team(
    data_dir: &Path,
    url: &str,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<MoveReport, EngineError> {
    use earshot_store::transfer;
    let shown = without_password(url)?;
    let personal = data_dir.join(DATABASE_FILE);
    if !personal.exists() {
        return Err(EngineError::NotFound(format!(
            "There is no personal workspace to move in {}.",
            data_dir.display()
        )));
    }
    let from_db = earshot_store::open(&personal).await?;
    let to_db = earshot_store::connect(&team_database_url(url)?).await?;
    // One read transaction: a consistent picture even while the app or a sync keeps writing, so an account's
    // cursor never runs ahead of the items copied with it.
    let mut from = earshot_store::begin(&from_db).await?;
    let counts = transfer::count(&mut from).await?;
    let total: u64 = counts.iter().map(|m| m.rows).sum();
    let names: Vec<String> = counts.iter().map(|m| m.table.clone()).collect();
    let mut tx = earshot_store::begin(&to_db).await?;
    let occupied = transfer::occupied(&mut tx, &names).await?;
    if !occupied.is_empty() {
        let what = occupied
            .iter()
            .map(|(table, rows)| format!("{rows} {}", table_label(table)))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(EngineError::Invalid(format!(
            "The team database at {shown} is not empty (it holds {what}). A personal workspace moves only into a \
             new, empty team database; join this one instead, and your colleagues' work is there."
        )));
    }
    let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    progress(&Progress {
        done: 0,
        total: clamp(total),
        phase: "Moving the workspace".into(),
    });
    let moved = transfer::copy(&mut from, &mut tx, &mut |table, done| {
        progress(&Progress {
            done: clamp(done),
            total: clamp(total),
            phase: format!("Moving {}", table_label(table)),
        })
    })
    .await?;
    earshot_store::commit(tx).await?;
    // The person at this desk stays who they were: in a team, who sits at a desk is the desk's to say.
    let me = earshot_store::workspace::get(&mut from, "me").await?;
    if let Some(me) = me {
        let file = data_dir.join("team-agent");
        std::fs::write(&file, me).map_err(|source| EngineError::Io {
            context: format!(
                "Earshot could not note who works at this desk in {}",
                file.display()
            ),
            source,
        })?;
    }
    from.rollback().await.map_err(earshot_store::StoreError::from)?;
    from_db.close().await;
    to_db.close().await;
    let items = moved
        .iter()
        .find(|m| m.table == "mentions")
        .map_or(0, |m| clamp(m.rows));
    let mut tables: Vec<MovedTable> = moved
        .into_iter()
        .map(|m| MovedTable {
            label: table_label(&m.table),
            table: m.table,
            rows: clamp(m.rows),
        })
        .collect();
    if let Some(search) = counts.iter().find(|m| m.table == "search") {
        tables.push(MovedTable {
            table: "search".into(),
            label: table_label("search"),
            rows: clamp(search.rows),
        });
    }
    Ok(MoveReport {
        url: shown,
        tables,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_keyed_without_their_password() {
        assert_eq!(
            password_key("postgres://agent:pw@db.example.com/inbox").unwrap(),
            "team-database:agent@db.example.com:5432/inbox"
        );
        assert_eq!(
            without_password("postgres://agent:pw@db.example.com:6543/inbox?sslmode=verify-full").unwrap(),
            "postgres://agent@db.example.com:6543/inbox?sslmode=verify-full"
        );
        let wrong = team_database_url("mysql://agent@db/inbox")
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("postgres://"), "{wrong}");
        let nobody = team_database_url("postgres://db.example.com/inbox")
            .unwrap_err()
            .to_string();
        assert!(nobody.contains("user name"), "{nobody}");
        let garbled = team_database_url("postgres://agent:s3cret@[bad/inbox")
            .unwrap_err()
            .to_string();
        assert!(
            !garbled.contains("s3cret"),
            "a password never reaches a message: {garbled}"
        );
    }
}
