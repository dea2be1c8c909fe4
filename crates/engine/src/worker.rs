//! Who holds an outbox claim, and whether they are still alive.
//!
//! Every process that opens a workspace holds an exclusive OS lock on its own file under `workers/` for as
//! long as it runs. The OS drops the lock when the process ends in any way, `kill -9` included. A claim
//! names its process's file, so another process can tell a claim held by a dead process (its file can be
//! locked) from a live one (it cannot), and take the action over at once instead of waiting out the claim.
//! This works for every process sharing one SQLite file on one machine; team mode across machines relies
//! on the claim's expiry alone.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::EngineError;

const FOLDER: &str = "workers";

/// This process's lock, held until it is dropped.
#[derive(Debug)]
pub(crate) struct WorkerLock {
    pub(crate) name: String,
    folder: PathBuf,
    _file: File,
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> EngineError {
    move |source| EngineError::Io { context, source }
}

impl WorkerLock {
    pub(crate) fn take(data_dir: &Path) -> Result<Self, EngineError> {
        let folder = data_dir.join(FOLDER);
        std::fs::create_dir_all(&folder)
            .map_err(io(format!("Earshot could not create {}", folder.display())))?;
        let mut raw = [0u8; 12];
        getrandom::fill(&mut raw).map_err(|e| EngineError::Invalid(format!("no random source: {e}")))?;
        let name = URL_SAFE_NO_PAD.encode(raw);
        let path = folder.join(format!("{name}.lock"));
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&path)
            .map_err(io(format!("Earshot could not create {}", path.display())))?;
        file.try_lock()
            .map_err(|e| EngineError::Invalid(format!("Earshot could not lock {}: {e}", path.display())))?;
        Ok(Self {
            name,
            folder,
            _file: file,
        })
    }

    /// True when the process named `other` has ended: its lock file can be locked, or is gone.
    pub(crate) fn is_gone(&self, other: &str) -> bool {
        if other == self.name {
            return false;
        }
        if other.is_empty() || other.contains(['/', '\\', '.']) {
            // Not a name this code makes: nobody holds it.
            return true;
        }
        let path = self.folder.join(format!("{other}.lock"));
        let Ok(file) = OpenOptions::new().write(true).open(&path) else {
            return true;
        };
        match file.try_lock() {
            Ok(()) => {
                // Ours now, and nobody else's: tidy it away.
                let _ = std::fs::remove_file(&path);
                true
            }
            Err(TryLockError::WouldBlock) => false,
            Err(TryLockError::Error(e)) => {
                tracing::warn!(error = %e, file = %path.display(), "could not check a worker's lock");
                false
            }
        }
    }
}

impl Drop for WorkerLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.folder.join(format!("{}.lock", self.name)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_worker_is_alive_and_an_ended_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let me = WorkerLock::take(dir.path()).unwrap();
        let other = WorkerLock::take(dir.path()).unwrap();
        assert!(!me.is_gone(&other.name), "a worker that holds its lock is alive");
        assert!(!me.is_gone(&me.name));
        let name = other.name.clone();
        drop(other);
        assert!(me.is_gone(&name), "an ended worker's claims can be taken over");
        assert!(
            me.is_gone("../../etc/passwd"),
            "a name that is not a worker's is nobody's"
        );
    }
}
