//! `earshot`: the headless front door to the same engine the desktop app uses.

mod bench;
mod bench_reports;
mod bench_team;
mod crm;
mod output;
mod report;
mod team;
mod triage;
mod work;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use earshot_core::{Intent, ItemStatus, Network, Role};
use earshot_engine::{
    resolve_data_dir, ActionKind, ActionRequest, AgentLabel, Engine, InboxQuery, InboxView, Progress,
    SystemClock, DATA_DIR_ENV,
};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "earshot",
    version,
    about = "Earshot: every mention of your brand in one prioritised inbox."
)]
struct Cli {
    #[command(flatten)]
    place: Place,
    #[command(subcommand)]
    command: Command,
}

/// Where the workspace is.
#[derive(clap::Args, Clone)]
struct Place {
    /// The workspace folder (default: the OS's app-data folder). In team mode it keeps this computer's own
    /// files; the inbox is in the team database.
    #[arg(long, global = true, env = DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A team database, as postgres://USER@HOST/DATABASE (add ?sslmode=require or verify-full for TLS).
    /// Default: the one joined with `earshot team join`, else the personal workspace. The password comes from
    /// the URL, the OS keyring (kept there by `team join --password-stdin`), PGPASSWORD or a ~/.pgpass file.
    #[arg(long, global = true, env = "EARSHOT_DATABASE", value_name = "URL")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// X's estimated spend per handle, today and this month (UTC, as X bills), with the prices and the
    /// monthly budget. --budget and --price change them.
    Spend {
        #[arg(long)]
        json: bool,
        /// The monthly budget in US dollars, or `none`. At 90% keyword search pauses; at 100% mentions do too.
        #[arg(long, value_name = "DOLLARS")]
        budget: Option<String>,
        /// A price, as KIND=DOLLARS (post_read, user_read, content_create, content_create_url, dm_create,
        /// interaction_create). Repeat for several.
        #[arg(long = "price", value_name = "KIND=DOLLARS")]
        prices: Vec<String>,
    },
    /// Import mentions and handles from a JSON Lines file in the canonical format (docs/mention-format.md).
    Import { file: PathBuf },
    /// Print the inbox in priority order, each item with the reasons for its rank.
    Inbox {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        #[arg(long, value_parser = parse_network)]
        network: Option<Network>,
        #[arg(long, value_enum, default_value_t = StatusArg::Open)]
        status: StatusArg,
        /// A triage view: actionable, complaints, questions, praise, other or spam (default: every item).
        #[arg(long, value_parser = parse_view)]
        view: Option<InboxView>,
    },
    /// Label an item as an agent: spam, not spam, or its intent. Triage learns from it at once, and open
    /// items like it are triaged again.
    Label {
        item: String,
        #[arg(long, conflicts_with_all = ["not_spam", "intent"])]
        spam: bool,
        #[arg(long, conflicts_with = "intent")]
        not_spam: bool,
        /// complaint, question, praise or other.
        #[arg(long)]
        intent: Option<Intent>,
    },
    /// The priority weights; --set NAME=POINTS changes one (and scores the open items again).
    Weights {
        #[arg(long)]
        json: bool,
        #[arg(long = "set", value_name = "NAME=POINTS")]
        set: Vec<String>,
    },
    /// Full-text search over mention text and author names.
    Search {
        text: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Load the demo workspace: about 300 sample mentions for a fictional bike brand.
    Demo,
    /// Add, list, change and remove the brand's accounts on each network.
    #[command(subcommand, alias = "accounts")]
    Account(AccountCommand),
    /// Listen to the open web: RSS and Atom feeds of forums, blogs, review sites and Google Alerts.
    #[command(subcommand, alias = "sources")]
    Source(SourceCommand),
    /// Fetch new mentions for every connected account and listening source. Without --once, keeps syncing until stopped (Ctrl-C or
    /// SIGTERM), every --interval seconds.
    Sync {
        #[arg(long)]
        once: bool,
        #[arg(long, default_value_t = 60, value_name = "SECONDS")]
        interval: u64,
    },
    /// Reply to an item in its thread, from one of the brand's handles.
    Reply(ActionArgs),
    /// Send the item's author a direct message (Mastodon), moving the conversation out of public view.
    Dm(ActionArgs),
    /// Boost (repost) an item from one of the brand's handles.
    Boost(ReactArgs),
    /// Like (favourite) an item from one of the brand's handles.
    Like(ReactArgs),
    /// Every outgoing action, newest first, with its state: queued, sending, sent (with a link) or failed.
    Outbox {
        #[arg(long)]
        json: bool,
        /// Put a failed action back in the queue and try it now.
        #[arg(long, value_name = "ID")]
        retry: Option<String>,
        /// Send what is due now, then list.
        #[arg(long)]
        send: bool,
    },
    /// Customers: import contacts (CSV, vCard), look up who a handle is, link or unlink an item's author.
    #[command(subcommand)]
    Crm(crm::CrmCommand),
    /// Train, apply and evaluate triage models (spam, intent, sentiment) on labelled CSV files.
    #[command(subcommand)]
    Triage(triage::TriageCommand),
    #[command(flatten)]
    Work(work::WorkCommand),
    /// Volume, response times, SLA attainment and actions sent over a period of local days (docs/reports.md).
    Report(report::ReportArgs),
    /// Team mode: join or leave a team database, check one, or move your personal workspace into one.
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// Measure import and query speed on generated mentions, against raw SQLite inserts.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        count: u32,
        /// Measure customer lookups instead: COUNT generated contacts, then author lookups.
        #[arg(long, conflicts_with = "reports")]
        crm: bool,
        /// Measure the Reports view instead: a year of COUNT generated mentions (try 1000000). With --database,
        /// on that PostgreSQL database, which must be empty: the year is written into it.
        #[arg(long)]
        reports: bool,
        /// Measure team mode instead, on the --database given (it must be empty): the inbox at COUNT items,
        /// how soon a claim on one desktop is told to another, and eight agents claiming at once.
        #[arg(long, conflicts_with_all = ["crm", "reports"])]
        team: bool,
    },
}

#[derive(clap::Args)]
struct ActionArgs {
    /// The inbox item's ID.
    item: String,
    /// The handle (or account ID) to send from.
    #[arg(long)]
    from: String,
    #[arg(long)]
    text: String,
    /// Send even when Earshot warns (say, a marketing handle answering a support complaint).
    #[arg(long)]
    yes: bool,
}

#[derive(clap::Args)]
struct ReactArgs {
    item: String,
    #[arg(long)]
    from: String,
    #[arg(long)]
    yes: bool,
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Connect an account. Secrets are read from standard input (never from the command line, where other
    /// users could see them) and kept only in the OS keyring.
    #[command(subcommand)]
    Add(AddCommand),
    /// Every connected account, with its health and last sync.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an account's role or brand keywords.
    Set {
        id: String,
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        /// A brand keyword to search for (repeat for several). Replaces the account's keywords.
        #[arg(long = "keyword", value_name = "TEXT")]
        keywords: Vec<String>,
        /// Remove every brand keyword.
        #[arg(long, conflicts_with = "keywords")]
        clear_keywords: bool,
    },
    /// Disconnect an account and delete its secret from the keyring. Its mentions stay in the inbox.
    Remove { id: String },
}

#[derive(Subcommand)]
enum SourceCommand {
    /// Start listening to a feed. It is fetched once now, to check it and to bring in what it holds.
    #[command(subcommand)]
    Add(SourceKind),
    /// Every listening source, with its keywords, health and next fetch.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a source's keywords or role. Keywords given replace the old ones; `--include ''` clears them.
    Update {
        id: String,
        #[command(flatten)]
        filters: SourceFilters,
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
    },
    /// Fetch one source now, even if it was fetched a moment ago.
    Sync { id: String },
    /// Stop listening to a source. The items it found stay in the inbox.
    Remove { id: String },
}

#[derive(Subcommand)]
enum SourceKind {
    /// An RSS or Atom feed: a forum's latest posts or search, a blog's comments, a review site, a Google
    /// Alert delivered to a feed.
    Rss {
        /// The feed's address, such as https://forum.example.com/latest.rss
        url: String,
        #[command(flatten)]
        filters: SourceFilters,
        /// Which queue the source's items go to.
        #[arg(long, value_parser = parse_role, default_value = "other")]
        role: Role,
    },
}

#[derive(clap::Args)]
struct SourceFilters {
    /// Keep only entries that contain one of these words or phrases (separated by commas; whole words, any
    /// case). Without it, every entry is kept.
    #[arg(long, value_name = "WORDS")]
    include: Vec<String>,
    /// Leave out entries that contain any of these (separated by commas).
    #[arg(long, value_name = "WORDS")]
    exclude: Vec<String>,
}

#[derive(Subcommand)]
enum AddCommand {
    /// A Bluesky account, with its handle and an app password read from standard input.
    Bluesky {
        /// The account's PDS (default https://bsky.social); set it for a self-hosted server.
        #[arg(long, default_value = "https://bsky.social", value_name = "URL")]
        service: String,
        #[arg(long)]
        handle: String,
        /// Read the app password from standard input.
        #[arg(long, required = true)]
        app_password_stdin: bool,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A brand keyword to search for (repeat for several).
        #[arg(long = "keyword", value_name = "TEXT")]
        keywords: Vec<String>,
    },
    /// A Mastodon account: by default you approve Earshot in your browser (OAuth); with --token-stdin, an
    /// access token from the server's Development settings is read from standard input instead.
    Mastodon {
        /// The server, e.g. https://mastodon.social
        #[arg(long, alias = "server", value_name = "URL")]
        instance: String,
        /// Read an access token from standard input instead of signing in with the browser.
        #[arg(long)]
        token_stdin: bool,
        /// Only print the address to approve Earshot at, for a machine without a browser (open it in a
        /// browser on the same machine, or through an SSH tunnel to the printed port).
        #[arg(long, conflicts_with = "token_stdin")]
        no_browser: bool,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// An X account, through your brand's own X app (OAuth 2.0 with PKCE): by default you approve Earshot in
    /// your browser; with --token-stdin, tokens are read from standard input instead (an access token, or
    /// the JSON answer of X's token endpoint with its refresh token).
    X {
        /// The OAuth 2.0 client ID of your X app (X Developer Console, Keys and tokens).
        #[arg(long, value_name = "ID")]
        client_id: String,
        #[arg(long)]
        token_stdin: bool,
        /// Only print the address to approve Earshot at.
        #[arg(long, conflicts_with = "token_stdin")]
        no_browser: bool,
        /// The port of the redirect address registered in your X app: http://127.0.0.1:PORT/callback.
        #[arg(long, default_value_t = earshot_engine::X_REDIRECT_PORT, value_name = "PORT")]
        redirect_port: u16,
        /// The X API's address (default https://api.x.com), for a test server or a proxy.
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A brand keyword to search for (repeat for several).
        #[arg(long = "keyword", value_name = "TEXT")]
        keywords: Vec<String>,
    },
}

/// Shows the address to approve Earshot at, and opens the browser unless told not to.
fn approve_at(no_browser: bool) -> impl Fn(&url::Url) + Send + Sync {
    move |url: &url::Url| {
        if no_browser {
            eprintln!("Open this address in a browser on this machine to approve Earshot:\n  {url}");
        } else {
            eprintln!("Approve Earshot in your browser. If it did not open, open this address:\n  {url}");
            // Where no browser can be opened, the printed address is the way.
            let _ = open::that_detached(url.as_str());
        }
        eprintln!("Waiting up to 5 minutes (Ctrl-C cancels)…");
    }
}

/// A cancel signal that Ctrl-C sets.
fn cancel_on_ctrl_c() -> tokio::sync::watch::Receiver<bool> {
    let (cancel, cancelled) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = cancel.send(true);
        }
    });
    cancelled
}

pub(crate) fn read_secret(what: &str) -> anyhow::Result<String> {
    let mut secret = String::new();
    std::io::stdin()
        .read_line(&mut secret)
        .with_context(|| format!("could not read the {what} from standard input"))?;
    Ok(secret.trim().to_owned())
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Open,
    Done,
    All,
}

fn parse_view(s: &str) -> Result<InboxView, String> {
    InboxView::parse(s)
        .ok_or_else(|| "use actionable, complaints, questions, praise, other or spam".to_owned())
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: earshot_core::CoreError| e.to_string())
}

fn parse_network(s: &str) -> Result<Network, String> {
    s.parse().map_err(|e: earshot_core::CoreError| e.to_string())
}

fn progress_bar(message: &'static str) -> impl FnMut(&Progress) + Send {
    let bar = ProgressBar::new(0).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} lines ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    move |p: &Progress| {
        bar.set_length(u64::from(p.total));
        bar.set_position(u64::from(p.done));
        if p.total > 0 && p.done >= p.total {
            bar.finish_and_clear();
        }
    }
}

/// A bar on standard error that names the work under way (the progress's phase) and counts `unit`s; nothing
/// when standard error is not a terminal.
fn phase_bar(unit: &'static str) -> impl FnMut(&Progress) + Send {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{msg:<32}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{eta}} left)"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    move |p: &Progress| {
        bar.set_message(p.phase.clone());
        bar.set_length(u64::from(p.total));
        bar.set_position(u64::from(p.done));
        if p.total > 0 && p.done >= p.total {
            bar.finish_and_clear();
        }
    }
}

async fn open(place: Place) -> anyhow::Result<Engine> {
    let dir = resolve_data_dir(place.data_dir)?;
    let database = match place.database.or(earshot_engine::joined_team(&dir)?) {
        Some(url) => Some(earshot_engine::team_database_url(&url)?),
        None => None,
    };
    Ok(Engine::open_at(dir, database.as_deref(), Arc::new(SystemClock)).await?)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Work(command) => {
            let engine = open(cli.place).await?;
            work::run(&engine, command).await
        }
        Command::Report(args) => {
            let engine = open(cli.place).await?;
            report::run(&engine, args).await
        }
        Command::Team(command) => {
            let dir = resolve_data_dir(cli.place.data_dir)?;
            team::run(&dir, cli.place.database.as_deref(), command).await
        }
        Command::Import { file } => {
            let engine = open(cli.place).await?;
            let report = engine.import_file(&file, &mut progress_bar("Importing")).await?;
            Ok(output::import_report(&report))
        }
        Command::Demo => {
            let engine = open(cli.place).await?;
            let report = engine.load_demo(&mut progress_bar("Loading the demo")).await?;
            Ok(output::import_report(&report))
        }
        Command::Inbox {
            json,
            limit,
            role,
            network,
            status,
            view,
        } => {
            let engine = open(cli.place).await?;
            engine.triage_backlog(&mut progress_bar("Triaging")).await?;
            let status = match status {
                StatusArg::Open => Some(ItemStatus::Open),
                StatusArg::Done => Some(ItemStatus::Done),
                StatusArg::All => None,
            };
            let query = InboxQuery {
                status,
                role,
                network,
                view,
                ..Default::default()
            };
            output::items(&engine, &query, limit, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { text, json, limit } => {
            let engine = open(cli.place).await?;
            let query = InboxQuery {
                search: Some(text),
                ..Default::default()
            };
            output::items(&engine, &query, limit, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::Add(AddCommand::Bluesky {
            service,
            handle,
            app_password_stdin: _,
            role,
            keywords,
        })) => {
            let password = read_secret("app password")?;
            let engine = open(cli.place).await?;
            let mut account = engine.connect_bluesky(&service, &handle, &password, role).await?;
            if !keywords.is_empty() {
                account = engine.update_account(&account.id, None, Some(keywords)).await?;
            }
            println!(
                "Connected @{} (account {}) as a {} handle.",
                account.account, account.id, account.role
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::Add(AddCommand::Mastodon {
            instance,
            token_stdin,
            no_browser,
            role,
        })) => {
            let engine = open(cli.place).await?;
            let account = if token_stdin {
                let token = read_secret("token")?;
                engine.connect_mastodon(&instance, &token, role).await?
            } else {
                engine
                    .sign_in_mastodon(&instance, role, &approve_at(no_browser), cancel_on_ctrl_c())
                    .await?
            };
            println!(
                "Connected @{} (account {}) as a {} handle.",
                account.account, account.id, account.role
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::Add(AddCommand::X {
            client_id,
            token_stdin,
            no_browser,
            redirect_port,
            server,
            role,
            keywords,
        })) => {
            let engine = open(cli.place).await?;
            let mut account = if token_stdin {
                let token = read_secret("token")?;
                engine
                    .connect_x(&client_id, &token, role, server.as_deref())
                    .await?
            } else {
                eprintln!(
                    "Your X app must list http://127.0.0.1:{redirect_port}/callback as a callback address."
                );
                engine
                    .sign_in_x(
                        &client_id,
                        role,
                        server.as_deref(),
                        Some(redirect_port),
                        &approve_at(no_browser),
                        cancel_on_ctrl_c(),
                    )
                    .await?
            };
            if !keywords.is_empty() {
                account = engine.update_account(&account.id, None, Some(keywords)).await?;
            }
            println!(
                "Connected @{} (account {}) as a {} handle.",
                account.account, account.id, account.role
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Spend { json, budget, prices } => {
            let engine = open(cli.place).await?;
            let prices = prices
                .iter()
                .map(|p| {
                    let (kind, usd) = p
                        .split_once('=')
                        .with_context(|| format!("'{p}' is not KIND=DOLLARS, e.g. post_read=0.005"))?;
                    let usd: f64 = usd
                        .trim()
                        .parse()
                        .with_context(|| format!("'{usd}' is not an amount of dollars, e.g. 0.005"))?;
                    Ok((kind.trim().to_owned(), usd))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let budget = match budget.as_deref().map(str::trim) {
                None => None,
                Some("none") => Some(None),
                Some(b) => Some(Some(b.trim_start_matches('$').parse::<f64>().with_context(
                    || {
                        format!(
                            "'{b}' is not an amount of dollars; give e.g. 50, or none to remove the budget"
                        )
                    },
                )?)),
            };
            let view = if budget.is_some() || !prices.is_empty() {
                engine.set_spend_settings(budget, &prices).await?
            } else {
                engine.spend().await?
            };
            output::spend(&view, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::List { json }) => {
            let engine = open(cli.place).await?;
            output::accounts(&engine.accounts().await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::Set {
            id,
            role,
            keywords,
            clear_keywords,
        }) => {
            let engine = open(cli.place).await?;
            let keywords = (clear_keywords || !keywords.is_empty()).then_some(keywords);
            let account = engine.update_account(&id, role, keywords).await?;
            println!(
                "@{} is a {} handle; keywords: {}.",
                account.account,
                account.role,
                if account.keywords.is_empty() {
                    "none".to_owned()
                } else {
                    account.keywords.join(", ")
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Account(AccountCommand::Remove { id }) => {
            let engine = open(cli.place).await?;
            let account = engine.remove_account(&id).await?;
            println!(
                "Disconnected @{}. Its mentions stay in the inbox.",
                account.account
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Source(command) => source(cli.place, command).await,
        Command::Sync { once: true, .. } => {
            let engine = open(cli.place).await?;
            let reports = engine.sync_all(&mut progress_bar("Syncing")).await?;
            let code = output::sync_reports(&reports);
            for view in engine.send_due().await? {
                output::action(&view);
            }
            Ok(code)
        }
        Command::Sync {
            once: false,
            interval,
        } => {
            let engine = open(cli.place).await?;
            sync_until_stopped(&engine, std::time::Duration::from_secs(interval.max(5))).await
        }
        Command::Reply(a) => act(cli.place, ActionKind::Reply, a.item, a.from, Some(a.text), a.yes).await,
        Command::Dm(a) => act(cli.place, ActionKind::Dm, a.item, a.from, Some(a.text), a.yes).await,
        Command::Boost(a) => act(cli.place, ActionKind::Boost, a.item, a.from, None, a.yes).await,
        Command::Like(a) => act(cli.place, ActionKind::Like, a.item, a.from, None, a.yes).await,
        Command::Outbox { json, retry, send } => {
            let engine = open(cli.place).await?;
            if let Some(id) = &retry {
                engine.retry_action(id).await?;
            }
            if send || retry.is_some() {
                engine.send_due().await?;
            }
            output::outbox(&engine.outbox(None).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Label {
            item,
            spam,
            not_spam,
            intent,
        } => {
            let label = match (spam, not_spam, intent) {
                (true, _, _) => AgentLabel::Spam(true),
                (_, true, _) => AgentLabel::Spam(false),
                (_, _, Some(i)) => AgentLabel::Intent(i),
                _ => anyhow::bail!("Say what the item is: --spam, --not-spam or --intent INTENT."),
            };
            let engine = open(cli.place).await?;
            engine.label_item(&item, label).await?;
            let n = engine
                .retriage_like(&item, &mut progress_bar("Triaging similar items again"))
                .await?;
            eprintln!("Labelled item {item}; {n} open item(s) like it were triaged again.");
            // As in the app: every few labels, the models learn from all of them.
            if let Some(r) = engine.retrain_if_due(&mut phase_bar("")).await? {
                eprintln!(
                    "Triage retrained on {} labelled item(s): {}",
                    r.labels,
                    if r.adopted {
                        "the new model is in use."
                    } else {
                        "the starter model did better on the held-back labels and stays."
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Weights { json, set } => {
            let engine = open(cli.place).await?;
            if !set.is_empty() {
                let mut value = serde_json::to_value(engine.priority_weights())?;
                for pair in &set {
                    let (name, points) = pair
                        .split_once('=')
                        .with_context(|| format!("--set takes NAME=POINTS, not {pair:?}"))?;
                    let points: f64 = points
                        .trim()
                        .parse()
                        .with_context(|| format!("{points:?} is not a number of points"))?;
                    let known = value
                        .as_object()
                        .map(|o| o.contains_key(name.trim()))
                        .unwrap_or(false);
                    if !known {
                        let names: Vec<String> = value
                            .as_object()
                            .map(|o| o.keys().cloned().collect())
                            .unwrap_or_default();
                        anyhow::bail!(
                            "There is no weight named {name:?}. The weights are: {}.",
                            names.join(", ")
                        );
                    }
                    value[name.trim()] = serde_json::json!(points);
                }
                let weights = serde_json::from_value(value)?;
                engine
                    .set_priority_weights(weights, &mut progress_bar("Scoring again"))
                    .await?;
            }
            let weights = serde_json::to_value(engine.priority_weights())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&weights)?);
            } else if let Some(o) = weights.as_object() {
                for (name, points) in o {
                    println!("{name:>20}  {points}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Triage(triage::TriageCommand::Retrain { json }) => {
            let engine = open(cli.place).await?;
            let r = engine.retrain_triage(&mut phase_bar("")).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                let pct = |v: Option<f64>| v.map_or("—".to_owned(), |v| format!("{:.1}%", v * 100.0));
                println!(
                    "Retrained on {} labelled item(s) and {} recent mention(s); {} label(s) held back to measure it.",
                    r.labels, r.mentions, r.held_back
                );
                for (name, f) in [("Starter model", &r.before), ("Retrained model", &r.after)] {
                    println!(
                        "{name:>16}: spam precision {}, recall {} (on {}); intent accuracy {} (on {})",
                        pct(f.spam_precision),
                        pct(f.spam_recall),
                        f.spam_labels,
                        pct(f.intent_accuracy),
                        f.intent_labels
                    );
                }
                println!(
                    "{}",
                    if r.adopted {
                        "The retrained model is now in use, and the open items were triaged again with it."
                    } else {
                        "The retrained model did worse on the held-back labels, so the starter model stays."
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Triage(triage::TriageCommand::Quality { json }) => {
            let engine = open(cli.place).await?;
            let q = engine.triage_quality().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&q)?);
            } else {
                let pct = |v: Option<f64>| {
                    v.map_or("not enough labels".to_owned(), |v| format!("{:.1}%", v * 100.0))
                };
                println!(
                    "Spam, on {} agent label(s): precision {}, recall {}",
                    q.spam_labels,
                    pct(q.spam_precision),
                    pct(q.spam_recall)
                );
                println!(
                    "Intent, on {} agent label(s): accuracy {}",
                    q.intent_labels,
                    pct(q.intent_accuracy)
                );
                println!("Model: {}", q.model);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Crm(command) => {
            let engine = open(cli.place).await?;
            crm::run(&engine, command).await
        }
        Command::Triage(command) => {
            tokio::task::block_in_place(|| triage::run(command))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            count,
            crm,
            reports,
            team,
        } => {
            let database = match cli.place.database {
                Some(url) => Some(earshot_engine::team_database_url(&url)?),
                None => None,
            };
            match (crm, reports, team) {
                (true, _, _) => bench::crm(count).await,
                (_, true, _) => bench_reports::run(count, database.as_deref()).await,
                (_, _, true) => bench_team::run(count, database.as_deref()).await,
                _ => bench::run(count).await,
            }
            .context("the benchmark failed")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn source(place: Place, command: SourceCommand) -> anyhow::Result<ExitCode> {
    let engine = open(place).await?;
    match command {
        SourceCommand::Add(SourceKind::Rss { url, filters, role }) => {
            let view = engine
                .add_source(&url, &filters.include, &filters.exclude, role)
                .await?;
            println!(
                "Listening to {} (source {}) for the {} queue; {} item(s) so far.",
                view.title.as_deref().unwrap_or(&view.name),
                view.id,
                view.role,
                view.items
            );
            if let Some(problem) = &view.problem {
                eprintln!("{problem}");
            }
        }
        SourceCommand::List { json } => output::sources(&engine.sources().await?, json)?,
        SourceCommand::Update { id, filters, role } => {
            let given = |words: Vec<String>| (!words.is_empty()).then_some(words);
            let view = engine
                .update_source(&id, given(filters.include), given(filters.exclude), role)
                .await?;
            println!(
                "Source {} feeds the {} queue; {}.",
                view.id,
                view.role,
                output::filters(&view)
            );
        }
        SourceCommand::Sync { id } => {
            let report = engine.sync_source(&id, &mut progress_bar("Fetching")).await?;
            return Ok(output::sync_reports(&[report]));
        }
        SourceCommand::Remove { id } => {
            let view = engine.remove_source(&id).await?;
            println!(
                "Stopped listening to {}. Its {} item(s) stay in the inbox.",
                view.name, view.items
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Queues an action in the outbox and sends it at once. If it cannot go yet, it stays queued: `earshot sync`
/// (or the app) sends it later.
async fn act(
    place: Place,
    kind: ActionKind,
    item_id: String,
    from: String,
    text: Option<String>,
    confirmed: bool,
) -> anyhow::Result<ExitCode> {
    let engine = open(place).await?;
    let queued = engine
        .queue_action(&ActionRequest {
            item_id,
            kind,
            from,
            text,
            confirmed,
            requested_by: None,
            saved_reply_id: None,
        })
        .await?;
    let tried = engine.send_due().await?;
    let view = tried.into_iter().find(|v| v.id == queued.id).unwrap_or(queued);
    Ok(output::action(&view))
}

/// Syncs every account, then waits `interval`, until Ctrl-C or SIGTERM. Each round's problems are printed;
/// none of them stops the loop.
async fn sync_until_stopped(engine: &Engine, interval: std::time::Duration) -> anyhow::Result<ExitCode> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("could not listen for SIGTERM")?;
    eprintln!(
        "Syncing every {} s, and listening live where the network streams. Stop with Ctrl-C.",
        interval.as_secs()
    );
    let mut listeners = earshot_engine::Listeners::new(
        engine.clone(),
        std::sync::Arc::new(|report: &earshot_engine::SyncReport| {
            if report.imported > 0 {
                output::sync_reports(std::slice::from_ref(report));
            }
        }),
    );
    // In a team, every few seconds: take over the accounts whose syncing process stopped or died.
    let tick = if engine.is_team() {
        interval.min(std::time::Duration::from_secs(5))
    } else {
        interval
    };
    // Reports read each day's stored figures: build the missing ones once, beside the syncing, so no window
    // waits for them.
    let warming = engine.clone();
    tokio::spawn(async move {
        if let Err(e) = warming.warm_reports().await {
            eprintln!("earshot: could not prepare the reports' figures: {e}");
        }
    });
    let mut next_round = tokio::time::Instant::now();
    let mut first = true;
    loop {
        // The first round takes the accounts nobody syncs without a word; later, taking one over is news.
        if !first {
            match engine.take_over_syncs(&mut |_: &Progress| {}).await {
                Ok(reports) if !reports.is_empty() => {
                    for report in &reports {
                        eprintln!(
                            "Now syncing {}: no other process on the team does.",
                            report.account
                        );
                    }
                    output::sync_reports(&reports);
                    if let Err(e) = listeners.refresh().await {
                        eprintln!("earshot: could not start listening: {e}");
                    }
                }
                Ok(_) => {}
                Err(e) => eprintln!("earshot: could not check which accounts to sync: {e}"),
            }
        }
        first = false;
        // New mentions are triaged with the weights and retrained model a desktop saved since.
        match engine.refresh_triage().await {
            Ok(true) => eprintln!("Took up the workspace's new triage weights or retrained model."),
            Ok(false) => {}
            Err(e) => eprintln!("earshot: could not read the workspace's triage settings: {e}"),
        }
        // Queues with automatic assignment hand their waiting items out every tick, even with no window open.
        match engine.auto_assign().await {
            Ok(given) => {
                for g in &given {
                    eprintln!("Gave item {} to {} (automatic assignment).", g.item_id, g.agent);
                }
            }
            Err(e) => eprintln!("earshot: automatic assignment failed: {e}"),
        }
        if tokio::time::Instant::now() < next_round {
            tokio::select! {
                _ = tokio::time::sleep(tick) => {}
                _ = tokio::signal::ctrl_c() => break,
                _ = terminate.recv() => break,
            }
            continue;
        }
        next_round = tokio::time::Instant::now() + interval;
        if let Err(e) = listeners.refresh().await {
            eprintln!("earshot: could not start listening: {e}");
        }
        match engine.sync_all(&mut |_: &Progress| {}).await {
            Ok(reports) => {
                output::sync_reports(&reports);
            }
            Err(e) => eprintln!("earshot: this round of syncing failed: {e}"),
        }
        match engine.send_due().await {
            Ok(sent) => {
                for view in &sent {
                    output::action(view);
                }
            }
            Err(e) => eprintln!("earshot: the outbox could not be sent: {e}"),
        }
        // Snoozed items come back on time even when no window is open.
        if let Err(e) = engine.wake_snoozed().await {
            eprintln!("earshot: could not wake snoozed items: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = tokio::signal::ctrl_c() => break,
            _ = terminate.recv() => break,
        }
    }
    listeners.stop().await;
    eprintln!("Stopped syncing.");
    Ok(ExitCode::SUCCESS)
}

/// Warnings (a skipped entry, a dropped stream, a failed send) go to standard error; `EARSHOT_LOG` takes a
/// filter such as `info` or `earshot::http=debug` for more.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EARSHOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("earshot: could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("earshot: {e:#}");
            ExitCode::FAILURE
        }
    }
}
