//! Urgency cues: words that mean someone needs us now, whatever the model thinks of the rest.
//!
//! A rule, not a model, on purpose: an agent can read the list, and a missed "lawsuit" costs more than a
//! false alarm. Phrases match whole words; a phrase ending in `*` matches the start of a word ("injur*"
//! matches "injured" and "injury").

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use earshot_core::{Urgency, UrgencyCue};

const CUES: &[(UrgencyCue, &[&str])] = &[
    (
        UrgencyCue::Outage,
        &[
            "is down",
            "are down",
            "down again",
            "still down",
            "down for",
            "outage",
            "not working",
            "isn't working",
            "isnt working",
            "stopped working",
            "doesn't work",
            "doesnt work",
            "can't log in",
            "cant log in",
            "cannot log in",
            "can't login",
            "cant login",
            "unable to log",
            "won't load",
            "wont load",
            "not loading",
            "won't open",
            "keeps crashing",
            "crashes",
            "error 500",
            "500 error",
            "service unavailable",
            "still shows green",
            "no service",
            "no signal",
            "no internet",
            "no power",
            "power cut",
            "power outage",
            "without power",
            "offline",
            "disconnected",
            "sin señal",
            "sin internet",
            "sin luz",
            "sin electricidad",
            "corte de luz",
            "panne",
            "ausfall",
            "sem internet",
            "sem sinal",
        ],
    ),
    (
        UrgencyCue::Money,
        &[
            "refund",
            "charged twice",
            "double charged",
            "double-charged",
            "overcharged",
            "chargeback",
            "charge back",
            "money back",
            "took my money",
            "stole my money",
            "unauthorized charge",
            "unauthorised charge",
            "billing error",
            "can't access my money",
            "cant access my money",
            "can't withdraw",
            "cant withdraw",
            "account frozen",
            "account is frozen",
            "funds frozen",
            "paycheck",
            "can't pay",
            "cant pay",
            "reembolso",
            "remboursement",
        ],
    ),
    (
        UrgencyCue::Cancellation,
        &[
            "cancel my",
            "cancelling",
            "canceling",
            "cancellation",
            "close my account",
            "closing my account",
            "switching to",
            "moving to another",
            "leaving you",
            "done with you",
            "never using",
        ],
    ),
    (
        UrgencyCue::Legal,
        &[
            "lawyer",
            "attorney",
            "solicitor",
            "sue you",
            "suing",
            "lawsuit",
            "legal action",
            "small claims",
            "class action",
            "regulator",
            "ombudsman",
            "trading standards",
            "report you to",
            "ftc",
            "bbb",
        ],
    ),
    (
        UrgencyCue::Safety,
        &[
            "injur*",
            "hurt",
            "caught fire",
            "flames",
            "sparks",
            "smoke",
            "burned",
            "burnt",
            "gas leak",
            "carbon monoxide",
            "allergic",
            "anaphyla*",
            "reaction",
            "food poisoning",
            "poison",
            "hospital",
            "a&e",
            "ambulance",
            "medication",
            "oxygen",
            "chemo",
            "insulin",
            "dangerous",
            "unsafe",
            "exploded",
            "choking",
            "snapped",
            "recall",
            "flooding",
            "flooded",
            "burst",
            "stranded",
            "stuck on",
            "stuck at",
            "nowhere to go",
            "runs out",
            "ran out of",
            "emergency",
            "urgent",
            "urgence",
            "urgente",
            "notaufnahme",
        ],
    ),
    (
        UrgencyCue::Security,
        &[
            "hacked",
            "fraud",
            "scammed",
            "stolen",
            "phishing",
            "data breach",
            "breach",
            "identity theft",
            "compromised",
            "someone logged into",
            "someone accessed",
            "lost my phone",
            "lock my account",
            "unauthorized",
            "unauthorised",
        ],
    ),
];

/// Finds urgency cues in text.
#[derive(Debug, Clone)]
pub struct UrgencyRules {
    matcher: AhoCorasick,
    /// For each pattern, its cue, and whether it may stop inside a word.
    cues: Vec<(UrgencyCue, bool)>,
}

impl Default for UrgencyRules {
    fn default() -> Self {
        Self::new()
    }
}

impl UrgencyRules {
    pub fn new() -> Self {
        let mut patterns = Vec::new();
        let mut cues = Vec::new();
        for (cue, phrases) in CUES {
            for p in *phrases {
                let prefix = p.ends_with('*');
                patterns.push(format!(" {}", p.trim_end_matches('*')));
                cues.push((*cue, prefix));
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .expect("the urgency phrases are plain text");
        Self { matcher, cues }
    }

    /// The first cue in the text, with the words that raised it.
    pub fn find(&self, text: &str) -> Option<Urgency> {
        // One space before every word, apostrophes kept, everything else a space: " can't log in".
        let mut normal = String::with_capacity(text.len() + 1);
        normal.push(' ');
        let mut last_space = true;
        for c in text.chars().take(crate::features::MAX_CHARS) {
            let c = if c == '\u{2019}' { '\'' } else { c };
            if c.is_alphanumeric() || c == '\'' || c == '-' || c == '&' {
                normal.push(c);
                last_space = false;
            } else if !last_space {
                normal.push(' ');
                last_space = true;
            }
        }
        normal.push(' ');
        self.matcher.find_overlapping_iter(&normal).find_map(|m| {
            let (cue, prefix) = self.cues[m.pattern().as_usize()];
            let rest = &normal[m.end()..];
            if !prefix && !rest.starts_with(' ') {
                return None;
            }
            // A prefix reads to the end of the word it stops in ("injur*" shows as "injured").
            let tail = rest.find(' ').map_or(rest, |at| &rest[..at]);
            Some(Urgency {
                cue,
                phrase: format!("{}{tail}", normal[m.start()..m.end()].trim_start()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_cue_with_its_words() {
        let r = UrgencyRules::new();
        let cases = [
            ("@acme your app is DOWN again", UrgencyCue::Outage, "is DOWN"),
            (
                "I was charged twice for order 1234",
                UrgencyCue::Money,
                "charged twice",
            ),
            ("my lawyer will hear about this", UrgencyCue::Legal, "lawyer"),
            (
                "my son was injured by your scooter",
                UrgencyCue::Safety,
                "injured",
            ),
            ("my account got hacked!!", UrgencyCue::Security, "hacked"),
            (
                "I\u{2019}m cancelling tomorrow",
                UrgencyCue::Cancellation,
                "cancelling",
            ),
            (
                "can\u{2019}t log in since 9am",
                UrgencyCue::Outage,
                "can't log in",
            ),
        ];
        for (text, cue, phrase) in cases {
            let u = r.find(text).unwrap_or_else(|| panic!("no cue in {text:?}"));
            assert_eq!((u.cue, u.phrase.as_str()), (cue, phrase), "{text}");
        }
    }

    #[test]
    fn ordinary_words_do_not_raise_cues() {
        let r = UrgencyRules::new();
        for text in [
            "love the new update, thanks!",
            "what time do you open on sunday?",
            "the download was fast",
            "shutdown timer is handy",
            "a hurtle of joy",
            "this album is fire",
            "errands done, time for a coffee",
            "this album is fire",
            "errands done, time for a coffee",
        ] {
            assert_eq!(r.find(text), None, "{text}");
        }
    }
}
