//! What we promised a customer: sentences in our own sent replies that commit us to something later
//! ("I'll get back to you by Friday"), with the time we named, for the shift handover.
//!
//! This is a reading of English support replies, not a grammar: a sentence is a promise when we (or
//! someone on our side) *will* do one of the things support teams promise, when we say we are doing it
//! now ("we're looking into it"), or in a few fixed phrases ("leave it with me", "expect … from us").
//! Past tense, questions, quoted customer text and negations ("we won't") are not promises.

use serde::{Deserialize, Serialize};

use crate::text::cut;

/// A promise's sentence is cut to this many characters.
const PHRASE_CHARS: usize = 160;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Promise {
    /// The sentence, trimmed.
    pub phrase: String,
    /// The time we named in it, as written: "tomorrow", "by Friday", "within 2 hours".
    pub when: Option<String>,
}

/// The promises in one of our replies, in the order written.
pub fn promises(text: &str) -> Vec<Promise> {
    sentences(text)
        .into_iter()
        .filter_map(|sentence| {
            if sentence
                .trim_end_matches(['"', '\'', ')', '”', '’'])
                .ends_with('?')
            {
                return None;
            }
            // Curly apostrophes become straight ones; ASCII lower case keeps byte offsets the same.
            let clean = sentence.replace(['’', '‘'], "'");
            let lower = clean.to_ascii_lowercase();
            let tokens = tokens(&lower);
            let words = expand(&tokens);
            is_promise(&words).then(|| Promise {
                phrase: cut(sentence, PHRASE_CHARS),
                when: time_hint(&tokens, &clean),
            })
        })
        .collect()
}

/// Sentences, line by line. Quoted lines ("> …") are the customer's words and are skipped.
fn sentences(text: &str) -> Vec<&str> {
    const ENDS: [char; 4] = ['.', '!', '?', '…'];
    const CLOSERS: [char; 5] = ['"', '\'', ')', '”', '’'];
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('>') {
            continue;
        }
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut start = 0;
        let mut k = 0;
        while k < chars.len() {
            if !ENDS.contains(&chars[k].1) {
                k += 1;
                continue;
            }
            let mut last = k;
            while last + 1 < chars.len()
                && (ENDS.contains(&chars[last + 1].1) || CLOSERS.contains(&chars[last + 1].1))
            {
                last += 1;
            }
            // "3.5 days" and "example.com" do not end a sentence: only a break after the stop does.
            match chars.get(last + 1) {
                Some(&(at, c)) if c.is_whitespace() => {
                    out.push(line[start..at].trim());
                    start = at;
                }
                None => {
                    out.push(line[start..].trim());
                    start = line.len();
                }
                Some(_) => {}
            }
            k = last + 1;
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// A word of the lower-cased sentence and where it is.
struct Token<'a> {
    word: &'a str,
    start: usize,
    end: usize,
}

fn tokens(lower: &str) -> Vec<Token<'_>> {
    let is_word = |c: char| c.is_alphanumeric() || c == '\'' || c == '-';
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices().chain([(lower.len(), ' ')]) {
        match (start, is_word(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let raw = &lower[s..i];
                let word = raw.trim_start_matches(['\'', '-']);
                let lead = raw.len() - word.len();
                let word = word.trim_end_matches(['\'', '-']);
                if !word.is_empty() {
                    out.push(Token {
                        word,
                        start: s + lead,
                        end: s + lead + word.len(),
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Words with contractions opened up: "we'll" → "we will", "won't" → "will not".
fn expand<'a>(tokens: &[Token<'a>]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(tokens.len() + 4);
    for t in tokens {
        let w = t.word;
        let special = match w {
            "won't" => Some(["will", "not"]),
            "shan't" => Some(["shall", "not"]),
            "can't" => Some(["can", "not"]),
            "let's" => Some(["let", "us"]),
            "i'm" => Some(["i", "am"]),
            _ => None,
        };
        if let Some(pair) = special {
            out.extend(pair);
            continue;
        }
        let split = [
            ("'ll", "will"),
            ("'re", "are"),
            ("'ve", "have"),
            ("'d", "would"),
            ("n't", "not"),
            ("'s", "is"),
        ]
        .into_iter()
        .find_map(|(suffix, full)| {
            w.strip_suffix(suffix)
                .filter(|s| !s.is_empty())
                .map(|s| (s, full))
        });
        match split {
            Some((head, tail)) => out.extend([head, tail]),
            None => out.push(w),
        }
    }
    out
}

/// Things support teams promise to do, as the word after "will".
const VERBS: &str =
    "add arrange ask book call cancel chase check circle come confirm contact credit dig dm do \
     double-check e-mail email escalate expedite file find fix flag follow forward get handle have \
     help investigate issue keep let look loop message monitor notify open organise organize pass \
     phone ping post prioritise prioritize process push raise reach refund reimburse reopen replace \
     reply request resend resolve respond return review ring schedule see send share ship sort speak \
     take talk text update waive work write";

/// What we say we are doing right now: "we're looking into it".
const DOING: &str =
    "arranging chasing checking contacting escalating fixing following investigating looking \
     monitoring preparing processing reviewing sending sorting working";

/// Words that may sit between "will" and the verb.
const ADVERBS: &str =
    "absolutely also certainly definitely first gladly happily immediately just now personally \
     quickly right shortly soon still then asap";

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    !word.is_empty() && list.split_whitespace().any(|w| w == word)
}

fn is_promise(w: &[&str]) -> bool {
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let has = |phrase: &[&str]| w.windows(phrase.len()).any(|win| win == phrase);
    let on_it = at(0) == "on" && at(1) == "it";
    if on_it || has(&["leave", "it", "with", "me"]) || has(&["leave", "it", "with", "us"]) {
        return true;
    }
    if let Some(e) = w.iter().position(|x| *x == "expect") {
        if w[e..].windows(2).any(|p| p == ["from", "us"]) {
            return true;
        }
    }
    (0..w.len()).any(|i| {
        let word = w[i];
        let subject = if i > 0 { w[i - 1] } else { "" };
        // "will" and "shall", and "are going to".
        let verb_at = match word {
            "will" | "shall" => i + 1,
            "going" if at(i + 1) == "to" && matches!(subject, "are" | "am") => i + 2,
            "let" if matches!(at(i + 1), "me" | "us") => {
                return matches!(
                    at(i + 2),
                    "check"
                        | "look"
                        | "find"
                        | "see"
                        | "ask"
                        | "chase"
                        | "confirm"
                        | "get"
                        | "dig"
                        | "loop"
                        | "escalate"
                );
            }
            "are" | "am" if matches!(subject, "we" | "i") => {
                let mut j = i + 1;
                while matches!(
                    at(j),
                    "currently" | "now" | "still" | "already" | "actively" | "all"
                ) {
                    j += 1;
                }
                return listed(DOING, at(j)) || (at(j) == "on" && at(j + 1) == "it");
            }
            _ => return false,
        };
        let subject = if word == "going" {
            at(i.saturating_sub(2))
        } else {
            subject
        };
        // "will you …" and "shall we …" ask; "they will" is someone else's promise, and "this will update"
        // describes a thing.
        if matches!(at(verb_at), "you" | "we" | "i")
            || matches!(subject, "they" | "it" | "this" | "that" | "which")
        {
            return false;
        }
        if subject == "you" {
            // "You'll hear from us", "you'll receive an email from us".
            return matches!(at(verb_at), "hear" | "receive" | "get")
                && (has(&["from", "us"]) || has(&["hear", "back"]));
        }
        let mut j = verb_at;
        loop {
            match at(j) {
                "try" | "aim" | "need" | "want" if at(j + 1) == "to" => j += 2,
                "be" if at(j + 1) == "sure" && at(j + 2) == "to" => j += 3,
                "make" if at(j + 1) == "sure" => return true,
                a if listed(ADVERBS, a) => j += 1,
                _ => break,
            }
        }
        match at(j) {
            "be" => matches!(at(j + 1), "in" | "back" | "with") || listed(DOING, at(j + 1)),
            verb => listed(VERBS, verb),
        }
    })
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const DAY_PARTS: [&str; 6] = ["morning", "afternoon", "evening", "night", "week", "weekend"];
const NUMBER_WORDS: [&str; 17] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty-five",
    "few",
];
const UNITS: [&str; 12] = [
    "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "day", "days", "week", "weeks",
];

/// The first time named in the sentence, as written.
fn time_hint(tokens: &[Token], clean: &str) -> Option<String> {
    let words: Vec<&str> = tokens.iter().map(|t| t.word).collect();
    (0..tokens.len()).find_map(|i| {
        let len = hint_at(&words, i)?;
        Some(clean[tokens[i].start..tokens[i + len - 1].end].to_string())
    })
}

/// How many words from `i` make a time hint, if any.
fn hint_at(words: &[&str], i: usize) -> Option<usize> {
    let word = |i: usize| words.get(i).copied().unwrap_or("");
    let w = word(i);
    match w {
        "today" | "tonight" => Some(1),
        "tomorrow" => Some(if DAY_PARTS[..4].contains(&word(i + 1)) {
            2
        } else {
            1
        }),
        "later" if word(i + 1) == "today" => Some(2),
        "this" if DAY_PARTS.contains(&word(i + 1)) => Some(2),
        "next" if matches!(word(i + 1), "business" | "working") && word(i + 2) == "day" => Some(3),
        "next" if matches!(word(i + 1), "week" | "month" | "weekend") || WEEKDAYS.contains(&word(i + 1)) => {
            Some(2)
        }
        "on" | "by" | "before" | "until" => match word(i + 1) {
            next if WEEKDAYS.contains(&next) => Some(2),
            "today" | "tonight" | "tomorrow" | "eod" => Some(2),
            "end" if word(i + 2) == "of" => match (word(i + 3), word(i + 4)) {
                ("the", "day" | "week") => Some(5),
                ("day" | "today" | "week", _) => Some(4),
                _ => None,
            },
            _ => None,
        },
        "end" if word(i + 1) == "of" && word(i + 2) == "day" => Some(3),
        "eod" => Some(1),
        _ if WEEKDAYS.contains(&w) => Some(1),
        "within" | "in" => {
            // "within 24h"
            if is_compact_duration(word(i + 1)) {
                return Some(2);
            }
            let mut j = i + 1;
            if word(j) == "the" {
                j += 1;
                if word(j) == "next" {
                    j += 1;
                }
            }
            if word(j) == "a" || word(j) == "an" {
                j += 1;
            }
            if is_number(word(j)) || (word(j) == "couple" && word(j + 1) == "of") {
                j += if word(j) == "couple" { 2 } else { 1 };
            }
            if matches!(word(j), "business" | "working") {
                j += 1;
            }
            // At least one word between the preposition and the unit, except "within the hour".
            (UNITS.contains(&word(j)) && j > i + 1).then_some(j - i + 1)
        }
        _ => None,
    }
}

fn is_number(w: &str) -> bool {
    let digits = !w.is_empty()
        && w.chars().all(|c| c.is_ascii_digit() || c == '-')
        && w.starts_with(|c: char| c.is_ascii_digit());
    digits || NUMBER_WORDS.contains(&w)
}

/// "24h", "48hrs", "30min".
fn is_compact_duration(w: &str) -> bool {
    let unit = w.trim_start_matches(|c: char| c.is_ascii_digit());
    unit.len() < w.len() && matches!(unit, "h" | "hr" | "hrs" | "m" | "min" | "mins" | "d")
}

#[cfg(test)]
mod tests;
