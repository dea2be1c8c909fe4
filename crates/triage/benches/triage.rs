//! Triage speed on one core: featurise, label (spam, intent, sentiment, urgency, language, evidence) and
//! score, over the committed seed mentions repeated with small changes. Target: at least 20,000 mentions/s.
//!
//! `cargo bench -p earshot-triage --bench triage [-- COUNT]`

use std::time::Instant;

use chrono::{TimeZone, Utc};
use earshot_core::{Account, Author, Network, Priority, PriorityWeights, Signals};
use earshot_triage::starter::read_seed;
use earshot_triage::Triage;

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let seed = read_seed(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/mentions.csv"
    )))
    .expect("the seed file");
    let texts: Vec<String> = (0..count)
        .map(|i| format!("{} #{}", seed[i % seed.len()].text, i / seed.len()))
        .collect();
    let triage = Triage::starter().expect("the starter model");
    let weights = PriorityWeights::default();
    let at = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    let author = Author {
        network: Network::Bluesky,
        handle: Account::new("author", "someone.bsky.social").unwrap(),
        display_name: None,
        followers: 1200,
        verified: false,
        bot: false,
        labels: Vec::new(),
        created_at: Some(at - chrono::Duration::days(900)),
        profile_url: None,
        verified_links: Vec::new(),
    };

    // Warm up (lazy tables in VADER and the language detector).
    for t in texts.iter().take(1000) {
        std::hint::black_box(triage.assess(t));
    }
    let started = Instant::now();
    let mut spam = 0usize;
    for t in &texts {
        let labels = triage.assess(t);
        let p = Priority::assess_with(
            &author,
            at,
            Signals {
                labels: Some(&labels),
                ..Signals::default()
            },
            &weights,
        );
        spam += usize::from(labels.is_spam());
        std::hint::black_box(p.rank_key());
    }
    let elapsed = started.elapsed();
    println!(
        "triage bench: {count} mentions classified and scored on one core in {:.2} s: {:.0} mentions/s ({spam} spam)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
}
