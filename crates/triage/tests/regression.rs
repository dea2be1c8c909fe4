//! The shipped model on a small, committed, hand-labelled sample it never trained on
//! (`seed/holdout.csv`). Fails when a part's macro F1 falls more than 2 points below the figure committed
//! in `seed/holdout-scores.json`. After a deliberate change to the model, rebuild it
//! (`earshot triage starter`), then refresh the figures with `UPDATE_SCORES=1 cargo test -p earshot-triage
//! --test regression` and commit both. `SHOW_MISSES=1` prints the urgency rules' misses.

use std::collections::BTreeMap;
use std::path::PathBuf;

use earshot_triage::metrics::score;
use earshot_triage::starter::read_seed;
use earshot_triage::Triage;

const ALLOWED_DROP: f64 = 2.0;

fn seed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seed")
}

fn macro_f1(truth: &[String], predicted: &[String]) -> f64 {
    let mut classes: Vec<String> = truth.iter().chain(predicted).cloned().collect();
    classes.sort();
    classes.dedup();
    let index = |c: &String| classes.iter().position(|x| x == c).unwrap_or(0);
    let t: Vec<usize> = truth.iter().map(index).collect();
    let p: Vec<usize> = predicted.iter().map(index).collect();
    score(&classes, &t, &p, None).macro_f1 * 100.0
}

#[test]
fn the_starter_model_keeps_its_quality_on_the_holdout_sample() {
    let rows = read_seed(&seed_dir().join("holdout.csv")).expect("seed/holdout.csv");
    assert!(rows.len() >= 200, "the holdout sample has {} rows", rows.len());
    let triage = Triage::starter().expect("the starter model");
    let mut truth: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut predicted: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in &rows {
        let l = triage.assess(&r.text);
        if std::env::var_os("SHOW_MISSES").is_some() && !r.spam && r.urgent != l.urgency.is_some() {
            println!("urgent {} but found {:?}: {}", r.urgent, l.urgency, r.text);
        }
        truth.entry("spam").or_default().push(r.spam.to_string());
        predicted.entry("spam").or_default().push(l.is_spam().to_string());
        if !r.spam {
            // Urgency only matters on what is not spam: spam is never actionable.
            truth.entry("urgent").or_default().push(r.urgent.to_string());
            predicted
                .entry("urgent")
                .or_default()
                .push(l.urgency.is_some().to_string());
            truth.entry("intent").or_default().push(r.intent.clone());
            predicted
                .entry("intent")
                .or_default()
                .push(l.intent.as_str().to_owned());
            truth.entry("sentiment").or_default().push(r.sentiment.clone());
            predicted
                .entry("sentiment")
                .or_default()
                .push(l.sentiment.as_str().to_owned());
        }
    }
    let measured: BTreeMap<String, f64> = truth
        .iter()
        .map(|(part, t)| {
            (
                part.to_string(),
                (macro_f1(t, &predicted[part]) * 10.0).round() / 10.0,
            )
        })
        .collect();
    let path = seed_dir().join("holdout-scores.json");
    if std::env::var_os("UPDATE_SCORES").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&measured).unwrap() + "\n").unwrap();
    }
    let committed: BTreeMap<String, f64> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("seed/holdout-scores.json")).unwrap();
    println!("macro F1 on the holdout sample: {measured:?} (committed: {committed:?})");
    for (part, figure) in &committed {
        let now = measured.get(part).copied().unwrap_or(0.0);
        assert!(
            now >= figure - ALLOWED_DROP,
            "{part}: macro F1 fell from the committed {figure} to {now}"
        );
    }
}

#[test]
fn the_shipped_starter_model_matches_its_committed_checksum() {
    use sha2::{Digest, Sha256};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("model");
    let sum = format!("{:x}", Sha256::digest(earshot_triage::assess::STARTER));
    let committed =
        std::fs::read_to_string(dir.join("starter.model.sha256")).expect("model/starter.model.sha256");
    assert_eq!(
        committed,
        format!("{sum}  crates/triage/model/starter.model\n"),
        "the starter model changed without its checksum: rebuild both with `earshot triage starter`"
    );
    let docs =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/triage.md"))
            .expect("docs/triage.md");
    assert!(
        docs.contains(&sum),
        "docs/triage.md gives another checksum than {sum}"
    );
}
