//! Turning a mention's text into the sparse features every model reads.
//!
//! Words and word pairs, and the letter runs inside each word (so "refnd" still looks like "refund"), are
//! hashed into a fixed number of buckets (the hashing trick): no vocabulary to store, and a new word needs
//! no retraining to be read. A word after a negation is also a feature of its own, and emoticons are
//! words. A few dense cues follow the hashed part: VADER's lexicon scores, links, shouting, question and
//! exclamation marks.
//!
//! The text is attacker-controlled. Nothing here allocates in proportion to anything but the text itself,
//! and very long texts are cut to [`MAX_CHARS`] characters first.

use std::collections::HashMap;

use unicase::UniCase;
use vader_sentiment::{EMOJI_LEXICON, LEXICON};
use xxhash_rust::xxh3::{xxh3_64_with_seed, Xxh3};

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
    /// A word within three words after a negation ("not", "never", "don't", ...).
    Negated(String),
    Cue(Cue),
}

impl Term {
    pub fn describe(&self) -> String {
        match self {
            Term::Word(w) => format!("\u{201c}{w}\u{201d}"),
            Term::Pair(a, b) => format!("\u{201c}{a} {b}\u{201d}"),
            Term::Letters(l) => format!("letters \u{201c}{}\u{201d}", l.trim()),
            Term::Negated(w) => format!("\u{201c}{w}\u{201d} after a negation"),
            Term::Cue(c) => c.label().to_owned(),
        }
    }
}

/// Where a hashed feature came from: a word, the pair starting at a word, or a letter run (word, byte
/// offset in " word ", byte length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    Word(usize),
    Pair(usize),
    Letters(usize, u16, u16),
    Negated(usize),
}

/// Names the features of one text (see [`Featurizer::features_named`]).
#[derive(Debug, Clone, Default)]
pub struct Names {
    toks: Vec<String>,
    refs: Vec<(u32, Ref)>,
}

impl Names {
    /// What a feature index stands for in this text.
    pub fn term(&self, index: u32) -> Option<Term> {
        if let Some(cue) = Cue::ALL.into_iter().find(|c| c.index() == index) {
            return Some(Term::Cue(cue));
        }
        let at = self.refs.partition_point(|(i, _)| *i < index);
        let (i, r) = self.refs.get(at)?;
        if *i != index {
            return None;
        }
        let tok = |n: usize| self.toks.get(n).cloned();
        match *r {
            Ref::Word(n) => tok(n).map(Term::Word),
            Ref::Pair(n) => Some(Term::Pair(tok(n)?, tok(n + 1)?)),
            Ref::Negated(n) => tok(n).map(Term::Negated),
            Ref::Letters(n, start, len) => {
                let padded = format!(" {} ", self.toks.get(n)?);
                padded
                    .get(usize::from(start)..usize::from(start) + usize::from(len))
                    .map(|s| Term::Letters(s.to_owned()))
            }
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
const SEED_NEGATED: u64 = 0x4e45_4741;

fn bucket(seed: u64, s: &str) -> u32 {
    (xxh3_64_with_seed(s.as_bytes(), seed) & u64::from(HASHED - 1)) as u32
}

/// The bucket of the pair "a b", without building the string: streaming xxh3 gives the same hash.
fn pair_bucket(a: &str, b: &str) -> u32 {
    let mut h = Xxh3::with_seed(SEED_PAIR);
    h.update(a.as_bytes());
    h.update(b" ");
    h.update(b.as_bytes());
    (h.digest() & u64::from(HASHED - 1)) as u32
}

/// Reads texts into features.
pub struct Featurizer {
    _private: (),
}

/// VADER's negations: a lexicon word within three words after one of these counts the other way.
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "none",
    "nothing",
    "nowhere",
    "neither",
    "nor",
    "cannot",
    "without",
    "nope",
    "rarely",
    "seldom",
    "despite",
    "ain't",
    "aint",
    "aren't",
    "arent",
    "can't",
    "cant",
    "couldn't",
    "couldnt",
    "didn't",
    "didnt",
    "doesn't",
    "doesnt",
    "don't",
    "dont",
    "hadn't",
    "hadnt",
    "hasn't",
    "hasnt",
    "haven't",
    "havent",
    "isn't",
    "isnt",
    "mustn't",
    "mustnt",
    "shouldn't",
    "shouldnt",
    "wasn't",
    "wasnt",
    "weren't",
    "werent",
    "won't",
    "wont",
    "wouldn't",
    "wouldnt",
];
/// VADER's damping of a negated word, and its normalisation constant.
const NEGATION_SCALE: f32 = -0.74;
const NORMALIZATION_ALPHA: f32 = 15.0;

/// Whether token `i` comes within three words after a negation (VADER's rule).
fn negated(toks: &[String], i: usize) -> bool {
    toks[i.saturating_sub(3)..i]
        .iter()
        .any(|p| NEGATIONS.contains(&p.as_str()))
}

/// VADER's lexicon (Hutto and Gilbert, 2014; MIT, shipped in the `vader_sentiment` crate) over the tokens:
/// (compound, positive share, negative share) as VADER defines them, with its negation rule. Emoji are read
/// through VADER's emoji descriptions. A lighter reading than VADER's full rules, and many times faster.
fn lexicon_scores(toks: &[String]) -> (f32, f32, f32) {
    let valence = |w: &str| LEXICON.get(&UniCase::new(w)).map(|v| *v as f32);
    let (mut sum, mut pos, mut neg, mut neutral) = (0.0f32, 0.0f32, 0.0f32, 0u32);
    for (i, t) in toks.iter().enumerate() {
        let v = match valence(t) {
            Some(v) => Some(v),
            None if !t.is_ascii() => EMOJI_LEXICON.get(t.as_str()).and_then(|d| {
                let words: Vec<f32> = d.split_whitespace().filter_map(valence).collect();
                (!words.is_empty()).then(|| words.iter().sum())
            }),
            None => None,
        };
        let Some(mut v) = v else {
            neutral += 1;
            continue;
        };
        if negated(toks, i) {
            v *= NEGATION_SCALE;
        }
        sum += v;
        if v > 0.0 {
            pos += v + 1.0;
        } else if v < 0.0 {
            neg += v - 1.0;
        } else {
            neutral += 1;
        }
    }
    let compound = (sum / (sum * sum + NORMALIZATION_ALPHA).sqrt()).clamp(-1.0, 1.0);
    let total = pos + neg.abs() + neutral as f32;
    if total == 0.0 {
        return (compound, 0.0, 0.0);
    }
    (compound, pos / total, neg.abs() / total)
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
        let bare = lower.trim_end_matches(['.', ',']);
        if is_emoticon(bare) {
            out.push(bare.to_owned());
            continue;
        }
        // "thanks:)" is a word and an emoticon.
        let (body, emoticon) = match (2..=3)
            .filter_map(|n| bare.char_indices().rev().nth(n - 1).map(|(at, _)| at))
            .find(|&at| {
                at > 0
                    && bare[at..].starts_with(|c: char| c.is_ascii_punctuation())
                    && is_emoticon(&bare[at..])
            }) {
            Some(at) => (&bare[..at], Some(&bare[at..])),
            None => (lower.as_str(), None),
        };
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
        for c in body.chars() {
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
        if let Some(e) = emoticon {
            out.push(e.to_owned());
        }
    }
    out
}

/// An emoticon that VADER's lexicon rates, such as ":)", ":-(", ";)" or "<3": punctuation that carries tone.
fn is_emoticon(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 4
        && s.chars().any(|c| c.is_ascii_punctuation())
        && LEXICON.contains_key(&UniCase::new(s))
}

fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

impl Featurizer {
    pub fn new() -> Self {
        Self { _private: () }
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
        if wanted.iter().any(|i| *i < HASHED) {
            self.build(text, Some(&mut terms), Some(wanted));
        }
        for cue in Cue::ALL {
            if wanted.contains(&cue.index()) {
                terms.insert(cue.index(), Term::Cue(cue));
            }
        }
        terms
    }

    /// The features of a text, and what can name them later at little cost (for evidence).
    pub fn features_named(&self, text: &str) -> (Features, Names) {
        let mut refs = Vec::new();
        let (features, toks) = self.build_inner(text, None, None, Some(&mut refs));
        refs.sort_unstable_by_key(|(i, _)| *i);
        (features, Names { toks, refs })
    }

    fn build(&self, text: &str, terms: Option<&mut HashMap<u32, Term>>, wanted: Option<&[u32]>) -> Features {
        self.build_inner(text, terms, wanted, None).0
    }

    fn build_inner(
        &self,
        text: &str,
        mut terms: Option<&mut HashMap<u32, Term>>,
        wanted: Option<&[u32]>,
        mut refs: Option<&mut Vec<(u32, Ref)>>,
    ) -> (Features, Vec<String>) {
        let text = cut(text);
        let toks = tokens(text);
        // (bucket, weight) for every occurrence; summed per bucket after sorting, which is faster than a map.
        let mut raw: Vec<(u32, f32)> = Vec::with_capacity(toks.len() * 14);
        let mut add = |index: u32, weight: f32, term: &dyn Fn() -> Term, r: Ref| {
            raw.push((index, weight));
            if let Some(refs) = refs.as_deref_mut() {
                refs.push((index, r));
            }
            if let Some(t) = terms.as_deref_mut() {
                if wanted.is_none_or(|w| w.contains(&index)) {
                    t.entry(index).or_insert_with(term);
                }
            }
        };
        let mut padded = String::with_capacity(32);
        let mut bounds: Vec<usize> = Vec::with_capacity(32);
        for (i, t) in toks.iter().enumerate() {
            add(bucket(SEED_WORD, t), 1.0, &|| Term::Word(t.clone()), Ref::Word(i));
            if let Some(next) = toks.get(i + 1) {
                add(
                    pair_bucket(t, next),
                    1.0,
                    &|| Term::Pair(t.clone(), next.clone()),
                    Ref::Pair(i),
                );
            }
            if t.starts_with('<') || !t.chars().next().is_some_and(char::is_alphanumeric) {
                continue;
            }
            if negated(&toks, i) {
                add(
                    bucket(SEED_NEGATED, t),
                    1.0,
                    &|| Term::Negated(t.clone()),
                    Ref::Negated(i),
                );
            }
            padded.clear();
            padded.push(' ');
            padded.push_str(t);
            padded.push(' ');
            bounds.clear();
            bounds.extend(padded.char_indices().map(|(at, _)| at));
            bounds.push(padded.len());
            let chars = bounds.len() - 1;
            for n in 3..=5 {
                if chars < n {
                    break;
                }
                for start in 0..=chars - n {
                    let s = &padded[bounds[start]..bounds[start + n]];
                    let r = Ref::Letters(i, bounds[start] as u16, s.len() as u16);
                    add(bucket(SEED_LETTERS, s), 0.5, &|| Term::Letters(s.to_owned()), r);
                }
            }
        }
        raw.sort_unstable_by_key(|(i, _)| *i);
        let mut counts: Vec<(u32, f32)> = Vec::with_capacity(raw.len());
        for (i, w) in raw {
            match counts.last_mut() {
                Some((last, c)) if *last == i => *c += w,
                _ => counts.push((i, w)),
            }
        }
        if wanted.is_some() {
            // Only the names were wanted (see `terms`); the values and cues are not needed.
            return (Features { values: Vec::new() }, toks);
        }
        // Sublinear counts, then unit length, so long texts do not outweigh short ones.
        let mut values: Vec<(u32, f32)> = counts.into_iter().map(|(i, c)| (i, 1.0 + c.ln())).collect();
        let norm = values.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut values {
                *v /= norm;
            }
        }

        let (compound, positive, negative) = lexicon_scores(&toks);
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
            (Cue::VaderCompound, compound),
            (Cue::VaderPositive, positive),
            (Cue::VaderNegative, negative),
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
        (Features { values }, toks)
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
        assert_eq!(
            tokens("thanks:) great :-D. Status: late :("),
            vec!["thanks", ":)", "great", ":-d", "status", "late", ":("]
        );
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
    fn a_word_after_a_negation_is_a_feature_of_its_own() {
        let z = Featurizer::new();
        let (_, terms) = z.explained("this is not good at all");
        assert!(terms.values().any(|t| *t == Term::Negated("good".into())));
        assert!(terms.values().any(|t| *t == Term::Negated("all".into())));
        assert!(!terms.values().any(|t| *t == Term::Negated("this".into())));
        let (_, plain) = z.explained("this is good at all");
        assert!(!plain.values().any(|t| matches!(t, Term::Negated(_))));
        assert_eq!(
            Term::Negated("good".into()).describe(),
            "\u{201c}good\u{201d} after a negation"
        );
    }

    #[test]
    fn names_agree_with_the_full_explanation() {
        let z = Featurizer::new();
        let text = "Refund me NOW, the app isn't working again?! :( @acme";
        let (f, names) = z.features_named(text);
        let (g, terms) = z.explained(text);
        assert_eq!(f, g);
        for (i, _) in &f.values {
            assert_eq!(names.term(*i).as_ref(), terms.get(i), "feature {i}");
        }
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
