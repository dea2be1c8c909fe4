//! `earshot crm`: import with a preset, a mapping or a vCard file; look up who a handle is; link and
//! unlink an item's author.

mod common;

use common::{earshot, json};
use predicates::str::contains;

fn sample(name: &str) -> String {
    format!("{}/../crm/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_hubspot_export_imports_with_a_dry_run_first_and_bad_rows_named_by_line() {
    let dir = tempfile::tempdir().unwrap();
    earshot(&dir)
        .args([
            "crm",
            "import",
            &sample("hubspot-contacts.csv"),
            "--preset",
            "hubspot",
            "--dry-run",
        ])
        .assert()
        .success()
        .stdout(contains(
            "Would import (dry run, nothing changed): 10 new, 0 updated, 0 unchanged, 2 skipped.",
        ))
        .stdout(contains("line 6: no name, email or social account"))
        .stdout(contains(
            "line 7: Email: 'tomasz.wisniewski@example,com' is not an email address",
        ));
    earshot(&dir)
        .args(["crm", "contacts", "--json"])
        .assert()
        .success()
        .stdout("[]\n");

    let out = earshot(&dir)
        .args([
            "crm",
            "import",
            &sample("hubspot-contacts.csv"),
            "--preset",
            "hubspot",
            "--json",
        ])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(report["created"], 10);
    assert_eq!(report["contacts"], 10);

    // The Salesforce report, then Data Loader's export of the same people: 18-character IDs match the
    // report's 15-character ones.
    earshot(&dir)
        .args([
            "crm",
            "import",
            &sample("salesforce-contacts.csv"),
            "--preset",
            "salesforce",
        ])
        .assert()
        .success()
        .stdout(contains("8 new, 1 updated, 0 unchanged, 1 skipped"));
    earshot(&dir)
        .args([
            "crm",
            "import",
            &sample("salesforce-dataloader.csv"),
            "--preset",
            "salesforce",
        ])
        .assert()
        .success()
        .stdout(contains("3 new, 2 updated"));
}

#[test]
fn lookup_link_and_unlink() {
    let dir = tempfile::tempdir().unwrap();
    let contacts = dir.path().join("people.csv");
    std::fs::write(&contacts, "Full name,Mail,Handle,Plan\nJane Doe,jane@shop.example,@jane_doe,Enterprise\nKai Lee,kai@kai.example,,\n").unwrap();
    earshot(&dir)
        .args([
            "crm",
            "import",
            contacts.to_str().unwrap(),
            "--map",
            "Full name=name,Mail=email,Handle=x,Plan=tier",
        ])
        .assert()
        .success()
        .stdout(contains("2 new"));
    let out = earshot(&dir)
        .args([
            "crm",
            "lookup",
            "--network",
            "x",
            "--handle",
            "@Jane_Doe",
            "--json",
        ])
        .output()
        .unwrap();
    let found = json(&out.stdout);
    assert_eq!(found["status"], "linked");
    assert_eq!(found["why"], "X @jane_doe is on the contact");
    assert_eq!(found["contact"]["fields"]["tier"], "Enterprise");
    earshot(&dir)
        .args(["crm", "lookup", "--network", "x", "--handle", "nobody_here"])
        .assert()
        .success()
        .stdout(contains("No customer matches nobody_here on X."));
    earshot(&dir)
        .args(["crm", "lookup", "--network", "x", "--handle", "not a handle"])
        .assert()
        .failure()
        .stderr(contains("is not an X username"));

    let mentions = dir.path().join("m.jsonl");
    std::fs::write(
        &mentions,
        r#"{"type":"handle","network":"x","account":"shop_help","role":"support"}
{"type":"mention","network":"x","remote_id":"1","author":{"handle":"jane_doe"},"text":"hi","created_at":"2026-11-28T10:00:00Z","mentions":["shop_help"]}
"#,
    )
    .unwrap();
    earshot(&dir)
        .args(["import", mentions.to_str().unwrap()])
        .assert()
        .success();
    let inbox = json(&earshot(&dir).args(["inbox", "--json"]).output().unwrap().stdout);
    let item = inbox[0]["id"].as_str().unwrap().to_owned();
    earshot(&dir)
        .args(["crm", "unlink", &item, "--agent", "Ana"])
        .assert()
        .success()
        .stdout(contains("no longer linked to contact 1"));
    let found = json(
        &earshot(&dir)
            .args([
                "crm",
                "lookup",
                "--network",
                "x",
                "--handle",
                "jane_doe",
                "--json",
            ])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(
        found["status"], "unknown",
        "the agent's unlink wins over the handle rule"
    );
    earshot(&dir)
        .args(["crm", "link", &item, "2", "--agent", "Ana"])
        .assert()
        .success()
        .stdout(contains("now linked to Kai Lee (contact 2)"));
    earshot(&dir)
        .args(["crm", "link", &item, "99"])
        .assert()
        .failure()
        .stderr(contains("There is no contact with ID '99'."));
}
