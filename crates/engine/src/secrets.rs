//! Account secrets, kept only in the OS keyring. They never reach the database, logs, errors or the UI.

use crate::EngineError;

const SERVICE: &str = "app.earshot.desktop";

fn entry(key: &str) -> Result<keyring::Entry, EngineError> {
    keyring::Entry::new(SERVICE, key).map_err(|e| unavailable(&e))
}

fn unavailable(e: &keyring::Error) -> EngineError {
    // The keyring's own message can name the storage backend but never the secret.
    EngineError::Invalid(format!(
        "Earshot could not use the system keyring, where it keeps account tokens: {e}. \
         Unlock your keyring (on Linux, a Secret Service such as GNOME Keyring or KWallet must be running) and try again."
    ))
}

/// Saves a secret under `key` (for example `mastodon:help@brand.social`), replacing any earlier one.
pub fn save(key: &str, secret: &str) -> Result<(), EngineError> {
    entry(key)?.set_password(secret).map_err(|e| unavailable(&e))
}

/// The secret under `key`, or `None` if there is none.
pub fn load(key: &str) -> Result<Option<String>, EngineError> {
    match entry(key)?.get_password() {
        Ok(secret) => Ok(Some(secret)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(&e)),
    }
}

/// Deletes the secret under `key`; deleting one that is not there is not an error.
pub fn delete(key: &str) -> Result<(), EngineError> {
    match entry(key)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(&e)),
    }
}
