//! The demo workspace: about 300 sample mentions for a fictional bike brand, written by the Earshot team
//! (`demo/make_demo.py`), loaded through the ordinary import path.

use chrono::{DateTime, Duration, Utc};

/// The demo file, in the canonical JSON Lines format.
pub const DEMO_JSONL: &str = include_str!("../demo/demo.jsonl");

/// The newest mention in the demo file is written at this instant; loading shifts it to a few minutes ago.
pub(crate) fn demo_shift(now: DateTime<Utc>) -> Duration {
    let newest: DateTime<Utc> = "2026-01-15T11:55:00Z".parse().unwrap_or_default();
    (now - Duration::minutes(5)) - newest
}
