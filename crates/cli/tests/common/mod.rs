//! What the CLI test files share: the built `earshot` binary on a temporary data folder.

use assert_cmd::Command;

/// `earshot --data-dir DIR`, with no data folder inherited from the environment.
pub fn earshot(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("earshot").expect("the earshot binary is built");
    cmd.arg("--data-dir")
        .arg(dir.path())
        .env_remove("EARSHOT_DATA_DIR");
    cmd
}
