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

/// What a `--json` command printed. (Not every test file reads JSON, hence the allowance.)
#[allow(dead_code)]
pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("--json prints JSON")
}

/// Runs `earshot ARGS` on the data folder, which must succeed, and reads what it printed as JSON.
#[allow(dead_code)]
pub fn json_of(dir: &tempfile::TempDir, args: &[&str]) -> serde_json::Value {
    let out = earshot(dir).args(args).output().expect("earshot runs");
    assert!(
        out.status.success(),
        "{args:?} must succeed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out.stdout)
}
