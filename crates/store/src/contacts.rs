//! The built-in CRM's contacts, the keys each is found by, and what agents said about who wrote what.

use chrono::{DateTime, Utc};
use earshot_core::Network;
use earshot_crm::{AuthorFacts, Candidates, Contact, ContactFields, Identity, Overrides, System};
use sqlx::AnyConnection;

use crate::Flag;
use crate::{to_millis, StoreError};

/// Every key a contact is found by: (kind, key).
fn keys(fields: &ContactFields) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for email in &fields.emails {
        out.push(("email", email.to_lowercase()));
    }
    for domain in fields.domains() {
        out.push(("domain", domain));
    }
    for id in &fields.identities {
        out.push((id.network.as_str(), id.key.clone()));
    }
    for ext in &fields.external_ids {
        out.push((ext.system.as_str(), external_key(ext.system, &ext.id)));
    }
    out.sort();
    out.dedup();
    out
}

/// A CRM ID as a key. Salesforce IDs come in a 15-character, case-sensitive form (reports) and an
/// 18-character form (the API, Data Loader) that is the same ID with a checksum added.
fn external_key(system: System, id: &str) -> String {
    let id = id.trim();
    match system {
        System::Salesforce if id.len() == 18 && id.is_ascii() => id[..15].to_owned(),
        _ => id.to_owned(),
    }
}

async fn write_keys(conn: &mut AnyConnection, id: i64, fields: &ContactFields) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM contact_keys WHERE contact_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (kind, key) in keys(fields) {
        sqlx::query(
            "INSERT INTO contact_keys (kind, key, contact_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(key)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn encode(fields: &ContactFields) -> Result<String, StoreError> {
    serde_json::to_string(fields).map_err(|e| StoreError::Corrupt(format!("a contact cannot be saved: {e}")))
}

fn decode(id: i64, json: &str) -> Result<Contact, StoreError> {
    let fields = serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("contact {id}: {e}")))?;
    Ok(Contact { id, fields })
}

pub async fn insert(
    conn: &mut AnyConnection,
    fields: &ContactFields,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (fields, name_key, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(encode(fields)?)
    .bind(fields.name_key())
    .bind(to_millis(now))
    .bind(to_millis(now))
    .fetch_one(&mut *conn)
    .await?;
    write_keys(conn, id, fields).await?;
    Ok(id)
}

/// Replaces a contact's fields. `false` if there is no such contact.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    fields: &ContactFields,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE contacts SET fields = $1, name_key = $2, updated_at = $3 WHERE id = $4")
        .bind(encode(fields)?)
        .bind(fields.name_key())
        .bind(to_millis(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    write_keys(conn, id, fields).await?;
    Ok(true)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Contact>, StoreError> {
    let row: Option<String> = sqlx::query_scalar("SELECT fields FROM contacts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|json| decode(id, &json)).transpose()
}

/// When each contact was last changed, for the cache age shown beside a record.
pub async fn updated_at(conn: &mut AnyConnection, id: i64) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<i64> = sqlx::query_scalar("SELECT updated_at FROM contacts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(at.map(crate::from_millis))
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0)
}

pub async fn count(conn: &mut AnyConnection) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
        .fetch_one(&mut *conn)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The contact an incoming record is the same person as: one with the same ID in the same CRM, else the
/// same email, else the same social account.
pub async fn existing(conn: &mut AnyConnection, fields: &ContactFields) -> Result<Option<i64>, StoreError> {
    let ordered = keys(fields);
    let rank = |kind: &str| match kind {
        "hubspot" | "salesforce" | "vcard" => 0,
        "email" => 1,
        "domain" => 9,
        _ => 2,
    };
    let mut ordered: Vec<_> = ordered.into_iter().filter(|(k, _)| rank(k) < 9).collect();
    ordered.sort_by_key(|(k, _)| rank(k));
    for (kind, key) in ordered {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM contact_keys WHERE kind = $1 AND key = $2 ORDER BY contact_id LIMIT 1",
        )
        .bind(kind)
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Contacts whose name, email, company or accounts contain `query` (any case), by name; all contacts when
/// `query` is empty.
pub async fn search(conn: &mut AnyConnection, query: &str, limit: u32) -> Result<Vec<Contact>, StoreError> {
    let needle = format!(
        "%{}%",
        query
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, fields FROM contacts
          WHERE $1 = '%%' OR lower(fields) LIKE $2 ESCAPE '\\' OR name_key LIKE $3 ESCAPE '\\'
          ORDER BY name_key IS NULL, name_key, id LIMIT $4",
    )
    .bind(&needle)
    .bind(&needle)
    .bind(&needle)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|(id, json)| decode(id, &json)).collect()
}

async fn by_key(
    conn: &mut AnyConnection,
    kind: &str,
    key: &str,
    limit: i64,
) -> Result<Vec<Contact>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.fields FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
          WHERE k.kind = $1 AND k.key = $2 ORDER BY c.id LIMIT $3",
    )
    .bind(kind)
    .bind(key)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|(id, json)| decode(id, &json)).collect()
}

/// Everything the matcher needs to decide about `author`: the contacts holding any of the author's
/// accounts, the contacts on the domains they proved or hinted at, and those with their name.
pub async fn candidates(conn: &mut AnyConnection, author: &AuthorFacts) -> Result<Candidates, StoreError> {
    let mut out = Candidates::default();
    for (identity, _) in author.keys() {
        for contact in by_key(conn, identity.network.as_str(), &identity.key, 8).await? {
            out.by_identity.push((identity.clone(), contact));
        }
    }
    let mut domains: Vec<String> = author.proved_domains().into_iter().map(|(d, _)| d).collect();
    domains.sort();
    domains.dedup();
    for domain in &domains {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM contact_keys WHERE kind = 'domain' AND key = $1")
                .bind(domain)
                .fetch_one(&mut *conn)
                .await?;
        out.domain_counts
            .push((domain.clone(), u64::try_from(n).unwrap_or(0)));
        if n == 1 {
            for contact in by_key(conn, "domain", domain, 1).await? {
                out.by_domain.push((domain.clone(), contact));
            }
        }
    }
    if let Some(name) = author.name_key() {
        // The display name may carry more than the name ("Jane Doe | Acme"): try each leading run of words
        // of two or more.
        let words: Vec<&str> = name.split(' ').collect();
        for n in (2..=words.len().min(4)).rev() {
            let key = words[..n].join(" ");
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, fields FROM contacts WHERE name_key = $1 ORDER BY id LIMIT 8")
                    .bind(&key)
                    .fetch_all(&mut *conn)
                    .await?;
            for (id, json) in rows {
                out.by_name.push(decode(id, &json)?);
            }
        }
    }
    Ok(out)
}

/// What agents said about the author with this handle.
pub async fn overrides(
    conn: &mut AnyConnection,
    network: Network,
    handle: &str,
) -> Result<Overrides, StoreError> {
    let rows: Vec<(i64, Flag, String)> = sqlx::query_as(
        "SELECT contact_id, linked, agent FROM author_links WHERE network = $1 AND handle = $2",
    )
    .bind(network.as_str())
    .bind(handle)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Overrides::default();
    for (contact, linked, agent) in rows {
        if linked.0 {
            out.linked = Some((contact, agent));
        } else {
            out.not.push(contact);
        }
    }
    out.not.sort_unstable();
    Ok(out)
}

/// An agent links this author to `contact` (replacing any earlier link), or says they are not `contact`.
pub async fn set_link(
    conn: &mut AnyConnection,
    network: Network,
    handle: &str,
    contact: i64,
    linked: bool,
    agent: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if linked {
        sqlx::query(
            "DELETE FROM author_links WHERE network = $1 AND handle = $2 AND (linked = 1 OR contact_id = $3)",
        )
        .bind(network.as_str())
        .bind(handle)
        .bind(contact)
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query("DELETE FROM author_links WHERE network = $1 AND handle = $2 AND contact_id = $3")
            .bind(network.as_str())
            .bind(handle)
            .bind(contact)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO author_links (network, handle, contact_id, linked, agent, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(network.as_str())
    .bind(handle)
    .bind(contact)
    .bind(Flag(linked))
    .bind(agent)
    .bind(to_millis(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Folds `gone` into `keep`: fields merged, agents' links moved, `gone` deleted. `false` if either is
/// missing.
pub async fn merge(
    conn: &mut AnyConnection,
    keep: i64,
    gone: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if keep == gone {
        return Ok(false);
    }
    let (Some(a), Some(b)) = (get(conn, keep).await?, get(conn, gone).await?) else {
        return Ok(false);
    };
    // The contact kept wins where both say something; the other fills its gaps and adds its lists.
    let fields = b.fields.merged_with(a.fields);
    update(conn, keep, &fields, now).await?;
    // A link to `gone` becomes a link to `keep`, unless the author already has a word about `keep` (then the
    // link to `gone` goes with it). One author has at most one link, so the move can never collide.
    sqlx::query(
        "UPDATE author_links SET contact_id = $1 WHERE contact_id = $2
           AND NOT EXISTS (SELECT 1 FROM author_links o WHERE o.network = author_links.network
                              AND o.handle = author_links.handle AND o.contact_id = $3)",
    )
    .bind(keep)
    .bind(gone)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    delete(conn, gone).await?;
    Ok(true)
}

/// The authors who might be this contact, for the contact's timeline: those with the contact's accounts,
/// its Bluesky DID, a handle on its domain, or a link from an agent. The engine keeps those the matcher
/// links to the contact.
pub async fn possible_authors(
    conn: &mut AnyConnection,
    contact: &Contact,
) -> Result<Vec<AuthorFacts>, StoreError> {
    let mut handles: Vec<(String, String)> = Vec::new();
    for Identity { network, key } in &contact.fields.identities {
        match network {
            Network::Bluesky if key.starts_with("did:") => {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT network, handle FROM authors WHERE network = 'bluesky' AND profile_url = $1",
                )
                .bind(format!("https://bsky.app/profile/{key}"))
                .fetch_all(&mut *conn)
                .await?;
                handles.extend(rows);
            }
            Network::Web => {}
            n => handles.push((n.as_str().to_owned(), key.clone())),
        }
    }
    for domain in contact.fields.domains() {
        handles.push(("bluesky".into(), domain.clone()));
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT network, handle FROM authors WHERE network = 'mastodon' AND verified_links LIKE $1",
        )
        .bind(format!("%{domain}%"))
        .fetch_all(&mut *conn)
        .await?;
        handles.extend(rows);
    }
    let linked: Vec<(String, String)> =
        sqlx::query_as("SELECT network, handle FROM author_links WHERE contact_id = $1 AND linked = 1")
            .bind(contact.id)
            .fetch_all(&mut *conn)
            .await?;
    handles.extend(linked);
    handles.sort();
    handles.dedup();
    let mut out = Vec::new();
    for (network, handle) in handles {
        let row: Option<(Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT display_name, profile_url, verified_links FROM authors WHERE network = $1 AND handle = $2",
        )
        .bind(&network)
        .bind(&handle)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((display_name, profile_url, links)) = row else {
            continue;
        };
        out.push(AuthorFacts {
            network: network.parse().ok(),
            handle,
            display_name,
            profile_url,
            verified_links: serde_json::from_str(&links).unwrap_or_default(),
        });
    }
    Ok(out)
}
