//! Saving exported files beside the person's other files, never over one of them.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `folder/stem.ext`, or `folder/stem (2).ext` and so on when that name is taken.
pub fn unused_path(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = folder.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}).{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Writes a file that must not exist yet (a race with another writer fails rather than overwrites).
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_a_number_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let a = unused_path(dir.path(), "earshot-days", "csv");
        assert_eq!(a.file_name().unwrap(), "earshot-days.csv");
        write_new(&a, b"one").unwrap();
        let b = unused_path(dir.path(), "earshot-days", "csv");
        assert_eq!(b.file_name().unwrap(), "earshot-days (2).csv");
        assert!(write_new(&a, b"two").is_err(), "the first file stays as it was");
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
    }
}
