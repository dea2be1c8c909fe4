//! How the CLI prints: JSON for scripts, short lines for people.

use std::process::ExitCode;

use earshot_engine::{Engine, ImportReport, InboxQuery};

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
        println!(
            "{:>6.1}  {:<8} @{:<28} {}  [{}]  {}",
            row.score,
            row.network.label(),
            row.author_handle,
            row.excerpt.chars().take(60).collect::<String>(),
            handles.join(", "),
            row.top_reason
        );
    }
    println!("{} of {} item(s).", page.rows.len(), page.total);
    Ok(())
}
