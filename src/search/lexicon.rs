//! The organisation's own words as the text layer uses them: words that
//! must stay whole (agency names, abbreviations, project names) and groups
//! of words that mean the same (KM = การจัดการความรู้). Built from the
//! `search_words` table by `search::dictionary`; every instance holds the
//! current one and checks its version against the database before it
//! indexes or searches, so a change made on one instance is used by all.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, LazyLock, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

#[derive(Debug, Default)]
pub struct Lexicon {
    /// The `search_meta` version this was built from.
    pub version: i64,
    keep: Option<AhoCorasick>,
    /// The search terms of the words kept whole: never taken apart.
    keep_terms: HashSet<String>,
    /// Each group: the term sequences that mean the same.
    synonyms: Vec<Vec<Vec<String>>>,
}

/// Thai nominalisers: การ and ความ turn the word after them into a noun,
/// and in running text they are as often cut off as joined to the word
/// before (ทำการ|จัดการ). Among other words they are left out of what must
/// match; on their own, or in quotes, they count.
const NOMINALISERS: &[&str] = &["การ", "ความ"];

pub fn without_nominalisers(terms: &[String]) -> Vec<String> {
    let kept: Vec<String> = terms.iter().filter(|t| !NOMINALISERS.contains(&t.as_str())).cloned().collect();
    if kept.is_empty() {
        terms.to_vec()
    } else {
        kept
    }
}

static CURRENT: LazyLock<RwLock<Arc<Lexicon>>> = LazyLock::new(|| RwLock::new(Arc::new(Lexicon::default())));

/// The lexicon this instance uses now.
pub fn current() -> Arc<Lexicon> {
    CURRENT.read().unwrap_or_else(|e| e.into_inner()).clone()
}

pub fn install(lexicon: Lexicon) {
    *CURRENT.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(lexicon);
}

/// Abbreviations are written with and without their dots (สพฐ. and สพฐ):
/// both forms are kept whole, unless the bare letters are so few that they
/// turn up inside ordinary words (ก.พ. as กพ in นกพิราบ).
fn written_forms(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    let undotted: String = word.chars().filter(|c| *c != '.').collect();
    if undotted != word && undotted.chars().count() >= 3 {
        forms.push(undotted);
    }
    forms
}

/// Vowels and marks written after their consonant, and vowels written
/// before it: a word kept whole never ends before the one nor after the
/// other, which would cut a Thai syllable in two.
fn splits_a_syllable(before: Option<char>, after: Option<char>) -> bool {
    let leads = |c: char| matches!(c, '\u{0E40}'..='\u{0E44}');
    let follows = |c: char| matches!(c, '\u{0E31}' | '\u{0E33}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}');
    before.is_some_and(leads) || after.is_some_and(follows)
}

impl Lexicon {
    /// `keep`: words as written (already normalised), with their terms;
    /// `synonyms`: groups of term sequences.
    pub fn new(version: i64, keep: Vec<(String, String)>, synonyms: Vec<Vec<Vec<String>>>) -> Lexicon {
        let patterns: Vec<String> = keep.iter().flat_map(|(word, _)| written_forms(word)).collect();
        let matcher = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Lexicon {
            version,
            keep: matcher,
            keep_terms: keep.into_iter().map(|(_, term)| term).collect(),
            synonyms: synonyms
                .into_iter()
                .map(|group| group.iter().map(|s| without_nominalisers(s)).collect::<Vec<_>>())
                .filter(|group| group.len() > 1)
                .collect(),
        }
    }

    /// Where the words kept whole occur in `text`. A word in Latin letters
    /// counts only on its own (KM, not the KM inside KMS); Thai is written
    /// without spaces, so there any occurrence counts.
    pub fn kept_ranges(&self, text: &str) -> Vec<Range<usize>> {
        let Some(matcher) = &self.keep else { return Vec::new() };
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        matcher
            .find_iter(text)
            .map(|m| m.range())
            .filter(|r| {
                let word = &text[r.clone()];
                let (before, after) = (text[..r.start].chars().next_back(), text[r.end..].chars().next());
                let glued_to_latin =
                    (latin(word.chars().next()) && latin(before)) || (latin(word.chars().next_back()) && latin(after));
                !glued_to_latin && !splits_a_syllable(before, after)
            })
            .collect()
    }

    pub fn is_kept(&self, term: &str) -> bool {
        self.keep_terms.contains(term)
    }

    /// The other ways of saying `sequence` (a term, or terms side by side),
    /// if it is one side of a synonym group.
    pub fn synonyms_of(&self, sequence: &[String]) -> Vec<Vec<String>> {
        self.synonyms
            .iter()
            .filter(|group| group.iter().any(|s| s.as_slice() == sequence))
            .flat_map(|group| group.iter().filter(|s| s.as_slice() != sequence).cloned())
            .collect()
    }

    /// The longest synonym term sequence that starts `terms`, in terms.
    pub fn synonym_at(&self, terms: &[String]) -> Option<usize> {
        self.synonyms.iter().flatten().filter(|s| terms.starts_with(s)).map(Vec::len).max()
    }
}
