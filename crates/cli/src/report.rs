//! `earshot report`: the figures of the Reports view for a period, as text, JSON or CSV.

use std::process::ExitCode;

use earshot_engine::{
    authors_csv, customers_csv, days_csv, split_csv, Engine, NowReport, Report, ReportQuery, ReportSplit,
    TimeStats,
};

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
    /// Only items this agent holds, and actions they asked for.
    #[arg(long)]
    agent: Option<String>,
    /// Add a breakdown table split by handle, role, network or agent.
    #[arg(long, value_parser = ["handle", "role", "network", "agent"])]
    split: Option<String>,
    /// A table as CSV, with the same rows and columns as the window's: days (the default), split (needs
    /// --split), authors or customers.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// Which table --csv prints.
    #[arg(long, requires = "csv", value_parser = ["days", "split", "authors", "customers"], default_value = "days")]
    table: String,
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
    for row in &r.split {
        println!(
            "  {}: {} mentions ({} actionable), first response {}, {} replies",
            row.name,
            row.volume.total,
            row.volume.actionable,
            minutes(&row.first_response),
            row.sent.replies
        );
    }
    if !r.top_authors.is_empty() {
        println!("Top authors by followers:");
        for a in &r.top_authors {
            println!(
                "  @{} on {}: {} followers, {} {}, {} open",
                a.handle,
                a.network,
                a.followers,
                a.mentions,
                if a.mentions == 1 { "mention" } else { "mentions" },
                a.open_items
            );
        }
    }
    if !r.top_customers.is_empty() {
        println!("Customers with the most open items:");
        for c in &r.top_customers {
            println!("  {}: {} open ({})", c.name, c.open_items, c.accounts.join(", "));
        }
    }
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
    let split = a.split.as_deref().map(ReportSplit::parse).transpose()?;
    if a.csv && a.table == "split" && split.is_none() {
        anyhow::bail!("--table split needs --split handle, role, network or agent.");
    }
    let report = engine
        .report_with_progress(
            &ReportQuery {
                to: a.to.unwrap_or_else(|| from.clone()),
                from,
                time_zone: a.tz,
                handle_id: a.handle,
                role: a.role,
                network: a.network,
                agent: a.agent,
                split,
            },
            &mut crate::phase_bar("days"),
        )
        .await?;
    if a.csv {
        let csv = match a.table.as_str() {
            "split" => split_csv(&report),
            "authors" => authors_csv(&report),
            "customers" => customers_csv(&report),
            _ => days_csv(&report),
        };
        print!("{csv}");
    } else if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report);
    }
    Ok(ExitCode::SUCCESS)
}
