//! WebDAV's 207 Multi-Status bodies (RFC 4918 §13), read with namespaces: each response's href, its
//! status, and its properties with their own propstat status.

use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

pub(crate) const DAV: &str = "DAV:";
pub(crate) const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub(crate) const CALENDARSERVER: &str = "http://calendarserver.org/ns/";

/// One property of a response.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Prop {
    pub ns: String,
    pub name: String,
    /// The propstat's status (200 when found, 404 when the server has no such property).
    pub status: u16,
    /// All text inside the property (address data, an ETag, a display name).
    pub text: String,
    /// `DAV:href`s inside it (a principal's address, a home set).
    pub hrefs: Vec<String>,
    /// Its child elements, as (namespace, name): a resourcetype's `DAV:collection` and `CARDDAV:addressbook`.
    pub children: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Response {
    pub href: String,
    /// A status for the whole response: 404 for a member removed since a sync token.
    pub status: Option<u16>,
    pub props: Vec<Prop>,
}

impl Response {
    /// The property, if the server returned it with a 2xx status.
    pub fn prop(&self, ns: &str, name: &str) -> Option<&Prop> {
        self.props
            .iter()
            .find(|p| p.ns == ns && p.name == name && (200..300).contains(&p.status))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Multistatus {
    pub responses: Vec<Response>,
    /// The collection's new sync token (RFC 6578), in a sync-collection report.
    pub sync_token: Option<String>,
}

/// "HTTP/1.1 404 Not Found" → 404.
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

pub(crate) fn parse(xml: &str) -> Result<Multistatus, String> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut out = Multistatus::default();
    // The open elements, as (namespace, local name).
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut response: Option<Response> = None;
    // Properties of the propstat being read, until its status arrives.
    let mut pending: Vec<Prop> = Vec::new();
    let mut propstat_status: Option<u16> = None;
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        match event {
            (ns, Event::Start(e)) => {
                let name = (namespace(&ns), e.local_name().as_ref().to_owned());
                // A child of DAV:prop starts a property.
                if stack.last().is_some_and(|(n, l)| n == DAV && l == "prop") {
                    pending.push(Prop {
                        ns: name.0.clone(),
                        name: name.1.clone(),
                        ..Default::default()
                    });
                } else if in_prop(&stack) && stack.len() == prop_depth(&stack) + 1 {
                    if let Some(p) = pending.last_mut() {
                        p.children.push(name.clone());
                    }
                }
                if name.0 == DAV && name.1 == "response" {
                    response = Some(Response::default());
                }
                if name.0 == DAV && name.1 == "propstat" {
                    pending.clear();
                    propstat_status = None;
                }
                stack.push(name);
                text.clear();
            }
            (ns, Event::Empty(e)) => {
                let name = (namespace(&ns), e.local_name().as_ref().to_owned());
                if stack.last().is_some_and(|(n, l)| n == DAV && l == "prop") {
                    pending.push(Prop {
                        ns: name.0,
                        name: name.1,
                        ..Default::default()
                    });
                } else if in_prop(&stack) && stack.len() == prop_depth(&stack) + 1 {
                    if let Some(p) = pending.last_mut() {
                        p.children.push(name);
                    }
                }
            }
            (_, Event::Text(t)) => {
                // Entity references arrive as their own events, so the text needs no unescaping.
                let piece = t.xml10_content();
                text.push_str(&piece);
                if in_prop(&stack) {
                    if let Some(p) = pending.last_mut() {
                        p.text.push_str(&piece);
                    }
                }
            }
            (_, Event::CData(t)) => {
                let piece = t.into_inner().into_owned();
                text.push_str(&piece);
                if in_prop(&stack) {
                    if let Some(p) = pending.last_mut() {
                        p.text.push_str(&piece);
                    }
                }
            }
            (_, Event::GeneralRef(r)) => {
                // An entity or character reference between text runs (`&amp;`, `&#10;`).
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => match r.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => format!("&{other};"),
                    },
                };
                text.push_str(&resolved);
                if in_prop(&stack) {
                    if let Some(p) = pending.last_mut() {
                        p.text.push_str(&resolved);
                    }
                }
            }
            (_, Event::End(_)) => {
                let Some((ns, local)) = stack.pop() else { break };
                let parent = stack.last().cloned();
                let value = text.trim().to_owned();
                match (ns.as_str(), local.as_str()) {
                    (DAV, "href") => {
                        let under_response =
                            parent.as_ref().is_some_and(|(n, l)| n == DAV && l == "response");
                        if under_response {
                            if let Some(r) = response.as_mut() {
                                r.href = value.clone();
                            }
                        } else if in_prop(&stack) {
                            if let Some(p) = pending.last_mut() {
                                p.hrefs.push(value.clone());
                            }
                        }
                    }
                    (DAV, "status") => {
                        let code = status_code(&value);
                        match parent.as_ref().map(|(_, l)| l.as_str()) {
                            Some("propstat") => propstat_status = code,
                            Some("response") => {
                                if let Some(r) = response.as_mut() {
                                    r.status = code;
                                }
                            }
                            _ => {}
                        }
                    }
                    (DAV, "propstat") => {
                        let status = propstat_status.unwrap_or(200);
                        if let Some(r) = response.as_mut() {
                            r.props.extend(pending.drain(..).map(|mut p| {
                                p.status = status;
                                p.text = p.text.trim().to_owned();
                                p
                            }));
                        }
                    }
                    (DAV, "response") => {
                        if let Some(r) = response.take() {
                            out.responses.push(r);
                        }
                    }
                    (DAV, "sync-token")
                        if parent
                            .as_ref()
                            .is_some_and(|(n, l)| n == DAV && l == "multistatus") =>
                    {
                        out.sync_token = Some(value.clone());
                    }
                    _ => {}
                }
                text.clear();
            }
            (_, Event::Eof) => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn namespace(ns: &ResolveResult) -> String {
    match ns {
        ResolveResult::Bound(Namespace(n)) => (*n).to_owned(),
        _ => String::new(),
    }
}

/// Whether the innermost open element is inside a `DAV:prop`.
fn in_prop(stack: &[(String, String)]) -> bool {
    stack.iter().any(|(n, l)| n == DAV && l == "prop")
        && stack.last().is_some_and(|(n, l)| !(n == DAV && l == "prop"))
}

/// How deep the `DAV:prop` element sits in `stack` plus one: the depth of a property element.
fn prop_depth(stack: &[(String, String)]) -> usize {
    stack
        .iter()
        .position(|(n, l)| n == DAV && l == "prop")
        .map_or(usize::MAX - 1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_props_statuses_and_the_sync_token() {
        let xml = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:CS="http://calendarserver.org/ns/">
  <response>
    <href>/agent/contacts/</href>
    <propstat>
      <prop>
        <resourcetype><collection/><CR:addressbook/></resourcetype>
        <displayname>Customers &amp; partners</displayname>
        <CS:getctag>"abc"</CS:getctag>
      </prop>
      <status>HTTP/1.1 200 OK</status>
    </propstat>
    <propstat>
      <prop><sync-token/></prop>
      <status>HTTP/1.1 404 Not Found</status>
    </propstat>
  </response>
  <response>
    <href>/agent/contacts/jane.vcf</href>
    <propstat><prop><getetag>"e1"</getetag><CR:address-data>BEGIN:VCARD&#13;
FN:Jane &lt;3
END:VCARD</CR:address-data></prop><status>HTTP/1.1 200 OK</status></propstat>
  </response>
  <response><href>/agent/contacts/gone.vcf</href><status>HTTP/1.1 404 Not Found</status></response>
  <sync-token>http://radicale.org/ns/sync/abc</sync-token>
</multistatus>"#;
        let ms = parse(xml).unwrap();
        assert_eq!(ms.responses.len(), 3);
        let book = &ms.responses[0];
        assert_eq!(book.href, "/agent/contacts/");
        let kind = book.prop(DAV, "resourcetype").unwrap();
        assert!(kind
            .children
            .contains(&(CARDDAV.to_owned(), "addressbook".to_owned())));
        assert_eq!(
            book.prop(DAV, "displayname").unwrap().text,
            "Customers & partners"
        );
        assert_eq!(book.prop(CALENDARSERVER, "getctag").unwrap().text, "\"abc\"");
        assert!(
            book.prop(DAV, "sync-token").is_none(),
            "a 404 propstat is not a value"
        );
        let card = &ms.responses[1];
        assert_eq!(card.prop(DAV, "getetag").unwrap().text, "\"e1\"");
        assert!(card
            .prop(CARDDAV, "address-data")
            .unwrap()
            .text
            .contains("FN:Jane <3"));
        assert_eq!(ms.responses[2].status, Some(404));
        assert_eq!(ms.sync_token.as_deref(), Some("http://radicale.org/ns/sync/abc"));
    }

    #[test]
    fn hrefs_inside_properties_are_collected() {
        let xml = r#"<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:response><d:href>/</d:href>
<d:propstat><d:prop><d:current-user-principal><d:href>/agent/</d:href></d:current-user-principal>
<c:addressbook-home-set><d:href>/agent/</d:href></c:addressbook-home-set></d:prop>
<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"#;
        let ms = parse(xml).unwrap();
        let r = &ms.responses[0];
        assert_eq!(r.href, "/");
        assert_eq!(
            r.prop(DAV, "current-user-principal").unwrap().hrefs,
            vec!["/agent/"]
        );
        assert_eq!(
            r.prop(CARDDAV, "addressbook-home-set").unwrap().hrefs,
            vec!["/agent/"]
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(parse("<a></b>").is_err());
    }
}
