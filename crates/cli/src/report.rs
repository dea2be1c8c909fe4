//! `earshot report`: the figures of the Reports view for a period, as text, JSON or CSV.

use std::process::ExitCode;

use earshot_engine::{days_csv, Engine, NowReport, Report, ReportQuery, TimeStats};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Right now instead of a period: waiting items by queue and handle, the oldest, SLA breaches in
    /// progress, and who is on duty holding what.
    #[arg(long, conflicts_with_all = ["from", "to", "csv"])]
    now: bool,
    /// The first local day, YYYY-MM-DD.
    #[arg(long, required_unless_present = "now")]
    from: Option<String>,
    /// The last local day, included (default: the first).
    #[arg(long)]
    to: Option<String>,
    /// The time zone days are counted in, as an IANA name (default: this computer's).
    #[arg(long)]
    tz: Option<String>,
    #[arg(long)]
    handle: Option<String>,
    /// support, marketing or other.
    #[arg(long)]
    role: Option<String>,
    /// bluesky, mastodon, x or web.
    #[arg(long)]
    network: Option<String>,
    /// The day table as CSV, the same columns as the window's table.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    #[arg(long)]
    json: bool,
}

fn minutes(s: &TimeStats) -> String {
    match (s.median_minutes, s.p90_minutes) {
        (Some(m), Some(p)) => format!(
            "median {m:.0} min, 90th percentile {p:.0} min, over {} items",
            s.count
        ),
        _ => "none yet".into(),
    }
}

fn print(r: &Report) {
    println!("{} to {} ({})", r.from, r.to, r.time_zone);
    let t = &r.totals;
    println!(
        "Mentions: {} ({} spam, {} actionable: {} complaints, {} questions, {} praise)",
        t.total, t.spam, t.actionable, t.complaint, t.question, t.praise
    );
    println!("First response: {}", minutes(&r.first_response));
    println!("Resolution: {}", minutes(&r.resolution));
    let share = |a: &earshot_engine::Attainment| match a.share {
        Some(s) => format!("{:.0}% met ({} of {})", s * 100.0, a.met, a.met + a.missed),
        None => "nothing due yet".into(),
    };
    println!("SLA, first response: {}", share(&r.first_response_sla));
    println!("SLA, resolution: {}", share(&r.resolution_sla));
    let s = &r.sent;
    println!(
        "Sent: {} replies, {} direct messages, {} boosts, {} likes, {} posts",
        s.replies, s.direct_messages, s.boosts, s.likes, s.posts
    );
}

fn print_now(n: &NowReport) {
    let queues: Vec<String> = n
        .by_queue
        .iter()
        .map(|q| format!("{} {}", q.count, q.name))
        .collect();
    println!(
        "Waiting now: {}",
        if queues.is_empty() {
            "nothing".into()
        } else {
            queues.join(", ")
        }
    );
    for h in &n.by_handle {
        println!("  @{}: {} actionable", h.name, h.count);
    }
    if let Some(o) = &n.oldest {
        println!(
            "Waiting longest: item {} from {}, {} min",
            o.item_id, o.author, o.waited_minutes
        );
    }
    println!("SLA breaches in progress: {}", n.breaches.len());
    for b in &n.breaches {
        println!(
            "  item {} from {}: {}",
            b.item_id,
            b.author,
            b.sla.as_ref().map_or("", |t| t.label.as_str())
        );
    }
    for a in n.agents.iter().filter(|a| a.on_duty) {
        println!("On duty: {} holding {}", a.name, a.holding);
    }
}

pub async fn run(engine: &Engine, a: ReportArgs) -> anyhow::Result<ExitCode> {
    if a.now {
        let now = engine.report_now().await?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&now)?);
        } else {
            print_now(&now);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let from = a.from.unwrap_or_default();
    let report = engine
        .report(&ReportQuery {
            to: a.to.unwrap_or_else(|| from.clone()),
            from,
            time_zone: a.tz,
            handle_id: a.handle,
            role: a.role,
            network: a.network,
        })
        .await?;
    if a.csv {
        print!("{}", days_csv(&report));
    } else if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report);
    }
    Ok(ExitCode::SUCCESS)
}
