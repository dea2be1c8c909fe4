//! Team mode: where the shared PostgreSQL database is and how its password is found.
//!
//! The password never goes into the database or a settings file: it is in the URL given on the command line
//! (for a one-off), in the OS keyring under [`password_key`], or where PostgreSQL's own tools look (the
//! `PGPASSWORD` variable, or a `~/.pgpass` / `PGPASSFILE` file readable only by its user, which is how a
//! headless worker gets it from a systemd credential). See docs/team.md.

use url::Url;

use crate::{secrets, EngineError};

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
