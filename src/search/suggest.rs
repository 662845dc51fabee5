//! "Did you mean": when a query finds nothing or little, a word of it that
//! the index does not hold is compared with the words it does hold
//! (`search_vocabulary`, filled as documents are indexed), and a word one
//! letter away is offered if the corrected query finds more — for the same
//! person, with the same filters, so a suggestion never reveals a word
//! from a community they cannot read. A Thai typo often makes the
//! segmenter cut the word differently, so a word is also tried together
//! with its neighbour.

use diesel::prelude::*;

use super::text;
use crate::db::schema::search_vocabulary as vocabulary;
use crate::db::AnyConnection;
use crate::error::Result;

/// Fewer results than this, and a suggestion is looked for.
pub const FEW: i64 = 3;
/// A spelling's results are counted up to this many (more cannot make it
/// a better suggestion).
pub const ENOUGH: i64 = 50;
/// Corrected queries tried at most (each is a search).
const MAX_TRIES: usize = 4;
/// Words shorter than this are too easily one letter from anything.
const MIN_CHARS: usize = 3;
/// Words of a query tried together as one misspelt word, at most.
const WINDOW: usize = 3;
/// Words longer than this are not kept in the vocabulary.
pub const MAX_VOCABULARY_CHARS: usize = 30;

/// Whether a term is worth keeping in the vocabulary.
pub fn suggestible(term: &str) -> bool {
    let chars = term.chars().count();
    (MIN_CHARS - 1..=MAX_VOCABULARY_CHARS).contains(&chars) && !term.chars().all(|c| c.is_ascii_digit())
}

/// A corrected query that `finds` (how many results a query gets) answers
/// with more than `found`, or `None`.
pub fn suggestion(
    conn: &mut AnyConnection,
    typed: &str,
    found: i64,
    mut finds: impl FnMut(&mut AnyConnection, &str) -> Result<i64>,
) -> Result<Option<String>> {
    let normalised = text::normalise(typed);
    let words: Vec<(std::ops::Range<usize>, String)> = text::word_ranges(&normalised)
        .into_iter()
        .filter_map(|r| text::term(&normalised[r.clone()]).map(|t| (r, t)))
        .take(super::text::MAX_QUERY_TERMS)
        .collect();
    let terms: Vec<&str> = words.iter().map(|(_, t)| t.as_str()).collect();
    let known: Vec<String> =
        vocabulary::table.filter(vocabulary::term.eq_any(&terms)).select(vocabulary::term).load(conn)?;
    // The stretches of text to correct: each unknown word, alone and with
    // up to two words it touches on either side (a typo makes the
    // segmenter cut a Thai word into pieces).
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for (index, (_, term)) in words.iter().enumerate() {
        if known.contains(term) {
            continue;
        }
        for first in index.saturating_sub(WINDOW - 1)..=index {
            for last in index..(first + WINDOW).min(words.len()) {
                let touching = words[first..=last].windows(2).all(|pair| pair[0].0.end == pair[1].0.start);
                let span = words[first].0.start..words[last].0.end;
                if touching && !spans.contains(&span) {
                    spans.push(span);
                }
            }
        }
    }
    let wanted: Vec<String> = spans.iter().filter_map(|span| text::term(&normalised[span.clone()])).collect();
    let vocabulary = near_words(conn, &wanted)?;
    let mut best: Option<(i64, String)> = None;
    let mut tries = 0;
    for span in spans {
        let Some(term) = text::term(&normalised[span.clone()]) else { continue };
        if term.chars().count() < MIN_CHARS {
            continue;
        }
        for candidate in vocabulary.iter().filter(|w| strsim::levenshtein(w, &term) == 1) {
            if tries == MAX_TRIES {
                break;
            }
            tries += 1;
            let corrected = format!("{}{}{}", &normalised[..span.start], candidate, &normalised[span.end..]);
            let count = finds(conn, &corrected)?;
            if count > found && best.as_ref().is_none_or(|(most, _)| count > *most) {
                best = Some((count, corrected));
            }
        }
    }
    Ok(best.map(|(_, corrected)| corrected))
}

/// The vocabulary's words as long as any of `terms`, give or take a letter.
fn near_words(conn: &mut AnyConnection, terms: &[String]) -> Result<Vec<String>> {
    let lengths = terms.iter().map(|t| t.chars().count()).filter(|n| (MIN_CHARS..=MAX_VOCABULARY_CHARS).contains(n));
    let (Some(shortest), Some(longest)) = (lengths.clone().min(), lengths.max()) else { return Ok(Vec::new()) };
    let length = diesel::dsl::sql::<diesel::sql_types::Integer>("length(term)");
    Ok(vocabulary::table
        .filter(length.clone().ge(shortest as i32 - 1))
        .filter(length.le(longest as i32 + 1))
        .order(vocabulary::term.asc())
        .select(vocabulary::term)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_of_useful_length_are_kept() {
        assert!(suggestible("budget"));
        assert!(suggestible("สารบรรณ"));
        assert!(!suggestible("a"));
        assert!(!suggestible("2569"));
        assert!(!suggestible(&"ก".repeat(40)));
    }
}
