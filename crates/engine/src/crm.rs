//! Customers: importing contacts, matching each post's author to one, the customer panel beside a message,
//! and the agent's links and unlinks that win over every rule.

use chrono::{DateTime, Utc};
use earshot_core::{Author, CustomerStanding, ItemStatus, Network};
use earshot_crm::{
    csv_import, vcard, AuthorFacts, Contact, ContactFields, Identity, Mapping, Match, Preset, Rule,
};
use earshot_store::{contacts, mentions, ItemId};
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::AnyConnection;

use crate::service::{parse_id, rfc3339};
use crate::{Engine, EngineError, Progress};

/// What to import.
#[derive(Debug, Clone)]
pub enum ContactSource {
    /// A CSV file's bytes, read with a preset or a mapping.
    Csv { bytes: Vec<u8>, columns: Columns },
    /// A vCard file (3.0 or 4.0), one or many cards.
    Vcard { text: String },
}

#[derive(Debug, Clone, PartialEq, Deserialize, Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Columns {
    Preset(Preset),
    Mapping(Mapping),
}

/// A row or card that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct SkippedRow {
    /// The file's line where the row or card starts.
    pub line: u32,
    pub reason: String,
}

/// What an import did, or (for a dry run) would do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Type)]
pub struct ContactImportReport {
    pub dry_run: bool,
    pub created: u32,
    pub updated: u32,
    /// Rows that matched a contact and changed nothing.
    pub unchanged: u32,
    pub skipped: Vec<SkippedRow>,
    /// Columns of the file that were not imported.
    pub unmapped: Vec<String>,
    /// Contacts in the workspace after the import (or as it would leave them).
    pub contacts: u32,
}

/// A contact as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ContactView {
    pub id: String,
    /// The name to show: the name, else an email, else an account.
    pub title: String,
    pub fields: ContactFields,
    /// "Customer, Enterprise plan, 12,400 lifetime"; `None` when the record says nothing of their custom.
    pub standing: Option<String>,
    pub updated_at: String,
    /// The live CRM the record comes from, with the age of the copy; `None` for a record kept only here.
    pub origin: Option<crate::crm_sync::RecordOrigin>,
}

/// How sure the panel is about who wrote the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Linked,
    Suggested,
    Unknown,
}

/// One of the customer's posts, on any of our handles and networks, with our first answer.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct TimelineEntry {
    pub item_id: String,
    pub network: Network,
    pub author_handle: String,
    /// The first 280 characters, as plain text.
    pub excerpt: String,
    pub created_at: String,
    pub status: ItemStatus,
    /// When our first reply or direct message went out.
    pub replied_at: Option<String>,
    /// Minutes from the post to that reply.
    pub response_minutes: Option<u32>,
    pub reply_url: Option<String>,
}

/// The panel beside a message: who the author is to us.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct CustomerPanel {
    pub status: CustomerStatus,
    /// Why they are linked or suggested, in words.
    pub why: Option<String>,
    /// The rule that linked them; `agent` when a person did.
    pub rule: Option<Rule>,
    /// The linked or suggested contact.
    pub contact: Option<ContactView>,
    /// Other contacts the same rules link to: candidates for a merge.
    pub also: Vec<String>,
    /// Every post by this customer (or, with no customer, by this author), newest first.
    pub timeline: Vec<TimelineEntry>,
    /// What "Create contact" starts from: the author's profile.
    pub prefill: ContactFields,
}

/// `earshot crm lookup`: who a handle is.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LookupResult {
    pub status: CustomerStatus,
    pub why: Option<String>,
    pub contact: Option<ContactView>,
}

/// What kind of contact file the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ContactFileKind {
    Csv,
    Vcard,
}

/// A first look at a contact file, for the import screen: its columns, the preset they look like, a
/// mapping to start from, and a few rows.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct ContactFilePreview {
    pub kind: ContactFileKind,
    pub headers: Vec<String>,
    /// HubSpot's or Salesforce's export, recognised by its column names.
    pub preset: Option<Preset>,
    /// The preset's mapping, or a guess from the column names.
    pub mapping: Mapping,
    /// The first rows' values, in header order (as plain text).
    pub sample: Vec<Vec<String>>,
    /// Every field a column can be imported as, in the order the mapping screen lists them.
    pub fields: Vec<earshot_crm::Field>,
    /// Cards in a vCard file.
    pub cards: u32,
}

const TIMELINE_LIMIT: usize = 50;
/// The largest contact file the app reads: 64 MiB, about 400,000 rows of a typical export.
pub const MAX_CONTACT_FILE: usize = 64 << 20;

/// What the matcher knows of a stored or incoming author.
pub(crate) fn facts_of(author: &Author) -> AuthorFacts {
    AuthorFacts {
        network: Some(author.network),
        handle: author.handle.as_str().to_owned(),
        display_name: author.display_name.clone(),
        profile_url: author.profile_url.clone(),
        verified_links: author.verified_links.clone(),
    }
}

fn contact_id(id: &str) -> Result<i64, EngineError> {
    id.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| EngineError::NotFound(format!("There is no contact with ID '{id}'.")))
}

async fn matched(conn: &mut AnyConnection, facts: &AuthorFacts) -> Result<Match, EngineError> {
    let network = facts.network.unwrap_or(Network::Web);
    let overrides = contacts::overrides(conn, network, &facts.handle).await?;
    let candidates = contacts::candidates(conn, facts).await?;
    Ok(earshot_crm::decide(facts, &overrides, &candidates))
}

/// The customer standing of a post's author, for the priority score: only a linked customer counts.
pub(crate) async fn standing_of(
    conn: &mut AnyConnection,
    author: &Author,
) -> Result<Option<CustomerStanding>, EngineError> {
    let Match::Linked { contact_id, .. } = matched(conn, &facts_of(author)).await? else {
        return Ok(None);
    };
    Ok(contacts::get(conn, contact_id)
        .await?
        .and_then(|c| earshot_crm::standing(&c.fields)))
}

async fn view(conn: &mut AnyConnection, contact: Contact) -> Result<ContactView, EngineError> {
    let updated_at = contacts::updated_at(conn, contact.id).await?.unwrap_or_default();
    let origin = crate::crm_sync::origin_of(conn, contact.id).await?;
    Ok(ContactView {
        origin,
        id: contact.id.to_string(),
        title: contact.title(),
        standing: earshot_crm::standing(&contact.fields).map(|s| s.label),
        fields: contact.fields,
        updated_at: rfc3339(updated_at),
    })
}

/// Fields from the window, checked as an import would check them: every email an email, every account a
/// real handle on its network (the webview is not trusted to have done it).
fn checked(fields: ContactFields) -> Result<ContactFields, EngineError> {
    let mut fields = fields.normalised();
    for email in &fields.emails {
        if !csv_import::is_email(email) {
            return Err(EngineError::Invalid(format!(
                "'{email}' is not an email address."
            )));
        }
    }
    fields.identities = fields
        .identities
        .iter()
        .map(|i| match i.network {
            Network::Web => Identity::from_url(&format!(
                "https://{}",
                i.key.trim_start_matches("https://").trim_start_matches("http://")
            ))
            .ok_or_else(|| EngineError::Invalid(format!("'{}' is not a web address.", i.key))),
            n => Identity::parse(n, &i.key)
                .map_err(|e| EngineError::Invalid(format!("{}.", capitalised(&e.to_string())))),
        })
        .collect::<Result<_, _>>()?;
    if fields.name.as_ref().is_some_and(|n| n.chars().count() > 200)
        || fields.notes.as_ref().is_some_and(|n| n.len() > 20_000)
    {
        return Err(EngineError::Invalid("The name or the notes are too long.".into()));
    }
    Ok(fields.normalised())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A new contact's fields from an author's profile.
fn prefill(author: &AuthorFacts) -> ContactFields {
    let mut identities: Vec<Identity> = author.keys().into_iter().map(|(i, _)| i).collect();
    identities.dedup();
    ContactFields {
        name: author.display_name.clone(),
        identities,
        ..Default::default()
    }
    .normalised()
}

/// A contact file as the window sends it: base64, so that any bytes (Excel's Windows code page included)
/// arrive as they are.
pub fn decode_upload(base64_content: &str) -> Result<Vec<u8>, EngineError> {
    use base64::Engine as _;
    // Four base64 characters carry three bytes.
    if base64_content.len() / 4 * 3 > MAX_CONTACT_FILE {
        return Err(EngineError::Invalid(
            "The file is larger than 64 MB. Split it and import the parts.".into(),
        ));
    }
    base64::engine::general_purpose::STANDARD
        .decode(base64_content.trim())
        .map_err(|_| EngineError::Invalid("The file did not arrive intact. Pick it again.".into()))
}

fn looks_like_vcard(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCARD")
}

/// Reads the start of a contact file for the import screen.
pub fn preview_contact_file(bytes: &[u8]) -> Result<ContactFilePreview, EngineError> {
    if looks_like_vcard(bytes) {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| EngineError::Invalid("A vCard file must be UTF-8 text.".into()))?;
        let cards = vcard::read(text);
        return Ok(ContactFilePreview {
            kind: ContactFileKind::Vcard,
            headers: vec![],
            preset: None,
            mapping: Mapping::default(),
            sample: vec![],
            fields: vec![],
            cards: u32::try_from(cards.len()).unwrap_or(u32::MAX),
        });
    }
    let headers = csv_import::headers(bytes).map_err(invalid)?;
    let has = |name: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(name));
    let preset =
        if has("Record ID") || has("hs_object_id") || (has("Contact owner") && has("Lifecycle Stage")) {
            Some(Preset::Hubspot)
        } else if (has("Contact ID") && has("Account Name"))
            || (has("Id") && (has("AccountId") || has("Account.Name")))
        {
            Some(Preset::Salesforce)
        } else {
            None
        };
    let mapping = match preset {
        Some(p) => Mapping::preset(p, &headers),
        None => Mapping::guess(&headers),
    };
    let sample = csv_import::sample(bytes, 3).map_err(invalid)?;
    Ok(ContactFilePreview {
        kind: ContactFileKind::Csv,
        headers,
        preset,
        mapping,
        sample,
        fields: earshot_crm::Field::ALL.to_vec(),
        cards: 0,
    })
}

impl Engine {
    /// Imports contacts from a CSV or vCard file. Each record is matched to an existing contact (by its ID
    /// in the same CRM, its email, then its accounts) and updates it, or becomes a new contact. A record
    /// that cannot be read is reported with its line and never stops the rest. With `dry_run`, nothing is
    /// kept: the report says what the import would do.
    pub async fn import_contacts(
        &self,
        source: ContactSource,
        dry_run: bool,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<ContactImportReport, EngineError> {
        let mut report = ContactImportReport {
            dry_run,
            ..Default::default()
        };
        let records: Vec<(u32, Result<ContactFields, String>)> = match source {
            ContactSource::Csv { bytes, columns } => {
                let mapping = match columns {
                    Columns::Preset(p) => Mapping::preset(p, &csv_import::headers(&bytes).map_err(invalid)?),
                    Columns::Mapping(m) => m,
                };
                if mapping.columns.is_empty() {
                    return Err(EngineError::Invalid(
                        "None of the file's columns is one the preset knows. Map the columns by hand.".into(),
                    ));
                }
                let read = csv_import::read(&bytes, &mapping).map_err(invalid)?;
                report.unmapped = read.unmapped;
                read.rows
                    .into_iter()
                    .map(|r| (u32::try_from(r.line).unwrap_or(u32::MAX), r.outcome))
                    .collect()
            }
            ContactSource::Vcard { text } => vcard::read(&text)
                .into_iter()
                .map(|c| (u32::try_from(c.line).unwrap_or(u32::MAX), c.outcome))
                .collect(),
        };
        let total = u32::try_from(records.len()).unwrap_or(u32::MAX);
        let phase = if dry_run {
            "Checking contacts"
        } else {
            "Importing contacts"
        };
        progress(&Progress {
            done: 0,
            total,
            phase: phase.into(),
        });
        let now = self.clock.now();
        let mut tx = earshot_store::begin(&self.db).await?;
        for (n, (line, record)) in records.into_iter().enumerate() {
            match record {
                Err(reason) => report.skipped.push(SkippedRow { line, reason }),
                Ok(fields) => match contacts::existing(&mut tx, &fields).await? {
                    Some(id) => {
                        let old = contacts::get(&mut tx, id)
                            .await?
                            .map(|c| c.fields)
                            .unwrap_or_default();
                        let merged = old.clone().merged_with(fields);
                        if merged == old {
                            report.unchanged += 1;
                        } else {
                            contacts::update(&mut tx, id, &merged, now).await?;
                            report.updated += 1;
                        }
                    }
                    None => {
                        contacts::insert(&mut tx, &fields, now).await?;
                        report.created += 1;
                    }
                },
            }
            let done = u32::try_from(n + 1).unwrap_or(u32::MAX);
            if done % 500 == 0 || done == total {
                progress(&Progress {
                    done,
                    total,
                    phase: phase.into(),
                });
            }
        }
        report.contacts = u32::try_from(contacts::count(&mut tx).await?).unwrap_or(u32::MAX);
        if dry_run {
            drop(tx); // rolled back
        } else {
            earshot_store::commit(tx).await?;
        }
        Ok(report)
    }

    /// The customer panel for an item: the linked or suggested contact, why, and their history with us.
    pub async fn item_customer(&self, item: &str) -> Result<CustomerPanel, EngineError> {
        let id = parse_id(item)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let row = mentions::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {item} no longer exists.")))?;
        let author = crate::triage::author_of(&row)?;
        let facts = facts_of(&author);
        let mut decision = matched(&mut conn, &facts).await?;
        if decision == Match::Unknown && self.ask_live_crms(author.network, author.handle.as_str()).await {
            decision = matched(&mut conn, &facts).await?;
        }
        let (status, why, rule, contact_id, also) = match decision {
            Match::Linked {
                contact_id,
                rule,
                why,
                also,
            } => (
                CustomerStatus::Linked,
                Some(why),
                Some(rule),
                Some(contact_id),
                also,
            ),
            Match::Suggested { contact_id, why } => (
                CustomerStatus::Suggested,
                Some(why),
                None,
                Some(contact_id),
                vec![],
            ),
            Match::Unknown => (CustomerStatus::Unknown, None, None, None, vec![]),
        };
        let contact = match contact_id {
            Some(c) => contacts::get(&mut conn, c).await?,
            None => None,
        };
        // A linked customer's history spans all their accounts; anyone else's is this author's own.
        let authors = match (&contact, status) {
            (Some(c), CustomerStatus::Linked) => self.authors_of(&mut conn, c).await?,
            _ => vec![(author.network, author.handle.as_str().to_owned())],
        };
        let timeline = timeline(&mut conn, &authors).await?;
        let contact = match contact {
            Some(c) => Some(view(&mut conn, c).await?),
            None => None,
        };
        Ok(CustomerPanel {
            status,
            why,
            rule,
            contact,
            also: also.iter().map(i64::to_string).collect(),
            timeline,
            prefill: prefill(&facts),
        })
    }

    /// The authors the matcher links to `contact`.
    async fn authors_of(
        &self,
        conn: &mut AnyConnection,
        contact: &Contact,
    ) -> Result<Vec<(Network, String)>, EngineError> {
        let mut out = Vec::new();
        for facts in contacts::possible_authors(conn, contact).await? {
            if matched(conn, &facts).await?.linked_contact() == Some(contact.id) {
                if let Some(n) = facts.network {
                    out.push((n, facts.handle));
                }
            }
        }
        Ok(out)
    }

    /// Who a handle on a network is, by the same rules as the inbox. An author we have seen is matched with
    /// everything we know of them (profile, verified links); one we have not, by the handle alone.
    pub async fn lookup_customer(&self, network: Network, handle: &str) -> Result<LookupResult, EngineError> {
        let identity = Identity::parse(network, handle).map_err(invalid)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let known: Option<(Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT display_name, profile_url, verified_links FROM authors WHERE network = $1 AND handle = $2",
        )
        .bind(network.as_str())
        .bind(&identity.key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(earshot_store::StoreError::from)?;
        let facts = match known {
            Some((display_name, profile_url, links)) => AuthorFacts {
                network: Some(network),
                handle: identity.key.clone(),
                display_name,
                profile_url,
                verified_links: serde_json::from_str(&links).unwrap_or_default(),
            },
            None => AuthorFacts {
                network: Some(network),
                handle: identity.key.clone(),
                // A DID is looked up as Bluesky's profile address, which is where the network puts it.
                profile_url: identity
                    .key
                    .starts_with("did:")
                    .then(|| format!("https://bsky.app/profile/{}", identity.key)),
                ..Default::default()
            },
        };
        let mut decision = matched(&mut conn, &facts).await?;
        if decision == Match::Unknown && self.ask_live_crms(network, &identity.key).await {
            decision = matched(&mut conn, &facts).await?;
        }
        let (status, why, id) = match decision {
            Match::Linked { contact_id, why, .. } => (CustomerStatus::Linked, Some(why), Some(contact_id)),
            Match::Suggested { contact_id, why } => (CustomerStatus::Suggested, Some(why), Some(contact_id)),
            Match::Unknown => (CustomerStatus::Unknown, None, None),
        };
        let contact = match id {
            Some(id) => match contacts::get(&mut conn, id).await? {
                Some(c) => Some(view(&mut conn, c).await?),
                None => None,
            },
            None => None,
        };
        Ok(LookupResult { status, why, contact })
    }

    /// The contact an author we have seen is linked to by the matcher (not a mere suggestion), with the
    /// contact's view; for reports.
    pub(crate) async fn linked_contact(
        conn: &mut AnyConnection,
        network: &str,
        handle: &str,
    ) -> Result<Option<ContactView>, EngineError> {
        let known: Option<(Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT display_name, profile_url, verified_links FROM authors WHERE network = $1 AND handle = $2",
        )
        .bind(network)
        .bind(handle)
        .fetch_optional(&mut *conn)
        .await
        .map_err(earshot_store::StoreError::from)?;
        let Some((display_name, profile_url, links)) = known else {
            return Ok(None);
        };
        let facts = AuthorFacts {
            network: network.parse().ok(),
            handle: handle.to_owned(),
            display_name,
            profile_url,
            verified_links: serde_json::from_str(&links).unwrap_or_default(),
        };
        let Some(id) = matched(conn, &facts).await?.linked_contact() else {
            return Ok(None);
        };
        match contacts::get(conn, id).await? {
            Some(c) => Ok(Some(view(conn, c).await?)),
            None => Ok(None),
        }
    }

    /// An agent links the item's author to a contact. This wins over every automatic rule, from now on,
    /// for every post by this author. The author's open items are scored again.
    pub async fn link_customer(
        &self,
        item: &str,
        contact: &str,
        agent: Option<&str>,
    ) -> Result<ContactView, EngineError> {
        let cid = contact_id(contact)?;
        let (network, handle) = self.author_key(item).await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let found = contacts::get(&mut conn, cid)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("There is no contact with ID '{contact}'.")))?;
        contacts::set_link(
            &mut conn,
            network,
            &handle,
            cid,
            true,
            agent_name(agent),
            self.clock.now(),
        )
        .await?;
        let out = view(&mut conn, found).await?;
        drop(conn);
        self.rescore_author(network, &handle).await?;
        Ok(out)
    }

    /// An agent says the item's author is not the customer they are linked or suggested to. Returns the
    /// contact unlinked, or `None` when the author was not linked to anyone.
    pub async fn unlink_customer(
        &self,
        item: &str,
        agent: Option<&str>,
    ) -> Result<Option<String>, EngineError> {
        let id = parse_id(item)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let row = mentions::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {item} no longer exists.")))?;
        let author = crate::triage::author_of(&row)?;
        let contact = match matched(&mut conn, &facts_of(&author)).await? {
            Match::Linked { contact_id, .. } | Match::Suggested { contact_id, .. } => contact_id,
            Match::Unknown => return Ok(None),
        };
        contacts::set_link(
            &mut conn,
            author.network,
            author.handle.as_str(),
            contact,
            false,
            agent_name(agent),
            self.clock.now(),
        )
        .await?;
        drop(conn);
        self.rescore_author(author.network, author.handle.as_str())
            .await?;
        Ok(Some(contact.to_string()))
    }

    /// Creates a contact (from the app's form or "Create contact"), and links the item's author to it
    /// when `item` is given.
    pub async fn create_contact(
        &self,
        fields: ContactFields,
        item: Option<&str>,
        agent: Option<&str>,
    ) -> Result<ContactView, EngineError> {
        let fields = checked(fields)?;
        if !fields.identifies_someone() {
            return Err(EngineError::Invalid(
                "Give the contact a name, an email or a social account.".into(),
            ));
        }
        let mut conn = earshot_store::acquire(&self.db).await?;
        let id = contacts::insert(&mut conn, &fields, self.clock.now()).await?;
        drop(conn);
        // HubSpot may know this person already: its record joins the new contact.
        for email in &fields.emails {
            self.ask_live_crms_by_email(email).await;
        }
        if let Some(item) = item {
            return self.link_customer(item, &id.to_string(), agent).await;
        }
        let mut conn = earshot_store::acquire(&self.db).await?;
        let c = contacts::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound("The new contact vanished.".into()))?;
        view(&mut conn, c).await
    }

    /// Replaces a contact's fields. Open items by this customer are scored again.
    pub async fn update_contact(
        &self,
        contact: &str,
        fields: ContactFields,
    ) -> Result<ContactView, EngineError> {
        let id = contact_id(contact)?;
        let fields = checked(fields)?;
        if !fields.identifies_someone() {
            return Err(EngineError::Invalid(
                "A contact needs a name, an email or a social account.".into(),
            ));
        }
        let mut conn = earshot_store::acquire(&self.db).await?;
        if !contacts::update(&mut conn, id, &fields, self.clock.now()).await? {
            return Err(EngineError::NotFound(format!(
                "There is no contact with ID '{contact}'."
            )));
        }
        let c = contacts::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Contact {contact} vanished.")))?;
        let authors = self.authors_of(&mut conn, &c).await?;
        let out = view(&mut conn, c).await?;
        drop(conn);
        for (network, handle) in authors {
            self.rescore_author(network, &handle).await?;
        }
        Ok(out)
    }

    /// Folds contact `gone` into `keep`: their fields, accounts and the agents' links. `gone` is deleted.
    pub async fn merge_contacts(&self, keep: &str, gone: &str) -> Result<ContactView, EngineError> {
        let (k, g) = (contact_id(keep)?, contact_id(gone)?);
        if k == g {
            return Err(EngineError::Invalid(
                "A contact cannot be merged into itself.".into(),
            ));
        }
        let mut tx = earshot_store::begin(&self.db).await?;
        if !contacts::merge(&mut tx, k, g, self.clock.now()).await? {
            return Err(EngineError::NotFound(format!(
                "Contact {keep} or {gone} no longer exists."
            )));
        }
        let c = contacts::get(&mut tx, k)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Contact {keep} vanished.")))?;
        earshot_store::commit(tx).await?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        view(&mut conn, c).await
    }

    pub async fn contact(&self, contact: &str) -> Result<ContactView, EngineError> {
        let id = contact_id(contact)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let c = contacts::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("There is no contact with ID '{contact}'.")))?;
        view(&mut conn, c).await
    }

    /// Contacts whose name, email, company or accounts contain `query`; the first `limit` by name.
    pub async fn search_contacts(&self, query: &str, limit: u32) -> Result<Vec<ContactView>, EngineError> {
        let mut conn = earshot_store::acquire(&self.db).await?;
        let found = contacts::search(&mut conn, query, limit.clamp(1, 500)).await?;
        let mut out = Vec::with_capacity(found.len());
        for c in found {
            out.push(view(&mut conn, c).await?);
        }
        Ok(out)
    }

    /// Scores again every open item: after an import changed who is a customer.
    pub async fn rescore_open_items(
        &self,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<u32, EngineError> {
        self.retriage_open_items(progress).await
    }

    async fn author_key(&self, item: &str) -> Result<(Network, String), EngineError> {
        let id = parse_id(item)?;
        let mut conn = earshot_store::acquire(&self.db).await?;
        let row = mentions::get(&mut conn, id)
            .await?
            .ok_or_else(|| EngineError::NotFound(format!("Inbox item {item} no longer exists.")))?;
        Ok((row.network, row.author.handle))
    }

    /// Scores again the open items by one author (their customer standing changed).
    async fn rescore_author(&self, network: Network, handle: &str) -> Result<(), EngineError> {
        let mut tx = earshot_store::begin(&self.db).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT m.id FROM mentions m JOIN authors a ON a.id = m.author_id
              WHERE a.network = $1 AND a.handle = $2 AND m.status = 'open'",
        )
        .bind(network.as_str())
        .bind(handle)
        .fetch_all(&mut *tx)
        .await
        .map_err(earshot_store::StoreError::from)?;
        for id in ids {
            self.retriage(&mut tx, ItemId(id)).await?;
        }
        earshot_store::commit(tx).await?;
        Ok(())
    }
}

fn agent_name(agent: Option<&str>) -> &str {
    agent
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or("an agent")
}

fn invalid(e: impl std::fmt::Display) -> EngineError {
    EngineError::Invalid(e.to_string())
}

/// A stored post with our first answer, as the timeline query reads it.
#[derive(sqlx::FromRow)]
struct TimelineRow {
    id: i64,
    network: String,
    handle: String,
    text: String,
    created_at: i64,
    status: String,
    sent_at: Option<i64>,
    result_url: Option<String>,
}

/// Posts by any of `authors`, newest first, each with our first reply and how long it took.
async fn timeline(
    conn: &mut AnyConnection,
    authors: &[(Network, String)],
) -> Result<Vec<TimelineEntry>, EngineError> {
    let mut rows: Vec<TimelineRow> = Vec::new();
    for (network, handle) in authors {
        let found: Vec<TimelineRow> = sqlx::query_as(
            "SELECT m.id, m.network, a.handle, m.text, m.created_at, m.status,
                    (SELECT MIN(o.sent_at) FROM outbox o WHERE o.item_id = m.id AND o.state = 'sent'
                        AND o.kind IN ('reply', 'dm')) AS sent_at,
                    (SELECT o.result_url FROM outbox o WHERE o.item_id = m.id AND o.state = 'sent'
                        AND o.kind IN ('reply', 'dm') ORDER BY o.sent_at LIMIT 1) AS result_url
               FROM mentions m JOIN authors a ON a.id = m.author_id
              WHERE a.network = $1 AND a.handle = $2
              ORDER BY m.created_at DESC LIMIT $3",
        )
        .bind(network.as_str())
        .bind(handle)
        .bind(i64::try_from(TIMELINE_LIMIT).unwrap_or(50))
        .fetch_all(&mut *conn)
        .await
        .map_err(earshot_store::StoreError::from)?;
        rows.extend(found);
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    rows.truncate(TIMELINE_LIMIT);
    let at = |ms: i64| -> DateTime<Utc> { DateTime::from_timestamp_millis(ms).unwrap_or_default() };
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            item_id: r.id.to_string(),
            network: r.network.parse().unwrap_or(Network::Web),
            author_handle: r.handle,
            excerpt: r.text.chars().take(280).collect(),
            created_at: rfc3339(at(r.created_at)),
            status: r.status.parse().unwrap_or(ItemStatus::Open),
            replied_at: r.sent_at.map(|s| rfc3339(at(s))),
            response_minutes: r
                .sent_at
                .map(|s| u32::try_from((s - r.created_at).max(0) / 60_000).unwrap_or(u32::MAX)),
            reply_url: r.result_url,
        })
        .collect())
}
