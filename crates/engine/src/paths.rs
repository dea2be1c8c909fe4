use std::path::PathBuf;

use crate::EngineError;

/// The environment variable that overrides where the workspace lives, for the app and the CLI alike.
pub const DATA_DIR_ENV: &str = "EARSHOT_DATA_DIR";
/// The workspace database's file name inside the data folder.
pub const DATABASE_FILE: &str = "earshot.sqlite3";

/// The workspace folder: the `--data-dir` given, else `EARSHOT_DATA_DIR`, else the OS's app-data folder
/// (on Linux `~/.local/share/earshot`).
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> Result<PathBuf, EngineError> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("app", "Earshot", "earshot")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            EngineError::Invalid(format!(
                "Earshot could not find your home folder to keep its data in. Set {DATA_DIR_ENV} or pass --data-dir."
            ))
        })
}
