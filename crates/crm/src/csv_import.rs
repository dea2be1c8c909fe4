//! Contacts from a CSV export: which column holds what (a preset for HubSpot's and Salesforce's own
//! exports, or a mapping the user picks), and each row read into a contact or a reason it was skipped.

use std::fmt;
use std::str::FromStr;

use earshot_core::Network;
use serde::{Deserialize, Serialize};

use crate::contact::{ContactFields, ExternalId, System};
use crate::identity::Identity;
use crate::CrmError;

/// What a column can be imported as.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    FirstName,
    LastName,
    Email,
    Phone,
    Company,
    Tier,
    Lifecycle,
    LifetimeValue,
    Owner,
    Tags,
    Notes,
    /// An X username or profile address.
    X,
    /// A Bluesky handle, DID or profile address.
    Bluesky,
    /// A Mastodon address (user@server) or profile address.
    Mastodon,
    /// Any profile address: X, Bluesky and Mastodon addresses are recognised, others kept as web pages.
    ProfileUrl,
    HubspotId,
    SalesforceId,
}

impl Field {
    pub const ALL: [Field; 18] = [
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::Company,
        Field::Tier,
        Field::Lifecycle,
        Field::LifetimeValue,
        Field::Owner,
        Field::Tags,
        Field::Notes,
        Field::X,
        Field::Bluesky,
        Field::Mastodon,
        Field::ProfileUrl,
        Field::HubspotId,
        Field::SalesforceId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Company => "company",
            Field::Tier => "tier",
            Field::Lifecycle => "lifecycle",
            Field::LifetimeValue => "lifetime_value",
            Field::Owner => "owner",
            Field::Tags => "tags",
            Field::Notes => "notes",
            Field::X => "x",
            Field::Bluesky => "bluesky",
            Field::Mastodon => "mastodon",
            Field::ProfileUrl => "profile_url",
            Field::HubspotId => "hubspot_id",
            Field::SalesforceId => "salesforce_id",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = CrmError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let alias = match s.as_str() {
            "twitter" => "x",
            "bsky" => "bluesky",
            "url" | "profile" => "profile_url",
            "plan" => "tier",
            "ltv" => "lifetime_value",
            "mobile" => "phone",
            other => other,
        };
        Field::ALL
            .into_iter()
            .find(|f| f.as_str() == alias)
            .ok_or_else(|| {
                CrmError::Mapping(format!(
                    "'{s}' is not a contact field; use one of {}",
                    Field::ALL.map(Field::as_str).join(", ")
                ))
            })
    }
}

/// Which column feeds which field. A column not in the mapping is not imported.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<ColumnMapping>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub column: String,
    pub field: Field,
}

/// Exports whose column names we know.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Hubspot,
    Salesforce,
}

impl FromStr for Preset {
    type Err = CrmError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hubspot" => Ok(Preset::Hubspot),
            "salesforce" => Ok(Preset::Salesforce),
            other => Err(CrmError::Mapping(format!(
                "'{other}' is not a preset; use hubspot or salesforce"
            ))),
        }
    }
}

/// Column names as HubSpot writes them in a contacts export (labels), and as its API and some tools write
/// them (internal property names). Compared without regard to case.
const HUBSPOT: &[(&str, Field)] = &[
    ("Record ID", Field::HubspotId),
    ("Contact ID", Field::HubspotId),
    ("hs_object_id", Field::HubspotId),
    ("First Name", Field::FirstName),
    ("firstname", Field::FirstName),
    ("Last Name", Field::LastName),
    ("lastname", Field::LastName),
    ("Email", Field::Email),
    ("Additional email addresses", Field::Email),
    ("hs_additional_emails", Field::Email),
    ("Phone Number", Field::Phone),
    ("phone", Field::Phone),
    ("Mobile Phone Number", Field::Phone),
    ("mobilephone", Field::Phone),
    ("Company Name", Field::Company),
    ("company", Field::Company),
    ("Contact owner", Field::Owner),
    ("hubspot_owner_id", Field::Owner),
    ("Lifecycle Stage", Field::Lifecycle),
    ("lifecyclestage", Field::Lifecycle),
    ("Twitter Username", Field::X),
    ("twitterhandle", Field::X),
    ("LinkedIn URL", Field::ProfileUrl),
    ("hs_linkedin_url", Field::ProfileUrl),
    ("Total Revenue", Field::LifetimeValue),
    ("total_revenue", Field::LifetimeValue),
];

/// Column names as Salesforce writes them: a report export (labels) and Data Loader (API names).
const SALESFORCE: &[(&str, Field)] = &[
    ("Contact ID", Field::SalesforceId),
    ("Id", Field::SalesforceId),
    ("First Name", Field::FirstName),
    ("FirstName", Field::FirstName),
    ("Last Name", Field::LastName),
    ("LastName", Field::LastName),
    ("Email", Field::Email),
    ("Phone", Field::Phone),
    ("Mobile", Field::Phone),
    ("Mobile Phone", Field::Phone),
    ("MobilePhone", Field::Phone),
    ("Account Name", Field::Company),
    ("Account.Name", Field::Company),
    ("Contact Owner", Field::Owner),
    ("Owner.Name", Field::Owner),
    ("OwnerId", Field::Owner),
    ("Description", Field::Notes),
    ("Contact Description", Field::Notes),
];

/// Columns any export may carry under a plain name (a custom property for the plan, say).
const COMMON: &[(&str, Field)] = &[
    ("Name", Field::Name),
    ("Full Name", Field::Name),
    ("Email Address", Field::Email),
    ("Company", Field::Company),
    ("Organization", Field::Company),
    ("Plan", Field::Tier),
    ("Tier", Field::Tier),
    ("Customer Tier", Field::Tier),
    ("Lifetime Value", Field::LifetimeValue),
    ("LTV", Field::LifetimeValue),
    ("Owner", Field::Owner),
    ("Account Owner", Field::Owner),
    ("Tags", Field::Tags),
    ("Notes", Field::Notes),
    ("Twitter", Field::X),
    ("X", Field::X),
    ("X Handle", Field::X),
    ("Bluesky", Field::Bluesky),
    ("Bluesky Handle", Field::Bluesky),
    ("Mastodon", Field::Mastodon),
    ("Website", Field::ProfileUrl),
];

impl Mapping {
    /// The preset's mapping for these headers. Columns the preset does not know are left out.
    pub fn preset(preset: Preset, headers: &[String]) -> Mapping {
        let table = match preset {
            Preset::Hubspot => HUBSPOT,
            Preset::Salesforce => SALESFORCE,
        };
        Mapping::from_tables(&[table, COMMON], headers)
    }

    /// A first guess for an unknown export, from the column names of every table we know. The mapping
    /// screen shows it for the user to correct.
    pub fn guess(headers: &[String]) -> Mapping {
        Mapping::from_tables(&[COMMON, HUBSPOT, SALESFORCE], headers)
    }

    fn from_tables(tables: &[&[(&str, Field)]], headers: &[String]) -> Mapping {
        let columns = headers
            .iter()
            .filter_map(|h| {
                let field = tables
                    .iter()
                    .find_map(|t| t.iter().find(|(name, _)| name.eq_ignore_ascii_case(h.trim())))?
                    .1;
                Some(ColumnMapping {
                    column: h.clone(),
                    field,
                })
            })
            .collect();
        Mapping { columns }
    }

    /// Reads `Email=email,Twitter Username=x`: a column name, `=`, a field, separated by commas.
    pub fn parse(spec: &str) -> Result<Mapping, CrmError> {
        let mut columns = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (column, field) = part.rsplit_once('=').ok_or_else(|| {
                CrmError::Mapping(format!("'{part}' is not COLUMN=FIELD, as in 'Email=email'"))
            })?;
            if column.trim().is_empty() {
                return Err(CrmError::Mapping(format!("'{part}' names no column")));
            }
            columns.push(ColumnMapping {
                column: column.trim().to_owned(),
                field: field.parse()?,
            });
        }
        if columns.is_empty() {
            return Err(CrmError::Mapping("the mapping names no columns".into()));
        }
        Ok(Mapping { columns })
    }
}

/// One data row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The file's line where the row starts (1 is the header).
    pub line: u64,
    pub outcome: Result<ContactFields, String>,
}

/// A file read against a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvContacts {
    pub headers: Vec<String>,
    /// Columns in the file that the mapping leaves out.
    pub unmapped: Vec<String>,
    pub rows: Vec<Row>,
}

/// The header row, for the mapping screen.
pub fn headers(bytes: &[u8]) -> Result<Vec<String>, CrmError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| CrmError::Csv(e.to_string()))?;
    Ok(headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect())
}

/// The first `n` data rows' values, for a preview.
pub fn sample(bytes: &[u8], n: usize) -> Result<Vec<Vec<String>>, CrmError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records().take(n) {
        let record = record.map_err(|e| CrmError::Csv(e.to_string()))?;
        out.push(record.iter().map(|v| v.chars().take(200).collect()).collect());
    }
    Ok(out)
}

/// Reads every row. A row that cannot be read is reported with its line and the reason; it never stops
/// the rest.
pub fn read(bytes: &[u8], mapping: &Mapping) -> Result<CsvContacts, CrmError> {
    let headers = headers(bytes)?;
    for m in &mapping.columns {
        if !headers.iter().any(|h| h.eq_ignore_ascii_case(&m.column)) {
            return Err(CrmError::Mapping(format!(
                "the file has no column '{}'; its columns are: {}",
                m.column,
                headers.join(", ")
            )));
        }
    }
    let index: Vec<Vec<Field>> = headers
        .iter()
        .map(|h| {
            mapping
                .columns
                .iter()
                .filter(|m| m.column.eq_ignore_ascii_case(h))
                .map(|m| m.field)
                .collect()
        })
        .collect();
    let unmapped = headers
        .iter()
        .zip(&index)
        .filter(|(_, f)| f.is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue; // a blank line, as spreadsheets leave at the end
                }
                rows.push(Row {
                    line,
                    outcome: read_row(&record, &headers, &index),
                });
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                rows.push(Row {
                    line,
                    outcome: Err(format!("unreadable row: {e}")),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    Ok(CsvContacts {
        headers,
        unmapped,
        rows,
    })
}

/// Text from the file's bytes: UTF-8 (with or without a byte-order mark), else Windows-1252, which is what
/// Excel writes on Windows.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

fn read_row(
    record: &csv::StringRecord,
    headers: &[String],
    index: &[Vec<Field>],
) -> Result<ContactFields, String> {
    let mut f = ContactFields::default();
    let (mut first, mut last) = (None, None);
    for (i, value) in record.iter().enumerate() {
        let value = value.trim();
        let Some(fields) = index.get(i) else { continue };
        if value.is_empty() {
            continue;
        }
        let column = &headers[i];
        for field in fields {
            apply(&mut f, &mut first, &mut last, *field, value).map_err(|why| format!("{column}: {why}"))?;
        }
    }
    if f.name.is_none() {
        let joined = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if !joined.is_empty() {
            f.name = Some(joined);
        }
    }
    let f = f.normalised();
    if !f.identifies_someone() {
        return Err("no name, email or social account".into());
    }
    Ok(f)
}

fn apply(
    f: &mut ContactFields,
    first: &mut Option<String>,
    last: &mut Option<String>,
    field: Field,
    value: &str,
) -> Result<(), String> {
    let owned = || value.to_owned();
    match field {
        Field::Name => f.name = Some(owned()),
        Field::FirstName => *first = Some(owned()),
        Field::LastName => *last = Some(owned()),
        Field::Email => {
            // HubSpot's additional emails come as one cell, separated by semicolons.
            for email in value.split(';').map(str::trim).filter(|e| !e.is_empty()) {
                if !is_email(email) {
                    return Err(format!("'{email}' is not an email address"));
                }
                f.emails.push(email.to_owned());
            }
        }
        Field::Phone => f.phones.push(owned()),
        Field::Company => f.company = Some(owned()),
        Field::Tier => f.tier = Some(owned()),
        Field::Lifecycle => f.lifecycle = Some(owned()),
        Field::LifetimeValue => {
            f.lifetime_value = Some(parse_money(value).ok_or_else(|| format!("'{value}' is not an amount"))?)
        }
        Field::Owner => f.owner = Some(owned()),
        Field::Tags => f
            .tags
            .extend(value.split([';', ',']).map(|t| t.trim().to_owned())),
        Field::Notes => f.notes = Some(owned()),
        Field::X => f
            .identities
            .push(Identity::parse(Network::X, value).map_err(|e| e.to_string())?),
        Field::Bluesky => f
            .identities
            .push(Identity::parse(Network::Bluesky, value).map_err(|e| e.to_string())?),
        Field::Mastodon => f
            .identities
            .push(Identity::parse(Network::Mastodon, value).map_err(|e| e.to_string())?),
        Field::ProfileUrl => {
            let with_scheme = if value.contains("://") {
                value.to_owned()
            } else {
                format!("https://{value}")
            };
            f.identities.push(
                Identity::from_url(&with_scheme).ok_or_else(|| format!("'{value}' is not a web address"))?,
            )
        }
        Field::HubspotId => f.external_ids.push(ExternalId {
            system: System::Hubspot,
            id: owned(),
        }),
        Field::SalesforceId => f.external_ids.push(ExternalId {
            system: System::Salesforce,
            id: owned(),
        }),
    }
    Ok(())
}

/// Enough of an email address to be one: something, `@`, a domain with a dot, no spaces.
pub fn is_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
        }
        None => false,
    }
}

/// An amount as people write it: `12400`, `12,400.50`, `$12,400`, `€ 1.234,56`, `12 400`.
pub fn parse_money(s: &str) -> Option<f64> {
    let digits: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    if digits.is_empty() || digits.chars().filter(|c| c.is_ascii_digit()).count() == 0 {
        return None;
    }
    // A currency code before or after the number ("USD 10", "10 EUR") is allowed; any other letter means it
    // is not an amount.
    let trimmed = s.trim();
    let code = |t: &str| t.len() == 3 && t.chars().all(|c| c.is_ascii_uppercase());
    let core = trimmed
        .split_whitespace()
        .filter(|t| !code(t))
        .collect::<String>();
    if core.chars().any(char::is_alphabetic) {
        return None;
    }
    let last_dot = digits.rfind('.');
    let last_comma = digits.rfind(',');
    let decimal = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(d.max(c)),
        // "99,5" and "12,40" are decimals; "1,234" is a thousand.
        (None, Some(c)) if digits.matches(',').count() == 1 && digits.len() - c - 1 != 3 => Some(c),
        (Some(d), None) if digits.matches('.').count() == 1 => Some(d),
        _ => None,
    };
    let normal: String = digits
        .char_indices()
        .filter_map(|(i, c)| match c {
            '.' | ',' if Some(i) == decimal => Some('.'),
            '.' | ',' => None,
            c => Some(c),
        })
        .collect();
    normal.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str, mapping: &Mapping) -> CsvContacts {
        read(s.as_bytes(), mapping).unwrap()
    }

    #[test]
    fn a_manual_mapping_is_column_equals_field() {
        let m = Mapping::parse("Email=email, Twitter Username=x ,Plan=tier").unwrap();
        assert_eq!(m.columns.len(), 3);
        assert_eq!(
            m.columns[1],
            ColumnMapping {
                column: "Twitter Username".into(),
                field: Field::X
            }
        );
        let err = Mapping::parse("Email=mail").unwrap_err().to_string();
        assert!(err.contains("'mail' is not a contact field"), "{err}");
        assert!(Mapping::parse("Email").is_err());
        assert!(Mapping::parse(" , ").is_err());
    }

    #[test]
    fn a_mapping_naming_a_missing_column_is_refused_before_any_row() {
        let err = read(
            b"Email,Name\na@b.example,A\n",
            &Mapping::parse("E-mail=email").unwrap(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no column 'E-mail'"), "{err}");
    }

    #[test]
    fn rows_become_contacts_and_bad_rows_say_why_with_their_line() {
        let csv = "\u{feff}First Name,Last Name,Email,Twitter Username,Total Revenue,Unrelated\n\
                   Zoë,Ångström,ZOE@acme.example,@zoe_a,\"12,400.50\",x\n\
                   ,,,,,\n\
                   Bad,Email,jane(at)acme.example,,,\n\
                   \"Multi\nLine\",Name,multi@acme.example,,,\n\
                   ,,,,,only this\n\
                   Big,Spender,big@acme.example,,lots,\n";
        let m = Mapping::preset(Preset::Hubspot, &headers(csv.as_bytes()).unwrap());
        let out = read_str(csv, &m);
        assert_eq!(out.unmapped, vec!["Unrelated"]);
        let lines: Vec<(u64, bool)> = out.rows.iter().map(|r| (r.line, r.outcome.is_ok())).collect();
        assert_eq!(
            lines,
            vec![(2, true), (4, false), (5, true), (7, false), (8, false)]
        );
        let zoe = out.rows[0].outcome.as_ref().unwrap();
        assert_eq!(zoe.name.as_deref(), Some("Zoë Ångström"));
        assert_eq!(zoe.emails, vec!["zoe@acme.example"]);
        assert_eq!(zoe.identities, vec![Identity::new(Network::X, "zoe_a")]);
        assert_eq!(zoe.lifetime_value, Some(12400.5));
        assert_eq!(
            out.rows[1].outcome,
            Err("Email: 'jane(at)acme.example' is not an email address".into())
        );
        assert_eq!(
            out.rows[2].outcome.as_ref().unwrap().name.as_deref(),
            Some("Multi\nLine Name")
        );
        assert_eq!(
            out.rows[3].outcome,
            Err("no name, email or social account".into())
        );
        assert_eq!(
            out.rows[4].outcome,
            Err("Total Revenue: 'lots' is not an amount".into())
        );
    }

    #[test]
    fn excel_files_in_the_windows_code_page_are_read() {
        let bytes = b"Name,Email\nJos\xe9 N\xfa\xf1ez,jose@acme.example\n";
        let out = read(bytes, &Mapping::parse("Name=name,Email=email").unwrap()).unwrap();
        assert_eq!(
            out.rows[0].outcome.as_ref().unwrap().name.as_deref(),
            Some("José Núñez")
        );
    }

    #[test]
    fn amounts_as_people_write_them() {
        for (s, v) in [
            ("12400", 12400.0),
            ("12,400.50", 12400.5),
            ("$12,400", 12400.0),
            ("€ 1.234,56", 1234.56),
            ("12 400", 12400.0),
            ("99,5", 99.5),
            ("1.234.567", 1234567.0),
            ("USD 10", 10.0),
        ] {
            assert_eq!(parse_money(s), Some(v), "{s}");
        }
        for s in ["", "lots", "-", "n/a", "-5"] {
            assert_eq!(parse_money(s), None, "{s}");
        }
    }

    #[test]
    fn guessing_a_mapping_uses_every_known_name() {
        let headers: Vec<String> = [
            "Full Name",
            "Email Address",
            "Bluesky",
            "Plan",
            "Favourite colour",
        ]
        .map(String::from)
        .to_vec();
        let m = Mapping::guess(&headers);
        let fields: Vec<Field> = m.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![Field::Name, Field::Email, Field::Bluesky, Field::Tier]
        );
    }
}
