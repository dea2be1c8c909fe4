//! Which entries a listening source keeps: at least one of its include keywords, and none of its exclude
//! keywords, found as whole words whatever their case.

use crate::CoreError;

/// The longest keyword a person may set; longer phrases are almost always a paste gone wrong.
pub const MAX_KEYWORD_CHARS: usize = 100;

/// Cleans a list of keywords as a person typed them: each may itself hold several separated by commas,
/// inner spaces are collapsed, empty ones dropped and repeats (in any case) removed, first one kept.
pub fn keyword_list<S: AsRef<str>>(raw: &[S]) -> Result<Vec<String>, CoreError> {
    let mut out: Vec<String> = Vec::new();
    for word in raw.iter().flat_map(|r| r.as_ref().split(',')) {
        let clean = word.split_whitespace().collect::<Vec<_>>().join(" ");
        if clean.is_empty() {
            continue;
        }
        if clean.chars().count() > MAX_KEYWORD_CHARS {
            return Err(CoreError::invalid(
                "keyword",
                format!("'{clean}' is longer than {MAX_KEYWORD_CHARS} characters; use a shorter phrase"),
            ));
        }
        if !out.iter().any(|k| k.to_lowercase() == clean.to_lowercase()) {
            out.push(clean);
        }
    }
    Ok(out)
}

/// A source's include and exclude keywords, ready to match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeywordFilter {
    include: Vec<String>,
    exclude: Vec<String>,
}

impl KeywordFilter {
    pub fn new<S: AsRef<str>>(include: &[S], exclude: &[S]) -> Self {
        let fold = |list: &[S]| -> Vec<String> {
            list.iter()
                .map(|k| fold_text(k.as_ref()))
                .filter(|k| !k.is_empty())
                .collect()
        };
        Self {
            include: fold(include),
            exclude: fold(exclude),
        }
    }

    /// True when `text` holds one of the include keywords (or there are none) and none of the exclude ones.
    pub fn keeps(&self, text: &str) -> bool {
        let text = fold_text(text);
        let included = self.include.is_empty() || self.include.iter().any(|k| has_word(&text, k));
        included && !self.exclude.iter().any(|k| has_word(&text, k))
    }
}

/// Lower case, with every run of white space (line breaks included) as one space, so a phrase matches
/// across a line break.
fn fold_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `needle` occurs in `haystack` (both folded) as a whole word: a letter or digit at the edge of
/// the keyword must not run on into another letter or digit, so "acme" is not found in "acmeville".
fn has_word(haystack: &str, needle: &str) -> bool {
    let starts_word = needle.chars().next().is_some_and(char::is_alphanumeric);
    let ends_word = needle.chars().next_back().is_some_and(char::is_alphanumeric);
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        (!starts_word || !before.is_some_and(char::is_alphanumeric))
            && (!ends_word || !after.is_some_and(char::is_alphanumeric))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> KeywordFilter {
        KeywordFilter::new(include, exclude)
    }

    #[test]
    fn an_include_keyword_matches_as_a_word_in_any_case() {
        let f = filter(&["Acme"], &[]);
        assert!(f.keeps("My ACME bike broke"), "case must not matter");
        assert!(
            f.keeps("acme's support was quick."),
            "a possessive is still the word"
        );
        assert!(f.keeps("(acme)"), "punctuation is a word boundary");
        assert!(
            !f.keeps("Acmeville town fair"),
            "a longer word is not the keyword"
        );
        assert!(!f.keeps("macme"), "nor is a word ending in it");
        assert!(!f.keeps("nothing about the brand"), "no keyword, not kept");
    }

    #[test]
    fn phrases_match_across_line_breaks_and_spacing() {
        let f = filter(&["acme  bikes"], &[]);
        assert!(f.keeps("I love Acme\n  Bikes!"), "white space runs are one space");
        assert!(!f.keeps("acme-bikes"), "a hyphen is not a space");
    }

    #[test]
    fn an_exclude_keyword_wins_over_an_include_keyword() {
        let f = filter(&["acme"], &["job", "hiring"]);
        assert!(f.keeps("acme broke again"));
        assert!(
            !f.keeps("Acme is HIRING mechanics"),
            "an exclude keyword drops the entry"
        );
        assert!(f.keeps("acme jobs board"), "'jobs' is not the word 'job'");
    }

    #[test]
    fn no_include_keywords_keeps_everything_not_excluded() {
        let f = filter(&[], &["spam"]);
        assert!(f.keeps("anything at all"));
        assert!(f.keeps(""), "even an empty entry");
        assert!(!f.keeps("buy SPAM now"));
        assert!(filter(&[], &[]).keeps("x"), "no keywords keeps all");
    }

    #[test]
    fn keywords_with_symbols_and_other_scripts_match() {
        let f = filter(&["#AcmeFail", "Ünicorn"], &[]);
        assert!(f.keeps("so angry #acmefail"), "a hashtag keyword");
        assert!(f.keeps("das ünicorn rad"), "non-ASCII letters fold case too");
        assert!(!f.keeps("ünicorns"), "and keep their word boundary");
        let f = filter(&["c++"], &[]);
        assert!(
            f.keeps("I write C++ daily"),
            "a keyword ending in a symbol needs no boundary after it"
        );
    }

    #[test]
    fn keyword_lists_split_on_commas_and_drop_repeats() {
        let list = keyword_list(&["acme, Acme Bikes ,", " ACME ", "", "e-bike"]).unwrap();
        assert_eq!(
            list,
            ["acme", "Acme Bikes", "e-bike"],
            "trimmed, split, first spelling kept"
        );
        let long = "x".repeat(MAX_KEYWORD_CHARS + 1);
        let err = keyword_list(&[long]).unwrap_err().to_string();
        assert!(
            err.contains("shorter phrase"),
            "a too-long keyword says what to do: {err}"
        );
    }
}
