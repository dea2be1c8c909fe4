//! `earshot bench --reports`: a year of generated work (COUNT mentions, a third of them spam, most of the rest
//! answered and resolved, with the replies in the outbox) written straight into a fresh workspace with SQL,
//! then the Reports view's queries timed through the engine: the year, the year split by handle and by agent,
//! a month, and "now". The target is 300 ms for each. The first report of the year also builds the stored
//! day facts (crates/engine/src/report_days.rs); that cold run is timed and printed on its own, and the
//! medians are over the runs after it, as every later report runs. `--database URL` runs it on PostgreSQL.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, Duration, Utc};
use earshot_engine::{Engine, ReportQuery, ReportSplit, SystemClock};

const RUNS: usize = 7;
const TARGET_MS: f64 = 300.0;
const AUTHORS: i64 = 60_000;

/// Writes the year of work. Every value is a function of the row number, so each run writes the same rows.
async fn generate(engine: &Engine, count: u32) -> anyhow::Result<()> {
    let now = Utc::now();
    let start = (now - Duration::days(365)).timestamp_millis();
    let span = Duration::days(365).num_milliseconds();
    let db = engine.database();
    let mut tx = db.begin().await?;
    for (network, account, role) in [
        ("bluesky", "brand-help.bsky.social", "support"),
        ("bluesky", "brand.bsky.social", "marketing"),
        ("mastodon", "help@brand.social", "support"),
        ("x", "brandhelp", "support"),
    ] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO handles (network, account, role) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(network)
        .bind(account)
        .bind(role)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO accounts (handle_id, service_url, created_at) VALUES ($1, 'https://example.invalid', $2)",
        )
        .bind(id)
        .bind(start)
        .execute(&mut *tx)
        .await?;
    }
    for name in ["Ana", "Ben", "Chloé", "Dev", "Emeka", "Fran"] {
        sqlx::query("INSERT INTO agents (name, on_duty, created_at) VALUES ($1, 1, $2)")
            .bind(name)
            .bind(start)
            .execute(&mut *tx)
            .await?;
    }
    let (first_handle, first_agent): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT MIN(id) FROM handles), (SELECT MIN(id) FROM agents WHERE name = 'Ana')",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO authors (network, handle, display_name, followers, verified, created_at)
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1)
         SELECT 'bluesky', 'user' || n || '.bsky.social', 'User ' || n, (n * 7919) % 250000, CASE WHEN n % 97 = 0 THEN 1 ELSE 0 END, $2
           FROM seq",
    )
    .bind(AUTHORS)
    .bind(start)
    .execute(&mut *tx)
    .await?;
    let first_author: i64 = sqlx::query_scalar("SELECT MIN(id) FROM authors")
        .fetch_one(&mut *tx)
        .await?;
    // h is a pseudo-random number per row; the shares: 30% spam, 50% actionable, 20% other. Actionable items:
    // four in five answered (5 min to 4 h after), six in seven of those resolved; each held by one of six agents.
    sqlx::query(
        "INSERT INTO mentions (network, remote_id, author_id, text, created_at, first_seen_at, conversation_root,
                               status, rank_key, waiting_per_hour, labels, queue, intent, stage, first_response_at,
                               resolved_at, assignee_id)
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1),
         gen AS (SELECT n, (n * 2654435761) % 1000003 AS h, $2 + n * $3 AS created FROM seq),
         kinds AS (SELECT n, h, created,
                          CASE WHEN h % 10 < 3 THEN 'spam' WHEN h % 10 < 8 THEN 'actionable' ELSE 'other' END AS queue,
                          CASE WHEN (h / 10) % 4 = 0 THEN 'complaint' WHEN (h / 10) % 4 = 1 THEN 'question'
                               WHEN (h / 10) % 4 = 2 THEN 'praise' ELSE 'other' END AS intent
                     FROM gen),
         work AS (SELECT *, CASE WHEN queue = 'actionable' AND h % 5 <> 0
                                 THEN created + ((h / 7) % 235 + 5) * 60000 END AS answered,
                            CASE WHEN queue <> 'actionable' THEN 'ignored'
                                 WHEN h % 5 <> 0 AND h % 7 <> 0 THEN 'resolved' ELSE 'open' END AS stage
                    FROM kinds)
         SELECT 'bluesky', 'at://bench/' || n, $4 + n % $5, 'post ' || n, created, created + (h % 300) * 1000,
                'at://bench/' || n, CASE WHEN stage = 'open' THEN 'open' ELSE 'done' END,
                h % 1000, 1.0, NULL, queue, CASE WHEN queue = 'spam' THEN NULL ELSE intent END, stage, answered,
                CASE WHEN stage = 'resolved' THEN answered + (h % 48) * 3600000 END,
                CASE WHEN queue = 'actionable' THEN $6 + h % 6 END
           FROM work",
    )
    .bind(i64::from(count))
    .bind(start)
    .bind(span / i64::from(count).max(1))
    .bind(first_author)
    .bind(AUTHORS)
    .bind(first_agent)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO mention_handles (mention_id, handle_id) SELECT id, $1 + id % 4 FROM mentions")
        .bind(first_handle)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO outbox (idempotency_key, account_id, item_id, kind, target, body, requested_by, state,
                             next_attempt_at, created_at, sent_at)
         SELECT 'bench-' || m.id, ac.id, m.id, 'reply', m.remote_id, 'Thanks', a.name, 'sent',
                m.first_response_at, m.first_response_at, m.first_response_at
           FROM mentions m JOIN mention_handles mh ON mh.mention_id = m.id
           JOIN accounts ac ON ac.handle_id = mh.handle_id JOIN agents a ON a.id = m.assignee_id
          WHERE m.first_response_at IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if db.connect_options().database_url.scheme() != "sqlite" {
        // A server that has been running keeps statistics and visibility maps current (autovacuum); rows
        // written a moment ago have neither yet, and every plan and count would suffer for it.
        sqlx::query("VACUUM ANALYZE").execute(db).await?;
    }
    Ok(())
}

/// The median time of RUNS runs of a report, in milliseconds.
async fn time(engine: &Engine, query: &ReportQuery) -> anyhow::Result<(f64, u32)> {
    let mut samples = Vec::with_capacity(RUNS);
    let mut total = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let report = engine.report(query).await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
        total = report.totals.total;
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples[RUNS / 2], total))
}

pub async fn run(count: u32, database: Option<&str>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // EARSHOT_BENCH_KEEP=DIR keeps the generated workspace there, to look at its query plans.
    let place = std::env::var_os("EARSHOT_BENCH_KEEP").map_or_else(|| dir.path().join("earshot"), Into::into);
    let engine = Engine::open_at(place, database, Arc::new(SystemClock)).await?;
    eprintln!("Writing a year of work: {count} mentions…");
    let t = Instant::now();
    generate(&engine, count).await?;
    eprintln!("  written in {:.1} s", t.elapsed().as_secs_f64());
    if std::env::var_os("EARSHOT_BENCH_KEEP").is_some()
        && std::env::var_os("EARSHOT_BENCH_WRITE_ONLY").is_some()
    {
        return Ok(());
    }

    let today = Utc::now().date_naive();
    let year_ago = today - Duration::days(364);
    let month_start = today.with_day(1).unwrap_or(today);
    let query = |from: chrono::NaiveDate, split| ReportQuery {
        from: from.format("%Y-%m-%d").to_string(),
        to: today.format("%Y-%m-%d").to_string(),
        time_zone: Some("Europe/Berlin".into()),
        handle_id: None,
        role: None,
        network: None,
        agent: None,
        split,
    };
    let on = if database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "earshot bench --reports on {on}: {count} mentions over a year (median of {RUNS} runs; target {TARGET_MS} ms)"
    );
    let t = Instant::now();
    let cold = engine.report(&query(year_ago, None)).await?;
    println!(
        "  {:<22} {:>8.1} ms  ({} mentions; the first report builds every day's stored facts)",
        "the year, cold",
        t.elapsed().as_secs_f64() * 1000.0,
        cold.totals.total
    );
    let mut worst: f64 = 0.0;
    for (name, q) in [
        ("the year", query(year_ago, None)),
        ("the year, by handle", query(year_ago, Some(ReportSplit::Handle))),
        ("the year, by agent", query(year_ago, Some(ReportSplit::Agent))),
        ("this month", query(month_start, None)),
    ] {
        let (ms, total) = time(&engine, &q).await?;
        worst = worst.max(ms);
        println!("  {name:<22} {ms:>8.1} ms  ({total} mentions)");
    }
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        engine.report_now().await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let now_ms = samples[RUNS / 2];
    worst = worst.max(now_ms);
    println!("  {:<22} {now_ms:>8.1} ms", "now");
    println!(
        "  slowest {worst:.1} ms: {}",
        if worst < TARGET_MS {
            "within target"
        } else {
            "OVER TARGET"
        }
    );
    Ok(())
}
