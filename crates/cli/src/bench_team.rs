//! `earshot --database URL bench --team --count N`: team mode on a real PostgreSQL database (which must be
//! empty: N open items are written into it with SQL).
//!
//! - The inbox: the first and a deep page of the working list, and a search, through the engine.
//! - Live: a claim on one desktop until another desktop is told (LISTEN/NOTIFY), 50 times; target 1 s.
//! - Claims: eight agents, each its own engine and connection pool as eight desktops would be, claim the
//!   next item until none is left; every item must be claimed exactly once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use earshot_engine::{ClaimOutcome, ClaimQueue, ClaimTarget, Engine, InboxQuery, SystemClock};

const AGENTS: usize = 8;
const LIVE_RUNS: usize = 50;
const PAGE: u32 = 100;
const RUNS: usize = 7;
/// Above this many items the claim race stops after this many claims: it measures throughput, and claiming a
/// million items one by one would take twenty minutes without telling more.
const MOST_CLAIMS: u32 = 20_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// N open, actionable, unheld items on one support handle, written straight into the database.
async fn generate(engine: &Engine, count: u32) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    let db = engine.database();
    let mut tx = db.begin().await?;
    let handle: i64 = sqlx::query_scalar(
        "INSERT INTO handles (network, account, role) VALUES ('bluesky', 'brand-help.bsky.social', 'support') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO authors (network, handle, display_name, followers, verified, created_at)
         SELECT 'bluesky', 'user' || n || '.bsky.social', 'User ' || n, (n * 7919) % 250000, 0, $1
           FROM generate_series(1, 20000) AS n",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let first_author: i64 = sqlx::query_scalar("SELECT MIN(id) FROM authors")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO mentions (network, remote_id, author_id, text, created_at, first_seen_at, conversation_root,
                               status, rank_key, waiting_per_hour, labels, queue, intent, stage)
         SELECT 'bluesky', 'at://bench/' || n, $1 + n % 20000,
                '@brand-help.bsky.social my order ' || n || CASE WHEN n % 10 = 0 THEN ' refund battery' ELSE ' late' END,
                $2 - n * 1000, $2 - n * 1000, 'at://bench/' || n, 'open', (n * 2654435761) % 1000003, 1.0, NULL,
                'actionable', 'complaint', 'new'
           FROM generate_series(1, $3) AS n",
    )
    .bind(first_author)
    .bind(now)
    .bind(i64::from(count))
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO mention_handles (mention_id, handle_id) SELECT id, $1 FROM mentions")
        .bind(handle)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO mentions_fts (mention_id, text, author)
         SELECT m.id, m.text, a.handle FROM mentions m JOIN authors a ON a.id = m.author_id",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Statistics and visibility maps, as autovacuum keeps them on a server that has been running.
    sqlx::query("VACUUM ANALYZE mentions, authors, mention_handles, mentions_fts")
        .execute(db)
        .await?;
    Ok(())
}

async fn open(dir: &std::path::Path, name: &str, url: &str) -> anyhow::Result<Engine> {
    Ok(Engine::open_at(dir.join(name), Some(url), Arc::new(SystemClock)).await?)
}

pub async fn run(count: u32, url: Option<&str>) -> anyhow::Result<()> {
    let url =
        url.context("The team benchmark needs a PostgreSQL database: earshot --database URL bench --team.")?;
    let dir = tempfile::tempdir()?;
    let a = open(dir.path(), "a", url).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mentions")
        .fetch_one(a.database())
        .await?;
    ensure!(
        existing == 0,
        "The team benchmark writes its own items: give it an empty database."
    );
    eprintln!("Writing {count} open items…");
    let t = Instant::now();
    generate(&a, count).await?;
    eprintln!("  written in {:.1} s", t.elapsed().as_secs_f64());
    println!("earshot bench --team on PostgreSQL: {count} open items, {AGENTS} agents");

    // The inbox, as a desktop lists it.
    let mut first = Vec::new();
    let mut deep = Vec::new();
    let mut search = Vec::new();
    let deep_offset = (count / 2).saturating_sub(PAGE) / PAGE * PAGE;
    for _ in 0..RUNS {
        let t = Instant::now();
        let page = a.inbox(&InboxQuery::default(), 0, PAGE).await?;
        first.push(t.elapsed());
        ensure!(!page.rows.is_empty(), "the inbox came back empty");
        let t = Instant::now();
        a.inbox(&InboxQuery::default(), deep_offset, PAGE).await?;
        deep.push(t.elapsed());
        let t = Instant::now();
        a.inbox(
            &InboxQuery {
                search: Some("refund battery".into()),
                ..Default::default()
            },
            0,
            PAGE,
        )
        .await?;
        search.push(t.elapsed());
    }
    println!("  inbox, first page        {:>8.1} ms", ms(median(first)));
    println!("  inbox, page at {deep_offset:<9} {:>8.1} ms", ms(median(deep)));
    println!("  search \"refund battery\"  {:>8.1} ms", ms(median(search)));

    // Live: A claims, B hears.
    let names: Vec<String> = (1..=AGENTS).map(|i| format!("Agent {i}")).collect();
    for name in &names {
        a.add_agent(name, "agent").await?;
        a.set_cap(name, count).await?;
    }
    let b = open(dir.path(), "b", url).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let _listening = b
        .listen_to_team(Arc::new(move |table: &str| {
            let _ = tx.send((table.to_owned(), Instant::now()));
        }))
        .context("B should listen in a team")?;
    // Wait until B is listening: change an agent until it hears. Only claims change mentions from here on, so
    // a notice naming the mentions table is a claim's.
    let ready = Instant::now() + Duration::from_secs(30);
    loop {
        a.set_cap(&names[0], count).await?;
        if tokio::time::timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_ok()
        {
            break;
        }
        ensure!(
            Instant::now() < ready,
            "the second desktop never heard of the first one's changes"
        );
    }
    let mut live = Vec::with_capacity(LIVE_RUNS);
    for _ in 0..LIVE_RUNS {
        let t = Instant::now();
        let outcome = a
            .claim(Some(&names[0]), ClaimTarget::Next(Some(ClaimQueue::Support)))
            .await?;
        ensure!(matches!(outcome, ClaimOutcome::Claimed { .. }), "{outcome:?}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let heard = loop {
            let (table, at) = tokio::time::timeout_at(deadline, rx.recv())
                .await
                .context("the second desktop was not told of a claim within 10 s")?
                .context("the listener stopped")?;
            if table == "mentions" {
                break at;
            }
        };
        live.push(heard.saturating_duration_since(t));
    }
    live.sort();
    println!(
        "  live: claim to the other desktop told: median {:.1} ms, slowest {:.1} ms of {LIVE_RUNS} (target 1000 ms)",
        ms(live[live.len() / 2]),
        ms(live[live.len() - 1])
    );

    // Eight agents at once, as eight desktops.
    let mut engines = Vec::new();
    for (i, name) in names.iter().enumerate() {
        engines.push((open(dir.path(), &format!("agent{i}"), url).await?, name.clone()));
    }
    let everything = count <= MOST_CLAIMS;
    let each = match everything {
        true => usize::MAX,
        false => (MOST_CLAIMS as usize) / AGENTS,
    };
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (engine, name) in engines {
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while got.len() < each {
                match engine.claim(Some(&name), ClaimTarget::Next(None)).await? {
                    ClaimOutcome::Claimed { item } => got.push(item.item_id),
                    _ => break,
                }
            }
            anyhow::Ok(got)
        }));
    }
    let mut all = HashSet::new();
    let mut claimed = 0usize;
    for task in tasks {
        for id in task.await?? {
            claimed += 1;
            all.insert(id);
        }
    }
    let took = t.elapsed();
    let expected = match everything {
        true => count as usize - LIVE_RUNS,
        false => each * AGENTS,
    };
    ensure!(claimed == all.len(), "an item was claimed twice");
    ensure!(claimed == expected, "{claimed} claimed of {expected}");
    println!(
        "  claims: {AGENTS} agents took {claimed} items{} in {:.1} s, {:.0} claims/s, each exactly once",
        if everything { "" } else { " (then stopped)" },
        took.as_secs_f64(),
        claimed as f64 / took.as_secs_f64()
    );
    Ok(())
}
