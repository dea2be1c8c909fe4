//! `earshot bench`: imports generated mentions through the real import path into a fresh database, queries the
//! first inbox page and a full-text search, and prints each time beside raw SQLite doing the same rows.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use earshot_core::ItemStatus;
use earshot_engine::source::JsonLines;
use earshot_engine::{Engine, InboxQuery, Progress, SystemClock};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

const WORDS: &[&str] = &[
    "order", "refund", "battery", "delivery", "late", "broken", "love", "great", "ride", "app", "pairing",
    "warranty", "charger", "brake", "support", "thanks", "waiting", "week", "frame", "tyre", "help", "shop",
];
const QUERY_RUNS: usize = 15;

/// A small deterministic generator, so every run imports the same rows.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

struct Row {
    remote_id: String,
    author: String,
    text: String,
    created_ms: i64,
}

fn generate(count: u32) -> (Vec<u8>, Vec<Row>) {
    let mut rng = Lcg(42);
    let base = chrono::Utc::now() - chrono::Duration::days(30);
    let mut jsonl = String::from(
        "{\"type\":\"handle\",\"network\":\"bluesky\",\"account\":\"brand-help.bsky.social\",\"role\":\"support\"}\n\
         {\"type\":\"handle\",\"network\":\"bluesky\",\"account\":\"brand.bsky.social\",\"role\":\"marketing\"}\n",
    );
    let mut rows = Vec::with_capacity(count as usize);
    for i in 0..count {
        let words: Vec<&str> = (0..8).map(|_| rng.pick(WORDS)).collect();
        let handle = if rng.next().is_multiple_of(3) {
            "brand.bsky.social"
        } else {
            "brand-help.bsky.social"
        };
        let author = format!("user{}.bsky.social", rng.next() % 20_000);
        let created = base + chrono::Duration::seconds((rng.next() % (30 * 86_400)) as i64);
        let text = format!("@{handle} {}", words.join(" "));
        let line = serde_json::json!({
            "type": "mention", "network": "bluesky", "remote_id": format!("at://bench/{i}"),
            "author": {"handle": author, "followers": rng.next() % 100_000, "verified": rng.next().is_multiple_of(50),
                       "created_at": "2022-01-01T00:00:00Z"},
            "text": text, "created_at": created.to_rfc3339(), "mentions": [handle],
        });
        jsonl.push_str(&line.to_string());
        jsonl.push('\n');
        rows.push(Row {
            remote_id: format!("at://bench/{i}"),
            author,
            text,
            created_ms: created.timestamp_millis(),
        });
    }
    (jsonl.into_bytes(), rows)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time_runs<F, Fut>(mut f: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut samples = Vec::with_capacity(QUERY_RUNS);
    for _ in 0..QUERY_RUNS {
        let t = Instant::now();
        f().await?;
        samples.push(t.elapsed());
    }
    Ok(median(samples))
}

pub async fn run(count: u32) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    eprintln!("Generating {count} mentions…");
    let (jsonl, rows) = generate(count);

    // Earshot: the real import path into a fresh workspace.
    let engine = Engine::open(dir.path().join("earshot"), Arc::new(SystemClock)).await?;
    let mut source = JsonLines::new(jsonl.as_slice(), Some(count + 2));
    let mut last = 0;
    let t = Instant::now();
    let report = engine
        .ingest(&mut source, &mut |p: &Progress| {
            if p.done >= last + count / 10 {
                last = p.done;
                eprintln!("  imported {}/{}", p.done, p.total);
            }
        })
        .await?;
    let import = t.elapsed();
    anyhow::ensure!(
        report.imported == count,
        "expected {count} imported, got {}",
        report.imported
    );

    // The same import with triage off, to measure what triage costs it.
    let plain = Engine::open(dir.path().join("untriaged"), Arc::new(SystemClock))
        .await?
        .without_triage();
    let mut source = JsonLines::new(jsonl.as_slice(), Some(count + 2));
    let t = Instant::now();
    plain.ingest(&mut source, &mut |_: &Progress| {}).await?;
    let import_untriaged = t.elapsed();
    drop(plain);

    let open = InboxQuery {
        status: Some(ItemStatus::Open),
        ..Default::default()
    };
    let page =
        time_runs(|| async { engine.inbox(&open, 0, 100).await.map(drop).map_err(Into::into) }).await?;
    let deep = count.saturating_sub(100);
    let last_page =
        time_runs(|| async { engine.inbox(&open, deep, 100).await.map(drop).map_err(Into::into) }).await?;
    let search_query = InboxQuery {
        search: Some("refund battery".into()),
        ..open.clone()
    };
    let search = time_runs(|| async {
        engine
            .inbox(&search_query, 0, 100)
            .await
            .map(drop)
            .map_err(Into::into)
    })
    .await?;

    // Raw SQLite: the same rows into one plain table, one prepared insert in one transaction.
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(dir.path().join("raw.sqlite3"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let raw = sqlx::SqlitePool::connect_with(options).await?;
    sqlx::query("CREATE TABLE raw (id INTEGER PRIMARY KEY, remote_id TEXT, author TEXT, text TEXT, created_at INTEGER)")
        .execute(&raw)
        .await?;
    let t = Instant::now();
    let mut tx = raw.begin().await?;
    for r in &rows {
        sqlx::query("INSERT INTO raw (remote_id, author, text, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&r.remote_id)
            .bind(&r.author)
            .bind(&r.text)
            .bind(r.created_ms)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let raw_insert = t.elapsed();
    sqlx::query("CREATE INDEX raw_created ON raw (created_at)")
        .execute(&raw)
        .await?;
    let raw_page = time_runs(|| {
        let conn = raw.clone();
        async move {
            sqlx::query("SELECT * FROM raw ORDER BY created_at LIMIT 100")
                .fetch_all(&conn)
                .await?;
            Ok(())
        }
    })
    .await?;
    let raw_last_page = time_runs(|| {
        let conn = raw.clone();
        async move {
            sqlx::query("SELECT * FROM raw ORDER BY created_at LIMIT 100 OFFSET $1")
                .bind(i64::from(deep))
                .fetch_all(&conn)
                .await?;
            Ok(())
        }
    })
    .await?;
    let raw_search = time_runs(|| {
        let conn = raw.clone();
        async move {
            sqlx::query("SELECT * FROM raw WHERE text LIKE '%refund%' AND text LIKE '%battery%' LIMIT 100")
                .fetch_all(&conn)
                .await?;
            Ok(())
        }
    })
    .await?;

    println!("earshot bench: {count} generated mentions (median of {QUERY_RUNS} runs for queries)");
    println!("{:<32} {:>12} {:>14} {:>8}", "", "earshot", "raw SQLite", "ratio");
    for (name, ours, theirs) in [
        ("import (all rows)", import, raw_insert),
        ("first inbox page (100 rows)", page, raw_page),
        ("last inbox page (deep offset)", last_page, raw_last_page),
        ("full-text search, first page", search, raw_search),
    ] {
        println!(
            "{name:<32} {:>9.1} ms {:>11.1} ms {:>7.1}x",
            ms(ours),
            ms(theirs),
            ms(ours) / ms(theirs).max(0.001)
        );
    }
    println!(
        "import rate: {:.0} mentions/s; raw insert rate: {:.0} rows/s",
        f64::from(count) / import.as_secs_f64(),
        f64::from(count) / raw_insert.as_secs_f64()
    );
    println!(
        "import with triage: {:.1} s; without: {:.1} s; triage costs the import {:.2}x (target: at most 1.5x)",
        import.as_secs_f64(),
        import_untriaged.as_secs_f64(),
        import.as_secs_f64() / import_untriaged.as_secs_f64().max(0.001)
    );
    println!("raw baselines: page = ORDER BY an indexed column; search = LIKE scan over the text.");
    Ok(())
}

const FIRST: &[&str] = &[
    "Jane", "Omar", "Li", "Aoife", "José", "Zoë", "Kai", "Priya", "Tomasz", "Amara", "Liam", "Sofía",
];
const LAST: &[&str] = &[
    "Doe",
    "Haddad",
    "Wei",
    "Ní Bhriain",
    "Núñez",
    "Ångström",
    "Lee",
    "Raman",
    "Wiśniewski",
    "Okafor",
];
const LOOKUPS: usize = 5_000;

/// `earshot bench --crm`: imports `count` generated contacts through the real CSV import, then times
/// author lookups (a third hit an X handle, a third a Bluesky handle, a third miss) as the inbox does them.
pub async fn crm(count: u32) -> anyhow::Result<()> {
    use earshot_core::Network;
    use earshot_engine::{Columns, ContactSource, CustomerStatus};

    let dir = tempfile::tempdir()?;
    let engine = Engine::open(dir.path().join("earshot"), Arc::new(SystemClock)).await?;
    let mut rng = Lcg(7);
    let mut csv = String::from("Name,Email,Company,Twitter,Bluesky,Plan,Lifetime Value\n");
    for i in 0..count {
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let company = i % (count / 5).max(1);
        let x = if i % 2 == 0 {
            format!("user_{i}")
        } else {
            String::new()
        };
        let bsky = if i % 4 == 1 {
            format!("user{i}.bsky.social")
        } else {
            String::new()
        };
        let plan = ["Free", "Pro", "Business", "Enterprise"][(rng.next() % 4) as usize];
        csv.push_str(&format!(
            "{first} {last},{}.{}{i}@company{company}.example,Company {company},{x},{bsky},{plan},{}\n",
            first.to_lowercase(),
            last.to_lowercase().replace(' ', ""),
            rng.next() % 50_000
        ));
    }
    eprintln!("Importing {count} contacts…");
    let mapping = earshot_crm::Mapping::parse(
        "Name=name,Email=email,Company=company,Twitter=x,Bluesky=bluesky,Plan=tier,Lifetime Value=lifetime_value",
    )?;
    let t = Instant::now();
    let report = engine
        .import_contacts(
            ContactSource::Csv {
                bytes: csv.into_bytes(),
                columns: Columns::Mapping(mapping),
            },
            false,
            &mut |_: &Progress| {},
        )
        .await?;
    let import = t.elapsed();
    anyhow::ensure!(
        report.created == count,
        "expected {count} contacts, got {}",
        report.created
    );

    let mut times = Vec::with_capacity(LOOKUPS);
    let mut hits = 0;
    for n in 0..LOOKUPS {
        let i = rng.next() as u32 % count;
        let (network, handle) = match n % 3 {
            0 => (Network::X, format!("user_{}", i & !1)),
            1 => (Network::Bluesky, format!("user{}.bsky.social", (i & !3) | 1)),
            _ => (Network::X, format!("nobody_{i}")),
        };
        let t = Instant::now();
        let found = engine.lookup_customer(network, &handle).await?;
        times.push(t.elapsed());
        hits += usize::from(found.status == CustomerStatus::Linked);
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!("earshot bench --crm: {count} contacts, {LOOKUPS} author lookups ({hits} customers found)");
    println!(
        "import: {:.1} s ({:.0} contacts/s)",
        import.as_secs_f64(),
        f64::from(count) / import.as_secs_f64()
    );
    println!(
        "lookup: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target: p95 under 1 ms)",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    Ok(())
}
