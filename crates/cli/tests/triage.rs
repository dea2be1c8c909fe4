//! `earshot triage` on any labelled CSV, and triage in a workspace: views, an agent's label, and weights.

mod common;

use common::{earshot, json, json_of};

/// A small labelled CSV in another shape than ours: the columns are named differently, one text has a
/// comma and a quote, and one row has no label (it is skipped, not fatal).
fn write_csv(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let mut csv = String::from("id,body,kind\n");
    let spam = [
        "WIN a free cruise, claim now at example.com",
        "free followers fast, DM me",
        "Claim your prize today, click example.net",
        "cheap crypto signals, join now",
    ];
    let ham = [
        "my parcel never arrived",
        "what time do you open on sunday",
        "the app logs me out every hour",
        "thanks for the quick fix",
    ];
    for n in 0..5 {
        for (i, t) in spam.iter().enumerate() {
            csv.push_str(&format!("{n}{i},\"{t} {n}\",junk\n"));
        }
        for (i, t) in ham.iter().enumerate() {
            csv.push_str(&format!("{n}{i}h,\"{t}, \"\"really\"\" {n}\",fine\n"));
        }
    }
    csv.push_str("x,\"no label here\",\n");
    let path = dir.path().join("labelled.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn train_classify_and_cv_work_on_any_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(&dir);
    let model = dir.path().join("model.bin");

    let out = earshot(&dir)
        .args([
            "triage",
            "train",
            "--text-column",
            "body",
            "--label-column",
            "kind",
            "--input",
        ])
        .arg(&csv)
        .arg("--out")
        .arg(&model)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped line 42"),
        "the row without a label is reported: {stderr}"
    );
    assert!(
        stderr.contains("trained on 40 texts, 2 classes (fine, junk)"),
        "{stderr}"
    );

    let out = earshot(&dir)
        .args(["triage", "classify", "--model"])
        .arg(&model)
        .write_stdin("claim your free prize now\nmy parcel is late again\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one JSON line per text");
    assert_eq!(lines[0]["label"], "junk");
    assert_eq!(lines[1]["label"], "fine");
    let p = lines[0]["probabilities"].as_object().unwrap();
    let sum: f64 = p.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-4, "probabilities add up to one: {p:?}");

    let out = earshot(&dir)
        .args([
            "triage",
            "cv",
            "--text-column",
            "body",
            "--label-column",
            "kind",
            "--folds",
            "5",
            "--seed",
            "0",
        ])
        .arg("--input")
        .arg(&csv)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cv = json(&out.stdout);
    assert_eq!(cv["folds"], 5);
    assert!(
        cv["macro_f1"]["mean"].as_f64().unwrap() > 0.9,
        "an easy set is learned: {cv}"
    );
    assert!(
        cv["roc_auc"]["mean"].as_f64().is_some(),
        "two classes give a ROC AUC"
    );
    assert!(
        cv["accuracy"]["sd"].as_f64().is_some(),
        "with a standard deviation"
    );
}

#[test]
fn cv_refuses_what_cannot_be_learned_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("one.csv");
    std::fs::write(&csv, "text,label\na,x\nb,x\nc,x\n").unwrap();
    let out = earshot(&dir)
        .args(["triage", "cv", "--input"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 distinct label(s)") && stderr.contains("two or more"),
        "{stderr}"
    );

    let out = earshot(&dir)
        .args(["triage", "cv", "--label-column", "kind", "--input"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("has no column \u{201c}kind\u{201d}; its columns are: text, label"));
}

#[test]
fn an_agents_spam_label_moves_the_item_and_its_copies() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mentions.jsonl");
    let wave = "@acme_help why is my delivery late? a guy called @parcelpro says he can track it for me";
    std::fs::write(
        &file,
        format!(
            "{}\n{}\n{}\n",
            r#"{"type":"handle","network":"x","account":"acme_help","role":"support"}"#,
            serde_json::json!({"type":"mention","network":"x","remote_id":"1","author":{"handle":"ann"},"text":wave,"created_at":"2026-11-28T09:00:00Z","mentions":["acme_help"]}),
            serde_json::json!({"type":"mention","network":"x","remote_id":"2","author":{"handle":"bob"},"text":wave,"created_at":"2026-11-28T08:00:00Z","mentions":["acme_help"]}),
        ),
    )
    .unwrap();
    earshot(&dir).arg("import").arg(&file).assert().success();
    let view = |name: &str| json_of(&dir, &["inbox", "--json", "--view", name]);
    let actionable = view("actionable");
    assert_eq!(actionable.as_array().unwrap().len(), 2, "{actionable:#}");
    assert_eq!(actionable[0]["labels"]["intent"], "question");
    let id = actionable[0]["id"].as_str().unwrap().to_owned();

    earshot(&dir).args(["label", &id, "--spam"]).assert().success();
    let spam = view("spam");
    let sources: Vec<&str> = spam
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["labels"]["spam_source"].as_str().unwrap())
        .collect();
    assert_eq!(spam.as_array().unwrap().len(), 2, "the copy follows: {spam:#}");
    assert!(
        sources.contains(&"agent") && sources.contains(&"similar"),
        "{sources:?}"
    );
    assert!(view("actionable").as_array().unwrap().is_empty());

    let out = earshot(&dir)
        .args(["label", &id, "--intent", "moan"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not complaint, question, praise or other"));

    let out = earshot(&dir)
        .args(["triage", "quality", "--json"])
        .output()
        .unwrap();
    let q = json(&out.stdout);
    assert_eq!(q["spam_labels"], 1);
    assert_eq!(
        q["spam_recall"], 0.0,
        "judged without its own label (its copy has none), the model alone misses it"
    );
    assert!(
        q["spam_precision"].is_null(),
        "nothing was called spam, so there is no precision yet"
    );
}

#[test]
fn weights_are_shown_changed_and_refused_when_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let out = earshot(&dir).args(["weights", "--json"]).output().unwrap();
    assert_eq!(json(&out.stdout)["urgent"], 3.0);
    earshot(&dir)
        .args(["weights", "--set", "urgent=5", "--set", "spam=10"])
        .assert()
        .success();
    let w = json_of(&dir, &["weights", "--json"]);
    assert_eq!(
        (w["urgent"].as_f64(), w["spam"].as_f64()),
        (Some(5.0), Some(10.0))
    );
    let out = earshot(&dir)
        .args(["weights", "--set", "loudness=2"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no weight named \"loudness\""));
    let out = earshot(&dir)
        .args(["weights", "--set", "urgent=500"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 0 to 100"));
}

#[test]
fn the_tenth_label_retrains_triage_and_quality_then_reads_the_held_back_labels() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mentions.jsonl");
    let mut lines =
        vec![r#"{"type":"handle","network":"x","account":"acme_help","role":"support"}"#.to_owned()];
    for n in 0..12 {
        let text = format!("@acme_help gear{n} crypto bikes airdrop token{n} to the moon, join pool {n}");
        lines.push(
            serde_json::json!({"type":"mention","network":"x","remote_id":format!("w{n}"),"author":{"handle":format!("w{n}")},"text":text,"created_at":"2026-11-28T09:00:00Z","mentions":["acme_help"]})
                .to_string(),
        );
    }
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    earshot(&dir).arg("import").arg(&file).assert().success();
    let all = json_of(&dir, &["inbox", "--json", "--status", "all", "--limit", "100"]);
    let ids: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 12);
    for (n, id) in ids.iter().take(10).enumerate() {
        let out = earshot(&dir).args(["label", id, "--spam"]).output().unwrap();
        assert!(out.status.success());
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            said.contains("Triage retrained on 10 labelled item(s)"),
            n == 9,
            "label {}: {said}",
            n + 1
        );
    }
    let quality = json_of(&dir, &["triage", "quality", "--json"]);
    assert_eq!(quality["retrained"]["labels"], 10, "{quality:#}");
    assert_eq!(quality["retrained"]["held_back"], 2, "{quality:#}");
    assert_eq!(
        quality["spam_labels"], 2,
        "measured on the held-back labels: {quality:#}"
    );
}
