//! A feed's bytes into UTF-8 text that feed-rs reads as is, and the rescue of a feed cut off part-way.
//!
//! Feeds lie about their encoding often: a declaration left at ISO-8859-1 by a template whose bytes are now
//! UTF-8, or Latin-1 bytes labelled only in the HTTP header. Bytes that are valid UTF-8 are taken as UTF-8
//! whatever the label says (Latin-1 text with accents is almost never valid UTF-8 by accident); other bytes
//! are decoded by the header's charset, else the declaration's. The declaration is then rewritten to UTF-8.

use encoding_rs::{Encoding, UTF_8};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The feed as UTF-8 text with a UTF-8 declaration, and which encoding it was read as.
pub(super) fn to_utf8(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    let (text, encoding) = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        (text.into_owned(), encoding)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), UTF_8)
    } else {
        let declared = content_type
            .and_then(header_charset)
            .into_iter()
            .chain(declared_encoding(bytes))
            .filter_map(|label| Encoding::for_label(label.as_bytes()))
            // A UTF-8 label on bytes that are not UTF-8 is the wrong one; try the other.
            .find(|e| *e != UTF_8);
        let encoding = declared.unwrap_or(UTF_8);
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        (text.into_owned(), encoding)
    };
    (with_utf8_declaration(text), encoding)
}

/// `charset` from a Content-Type header such as `text/xml; charset="ISO-8859-1"`.
fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
    })
}

/// The `encoding` of an `<?xml ... ?>` declaration at the start of the bytes.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let value = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].to_owned())
}

/// Replaces the XML declaration (which may name the encoding the bytes were in) with a UTF-8 one.
fn with_utf8_declaration(text: String) -> String {
    let start = text.len() - text.trim_start().len();
    match text[start..]
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>"))
    {
        Some(end) => {
            let after = start + "<?xml".len() + end + "?>".len();
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", &text[after..])
        }
        None => text,
    }
}

/// A feed that breaks off or turns malformed part-way, rebuilt from its start up to the end of its last
/// complete entry, with the elements still open there closed again. `None` when there is no complete entry
/// before the break, or when the document is well-formed (and so broken some other way).
pub(super) fn rescue(text: &str) -> Option<Rescued> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut last_entry: Option<(usize, Vec<String>)> = None;
    let mut entries = 0usize;
    let broken = loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => open.push(e.name().as_ref().to_owned()),
            Ok(Event::End(e)) => {
                open.pop();
                if matches!(e.local_name().as_ref(), "item" | "entry") {
                    entries += 1;
                    let end = usize::try_from(reader.buffer_position()).unwrap_or(text.len());
                    last_entry = Some((end.min(text.len()), open.clone()));
                }
            }
            Ok(Event::Eof) => break !open.is_empty(),
            Ok(_) => {}
            Err(_) => break true,
        }
    };
    if !broken {
        return None;
    }
    let (end, still_open) = last_entry?;
    let mut rebuilt = text.get(..end)?.to_owned();
    for name in still_open.iter().rev() {
        rebuilt.push_str("</");
        rebuilt.push_str(name);
        rebuilt.push('>');
    }
    Some(Rescued {
        text: rebuilt,
        complete_entries: entries,
    })
}

/// What [`rescue`] kept.
pub(super) struct Rescued {
    pub text: String,
    /// How many entries were complete before the break.
    pub complete_entries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bytes_win_over_a_latin1_declaration() {
        let bytes = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><t>vélo €</t></rss>".as_bytes();
        let (text, encoding) = to_utf8(bytes, Some("application/rss+xml"));
        assert_eq!(encoding, UTF_8, "valid UTF-8 is read as UTF-8");
        assert_eq!(
            text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><t>vélo €</t></rss>",
            "the declaration now says what the text is"
        );
    }

    #[test]
    fn latin1_bytes_follow_the_header_then_the_declaration() {
        let body = b"<?xml version=\"1.0\"?><rss><t>v\xe9lo</t></rss>";
        let (text, _) = to_utf8(body, Some("text/xml; charset=\"ISO-8859-1\""));
        assert!(
            text.contains("<t>vélo</t>"),
            "the header's charset decodes: {text}"
        );

        let declared = b"<?xml version='1.0' encoding='windows-1252'?><rss><t>\x93hi\x94</t></rss>";
        let (text, _) = to_utf8(declared, Some("application/xml; charset=utf-8"));
        assert!(
            text.contains("<t>\u{201c}hi\u{201d}</t>"),
            "a wrong UTF-8 header gives way to the declaration: {text}"
        );

        let (text, encoding) = to_utf8(b"<rss><t>v\xe9lo</t></rss>", None);
        assert_eq!(encoding, UTF_8, "with no label at all, UTF-8 as XML says");
        assert!(
            text.contains("v\u{fffd}lo"),
            "the bad byte shows as a replacement: {text}"
        );
    }

    #[test]
    fn a_byte_order_mark_decides() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "<rss>é</rss>".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let (text, _) = to_utf8(&bytes, Some("text/xml; charset=iso-8859-1"));
        assert_eq!(text, "<rss>é</rss>");
    }

    #[test]
    fn a_cut_off_feed_keeps_its_complete_entries() {
        let cut = "<rss version=\"2.0\"><channel><title>T</title><item><title>one</title></item>\
                   <item><title>two</title></item><item><title>thr";
        let rescued = rescue(cut).expect("two entries are complete");
        assert_eq!(rescued.complete_entries, 2);
        assert_eq!(
            rescued.text,
            "<rss version=\"2.0\"><channel><title>T</title><item><title>one</title></item>\
             <item><title>two</title></item></channel></rss>",
            "cut after the last complete entry and closed"
        );
        assert!(
            rescue("<rss><channel><item><title>x</title></item></channel></rss>").is_none(),
            "a whole document needs no rescue"
        );
        assert!(
            rescue("<feed><entry><title>cut").is_none(),
            "nothing to keep before the break"
        );
    }

    #[test]
    fn a_malformed_middle_keeps_the_entries_before_it() {
        let text = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id></entry>\
                    <entry><id>2</b></entry><entry><id>3</id></entry></feed>";
        let rescued = rescue(text).expect("the first entry is whole");
        assert_eq!(rescued.complete_entries, 1);
        assert!(
            rescued.text.ends_with("<entry><id>1</id></entry></feed>"),
            "{}",
            rescued.text
        );
    }
}
