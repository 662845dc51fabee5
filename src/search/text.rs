//! Text to search terms, the same way for what is indexed and what is asked:
//! NFC, lower case, then words cut by ICU4X's dictionary segmenter, which
//! finds word boundaries inside unspaced Thai (and keeps English words
//! whole). Both engines receive these terms already cut, so neither engine's
//! own tokenizer decides what a Thai word is. The comparison that chose
//! `icu_segmenter` is in ARCHITECTURE.md.

use std::ops::Range;
use std::sync::LazyLock;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

use super::lexicon::{self, Lexicon};
use super::query::ParsedQuery;
use super::words;

/// At most this many terms of a query are used; the rest are ignored.
pub const MAX_QUERY_TERMS: usize = 16;
/// Longer "words" (long numbers, URLs cut oddly) are not useful terms.
const MAX_TERM_CHARS: usize = 60;

static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// NFC, then the Thai spellings that look alike but are encoded apart made
/// one: sara am typed as nikhahit and sara aa (with the tone mark on either
/// side of the nikhahit), sara ae typed as two sara e; a Thai letter typed
/// three times or more for emphasis counts once (มากกกก is มาก); invisible
/// joiners and zero-width spaces dropped. What reads the same searches the
/// same.
pub fn normalise(text: &str) -> String {
    let nfc = ComposingNormalizerBorrowed::new_nfc().normalize(text);
    if !nfc.chars().any(|c| matches!(c, '\u{0E01}'..='\u{0E4E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')) {
        return nfc.into_owned();
    }
    let chars: Vec<char> = nfc.chars().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut i = 0;
    while i < chars.len() {
        let at = |k: usize| chars.get(i + k).copied();
        match (chars[i], at(1), at(2)) {
            ('\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}', _, _) => i += 1,
            (c @ '\u{0E01}'..='\u{0E4E}', Some(b), Some(d)) if b == c && d == c => {
                out.push(c);
                i += chars[i..].iter().take_while(|x| **x == c).count();
            }
            ('\u{0E40}', Some('\u{0E40}'), _) => {
                out.push('\u{0E41}');
                i += 2;
            }
            ('\u{0E4D}', Some('\u{0E32}'), _) => {
                out.push('\u{0E33}');
                i += 2;
            }
            ('\u{0E4D}', Some(tone @ '\u{0E48}'..='\u{0E4B}'), Some('\u{0E32}'))
            | (tone @ '\u{0E48}'..='\u{0E4B}', Some('\u{0E4D}'), Some('\u{0E32}')) => {
                out.push(tone);
                out.push('\u{0E33}');
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Whether a segment is a word worth indexing: it has a letter or digit.
/// Thai tone marks and vowel signs are not alphanumeric on their own, but a
/// Thai word always carries a consonant, which is.
fn is_word(segment: &str) -> bool {
    segment.chars().any(is_letter_or_digit)
}

/// `char::is_alphanumeric`, with the common cases (ASCII, Thai consonants
/// and digits) answered before Unicode's tables, which dominated indexing.
fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        matches!(c, '\u{0E01}'..='\u{0E2E}' | '\u{0E50}'..='\u{0E59}') || c.is_alphanumeric()
    }
}

/// The words of `text` (already normalised) with their byte ranges, in
/// order: the organisation's words kept whole where they occur, the rest
/// cut by the segmenter.
pub fn word_ranges(text: &str) -> Vec<Range<usize>> {
    word_ranges_with(&lexicon::current(), text)
}

fn word_ranges_with(lexicon: &Lexicon, text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut at = 0;
    for kept in lexicon.kept_ranges(text) {
        segment_into(&mut words, text, at..kept.start);
        words.push(kept.clone());
        at = kept.end;
    }
    segment_into(&mut words, text, at..text.len());
    words
}

/// The words of one stretch of text: ICU's word breaks, except that each
/// run of Thai letters is cut again by maximal matching over the same
/// dictionary (`words::segment_thai`), which ICU's greedy match gets wrong
/// often enough to miss words.
fn segment_into(words: &mut Vec<Range<usize>>, text: &str, span: Range<usize>) {
    let part = &text[span.clone()];
    let breaks: Vec<usize> = SEGMENTER.segment_str(part).collect();
    let mut thai_from: Option<usize> = None;
    let flush = |words: &mut Vec<Range<usize>>, from: Option<usize>, to: usize| {
        if let Some(from) = from {
            let run = &part[from..to];
            words.extend(
                words::segment_thai(run).into_iter().map(|r| span.start + from + r.start..span.start + from + r.end),
            );
        }
    };
    for w in breaks.windows(2) {
        let segment = &part[w[0]..w[1]];
        if segment.chars().all(words::is_thai_letter) {
            thai_from.get_or_insert(w[0]);
            continue;
        }
        flush(words, thai_from.take(), w[0]);
        if is_word(segment) {
            words.push(span.start + w[0]..span.start + w[1]);
        }
    }
    flush(words, thai_from.take(), part.len());
}

/// One search term: lower case, and only characters that both engines'
/// tokenizers keep inside a word (so a term is never split again).
/// Thai digits become Arabic ones (๒๕๖๙ finds 2569).
fn term_of(word: &str) -> Option<String> {
    let term: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| if c.is_ascii() { c.is_ascii_alphanumeric() } else { !c.is_whitespace() && !is_punctuation(*c) })
        .map(|c| match c {
            '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (u32::from(c) - 0x0E50) as u8),
            c => c,
        })
        .collect();
    (is_word(&term) && term.chars().count() <= MAX_TERM_CHARS).then_some(term)
}

/// Non-ASCII punctuation that may end up inside a segment (Thai ฯ and ๆ
/// follow a word; curly quotes and dashes hug it).
fn is_punctuation(c: char) -> bool {
    matches!(c, 'ฯ' | 'ๆ' | '๏' | '๚' | '๛' | '\u{2010}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF0F}')
}

/// The search terms of a text, in order (repeats kept: positions matter for
/// phrases and ranking).
pub fn terms(text: &str) -> Vec<String> {
    let text = normalise(text);
    word_ranges(&text).into_iter().filter_map(|r| term_of(&text[r])).collect()
}

/// A text as the index keeps it: its terms in order, and the words inside
/// its compounds (each with the position of its compound among the terms),
/// which match with a lower weight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysed {
    pub terms: Vec<String>,
    pub parts: Vec<(usize, String)>,
}

pub fn analyse(text: &str) -> Analysed {
    analyse_with(&lexicon::current(), text)
}

pub fn analyse_with(lexicon: &Lexicon, text: &str) -> Analysed {
    let text = normalise(text);
    let mut analysed = Analysed::default();
    for range in word_ranges_with(lexicon, &text) {
        let Some(term) = term_of(&text[range]) else { continue };
        if !lexicon.is_kept(&term) {
            if let Some(compound) = words::compound(&term) {
                let position = analysed.terms.len();
                analysed.parts.extend(compound.parts.into_iter().map(|part| (position, part)));
            }
        }
        analysed.terms.push(term);
    }
    analysed
}

/// The search term of a word as written (a dictionary entry, a word from
/// the index's vocabulary).
pub fn term(word: &str) -> Option<String> {
    term_of(&normalise(word))
}

/// The part of `text` around the first matched word, HTML-escaped, with
/// every matched word wrapped in `<mark>`. Escaping comes first and marks are
/// the only tags added, so nothing from a post reaches the page as HTML.
pub fn highlight(text: &str, query: &ParsedQuery, max_chars: usize) -> String {
    let text = normalise(text);
    let wanted: Vec<&String> = query.all_terms().collect();
    // Matched words that touch are marked as one: a Thai compound cut into
    // parts (ความ|รู้) reads as the word the user typed.
    let mut matches: Vec<Range<usize>> = Vec::new();
    for r in word_ranges(&text) {
        if !term_of(&text[r.clone()]).is_some_and(|t| wanted.contains(&&t)) {
            continue;
        }
        match matches.last_mut() {
            Some(last) if last.end == r.start => last.end = r.end,
            _ => matches.push(r),
        }
    }
    let total_chars = text.chars().count();
    let (start, end) = if total_chars <= max_chars {
        (0, text.len())
    } else {
        // Open a little before the first match, so it reads in context.
        let first = matches.first().map_or(0, |r| r.start);
        let lead = text[..first].chars().rev().take(max_chars / 4).map(char::len_utf8).sum::<usize>();
        let start = first - lead;
        let end = start + text[start..].chars().take(max_chars).map(char::len_utf8).sum::<usize>();
        snap_to_words(&text, start, end)
    };
    let mut out = String::with_capacity((end - start) * 5 / 4);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for r in matches.iter().filter(|r| r.start >= start && r.end <= end) {
        out.push_str(&tera::escape_html(&text[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&tera::escape_html(&text[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&tera::escape_html(&text[at..end]));
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Moves a snippet's edges onto word boundaries, so that it never opens or
/// closes inside a Thai word, let alone a character cluster (a tone mark or
/// vowel cut off from its consonant). The start moves back, the end back
/// too (unless that would leave nothing).
fn snap_to_words(text: &str, start: usize, end: usize) -> (usize, usize) {
    let breaks: Vec<usize> = SEGMENTER.segment_str(text).collect();
    let start = breaks.iter().rev().copied().find(|b| *b <= start).unwrap_or(0);
    let end = breaks
        .iter()
        .rev()
        .copied()
        .find(|b| *b <= end && *b > start)
        .or_else(|| breaks.iter().copied().find(|b| *b >= end))
        .unwrap_or(text.len());
    let start = cluster_start(text, start);
    let end = cluster_start(text, end);
    (start, end.max(start))
}

/// The nearest position at or before `at` that does not split a Thai
/// cluster: not before a vowel or mark that follows its consonant, and not
/// just after a vowel written before its consonant (เ แ โ ใ ไ).
fn cluster_start(text: &str, mut at: usize) -> usize {
    let follows = |c: char| matches!(c, '\u{0E30}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}');
    let leads = |c: char| matches!(c, '\u{0E40}'..='\u{0E44}');
    while at > 0 {
        let next = text[at..].chars().next();
        let prev = text[..at].chars().next_back();
        if next.is_some_and(follows) || prev.is_some_and(leads) {
            at -= prev.map_or(1, char::len_utf8);
        } else {
            break;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_words_are_cut_out_of_unspaced_text_and_english_kept_whole() {
        let found = terms("เมื่อต้องซื้อกระดาษและหมึกพิมพ์เกินห้าพันบาท ผ่าน Moodle");
        assert!(found.contains(&"กระดาษ".to_string()), "{found:?}");
        assert!(found.contains(&"moodle".to_string()), "{found:?}");
        assert!(!found.iter().any(|t| t.contains(' ')), "{found:?}");
    }

    #[test]
    fn spellings_that_read_the_same_search_the_same() {
        assert_eq!(terms("ทํางาน"), terms("ทำงาน"), "sara am as nikhahit and sara aa");
        assert_eq!(terms("น่ํา"), terms("น่ำ"), "the tone mark before the nikhahit");
        assert_eq!(terms("เเผน"), terms("แผน"), "sara ae as two sara e");
        assert_eq!(terms("ดีมากกกกก"), terms("ดีมาก"), "a letter repeated for emphasis");
        assert_eq!(terms("งบปี ๒๕๖๙"), terms("งบปี 2569"), "Thai digits");
        assert_eq!(terms("ห้อง\u{200B}ประชุม"), terms("ห้องประชุม"), "a zero-width space");
    }

    #[test]
    fn snippet_edges_never_split_a_thai_cluster() {
        let text = "ผู้ใช้งานที่ต้องการเบิกค่าใช้จ่ายต้องแนบใบเสร็จ ".repeat(20)
            + "เครื่องพิมพ์ "
            + &"แล้วส่งให้เจ้าหน้าที่การเงินตรวจสอบ ".repeat(20);
        let q = ParsedQuery::parse("เครื่องพิมพ์");
        for max in 20..90 {
            let html = highlight(&text, &q, max);
            let inner = html.trim_start_matches('…').trim_end_matches('…');
            let first = inner.chars().next().unwrap();
            let last = inner.chars().next_back().unwrap();
            assert!(!matches!(first, '\u{0E30}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}'), "{max}: {html}");
            assert!(!matches!(last, '\u{0E40}'..='\u{0E44}'), "{max}: {html}");
        }
    }

    #[test]
    fn highlight_escapes_before_marking() {
        let q = ParsedQuery::parse("script");
        let html = highlight("<script>alert(1)</script> script", &q, 200);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<mark>script</mark>"), "{html}");
    }
}
