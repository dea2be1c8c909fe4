//! Contacts from vCards (3.0 and 4.0), as a file or a CardDAV address book serves them.
//!
//! Social accounts come from `X-SOCIALPROFILE` (Apple, Google and others), `SOCIALPROFILE` (RFC 9554),
//! `IMPP` with a service type or scheme we know, and `URL`s that are profile addresses.

use earshot_core::Network;

use crate::contact::{ContactFields, ExternalId, System};
use crate::csv_import::is_email;
use crate::identity::Identity;

/// One card of a file: its contact, or why it was skipped. `card` counts from 1; `line` is where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub card: usize,
    pub line: usize,
    pub outcome: Result<ContactFields, String>,
}

/// Reads every card in `text`. A card that cannot be read is reported and never stops the rest.
pub fn read(text: &str) -> Vec<Card> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cards = Vec::new();
    let mut start: Option<(usize, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        let upper = line.trim().to_ascii_uppercase();
        if upper == "BEGIN:VCARD" {
            if let Some((begun, _)) = start.take() {
                cards.push(Card {
                    card: cards.len() + 1,
                    line: begun,
                    outcome: Err("the card has no END:VCARD".into()),
                });
            }
            start = Some((i + 1, vec![line]));
        } else if let Some((_, lines)) = start.as_mut() {
            lines.push(line);
            if upper == "END:VCARD" {
                let (begun, lines) = start.take().unwrap_or_default();
                cards.push(Card {
                    card: cards.len() + 1,
                    line: begun,
                    outcome: read_card(&lines.join("\r\n")),
                });
            }
        }
    }
    if let Some((begun, _)) = start {
        cards.push(Card {
            card: cards.len() + 1,
            line: begun,
            outcome: Err("the card has no END:VCARD".into()),
        });
    }
    cards
}

/// One card's text, BEGIN to END, into a contact.
pub fn read_card(card: &str) -> Result<ContactFields, String> {
    let mut parser = ical::VcardParser::new(std::io::BufReader::new(card.as_bytes()));
    let contact = match parser.next() {
        Some(Ok(c)) => c,
        Some(Err(e)) => return Err(format!("unreadable card: {e}")),
        None => return Err("an empty card".into()),
    };
    let mut f = ContactFields::default();
    let mut structured_name = None;
    for p in contact.properties {
        // `item1.X-SOCIALPROFILE`: the group prefix says nothing we need.
        let name = p.name.rsplit('.').next().unwrap_or_default().to_ascii_uppercase();
        let Some(raw) = p.value.as_deref() else { continue };
        let params = p.params.unwrap_or_default();
        let param = |key: &str| -> Vec<String> {
            params
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                .flat_map(|(_, v)| {
                    v.iter()
                        .flat_map(|v| v.split(','))
                        .map(|v| v.trim().to_ascii_lowercase())
                })
                .collect()
        };
        match name.as_str() {
            "FN" => f.name = Some(unescape(raw)),
            "N" => {
                let parts = split_structured(raw);
                let given = parts.get(1).cloned().unwrap_or_default();
                let family = parts.first().cloned().unwrap_or_default();
                let joined = format!("{given} {family}").trim().to_owned();
                if !joined.is_empty() {
                    structured_name = Some(joined);
                }
            }
            "EMAIL" => {
                let email = unescape(raw);
                let email = email.trim_start_matches("mailto:").trim();
                if !is_email(email) {
                    return Err(format!("EMAIL '{email}' is not an email address"));
                }
                f.emails.push(email.to_owned());
            }
            "TEL" => f.phones.push(unescape(raw).trim_start_matches("tel:").to_owned()),
            "ORG" => f.company = split_structured(raw).into_iter().next(),
            "NOTE" => f.notes = Some(unescape(raw)),
            "CATEGORIES" => f.tags.extend(split_list(raw)),
            "UID" => f.external_ids.push(ExternalId {
                system: System::Vcard,
                id: unescape(raw),
            }),
            "URL" => {
                if let Some(id) = Identity::from_url(&unescape(raw)) {
                    f.identities.push(id);
                }
            }
            "X-SOCIALPROFILE" | "SOCIALPROFILE" => {
                let service = param("type")
                    .into_iter()
                    .chain(param("service-type"))
                    .find_map(|s| network(&s));
                let value = unescape(raw);
                let user = param("x-user").into_iter().next();
                let id = if value.starts_with("http://") || value.starts_with("https://") {
                    match (service, user) {
                        // Apple writes `x-apple:` style addresses for some services; the user name is surer.
                        (Some(n), Some(u)) => {
                            Identity::parse(n, &u).ok().or_else(|| Identity::from_url(&value))
                        }
                        _ => Identity::from_url(&value),
                    }
                } else {
                    service.and_then(|n| Identity::parse(n, user.as_deref().unwrap_or(&value)).ok())
                };
                if let Some(id) = id {
                    f.identities.push(id);
                }
            }
            "IMPP" => {
                let value = unescape(raw);
                let (scheme, rest) = value.split_once(':').unwrap_or(("", value.as_str()));
                let service = param("x-service-type")
                    .into_iter()
                    .chain(param("service-type"))
                    .chain(param("type"))
                    .find_map(|s| network(&s))
                    .or_else(|| network(&scheme.to_ascii_lowercase()));
                if let Some(n) = service {
                    if let Ok(id) = Identity::parse(n, rest.trim_start_matches("//")) {
                        f.identities.push(id);
                    }
                }
            }
            _ => {}
        }
    }
    if f.name.is_none() {
        f.name = structured_name;
    }
    let f = f.normalised();
    if !f.identifies_someone() {
        return Err("no name, email or social account".into());
    }
    Ok(f)
}

/// A service name, as vCards write it, to a network.
fn network(service: &str) -> Option<Network> {
    match service.trim().to_ascii_lowercase().as_str() {
        "twitter" | "x" | "x-twitter" => Some(Network::X),
        "bluesky" | "bsky" | "at" => Some(Network::Bluesky),
        "mastodon" | "fediverse" | "activitypub" => Some(Network::Mastodon),
        _ => None,
    }
}

/// RFC 6350 §3.4 text escapes: `\n`, `\,`, `\;`, `\\`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// Splits on unescaped `sep`, then unescapes each part.
fn split_on(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    parts.push(unescape(&current));
    parts
}

fn split_structured(s: &str) -> Vec<String> {
    split_on(s, ';')
}

fn split_list(s: &str) -> Vec<String> {
    split_on(s, ',').into_iter().filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARDS: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
N:Ångström;Zoë;;;\r\n\
FN:Zoë Ångström\r\n\
ORG:Acme\\, Inc.;Support\r\n\
EMAIL;TYPE=INTERNET,WORK:zoe@acme.example\r\n\
TEL;TYPE=CELL:+44 20 7946 0000\r\n\
item1.X-SOCIALPROFILE;type=twitter;x-user=zoe_a:http://twitter.com/zoe_a\r\n\
X-SOCIALPROFILE;TYPE=mastodon:https://mastodon.social/@zoe\r\n\
IMPP;X-SERVICE-TYPE=Bluesky:x-apple:zoe.bsky.social\r\n\
IMPP:xmpp:zoe@jabber.example\r\n\
NOTE:Renewal in March.\\nPrefers email\\, not phone.\r\n\
CATEGORIES:vip,beta\r\n\
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n\
URL:https://www.example.org/zoe/\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
FN:José\r\n \
 Núñez\r\n\
EMAIL:not-an-email\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
FN:Kai Lee\r\n\
SOCIALPROFILE;SERVICE-TYPE=Bluesky:https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz\r\n\
SOCIALPROFILE;SERVICE-TYPE=X:kai_lee\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
NOTE:nobody\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
FN:Cut short\r\n";

    #[test]
    fn cards_become_contacts_with_their_social_accounts() {
        let cards = read(CARDS);
        assert_eq!(cards.len(), 5);
        let zoe = cards[0].outcome.as_ref().unwrap();
        assert_eq!(zoe.name.as_deref(), Some("Zoë Ångström"));
        assert_eq!(zoe.company.as_deref(), Some("Acme, Inc."));
        assert_eq!(zoe.emails, vec!["zoe@acme.example"]);
        assert_eq!(zoe.phones, vec!["+44 20 7946 0000"]);
        assert_eq!(
            zoe.notes.as_deref(),
            Some("Renewal in March.\nPrefers email, not phone.")
        );
        assert_eq!(zoe.tags, vec!["vip", "beta"]);
        assert_eq!(
            zoe.identities,
            vec![
                Identity::new(Network::X, "zoe_a"),
                Identity::new(Network::Mastodon, "zoe@mastodon.social"),
                Identity::new(Network::Bluesky, "zoe.bsky.social"),
                Identity::new(Network::Web, "example.org/zoe"),
            ]
        );
        assert_eq!(
            zoe.external_ids[0].id,
            "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
        );

        assert_eq!(cards[1].line, 17);
        assert_eq!(
            cards[1].outcome,
            Err("EMAIL 'not-an-email' is not an email address".into())
        );
        let kai = cards[2].outcome.as_ref().unwrap();
        assert_eq!(
            kai.identities,
            vec![
                Identity::new(Network::Bluesky, "did:plc:ewvi7nxzyoun6zhxrhs64oiz"),
                Identity::new(Network::X, "kai_lee"),
            ]
        );
        assert_eq!(cards[3].outcome, Err("no name, email or social account".into()));
        assert_eq!(cards[4].outcome, Err("the card has no END:VCARD".into()));
    }

    #[test]
    fn folded_lines_are_unfolded() {
        let card =
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:José\r\n  Núñez\r\nEMAIL:jose@acme.example\r\nEND:VCARD\r\n";
        assert_eq!(
            read(card)[0].outcome.as_ref().unwrap().name.as_deref(),
            Some("José Núñez")
        );
    }
}
