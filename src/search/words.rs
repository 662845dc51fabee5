//! The words inside a Thai compound. The segmenter cuts the longest
//! dictionary word it can (ปีงบประมาณ, "fiscal year"), so a document holding
//! the compound would never match a query for one of its parts (งบประมาณ,
//! "budget"). The index therefore also keeps each compound's *parts* — the
//! words of the segmenter's own dictionary that the compound is made of —
//! with a lower weight than whole words, so a part finds the compound and
//! a whole-word match still ranks first.

use std::sync::LazyLock;

use icu_provider::prelude::*;
use icu_segmenter::provider::{Baked, DictionaryBreakData, SegmenterDictionaryExtendedV2};

/// Compounds longer than this are not taken apart (long unknown runs the
/// segmenter left whole are not compounds).
const MAX_COMPOUND_CHARS: usize = 30;
/// A compound is at most this many words; more pieces means short,
/// accidental words inside one longer one.
const MAX_PIECES: usize = 4;
/// Enough ways of cutting one compound.
const MAX_SPLITS: usize = 32;

/// ICU's Thai word list, as compiled into the segmenter's data (static,
/// so it is borrowed, never copied).
static THAI_DICTIONARY: LazyLock<Option<&'static DictionaryBreakData<'static>>> = LazyLock::new(|| {
    let request = DataRequest {
        id: DataIdentifierBorrowed::for_marker_attributes(DataMarkerAttributes::from_str_or_panic("thaidict")),
        ..Default::default()
    };
    let loaded: Option<DataResponse<SegmenterDictionaryExtendedV2>> = Baked.load(request).ok();
    loaded.and_then(|response| response.payload.get_static())
});

/// Thai consonants, vowels and marks (not digits, ฯ or ๆ).
pub fn is_thai_letter(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E2E}' | '\u{0E30}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E45}' | '\u{0E47}'..='\u{0E4E}')
}

/// Marks and vowels written after their consonant: a word never ends
/// just before one of them.
fn follows_consonant(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E33}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}')
}

/// The ends (exclusive, in chars) of the dictionary words that start at
/// `start`.
fn dictionary_ends(chars: &[char], start: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let Some(dictionary) = *THAI_DICTIONARY else { return ends };
    let mut record = |offset: usize| {
        let end = start + offset + 1;
        if chars.get(end).is_none_or(|c| !follows_consonant(*c)) {
            ends.push(end);
        }
    };
    match dictionary {
        DictionaryBreakData::Char16Trie(trie) => {
            let mut cursor = trie.cursor();
            for (offset, c) in chars[start..].iter().enumerate() {
                cursor.step32(u32::from(*c));
                if cursor.value().is_some() {
                    record(offset);
                }
                if cursor.is_empty() {
                    break;
                }
            }
        }
        DictionaryBreakData::ZeroTrie { alphabet, trie } => {
            let mut cursor = trie.cursor();
            for (offset, c) in chars[start..].iter().enumerate() {
                cursor.step(alphabet.position32(u32::from(*c)).and_then(|i| u8::try_from(i).ok()).unwrap_or(0xFF));
                if cursor.take_value().is_some() {
                    record(offset);
                }
                if cursor.is_empty() {
                    break;
                }
            }
        }
    }
    ends
}

/// Where a Thai word may start: not before a mark or vowel written after
/// its consonant, nor just after a vowel written before it.
fn may_start_at(chars: &[char], at: usize) -> bool {
    at == 0 || at == chars.len() || (!follows_consonant(chars[at]) && !matches!(chars[at - 1], '\u{0E40}'..='\u{0E44}'))
}

/// Cuts a run of Thai letters into words by maximal matching: the cut
/// with the fewest letters outside the dictionary, then the fewest words
/// (the segmenter's own greedy longest match takes แล้วก|องค|ลัง where the
/// text says แล้ว|กอง|คลัง). Letters outside the dictionary stay together
/// as one word. Byte ranges within `run`.
pub fn segment_thai(run: &str) -> Vec<std::ops::Range<usize>> {
    let chars: Vec<char> = run.chars().collect();
    let n = chars.len();
    // best[i]: (letters unknown, words) for the text from i to the end,
    // and where the first word ends.
    let mut best: Vec<(usize, usize, usize, bool)> = vec![(usize::MAX, usize::MAX, n, false); n + 1];
    best[n] = (0, 0, n, false);
    for start in (0..n).rev() {
        if !may_start_at(&chars, start) {
            continue;
        }
        for end in dictionary_ends(&chars, start) {
            if !may_start_at(&chars, end) || best[end].0 == usize::MAX {
                continue;
            }
            let cost = (best[end].0, best[end].1 + 1);
            if cost < (best[start].0, best[start].1) {
                best[start] = (cost.0, cost.1, end, true);
            }
        }
        // Or one letter (with its marks) the dictionary does not know.
        let mut end = start + 1;
        while !may_start_at(&chars, end) {
            end += 1;
        }
        if best[end].0 != usize::MAX {
            let cost = (best[end].0 + (end - start), best[end].1 + 1);
            if cost < (best[start].0, best[start].1) {
                best[start] = (cost.0, cost.1, end, false);
            }
        }
    }
    let offsets: Vec<usize> = run.char_indices().map(|(i, _)| i).chain(std::iter::once(run.len())).collect();
    let mut words: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    let mut unknown_since: Option<usize> = None;
    while at < n {
        let (_, _, end, known) = best[at];
        if known {
            if let Some(from) = unknown_since.take() {
                words.push(offsets[from]..offsets[at]);
            }
            words.push(offsets[at]..offsets[end]);
        } else if unknown_since.is_none() {
            unknown_since = Some(at);
        }
        at = end;
    }
    if let Some(from) = unknown_since {
        words.push(offsets[from]..offsets[n]);
    }
    words
}

/// How a compound is made of dictionary words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compound {
    /// Every word found inside it, in every way of cutting it into as few
    /// words as possible (or one more), the compound itself left out.
    pub parts: Vec<String>,
}

/// The dictionary words a Thai word is made of; `None` when it is not Thai,
/// too short or long, or cannot be cut into dictionary words at all.
pub fn compound(word: &str) -> Option<Compound> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 || chars.len() > MAX_COMPOUND_CHARS || !chars.iter().all(|c| is_thai_letter(*c)) {
        return None;
    }
    let n = chars.len();
    // Pieces of one char are too often accidents (a consonant that happens
    // to be a word); never the whole word either.
    let ends: Vec<Vec<usize>> = (0..n)
        .map(|start| {
            dictionary_ends(&chars, start)
                .into_iter()
                .filter(|end| end - start >= 2 && (start, *end) != (0, n))
                .collect()
        })
        .collect();
    // fewest[i]: the fewest pieces that cover chars[i..].
    let mut fewest = vec![usize::MAX; n + 1];
    fewest[n] = 0;
    for start in (0..n).rev() {
        fewest[start] = ends[start].iter().filter_map(|end| fewest[*end].checked_add(1)).min().unwrap_or(usize::MAX);
    }
    if fewest[0] > MAX_PIECES {
        return None;
    }
    let limit = (fewest[0] + 1).min(MAX_PIECES);
    let mut splits: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut path = Vec::new();
    collect_splits(&ends, &fewest, 0, limit, &mut path, &mut splits);
    let piece = |(start, end): (usize, usize)| chars[start..end].iter().collect::<String>();
    let mut parts: Vec<String> = Vec::new();
    for split in &splits {
        for range in split {
            let word = piece(*range);
            if !parts.contains(&word) {
                parts.push(word);
            }
        }
    }
    (!parts.is_empty()).then_some(Compound { parts })
}

fn collect_splits(
    ends: &[Vec<usize>],
    fewest: &[usize],
    at: usize,
    limit: usize,
    path: &mut Vec<(usize, usize)>,
    out: &mut Vec<Vec<(usize, usize)>>,
) {
    if out.len() >= MAX_SPLITS {
        return;
    }
    if at == ends.len() {
        out.push(path.clone());
        return;
    }
    for end in &ends[at] {
        if fewest[*end] == usize::MAX || path.len() + 1 + fewest[*end] > limit {
            continue;
        }
        path.push((at, *end));
        collect_splits(ends, fewest, *end, limit, path, out);
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compound_holds_its_words() {
        let e_filing = compound("สารบรรณอิเล็กทรอนิกส์").expect("a compound");
        assert!(e_filing.parts.contains(&"สารบรรณ".to_string()), "{e_filing:?}");
        assert!(!e_filing.parts.contains(&"สารบรรณอิเล็กทรอนิกส์".to_string()));
        let hospital = compound("โรงพยาบาล").expect("a compound");
        assert_eq!(hospital.parts, vec!["โรง", "พยาบาล"]);
    }

    #[test]
    fn thai_is_cut_into_the_fewest_dictionary_words() {
        let cut = |text: &str| segment_thai(text).into_iter().map(|r| text[r].to_string()).collect::<Vec<_>>();
        assert_eq!(cut("ปีที่แล้วกองคลัง"), vec!["ปี", "ที่", "แล้ว", "กอง", "คลัง"]);
        assert_eq!(cut("จัดซื้อจัดจ้างวัสดุ"), vec!["จัด", "ซื้อ", "จัด", "จ้าง", "วัสดุ"]);
        // Letters outside the dictionary stay one word.
        let unknown = cut("ไปซฟฮฦคล");
        assert_eq!(unknown.concat(), "ไปซฟฮฦคล");
        assert!(unknown.len() <= 3, "{unknown:?}");
    }

    #[test]
    fn english_and_short_words_are_not_compounds() {
        assert_eq!(compound("budget"), None);
        assert_eq!(compound("ปี"), None);
    }
}
