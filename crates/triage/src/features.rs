//! Turning a mention's text into the sparse features every model reads.
//!
//! Words and word pairs, and the letter runs inside each word (so "refnd" still looks like "refund"), are
//! hashed into a fixed number of buckets (the hashing trick): no vocabulary to store, and a new word needs
//! no retraining to be read. A few dense cues follow the hashed part: VADER's sentiment scores, links,
//! shouting, question and exclamation marks.
//!
//! The text is attacker-controlled. Nothing here allocates in proportion to anything but the text itself,
//! and very long texts are cut to [`MAX_CHARS`] characters first.

use std::collections::HashMap;

use vader_sentiment::SentimentIntensityAnalyzer;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// How many leading characters of a text are read. Mentions are short; a hostile 1 MB post is not read whole.
pub const MAX_CHARS: usize = 2_000;

/// The number of hashed buckets: 2^18. Collisions cost little at this size for texts this short.
pub const HASH_BITS: u32 = 18;
pub const HASHED: u32 = 1 << HASH_BITS;

/// The dense cues, placed after the hashed buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    VaderCompound,
    VaderPositive,
    VaderNegative,
    Link,
    Question,
    Exclamation,
    Shouting,
    Numbers,
    Short,
}

impl Cue {
    pub const ALL: [Cue; 9] = [
        Cue::VaderCompound,
        Cue::VaderPositive,
        Cue::VaderNegative,
        Cue::Link,
        Cue::Question,
        Cue::Exclamation,
        Cue::Shouting,
        Cue::Numbers,
        Cue::Short,
    ];

    pub fn index(self) -> u32 {
        HASHED + self as u32
    }

    pub fn label(self) -> &'static str {
        match self {
            Cue::VaderCompound => "overall tone (VADER)",
            Cue::VaderPositive => "positive words (VADER)",
            Cue::VaderNegative => "negative words (VADER)",
            Cue::Link => "contains a link",
            Cue::Question => "asks a question",
            Cue::Exclamation => "exclamation marks",
            Cue::Shouting => "written in capitals",
            Cue::Numbers => "long numbers (phone, code, order)",
            Cue::Short => "very short",
        }
    }
}

/// One past the highest feature index: the width of every weight vector.
pub const WIDTH: u32 = HASHED + Cue::ALL.len() as u32;

/// What a feature stands for, kept only when an explanation is asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Word(String),
    Pair(String, String),
    Letters(String),
    Cue(Cue),
}

impl Term {
    pub fn describe(&self) -> String {
        match self {
            Term::Word(w) => format!("\u{201c}{w}\u{201d}"),
            Term::Pair(a, b) => format!("\u{201c}{a} {b}\u{201d}"),
            Term::Letters(l) => format!("letters \u{201c}{}\u{201d}", l.trim()),
            Term::Cue(c) => c.label().to_owned(),
        }
    }
}

/// A text's features: sorted, unique indices with their values, L2-normalised over the hashed part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    pub values: Vec<(u32, f32)>,
}

const SEED_WORD: u64 = 0x5745_5244;
const SEED_PAIR: u64 = 0x5041_4952;
const SEED_LETTERS: u64 = 0x4c45_5454;

fn bucket(seed: u64, s: &str) -> u32 {
    (xxh3_64_with_seed(s.as_bytes(), seed) & u64::from(HASHED - 1)) as u32
}

/// Reads texts into features. Cheap to clone; holds VADER's analyser.
pub struct Featurizer {
    vader: SentimentIntensityAnalyzer<'static>,
}

impl Default for Featurizer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Featurizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Featurizer")
    }
}

/// A token of normalised text.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        let lower = raw.to_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
            out.push("<link>".into());
            continue;
        }
        if lower.starts_with('@') && lower.len() > 1 {
            out.push("<user>".into());
            continue;
        }
        let mut word = String::new();
        let mut last: Option<char> = None;
        let mut run = 0;
        let flush = |word: &mut String, out: &mut Vec<String>| {
            if !word.is_empty() {
                let w = std::mem::take(word);
                let trimmed = w.trim_matches('\'');
                if !trimmed.is_empty() {
                    out.push(trimmed.to_owned());
                }
            }
        };
        for c in lower.chars() {
            if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '#' && word.is_empty() {
                let c = if c == '\u{2019}' { '\'' } else { c };
                let c = if c.is_ascii_digit() { '0' } else { c };
                // "sooooo" reads as "soo": a run longer than two adds nothing.
                if Some(c) == last && c.is_alphabetic() {
                    run += 1;
                    if run > 2 {
                        continue;
                    }
                } else {
                    run = 1;
                }
                last = Some(c);
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                last = None;
                run = 0;
                if matches!(c, '!' | '?') || !c.is_ascii() && !c.is_whitespace() && !c.is_control() {
                    // Punctuation that carries tone, and emoji, are tokens of their own.
                    out.push(c.to_string());
                }
            }
        }
        flush(&mut word, &mut out);
    }
    out
}

fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

impl Featurizer {
    pub fn new() -> Self {
        Self {
            vader: SentimentIntensityAnalyzer::new(),
        }
    }

    /// The features of a text.
    pub fn features(&self, text: &str) -> Features {
        self.build(text, None, None)
    }

    /// The features of a text, and what each index stands for (for explanations).
    pub fn explained(&self, text: &str) -> (Features, HashMap<u32, Term>) {
        let mut terms = HashMap::new();
        let f = self.build(text, Some(&mut terms), None);
        (f, terms)
    }

    /// The text's words and word pairs, hashed, sorted and unique, leaving out handles and links: what
    /// [`crate::memory::Memory`] compares texts by.
    pub fn word_keys(&self, text: &str) -> Vec<u32> {
        let toks: Vec<String> = tokens(cut(text))
            .into_iter()
            .filter(|t| !t.starts_with('<'))
            .collect();
        let mut keys: Vec<u32> = toks.iter().map(|t| bucket(SEED_WORD, t)).collect();
        keys.extend(
            toks.windows(2)
                .map(|w| bucket(SEED_PAIR, &format!("{} {}", w[0], w[1]))),
        );
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// What the given feature indices of a text stand for; cheaper than [`Featurizer::explained`].
    pub fn terms(&self, text: &str, wanted: &[u32]) -> HashMap<u32, Term> {
        let mut terms = HashMap::new();
        if !wanted.is_empty() {
            self.build(text, Some(&mut terms), Some(wanted));
        }
        terms
    }

    fn build(
        &self,
        text: &str,
        mut terms: Option<&mut HashMap<u32, Term>>,
        wanted: Option<&[u32]>,
    ) -> Features {
        let text = cut(text);
        let toks = tokens(text);
        let mut counts: HashMap<u32, f32> = HashMap::with_capacity(toks.len() * 8);
        let mut add = |index: u32, weight: f32, term: &dyn Fn() -> Term| {
            *counts.entry(index).or_insert(0.0) += weight;
            if let Some(t) = terms.as_deref_mut() {
                if wanted.is_none_or(|w| w.contains(&index)) {
                    t.entry(index).or_insert_with(term);
                }
            }
        };
        for (i, t) in toks.iter().enumerate() {
            add(bucket(SEED_WORD, t), 1.0, &|| Term::Word(t.clone()));
            if let Some(next) = toks.get(i + 1) {
                let pair = format!("{t} {next}");
                add(bucket(SEED_PAIR, &pair), 1.0, &|| {
                    Term::Pair(t.clone(), next.clone())
                });
            }
            if t.starts_with('<') || !t.chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            let padded: Vec<char> = format!(" {t} ").chars().collect();
            for n in 3..=5 {
                if padded.len() < n {
                    break;
                }
                for w in padded.windows(n) {
                    let s: String = w.iter().collect();
                    add(bucket(SEED_LETTERS, &s), 0.5, &|| Term::Letters(s.clone()));
                }
            }
        }
        // Sublinear counts, then unit length, so long texts do not outweigh short ones.
        let mut values: Vec<(u32, f32)> = counts.into_iter().map(|(i, c)| (i, 1.0 + c.ln())).collect();
        // Sorted before summing, so the result does not depend on the map's order.
        values.sort_unstable_by_key(|(i, _)| *i);
        let norm = values.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut values {
                *v /= norm;
            }
        }

        let scores = self.vader.polarity_scores(text);
        let score = |k: &str| scores.get(k).copied().unwrap_or(0.0) as f32;
        let prose = text
            .split_whitespace()
            .filter(|w| !(w.starts_with('@') || w.contains("://") || w.starts_with("www.")));
        let (letters, capitals) = prose.flat_map(str::chars).fold((0usize, 0usize), |(l, u), c| {
            (
                l + usize::from(c.is_alphabetic()),
                u + usize::from(c.is_uppercase()),
            )
        });
        let words = toks.len();
        let cues = [
            (Cue::VaderCompound, score("compound")),
            (Cue::VaderPositive, score("pos")),
            (Cue::VaderNegative, score("neg")),
            (Cue::Link, f32::from(u8::from(toks.iter().any(|t| t == "<link>")))),
            (Cue::Question, f32::from(u8::from(text.contains('?')))),
            (Cue::Exclamation, (text.matches('!').count().min(3) as f32) / 3.0),
            (
                Cue::Shouting,
                if letters >= 8 {
                    capitals as f32 / letters as f32
                } else {
                    0.0
                },
            ),
            (
                Cue::Numbers,
                f32::from(u8::from(
                    toks.iter().any(|t| t.len() >= 5 && t.chars().all(|c| c == '0')),
                )),
            ),
            (Cue::Short, f32::from(u8::from(words <= 3))),
        ];
        for (cue, v) in cues {
            if v != 0.0 {
                values.push((cue.index(), v));
                if let Some(t) = terms.as_deref_mut() {
                    t.insert(cue.index(), Term::Cue(cue));
                }
            }
        }
        Features { values }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_links_handles_digits_and_stretching() {
        assert_eq!(
            tokens("Sooooo ANGRY @BrandSupport see https://x.co/a order 12345!!"),
            vec!["soo", "angry", "<user>", "see", "<link>", "order", "00000", "!", "!"]
        );
        assert_eq!(tokens("don't  #fail"), vec!["don't", "#fail"]);
        assert_eq!(tokens("love it 😍"), vec!["love", "it", "😍"]);
    }

    #[test]
    fn features_are_sorted_unique_and_unit_length() {
        let f = Featurizer::new().features("The app is down again, refund me now!");
        let idx: Vec<u32> = f.values.iter().map(|(i, _)| *i).collect();
        let mut sorted = idx.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(idx, sorted, "indices must be sorted and unique");
        let hashed: f32 = f
            .values
            .iter()
            .filter(|(i, _)| *i < HASHED)
            .map(|(_, v)| v * v)
            .sum();
        assert!(
            (hashed - 1.0).abs() < 1e-4,
            "hashed part has unit length, got {hashed}"
        );
        assert!(idx.iter().all(|i| *i < WIDTH));
    }

    #[test]
    fn the_same_text_gives_the_same_features_and_case_does_not_matter() {
        let z = Featurizer::new();
        assert_eq!(z.features("Refund please"), z.features("Refund please"));
        let a = z.features("REFUND please");
        let b = z.features("refund please");
        let hashed = |f: &Features| {
            f.values
                .iter()
                .filter(|(i, _)| *i < HASHED)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(hashed(&a), hashed(&b));
    }

    #[test]
    fn vader_and_cues_are_read() {
        let z = Featurizer::new();
        let f = z.features("I LOVE THIS SO MUCH, thank you!!! https://example.com");
        let get = |c: Cue| f.values.iter().find(|(i, _)| *i == c.index()).map(|(_, v)| *v);
        assert!(get(Cue::VaderCompound).unwrap() > 0.5);
        assert_eq!(get(Cue::Link), Some(1.0));
        assert_eq!(get(Cue::Exclamation), Some(1.0));
        assert!(get(Cue::Shouting).unwrap() > 0.5);
        assert_eq!(get(Cue::Question), None);
    }

    #[test]
    fn explanations_name_the_words() {
        let (f, terms) = Featurizer::new().explained("refund now");
        for (i, _) in &f.values {
            assert!(terms.contains_key(i), "every feature has a term");
        }
        assert!(terms.values().any(|t| *t == Term::Word("refund".into())));
        assert!(terms
            .values()
            .any(|t| *t == Term::Pair("refund".into(), "now".into())));
    }

    #[test]
    fn hostile_text_is_cut_and_never_panics() {
        let z = Featurizer::new();
        let long = "a\u{0301}".repeat(100_000);
        let f = z.features(&long);
        assert!(!f.values.is_empty());
        for s in ["", " ", "\u{202e}\u{0000}", "🙂🙂🙂", "''''", "@", "#"] {
            let _ = z.features(s);
        }
    }
}
