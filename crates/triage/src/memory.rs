//! What agents taught: every item an agent labelled, so that a new mention much like it gets the same
//! label at once. Spam comes in waves of near-copies; one "spam" from an agent should catch the rest.
//!
//! Similarity is the Jaccard overlap of the two texts' words and word pairs. An inverted index keeps the
//! lookup proportional to the words the texts share, not to the number of labels.

use std::collections::HashMap;

use earshot_core::Intent;

use crate::features::Featurizer;

/// How alike two texts must be (shared words and pairs over all of them) for a label to carry over.
pub const SIMILAR: f32 = 0.6;
/// Words in more than this many remembered texts are too common to find neighbours by.
const COMMON: usize = 500;

/// An agent's answers about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verdict {
    pub spam: Option<bool>,
    pub intent: Option<Intent>,
    pub actionable: Option<bool>,
}

#[derive(Debug, Clone)]
struct Entry {
    item: i64,
    words: Vec<u32>,
    verdict: Verdict,
}

/// The nearest remembered item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub item: i64,
    pub similarity: f32,
    pub verdict: Verdict,
}

/// The labelled items, searchable by likeness.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    entries: Vec<Entry>,
    by_item: HashMap<i64, usize>,
    index: HashMap<u32, Vec<usize>>,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.by_item.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_item.is_empty()
    }

    /// Remembers (or updates) an item's verdict.
    pub fn remember(&mut self, z: &Featurizer, item: i64, text: &str, verdict: Verdict) {
        if let Some(&at) = self.by_item.get(&item) {
            self.entries[at].verdict = verdict;
            return;
        }
        let words = z.word_keys(text);
        let at = self.entries.len();
        for w in &words {
            self.index.entry(*w).or_default().push(at);
        }
        self.entries.push(Entry { item, words, verdict });
        self.by_item.insert(item, at);
    }

    /// The most similar remembered item at or above [`SIMILAR`], leaving out `except` (to score an item
    /// against the others).
    pub fn nearest(&self, z: &Featurizer, text: &str, except: Option<i64>) -> Option<Neighbour> {
        if self.entries.is_empty() {
            return None;
        }
        let words = z.word_keys(text);
        let mut shared: HashMap<usize, u32> = HashMap::new();
        for w in &words {
            if let Some(list) = self.index.get(w).filter(|l| l.len() <= COMMON) {
                for &e in list {
                    *shared.entry(e).or_insert(0) += 1;
                }
            }
        }
        shared
            .into_iter()
            .filter(|(e, _)| Some(self.entries[*e].item) != except)
            .map(|(e, n)| {
                let entry = &self.entries[e];
                let union = words.len() + entry.words.len() - n as usize;
                (e, entry, n as f32 / union.max(1) as f32)
            })
            .filter(|(_, _, s)| *s >= SIMILAR)
            // Equally similar: the item remembered last wins, so the agents' latest word counts.
            .max_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)))
            .map(|(_, entry, similarity)| Neighbour {
                item: entry.item,
                similarity,
                verdict: entry.verdict,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_copy_finds_its_labelled_twin_and_a_different_text_does_not() {
        let z = Featurizer::new();
        let mut m = Memory::new();
        let spam = Verdict {
            spam: Some(true),
            ..Verdict::default()
        };
        m.remember(
            &z,
            1,
            "Earn $500 a day from home!! DM me now for the secret @acme",
            spam,
        );
        m.remember(
            &z,
            2,
            "@acme my parcel never arrived",
            Verdict {
                intent: Some(Intent::Complaint),
                ..Verdict::default()
            },
        );
        let n = m
            .nearest(
                &z,
                "Earn $900 a day from home!! DM me now for the secret @globex",
                None,
            )
            .expect("a near copy");
        assert_eq!((n.item, n.verdict), (1, spam));
        assert!(m
            .nearest(&z, "@acme what are your opening hours on sunday", None)
            .is_none());
        assert!(
            m.nearest(
                &z,
                "Earn $500 a day from home!! DM me now for the secret @acme",
                Some(1)
            )
            .is_none(),
            "an item is not its own neighbour when left out"
        );
    }

    #[test]
    fn between_equal_neighbours_the_latest_label_wins() {
        let z = Featurizer::new();
        let mut m = Memory::new();
        m.remember(
            &z,
            9,
            "track it for me @a",
            Verdict {
                spam: Some(true),
                ..Verdict::default()
            },
        );
        m.remember(
            &z,
            3,
            "track it for me @b",
            Verdict {
                spam: Some(false),
                ..Verdict::default()
            },
        );
        assert_eq!(m.nearest(&z, "track it for me @c", None).unwrap().item, 3);
    }

    #[test]
    fn a_new_answer_replaces_the_old_one() {
        let z = Featurizer::new();
        let mut m = Memory::new();
        m.remember(
            &z,
            7,
            "free followers here",
            Verdict {
                spam: Some(true),
                ..Verdict::default()
            },
        );
        m.remember(
            &z,
            7,
            "free followers here",
            Verdict {
                spam: Some(false),
                ..Verdict::default()
            },
        );
        assert_eq!(m.len(), 1);
        assert_eq!(
            m.nearest(&z, "free followers here", None).unwrap().verdict.spam,
            Some(false)
        );
    }
}
