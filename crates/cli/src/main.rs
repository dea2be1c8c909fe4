//! `earshot`: the headless front door to the same engine the desktop app uses.

mod bench;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use earshot_core::{ItemStatus, Network, Role};
use earshot_engine::{resolve_data_dir, Engine, InboxQuery, Progress, SystemClock, DATA_DIR_ENV};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "earshot",
    version,
    about = "Earshot: every mention of your brand in one prioritised inbox."
)]
struct Cli {
    /// The workspace folder (default: the OS's app-data folder).
    #[arg(long, global = true, env = DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Connect, list and check the brand's accounts on each network.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Fetch new mentions for every connected account once, from where each one left off.
    Sync,
    /// Measure import and query speed on generated mentions, against raw SQLite inserts.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        count: u32,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Connect a Mastodon account with an access token read from standard input (never from the command
    /// line, where other users could see it). The token is kept only in the OS keyring.
    ConnectMastodon {
        /// The server, e.g. https://mastodon.social
        #[arg(long)]
        server: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the access token from standard input.
        #[arg(long, required = true)]
        token_stdin: bool,
    },
    /// Every connected account, with its health and last sync.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Open,
    Done,
    All,
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

async fn open(data_dir: Option<PathBuf>) -> anyhow::Result<Engine> {
    let dir = resolve_data_dir(data_dir)?;
    Ok(Engine::open(dir, Arc::new(SystemClock)).await?)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Import { file } => {
            let engine = open(cli.data_dir).await?;
            let report = engine.import_file(&file, &mut progress_bar("Importing")).await?;
            Ok(output::import_report(&report))
        }
        Command::Demo => {
            let engine = open(cli.data_dir).await?;
            let report = engine.load_demo(&mut progress_bar("Loading the demo")).await?;
            Ok(output::import_report(&report))
        }
        Command::Inbox {
            json,
            limit,
            role,
            network,
            status,
        } => {
            let engine = open(cli.data_dir).await?;
            let status = match status {
                StatusArg::Open => Some(ItemStatus::Open),
                StatusArg::Done => Some(ItemStatus::Done),
                StatusArg::All => None,
            };
            let query = InboxQuery {
                status,
                role,
                network,
                ..Default::default()
            };
            output::items(&engine, &query, limit, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { text, json, limit } => {
            let engine = open(cli.data_dir).await?;
            let query = InboxQuery {
                search: Some(text),
                ..Default::default()
            };
            output::items(&engine, &query, limit, json).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts(AccountsCommand::ConnectMastodon {
            server,
            role,
            token_stdin: _,
        }) => {
            let mut token = String::new();
            std::io::stdin()
                .read_line(&mut token)
                .context("could not read the token from standard input")?;
            let engine = open(cli.data_dir).await?;
            let account = engine.connect_mastodon(&server, &token, role).await?;
            println!("Connected @{} as a {} handle.", account.account, account.role);
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts(AccountsCommand::List { json }) => {
            let engine = open(cli.data_dir).await?;
            output::accounts(&engine.accounts().await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync => {
            let engine = open(cli.data_dir).await?;
            let reports = engine.sync_all(&mut progress_bar("Syncing")).await?;
            Ok(output::sync_reports(&reports))
        }
        Command::Bench { count } => {
            bench::run(count).await.context("the benchmark failed")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
