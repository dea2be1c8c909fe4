//! `earshot team …`: which database this computer works in, and moving a personal workspace into a team's.
//! The desktop app's Settings → Team does the same through the same engine functions.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use earshot_engine::{check_team, join_team, joined_team, leave_team, move_into_team, MoveReport};

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Which database this computer works in (the team's, or the personal one), and whether it answers.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Check that a team database answers, without changing anything: its server, whether the connection is
    /// encrypted, and how many items it holds. With --password-stdin, the password is read from standard input.
    Check {
        url: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Work in the team database at URL from now on (the app and every command here). With --password-stdin
    /// the password is read from standard input and kept in the OS keyring; the address is noted in the data
    /// folder without it. With --move, your personal workspace is moved into it first (it must be empty).
    Join {
        url: String,
        #[arg(long)]
        password_stdin: bool,
        /// Move this computer's personal workspace into the team database first (see `team move-in`).
        #[arg(long = "move")]
        move_in: bool,
    },
    /// Work in this computer's personal workspace again. The team database is left as it is.
    Leave,
    /// Move this computer's personal workspace (items, handles, accounts, contacts, people, history, settings)
    /// into a new, empty team database at URL, in one transaction, and print what moved, table by table. The
    /// personal workspace is only read.
    MoveIn {
        url: String,
        #[arg(long)]
        json: bool,
    },
}

fn print_move(report: &MoveReport) {
    println!("Moved the personal workspace into {}:", report.url);
    for t in report.tables.iter().filter(|t| t.rows > 0) {
        println!("  {:>9}  {}", t.rows, t.label);
    }
    println!(
        "{} items in all. The personal workspace is unchanged.",
        report.items
    );
}

fn password(from_stdin: bool) -> anyhow::Result<Option<String>> {
    Ok(match from_stdin {
        true => Some(crate::read_secret("team database password")?).filter(|p| !p.is_empty()),
        false => None,
    })
}

pub async fn run(dir: &Path, given: Option<&str>, command: TeamCommand) -> anyhow::Result<ExitCode> {
    match command {
        TeamCommand::Status { json } => {
            let joined = joined_team(dir)?;
            let url = given.map(str::to_owned).or(joined.clone());
            let Some(url) = url else {
                match json {
                    true => println!("{}", serde_json::json!({"database": "personal", "data_dir": dir})),
                    false => println!(
                        "This computer works in its personal workspace in {}. Join a team with `earshot team join URL`.",
                        dir.display()
                    ),
                }
                return Ok(ExitCode::SUCCESS);
            };
            let check = check_team(&url, None).await;
            match json {
                true => println!(
                    "{}",
                    serde_json::json!({
                        "database": "team",
                        "url": earshot_engine::team_url_without_password(&url)?,
                        "joined": joined.is_some(),
                        "check": check.as_ref().ok(),
                        "error": check.as_ref().err().map(ToString::to_string),
                    })
                ),
                false => {
                    println!(
                        "This computer works in the team database {}.",
                        earshot_engine::team_url_without_password(&url)?
                    );
                    match &check {
                        Ok(c) => println!("{}", c.message),
                        Err(e) => println!("It does not answer: {e}"),
                    }
                }
            }
            Ok(match check {
                Ok(_) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(1),
            })
        }
        TeamCommand::Check {
            url,
            password_stdin,
            json,
        } => {
            let check = check_team(&url, password(password_stdin)?.as_deref()).await?;
            match json {
                true => println!("{}", serde_json::to_string(&check)?),
                false => println!("{}", check.message),
            }
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::Join {
            url,
            password_stdin,
            move_in,
        } => {
            let password = password(password_stdin)?;
            // Checked (and the password kept) before anything moves, so a wrong password fails at once.
            let check = join_team(dir, &url, password.as_deref()).await?;
            match move_in {
                true => match move_into_team(dir, &url, &mut crate::phase_bar("rows")).await {
                    Ok(report) => print_move(&report),
                    Err(e) => {
                        leave_team(dir)?;
                        return Err(e.into());
                    }
                },
                false => println!("{}", check.message),
            }
            println!(
                "This computer now works in the team database {}. The desktop app opens it at its next start.",
                check.url
            );
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::Leave => {
            let was = joined_team(dir)?;
            leave_team(dir)?;
            match was {
                Some(url) => println!(
                    "This computer works in its personal workspace again. The team database {url} is unchanged."
                ),
                None => println!("This computer already works in its personal workspace."),
            }
            Ok(ExitCode::SUCCESS)
        }
        TeamCommand::MoveIn { url, json } => {
            let report = move_into_team(dir, &url, &mut crate::phase_bar("rows")).await?;
            match json {
                true => println!("{}", serde_json::to_string(&report)?),
                false => print_move(&report),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
