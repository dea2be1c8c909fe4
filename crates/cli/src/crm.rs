//! `earshot crm`: import contacts, look up who a handle is, and link or unlink an item's author.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use earshot_core::Network;
use earshot_crm::{Mapping, Preset};
use earshot_engine::{Columns, ContactImportReport, ContactSource, ContactView, CustomerStatus, Engine};

#[derive(Subcommand)]
pub enum CrmCommand {
    /// Import contacts from a CSV export (HubSpot's or Salesforce's with --preset, any other with --map)
    /// or a vCard file (--vcard). Rows are matched to existing contacts by CRM ID, email, then social
    /// account; a bad row is reported with its line and never stops the rest.
    Import {
        file: PathBuf,
        #[arg(long, conflicts_with_all = ["map", "vcard"], value_parser = parse_preset)]
        preset: Option<Preset>,
        /// Which column is which field: 'Email=email,Twitter Username=x'. Fields: name, first_name,
        /// last_name, email, phone, company, tier, lifecycle, lifetime_value, owner, tags, notes, x, bluesky,
        /// mastodon, profile_url, hubspot_id, salesforce_id.
        #[arg(long, conflicts_with = "vcard")]
        map: Option<String>,
        #[arg(long)]
        vcard: bool,
        /// Say what the import would do (new, updated, unchanged, skipped) without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Who a handle is: the linked customer, a suggestion, or nobody, by the same rules as the inbox.
    Lookup {
        #[arg(long, value_parser = crate::parse_network)]
        network: Network,
        /// A handle, a Mastodon address (user@server), a Bluesky DID, or a profile address.
        #[arg(long)]
        handle: String,
        #[arg(long)]
        json: bool,
    },
    /// Link an item's author to a contact. An agent's link wins over every automatic rule.
    Link {
        item: String,
        contact: String,
        /// Who is linking, as they are named in the app.
        #[arg(long, env = "USER")]
        agent: Option<String>,
    },
    /// Say an item's author is not the customer they are linked or suggested to.
    Unlink {
        item: String,
        #[arg(long, env = "USER")]
        agent: Option<String>,
    },
    /// List contacts whose name, email, company or accounts contain QUERY (all without one).
    Contacts {
        query: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Fold contact GONE into contact KEEP: fields, accounts and agents' links. GONE is deleted.
    Merge { keep: String, gone: String },
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.parse().map_err(|e: earshot_crm::CrmError| e.to_string())
}

pub async fn run(engine: &Engine, command: CrmCommand) -> anyhow::Result<ExitCode> {
    match command {
        CrmCommand::Import {
            file,
            preset,
            map,
            vcard,
            dry_run,
            json,
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let source = match (preset, map, vcard) {
                (_, _, true) => ContactSource::Vcard {
                    text: String::from_utf8(bytes).context("a vCard file must be UTF-8 text")?,
                },
                (Some(p), None, false) => ContactSource::Csv { bytes, columns: Columns::Preset(p) },
                (None, Some(m), false) => ContactSource::Csv { bytes, columns: Columns::Mapping(Mapping::parse(&m)?) },
                _ => bail!("say how to read the file: --preset hubspot|salesforce, --map 'Column=field,…' or --vcard"),
            };
            let phase = if dry_run {
                "Checking contacts"
            } else {
                "Importing contacts"
            };
            let report = engine
                .import_contacts(source, dry_run, &mut crate::progress_bar(phase))
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
        CrmCommand::Lookup {
            network,
            handle,
            json,
        } => {
            let found = engine.lookup_customer(network, &handle).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
                return Ok(ExitCode::SUCCESS);
            }
            match (&found.status, &found.contact) {
                (CustomerStatus::Unknown, _) | (_, None) => {
                    println!("No customer matches {handle} on {}.", network.label())
                }
                (status, Some(c)) => {
                    let what = if *status == CustomerStatus::Linked {
                        "Customer"
                    } else {
                        "Perhaps (needs an agent to confirm)"
                    };
                    println!("{what}: {} (contact {})", c.title, c.id);
                    if let Some(why) = &found.why {
                        println!("  why: {why}");
                    }
                    print_contact(c);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CrmCommand::Link { item, contact, agent } => {
            let c = engine.link_customer(&item, &contact, agent.as_deref()).await?;
            println!(
                "Item {item}'s author is now linked to {} (contact {}).",
                c.title, c.id
            );
            Ok(ExitCode::SUCCESS)
        }
        CrmCommand::Unlink { item, agent } => {
            match engine.unlink_customer(&item, agent.as_deref()).await? {
                Some(c) => println!("Item {item}'s author is no longer linked to contact {c}, and will not be again by any rule."),
                None => println!("Item {item}'s author was not linked to any contact."),
            }
            Ok(ExitCode::SUCCESS)
        }
        CrmCommand::Contacts { query, limit, json } => {
            let found = engine
                .search_contacts(query.as_deref().unwrap_or(""), limit)
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&found)?);
            } else if found.is_empty() {
                println!("No contacts.");
            } else {
                for c in &found {
                    println!("{:>6}  {}", c.id, c.title);
                    print_contact(c);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CrmCommand::Merge { keep, gone } => {
            let c = engine.merge_contacts(&keep, &gone).await?;
            println!("Merged contact {gone} into {} (contact {}).", c.title, c.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_contact(c: &ContactView) {
    let f = &c.fields;
    if let Some(s) = &c.standing {
        println!("        {s}");
    }
    let line = |label: &str, value: String| {
        if !value.is_empty() {
            println!("        {label}: {value}");
        }
    };
    line("email", f.emails.join(", "));
    line("company", f.company.clone().unwrap_or_default());
    line("owner", f.owner.clone().unwrap_or_default());
    line(
        "accounts",
        f.identities
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    line("tags", f.tags.join(", "));
}

fn print_report(r: &ContactImportReport) {
    let verb = if r.dry_run {
        "Would import (dry run, nothing changed)"
    } else {
        "Imported"
    };
    println!(
        "{verb}: {} new, {} updated, {} unchanged, {} skipped.",
        r.created,
        r.updated,
        r.unchanged,
        r.skipped.len()
    );
    for s in &r.skipped {
        println!("  line {}: {}", s.line, s.reason);
    }
    if !r.unmapped.is_empty() {
        println!("Columns not imported: {}.", r.unmapped.join(", "));
    }
    println!(
        "Contacts in the workspace{}: {}.",
        if r.dry_run { " after it" } else { "" },
        r.contacts
    );
}
