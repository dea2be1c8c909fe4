//! Fuzzy search of saved replies, with the matcher Helix uses: typing "rfnd" finds "Refund policy".

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use serde::{Deserialize, Serialize};

/// Added to every title match so that any title match outranks any body match.
const TITLE_BONUS: u32 = 1 << 24;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    /// Position in the entries given.
    pub index: usize,
    pub score: u32,
}

/// Entries are (title, body). Best first; a title match outranks a body match. The query may use fzf's
/// syntax (`^refund`, `!spam`, `'exact`). An empty query returns every entry in input order.
pub fn fuzzy<'a>(query: &str, entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Hit> {
    let entries = entries.into_iter().enumerate();
    if query.trim().is_empty() {
        return entries.map(|(index, _)| Hit { index, score: 0 }).collect();
    }
    // Smart case: lower case ignores case, a capital makes it count. Smart normalisation: "cafe" finds "café".
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits = Vec::new();
    for (index, (title, body)) in entries {
        // Title and body together decide whether the entry matches at all, so "refund delay" finds a
        // title with one word and a body with the other, and "!spam" looks at both.
        let both = format!("{title}\n{body}");
        let Some(whole) = pattern.score(Utf32Str::new(&both, &mut buf), &mut matcher) else {
            continue;
        };
        let score = match pattern.score(Utf32Str::new(title, &mut buf), &mut matcher) {
            Some(s) => TITLE_BONUS.saturating_add(s),
            None => whole.min(TITLE_BONUS - 1),
        };
        hits.push(Hit { index, score });
    }
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLIES: [(&str, &str); 5] = [
        (
            "Shipping delay",
            "Sorry your parcel is late, {author.first_name}. We'll chase the courier.",
        ),
        ("Refund policy", "Refunds reach your card within 5 working days."),
        (
            "Membership renewal",
            "Your membership renews every year on the day you joined.",
        ),
        (
            "Outage apology",
            "We're sorry, the app is down. We're on it and will update you within the hour.",
        ),
        ("Café opening hours", "Our café opens at 08:00."),
    ];

    fn order(query: &str) -> Vec<usize> {
        fuzzy(query, REPLIES).into_iter().map(|h| h.index).collect()
    }

    #[test]
    fn an_empty_query_returns_everything_in_order() {
        assert_eq!(order(""), vec![0, 1, 2, 3, 4]);
        assert_eq!(order("   "), vec![0, 1, 2, 3, 4]);
        assert!(fuzzy("", []).is_empty());
    }

    #[test]
    fn letters_in_order_are_enough() {
        assert_eq!(order("rfnd"), vec![1], "rfnd is refund, in the title");
        assert_eq!(order("zzz"), Vec::<usize>::new(), "nothing matches");
    }

    #[test]
    fn title_matches_outrank_body_matches() {
        // "courier" is only in the first body; "membership" is in a title.
        assert_eq!(order("courier"), vec![0]);
        let hits = fuzzy("update", REPLIES);
        assert_eq!(hits.first().map(|h| h.index), Some(3), "found in the outage body");
        // A scattered match in a title still beats the exact word in a body.
        let entries = [("Thanks", "rfnd"), ("Return form, no data", "")];
        let hits = fuzzy("rfnd", entries);
        assert_eq!(hits.iter().map(|h| h.index).collect::<Vec<_>>(), vec![1, 0]);
        assert!(
            hits[0].score >= TITLE_BONUS && hits[1].score < TITLE_BONUS,
            "{hits:?}"
        );
    }

    #[test]
    fn a_word_start_beats_a_match_inside_a_word() {
        let hits = fuzzy("ship", REPLIES);
        assert_eq!(hits[0].index, 0, "Shipping before Membership: {hits:?}");
        assert_eq!(hits[1].index, 2);
        assert!(hits[0].score > hits[1].score);
    }

    #[test]
    fn words_may_be_split_between_title_and_body() {
        assert_eq!(order("refund card"), vec![1]);
    }

    #[test]
    fn case_and_accents_are_smart() {
        let hits = fuzzy("cafe", REPLIES);
        assert_eq!(
            hits[0].index, 4,
            "no accent in the query finds the accented title"
        );
        assert!(hits[0].score >= TITLE_BONUS, "{hits:?}");
        assert_eq!(order("OUTAGE"), Vec::<usize>::new(), "capitals make case count");
        assert_eq!(order("Outage"), vec![3]);
    }

    #[test]
    fn fzf_syntax_works() {
        assert_eq!(order("^refund"), vec![1], "prefix of a title");
        let not_sorry: Vec<usize> = order("!sorry");
        assert!(
            !not_sorry.contains(&0) && !not_sorry.contains(&3),
            "{not_sorry:?}"
        );
    }
}
