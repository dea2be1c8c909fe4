//! The agent's day from the command line: stages, snoozes, escalation, notes, the team and shifts, saved
//! replies, handle SLAs and hours, and alerts.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use earshot_core::Stage;
use earshot_engine::{
    AlertRule, AssignMode, ClaimOutcome, ClaimQueue, ClaimTarget, DesktopAlerts, EndShiftRequest, Engine,
    EscalateRequest, HandleSettings, SaveReplyRequest, Schedule, SlaPolicy, Span, WorkView,
};

#[derive(Subcommand)]
pub enum WorkCommand {
    /// Move an item to a stage: new, open, waiting (on the customer), resolved or ignored.
    Mark {
        item: String,
        #[arg(value_parser = parse_stage)]
        stage: Stage,
    },
    /// Take an item out of the list until a time (--until 2026-12-01T09:00:00+01:00) or for a while (--for 2h).
    Snooze {
        item: String,
        #[arg(long, conflicts_with = "for_")]
        until: Option<String>,
        /// 30m, 2h, 1d.
        #[arg(long = "for", value_name = "DURATION")]
        for_: Option<String>,
    },
    /// Escalate an item to a person or to the team leads, saying why.
    Escalate {
        item: String,
        #[arg(long, conflicts_with = "leads")]
        to: Option<String>,
        #[arg(long)]
        leads: bool,
        #[arg(long)]
        note: String,
    },
    /// Give an item to a person, or to nobody.
    Assign {
        item: String,
        #[arg(long, conflicts_with = "nobody")]
        to: Option<String>,
        #[arg(long)]
        nobody: bool,
    },
    /// Return an item to the queue: nobody holds it.
    Unassign { item: String },
    /// Take an item to handle: ITEM, or --next, the most urgent open item nobody holds (from --queue, or
    /// from every actionable item). Prints JSON: {"outcome":"claimed","item":{…}}, or a refusal that says
    /// why ("held" by someone else, "at_cap", "nothing_waiting"); a refusal exits with status 3.
    Claim {
        #[arg(required_unless_present = "next", conflicts_with = "next")]
        item: Option<String>,
        #[arg(long)]
        next: bool,
        /// Who claims (default: you).
        #[arg(long)]
        agent: Option<String>,
        /// With --next: support (support handles and complaints) or marketing (praise on marketing handles).
        #[arg(long, value_enum, requires = "next")]
        queue: Option<QueueArg>,
        /// With --next: claim up to this many, one after another, printing a line for each; stops at the
        /// first refusal.
        #[arg(long, default_value_t = 1, requires = "next")]
        count: u32,
    },
    /// Automatic assignment per queue: shows each queue's mode; --queue Q --mode M sets one (round-robin,
    /// least-loaded or off); --run hands the waiting items out now, as the app and `earshot sync` do every few
    /// seconds. Only agents on duty for the queue get items (on duty on a handle of its role, or on no handle in
    /// particular), up to their cap.
    AutoAssign {
        #[arg(long, value_enum, requires = "mode")]
        queue: Option<QueueArg>,
        #[arg(long, requires = "queue")]
        mode: Option<String>,
        #[arg(long, conflicts_with_all = ["queue", "mode"])]
        run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Who is on duty and what each holds (as `agent list`).
    Agents {
        #[arg(long)]
        json: bool,
    },
    /// Add an internal note to an item (or its whole conversation). Notes are never sent.
    Note {
        item: String,
        text: String,
        #[arg(long)]
        conversation: bool,
    },
    /// Where an item stands: stage, SLA timers, who holds it, notes and history.
    Work {
        item: String,
        #[arg(long)]
        json: bool,
    },
    /// The team: your profile and signature, the people you escalate to, and who is on duty.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Saved replies: list or search, save, delete, and preview one filled in for an item.
    #[command(subcommand)]
    Replies(RepliesCommand),
    /// A handle's SLA targets, business hours, quiet hours for alerts, and whether replies are signed.
    Sla {
        /// The handle's ID (see `earshot inbox` or the app's sidebar).
        handle: String,
        /// Minutes to the first reply.
        #[arg(long, value_name = "MINUTES")]
        first_response: Option<u32>,
        /// Minutes to resolution.
        #[arg(long, value_name = "MINUTES")]
        resolution: Option<u32>,
        /// Count only business hours toward the targets (on, off).
        #[arg(long, value_name = "on|off")]
        business_only: Option<String>,
        /// Business hours, such as "mon-fri 09:00-17:30, sat 10:00-14:00", or "none" for around the clock.
        #[arg(long)]
        hours: Option<String>,
        /// Quiet hours for alerts, such as "mon-sun 22:00-07:00", or "none".
        #[arg(long)]
        quiet: Option<String>,
        /// The time zone of both, as an IANA name such as Europe/Berlin (default: UTC, or the one stored).
        #[arg(long)]
        tz: Option<String>,
        /// Sign replies from this handle with the agent's signature (on, off).
        #[arg(long, value_name = "on|off")]
        sign: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Desktop alerts: the rules, do-not-disturb, and raising what is due now.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Shifts: start one, end one with a handover, and read the handovers left for you.
    #[command(subcommand)]
    Shift(ShiftCommand),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum QueueArg {
    Support,
    Marketing,
}

fn claim_queue(q: QueueArg) -> ClaimQueue {
    match q {
        QueueArg::Support => ClaimQueue::Support,
        QueueArg::Marketing => ClaimQueue::Marketing,
    }
}

fn queue_name(q: ClaimQueue) -> &'static str {
    match q {
        ClaimQueue::Support => "support",
        ClaimQueue::Marketing => "marketing",
    }
}

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Your profile; --name and --signature change it. A signature may use {agent.first_name},
    /// {agent.initials} and {agent.name}: "–{agent.first_name}".
    Me {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        signature: Option<String>,
    },
    /// Add a person to the team.
    Add {
        name: String,
        #[arg(long)]
        lead: bool,
    },
    /// Everyone, on duty first, with what each holds.
    List {
        #[arg(long)]
        json: bool,
    },
    /// How many items a person takes on at most through `claim --next` and automatic assignment.
    Cap { name: String, cap: u32 },
    /// Put someone (default: you) on or off duty, on some handles, until a time.
    Duty {
        #[arg(long)]
        agent: Option<String>,
        #[arg(long, conflicts_with = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
        #[arg(long = "handle", value_name = "ID")]
        handles: Vec<String>,
        #[arg(long)]
        until: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum RepliesCommand {
    /// Every saved reply, or the best matches for a fuzzy search.
    List {
        query: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Save a new reply, or change one with --id. Variables: {author.name}, {author.first_name},
    /// {author.handle}, {agent.name}, {agent.first_name}, {agent.initials}, {handle}, {order}.
    Save {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
    },
    Delete {
        id: String,
    },
    /// A saved reply filled in for an item, with its signed length on the item's network.
    Preview {
        item: String,
        reply: String,
        #[arg(long)]
        from: Option<String>,
        /// A value for a variable, as NAME=VALUE (repeat): --set order=A-1042.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        values: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// The alert rules and do-not-disturb, as JSON (edit and pass back to set-rules).
    Rules,
    /// Replace the rules with those in a JSON file (the shape `earshot alerts rules` prints).
    SetRules { file: std::path::PathBuf },
    /// Do-not-disturb: --until TIME, --on (until turned off) or --off.
    Dnd {
        #[arg(long, conflicts_with_all = ["on", "off"])]
        until: Option<String>,
        #[arg(long, conflicts_with = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
    },
    /// Check new items against the rules now and raise the alerts that are due on this desktop (the app does
    /// this every few seconds). Prints what was raised.
    Check {
        /// Only print the alerts; do not show them on the desktop.
        #[arg(long)]
        print_only: bool,
    },
}

#[derive(Subcommand)]
pub enum ShiftCommand {
    /// Go on duty on some handles, until a time.
    Start {
        #[arg(long = "handle", value_name = "ID")]
        handles: Vec<String>,
        #[arg(long)]
        until: Option<String>,
    },
    /// End your shift: leave a handover (open items, promises made, items close to their SLA), return the
    /// unanswered items you held to the queue, and print a sign-off post to send if you wish.
    End {
        #[arg(long, default_value = "")]
        note: String,
        /// Who takes over, for the sign-off post.
        #[arg(long)]
        next: Option<String>,
        /// Until when they are on ("22:00"), for the post.
        #[arg(long)]
        next_until: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// What the handover would say now, without ending the shift.
    Preview {
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Send the sign-off post (as printed by `shift end`, or your own words) from one of the brand's handles.
    Announce {
        /// The handle (or account ID) to post from.
        #[arg(long)]
        from: String,
        #[arg(long)]
        text: String,
    },
    /// The latest handovers, newest first.
    Handovers {
        #[arg(long)]
        json: bool,
    },
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    s.parse().map_err(|e: earshot_core::CoreError| e.to_string())
}

fn on_off(raw: &str, what: &str) -> anyhow::Result<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        other => bail!("--{what} takes on or off, not '{other}'"),
    }
}

/// "30m", "2h", "1d" → a duration.
fn parse_duration(raw: &str) -> anyhow::Result<chrono::Duration> {
    let raw = raw.trim();
    let (n, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: i64 = n
        .parse()
        .with_context(|| format!("'{raw}' is not a duration; use 30m, 2h or 1d"))?;
    Ok(match unit {
        "m" | "min" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        _ => bail!("'{raw}' is not a duration; use 30m, 2h or 1d"),
    })
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day(s: &str) -> anyhow::Result<u8> {
    let key: String = s.trim().to_ascii_lowercase().chars().take(3).collect();
    DAYS.iter()
        .position(|d| *d == key)
        .map(|i| u8::try_from(i + 1).unwrap_or(1))
        .with_context(|| format!("'{s}' is not a day; use mon, tue, wed, thu, fri, sat or sun"))
}

/// "mon-fri 09:00-17:30, sat 10:00-14:00" in a time zone → a schedule; "none" → none.
pub fn parse_schedule(text: &str, tz: &str) -> anyhow::Result<Option<Schedule>> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let mut spans = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (days, times) = part
            .split_once(' ')
            .with_context(|| format!("'{part}' needs days and times, such as 'mon-fri 09:00-17:00'"))?;
        let (first, last) = days.split_once('-').unwrap_or((days, days));
        let (first, last) = (day(first)?, day(last)?);
        let (start, end) = times
            .trim()
            .split_once('-')
            .with_context(|| format!("'{times}' needs a start and an end, such as 09:00-17:00"))?;
        let mut d = first;
        loop {
            spans.push(Span {
                day: d,
                start: start.trim().to_owned(),
                end: end.trim().to_owned(),
            });
            if d == last {
                break;
            }
            d = d % 7 + 1;
        }
    }
    let schedule = Schedule {
        time_zone: tz.to_owned(),
        spans,
    };
    schedule.check().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(schedule))
}

async fn print_agents(engine: &Engine, json: bool) -> anyhow::Result<()> {
    let all = engine.agents().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    for a in all {
        let duty = if a.on_duty {
            format!(
                "on duty{}",
                a.duty_until.map(|u| format!(" until {u}")).unwrap_or_default()
            )
        } else {
            "off duty".into()
        };
        println!(
            "{}{} ({}): {duty}, holding {} of {}",
            a.name,
            if a.is_me { " (you)" } else { "" },
            a.role,
            a.holding,
            a.cap
        );
    }
    Ok(())
}

fn print_work(w: &WorkView) {
    let mut head = format!("Item {}: {}", w.item_id, w.stage.label());
    if let Some(until) = &w.snoozed_until {
        head.push_str(&format!(", snoozed until {until}"));
    }
    println!("{head}");
    if let Some(by) = &w.held_by {
        match &w.held_because {
            Some(why) => println!("Held by {by}: {why}"),
            None => println!("Held by {by}"),
        }
    }
    for t in &w.timers {
        println!("  {}", t.label);
    }
    for n in &w.notes {
        let scope = if n.conversation { " (conversation)" } else { "" };
        println!(
            "  Note{scope} by {} at {}: {}",
            n.author.as_deref().unwrap_or("someone"),
            n.created_at,
            n.body
        );
    }
    for e in &w.history {
        println!("  {} {}: {}", e.at, e.who.as_deref().unwrap_or(""), e.text);
    }
}

pub async fn run(engine: &Engine, command: WorkCommand) -> anyhow::Result<ExitCode> {
    match command {
        WorkCommand::Mark { item, stage } => {
            engine.set_stage(&item, stage).await?;
            println!("Item {item} is now {}.", stage.label().to_lowercase());
        }
        WorkCommand::Snooze { item, until, for_ } => {
            let until = match (until, for_) {
                (Some(u), _) => u,
                (None, Some(d)) => (chrono::Utc::now() + parse_duration(&d)?).to_rfc3339(),
                (None, None) => bail!("Say how long: --for 2h, or --until a time."),
            };
            let back = engine.snooze(&item, &until).await?;
            println!("Item {item} is snoozed until {back}.");
        }
        WorkCommand::Escalate {
            item,
            to,
            leads,
            note,
        } => {
            let w = engine
                .escalate(&EscalateRequest {
                    item_id: item,
                    to_agent: to,
                    to_role: leads.then(|| "lead".to_owned()),
                    note,
                })
                .await?;
            print_work(&w);
        }
        WorkCommand::Assign { item, to, nobody } => {
            if to.is_none() && !nobody {
                bail!("Say who: --to NAME, or --nobody.");
            }
            print_work(&engine.assign(&item, to.as_deref()).await?);
        }
        WorkCommand::Unassign { item } => {
            print_work(&engine.assign(&item, None).await?);
        }
        WorkCommand::AutoAssign {
            queue,
            mode,
            run,
            json,
        } => {
            if run {
                let given = engine.auto_assign().await?;
                if json {
                    println!("{}", serde_json::to_string(&given)?);
                } else if given.is_empty() {
                    println!("Nothing handed out: no queue with automatic assignment has an unheld item that someone on duty has room for.");
                } else {
                    for g in &given {
                        println!(
                            "Gave item {} to {} ({} queue).",
                            g.item_id,
                            g.agent,
                            queue_name(g.queue)
                        );
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            if let (Some(queue), Some(mode)) = (queue, mode) {
                let parsed = AssignMode::parse(&mode).with_context(|| {
                    format!("'{mode}' is not a way to assign; use round-robin, least-loaded or off.")
                })?;
                engine.set_assignment_mode(claim_queue(queue), parsed).await?;
            }
            let rules = engine.assignment_rules().await?;
            if json {
                println!("{}", serde_json::to_string(&rules)?);
            } else {
                for r in &rules {
                    println!(
                        "{:<10} {}",
                        queue_name(r.queue),
                        r.mode.as_str().replace('_', "-")
                    );
                }
            }
        }
        WorkCommand::Claim {
            item,
            next: _,
            agent,
            queue,
            count,
        } => {
            let target = match item {
                Some(item) => ClaimTarget::Item(item),
                None => ClaimTarget::Next(queue.map(claim_queue)),
            };
            let mut claimed = 0;
            for _ in 0..count.max(1) {
                let outcome = engine.claim(agent.as_deref(), target.clone()).await?;
                println!("{}", serde_json::to_string(&outcome)?);
                if !matches!(outcome, ClaimOutcome::Claimed { .. }) {
                    break;
                }
                claimed += 1;
            }
            if claimed == 0 {
                return Ok(ExitCode::from(3));
            }
        }
        WorkCommand::Agents { json } => print_agents(engine, json).await?,
        WorkCommand::Note {
            item,
            text,
            conversation,
        } => {
            print_work(&engine.add_note(&item, &text, conversation).await?);
        }
        WorkCommand::Work { item, json } => {
            let w = engine.work(&item).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&w)?);
            } else {
                print_work(&w);
            }
        }
        WorkCommand::Agent(c) => agent(engine, c).await?,
        WorkCommand::Replies(c) => replies(engine, c).await?,
        WorkCommand::Sla {
            handle,
            first_response,
            resolution,
            business_only,
            hours,
            quiet,
            tz,
            sign,
            json,
        } => {
            let mut s: HandleSettings = engine
                .handle_settings()
                .await?
                .into_iter()
                .find(|s| s.handle_id == handle.trim())
                .with_context(|| format!("There is no handle with ID '{handle}'."))?;
            let changing = first_response.is_some()
                || resolution.is_some()
                || business_only.is_some()
                || hours.is_some()
                || quiet.is_some()
                || sign.is_some();
            let zone = tz
                .or_else(|| s.business_hours.as_ref().map(|b| b.time_zone.clone()))
                .unwrap_or_else(|| "UTC".into());
            if first_response.is_some() {
                s.sla.first_response_minutes = first_response;
            }
            if resolution.is_some() {
                s.sla.resolution_minutes = resolution;
            }
            if let Some(b) = business_only {
                s.sla.business_hours_only = on_off(&b, "business-only")?;
            }
            if let Some(h) = hours {
                s.business_hours = parse_schedule(&h, &zone)?;
            }
            if let Some(q) = quiet {
                s.quiet_hours = parse_schedule(&q, &zone)?;
            }
            if let Some(v) = sign {
                s.sign_replies = on_off(&v, "sign")?;
            }
            if changing {
                s = engine.set_handle_settings(&s).await?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print_settings(&s);
            }
        }
        WorkCommand::Alerts(c) => return alerts(engine, c).await,
        WorkCommand::Shift(c) => shift(engine, c).await?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_settings(s: &HandleSettings) {
    let SlaPolicy {
        first_response_minutes,
        resolution_minutes,
        business_hours_only,
    } = &s.sla;
    let mins = |m: &Option<u32>| m.map_or("none".to_owned(), |m| format!("{m} min"));
    println!(
        "Handle {}: first reply within {}, resolution within {}{}",
        s.handle_id,
        mins(first_response_minutes),
        mins(resolution_minutes),
        if *business_hours_only {
            ", business hours only"
        } else {
            ""
        }
    );
    let hours = |h: &Option<Schedule>| match h {
        None => "none".to_owned(),
        Some(h) => {
            let spans: Vec<String> = h
                .spans
                .iter()
                .map(|s| {
                    format!(
                        "{} {}-{}",
                        DAYS[usize::from(s.day.clamp(1, 7) - 1)],
                        s.start,
                        s.end
                    )
                })
                .collect();
            format!("{} ({})", spans.join(", "), h.time_zone)
        }
    };
    println!("  Business hours: {}", hours(&s.business_hours));
    println!("  Quiet hours for alerts: {}", hours(&s.quiet_hours));
    println!("  Replies signed: {}", if s.sign_replies { "yes" } else { "no" });
}

async fn agent(engine: &Engine, c: AgentCommand) -> anyhow::Result<()> {
    match c {
        AgentCommand::Me { name, signature } => {
            let me = engine.me().await?;
            let me = if name.is_some() || signature.is_some() {
                engine
                    .update_me(
                        name.as_deref().unwrap_or(&me.name),
                        signature.as_deref().unwrap_or(&me.signature),
                    )
                    .await?
            } else {
                me
            };
            println!("{}", me.name);
            match me.signature_preview.as_str() {
                "" => println!("No signature: replies go out unsigned. Set one with --signature '–{{agent.first_name}}'."),
                sig => println!("Signature: {sig}"),
            }
        }
        AgentCommand::Add { name, lead } => {
            let a = engine
                .add_agent(&name, if lead { "lead" } else { "agent" })
                .await?;
            println!("Added {} ({}).", a.name, a.role);
        }
        AgentCommand::List { json } => print_agents(engine, json).await?,
        AgentCommand::Cap { name, cap } => {
            let a = engine.set_cap(&name, cap).await?;
            println!(
                "{} takes on at most {} items (holding {}).",
                a.name, a.cap, a.holding
            );
        }
        AgentCommand::Duty {
            agent,
            on,
            off,
            handles,
            until,
        } => {
            if on == off {
                bail!("Say --on or --off.");
            }
            let a = engine
                .set_duty(agent.as_deref(), on, until.as_deref(), &handles)
                .await?;
            println!(
                "{} is {}.",
                a.name,
                if a.on_duty { "on duty" } else { "off duty" }
            );
        }
    }
    Ok(())
}

async fn replies(engine: &Engine, c: RepliesCommand) -> anyhow::Result<()> {
    match c {
        RepliesCommand::List { query, json } => {
            let found = engine.saved_replies(query.as_deref().unwrap_or("")).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else {
                for r in found {
                    println!(
                        "{}  {}  (used {} times)\n    {}",
                        r.id,
                        r.title,
                        r.uses,
                        r.body.replace('\n', "\n    ")
                    );
                }
            }
        }
        RepliesCommand::Save { id, title, body } => {
            let r = engine.save_reply(&SaveReplyRequest { id, title, body }).await?;
            println!("Saved reply {}: {}", r.id, r.title);
        }
        RepliesCommand::Delete { id } => {
            engine.delete_reply(&id).await?;
            println!("Deleted saved reply {id}.");
        }
        RepliesCommand::Preview {
            item,
            reply,
            from,
            values,
            json,
        } => {
            let mut map = BTreeMap::new();
            for v in values {
                let (k, val) = v
                    .split_once('=')
                    .with_context(|| format!("'{v}' is not NAME=VALUE"))?;
                map.insert(k.trim().to_owned(), val.to_owned());
            }
            let p = engine.preview_reply(&item, &reply, from.as_deref(), &map).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                let full = match &p.signature {
                    Some(sig) => format!("{} {sig}", p.text),
                    None => p.text.clone(),
                };
                println!("{full}");
                match p.limit {
                    Some(limit) => println!("({} of {limit} characters)", p.used),
                    None => println!("({} characters)", p.used),
                }
                if !p.missing.is_empty() {
                    println!("Fill in: {}", p.missing.join(", "));
                }
                if let Some(w) = p.warning {
                    println!("Warning: {w}");
                }
            }
        }
    }
    Ok(())
}

async fn alerts(engine: &Engine, c: AlertsCommand) -> anyhow::Result<ExitCode> {
    match c {
        AlertsCommand::Rules => println!(
            "{}",
            serde_json::to_string_pretty(&engine.alert_settings().await?)?
        ),
        AlertsCommand::SetRules { file } => {
            let raw = std::fs::read_to_string(&file)
                .with_context(|| format!("could not read {}", file.display()))?;
            let value: serde_json::Value =
                serde_json::from_str(&raw).context("the rules file is not JSON")?;
            // Either the whole settings object `earshot alerts rules` prints, or just the list of rules.
            let rules_value = value.get("rules").cloned().unwrap_or(value);
            let rules: Vec<AlertRule> =
                serde_json::from_value(rules_value).context("the rules do not have the expected shape")?;
            let s = engine.set_alert_rules(&rules).await?;
            println!("Saved {} rule(s).", s.rules.len());
        }
        AlertsCommand::Dnd { until, on, off } => {
            let value = match (until, on, off) {
                (Some(u), _, _) => Some(u),
                (None, true, _) => Some("on".to_owned()),
                (None, false, true) => None,
                (None, false, false) => bail!("Say --until TIME, --on or --off."),
            };
            let s = engine.set_dnd(value.as_deref()).await?;
            match (s.dnd_active, s.dnd_until) {
                (true, Some(u)) if u != "on" => println!("Do not disturb until {u}."),
                (true, _) => println!("Do not disturb is on until you turn it off."),
                _ => println!("Do not disturb is off."),
            }
        }
        AlertsCommand::Check { print_only } => {
            let notices = engine.alerts_due().await?;
            let desktop = if print_only {
                None
            } else {
                match DesktopAlerts::connect(|_| {}) {
                    Ok(d) => Some(d),
                    Err(problem) => {
                        eprintln!("{problem}");
                        None
                    }
                }
            };
            for n in &notices {
                println!("{}\n    {}", n.summary, n.body.replace('\n', "\n    "));
                if let Some(d) = &desktop {
                    if let Err(e) = d.show(n) {
                        eprintln!("{e}");
                    }
                }
            }
            if notices.is_empty() {
                println!("No alerts are due.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn shift(engine: &Engine, c: ShiftCommand) -> anyhow::Result<()> {
    match c {
        ShiftCommand::Start { handles, until } => {
            let a = engine.start_shift(&handles, until.as_deref()).await?;
            println!(
                "{} is on duty{}.",
                a.name,
                a.duty_until.map(|u| format!(" until {u}")).unwrap_or_default()
            );
            if let Some(h) = engine.handovers(1).await?.into_iter().next() {
                println!("\nThe last handover:\n{}", h.text);
                engine.read_handover(&h.id).await?;
            }
        }
        ShiftCommand::End {
            note,
            next,
            next_until,
            json,
        } => {
            let r = engine
                .end_shift(&EndShiftRequest {
                    note,
                    next_agent: next,
                    next_until,
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("{}", r.handover.text);
                if r.returned > 0 {
                    println!(
                        "{} unanswered item(s) you held went back to the queue.",
                        r.returned
                    );
                }
                println!(
                    "\nA sign-off post, if you want to send one (earshot reply ... --text):\n  {}",
                    r.shift_post
                );
            }
        }
        ShiftCommand::Announce { from, text } => {
            let queued = engine.queue_post(&from, &text).await?;
            let tried = engine.send_due().await?;
            let view = tried.into_iter().find(|v| v.id == queued.id).unwrap_or(queued);
            match (&view.state[..], &view.result_url, &view.problem) {
                ("sent", Some(url), _) => println!("Posted: {url}"),
                ("sent", None, _) => println!("Posted."),
                (_, _, Some(problem)) => println!("Queued; the last try failed: {problem}"),
                _ => println!("Queued; it goes out with the next send."),
            }
        }
        ShiftCommand::Preview { note } => println!("{}", engine.handover_preview(&note).await?.text),
        ShiftCommand::Handovers { json } => {
            let all = engine.handovers(10).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!("No handovers yet.");
            } else {
                for h in all {
                    println!("{}\n", h.text);
                }
            }
        }
    }
    Ok(())
}
