//! How the CLI prints: JSON for scripts, short lines for people.

use std::process::ExitCode;

use earshot_engine::{
    AccountView, ActionKind, Engine, ImportReport, InboxQuery, OutboxView, SourceView, SyncReport,
};

pub fn import_report(report: &ImportReport) -> ExitCode {
    println!(
        "Imported {} new item(s), merged {} repeat sighting(s), {} handle record(s).",
        report.imported, report.merged, report.handles
    );
    if report.failed == 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} line(s) could not be read and were skipped; the rest were kept:",
        report.failed
    );
    for e in &report.errors {
        eprintln!("  line {}: {}", e.line, e.message);
    }
    if report.failed as usize > report.errors.len() {
        eprintln!("  … and {} more.", report.failed as usize - report.errors.len());
    }
    ExitCode::from(1)
}

pub async fn items(engine: &Engine, query: &InboxQuery, limit: u32, json: bool) -> anyhow::Result<()> {
    let page = engine.inbox(query, 0, limit).await?;
    if json {
        let mut out = Vec::with_capacity(page.rows.len());
        for row in &page.rows {
            // The JSON carries every reason, not just the top one, so a script can explain the rank.
            let item = engine.item(&row.id).await?;
            let mut value = serde_json::to_value(row)?;
            value["reasons"] = serde_json::to_value(&item.reasons)?;
            value["labels"] = serde_json::to_value(&item.triage)?;
            out.push(value);
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if page.rows.is_empty() {
        println!("Nothing matches. Try `earshot demo` to load sample data, or `earshot import FILE`.");
        return Ok(());
    }
    for row in &page.rows {
        let handles: Vec<_> = row.handles.iter().map(|h| format!("@{}", h.account)).collect();
        let tag = row.triage.as_ref().map_or_else(String::new, |t| {
            let mut tag = if t.queue == earshot_core::Queue::Spam {
                "spam".to_owned()
            } else {
                t.intent.as_str().to_owned()
            };
            if let Some(u) = t.urgency {
                tag.push_str(&format!(", urgent: {}", u.label()));
            }
            tag
        });
        println!(
            "{:>6.1}  {:<8} @{:<28} {:<22} {}  [{}]  {}",
            row.score,
            row.network.label(),
            row.author_handle,
            tag,
            row.excerpt.chars().take(60).collect::<String>(),
            handles.join(", "),
            row.top_reason
        );
    }
    println!("{} of {} item(s).", page.rows.len(), page.total);
    Ok(())
}

pub fn accounts(accounts: &[AccountView], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(accounts)?);
        return Ok(());
    }
    if accounts.is_empty() {
        println!(
            "No accounts are connected. Try `earshot account add mastodon --instance URL --role support`."
        );
    }
    for a in accounts {
        let last = a.last_sync_at.as_deref().unwrap_or("never");
        println!(
            "{:<4} {:<9} @{:<40} {:<10} {:<14} last sync {last}",
            a.id,
            a.network.label(),
            a.account,
            a.role,
            a.state
        );
        if let Some(problem) = &a.problem {
            println!("     {problem}");
        }
    }
    Ok(())
}

/// A source's keywords in words: "include: acme, acme bikes; exclude: hiring".
pub fn filters(source: &SourceView) -> String {
    let list = |words: &[String]| {
        if words.is_empty() {
            "none".to_owned()
        } else {
            words.join(", ")
        }
    };
    let include = if source.include.is_empty() {
        "everything".to_owned()
    } else {
        list(&source.include)
    };
    format!("include: {include}; exclude: {}", list(&source.exclude))
}

pub fn sources(sources: &[SourceView], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(sources)?);
        return Ok(());
    }
    if sources.is_empty() {
        println!(
            "No listening sources yet. Add a feed with `earshot source add rss URL --include 'your brand'`."
        );
    }
    for s in sources {
        println!("{:<4} {:<12} {:<9} {}", s.id, s.state, s.role, s.name);
        if let Some(title) = &s.title {
            println!("     {title}");
        }
        println!(
            "     {}; {} item(s); last fetch {}; next fetch {}",
            filters(s),
            s.items,
            s.last_fetch_at.as_deref().unwrap_or("never"),
            s.next_fetch_at.as_deref().unwrap_or("at the next sync")
        );
        if let Some(problem) = &s.problem {
            println!("     {problem}");
        }
    }
    Ok(())
}

/// Prints each account's sync; exits 1 when any account could not sync, so a scheduler notices.
pub fn sync_reports(reports: &[SyncReport]) -> ExitCode {
    if reports.is_empty() {
        println!("No accounts are connected, so there is nothing to sync.");
    }
    let mut failed = false;
    for r in reports {
        if let Some(next) = &r.next_fetch_at {
            println!("{}: fetched a moment ago; next fetch after {next}.", r.account);
            continue;
        }
        println!(
            "{}: {} new, {} seen before, {} skipped, {} page(s).",
            r.account, r.imported, r.merged, r.skipped, r.pages
        );
        if let Some(problem) = &r.problem {
            failed = true;
            eprintln!("{}: {problem}", r.account);
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One outgoing action, as a line: where it stands and, once sent, its link.
pub fn action(view: &OutboxView) -> ExitCode {
    match view.state.as_str() {
        "sent" => {
            println!(
                "Sent {} from @{}{}",
                kind_word(view.kind),
                view.from,
                view.result_url
                    .as_deref()
                    .map(|u| format!(": {u}"))
                    .unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        "failed" => {
            eprintln!(
                "Could not send {} from @{}: {}",
                kind_word(view.kind),
                view.from,
                view.problem.as_deref().unwrap_or("no reason was given")
            );
            ExitCode::from(1)
        }
        _ => {
            println!(
                "Queued {} from @{} (action {}){}. It will be sent by `earshot sync` or the app.",
                kind_word(view.kind),
                view.from,
                view.id,
                view.problem
                    .as_deref()
                    .map(|p| format!("; the last try said: {p}"))
                    .unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
    }
}

fn kind_word(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Reply => "the reply",
        ActionKind::Dm => "the direct message",
        ActionKind::Boost => "the boost",
        ActionKind::Like => "the like",
        ActionKind::Post => "the post",
    }
}

pub fn outbox(views: &[OutboxView], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(views)?);
        return Ok(());
    }
    if views.is_empty() {
        println!("Nothing has been sent yet.");
    }
    for v in views {
        println!(
            "{:>5}  {:<8} {:<7} @{:<28} {}",
            v.id,
            v.state,
            serde_json::to_value(v.kind)?.as_str().unwrap_or_default(),
            v.from,
            v.result_url.as_deref().or(v.problem.as_deref()).unwrap_or("")
        );
    }
    Ok(())
}

/// Prints X's estimated spend: per handle, today and this month, then the budget and the prices.
pub fn spend(view: &earshot_engine::SpendView, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(view)?);
        return Ok(());
    }
    for (title, lines, total) in [
        ("Today (UTC)", &view.today, view.today_usd),
        ("This month (UTC)", &view.month, view.month_usd),
    ] {
        println!("{title}: ${total:.2}");
        if lines.is_empty() {
            println!("  nothing billable yet");
        }
        for l in lines {
            println!(
                "  {:<32} {:>7} reads {:>6} writes  ${:.2}",
                l.handle, l.reads, l.writes, l.usd
            );
        }
    }
    match view.budget_usd {
        Some(b) => println!("Monthly budget: ${b:.2}"),
        None => println!("Monthly budget: none (set one with --budget)"),
    }
    if let Some(paused) = &view.paused {
        println!("{paused}");
    }
    println!("Prices (US dollars):");
    for p in &view.prices {
        let note = if p.is_default {
            " (X's published price)"
        } else {
            ""
        };
        println!("  {:<20} {:<28} {}{note}", p.kind, p.label, p.usd);
    }
    Ok(())
}
