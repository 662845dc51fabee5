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

/// At most this many terms of a query are used; the rest are ignored.
pub const MAX_QUERY_TERMS: usize = 16;
/// Longer "words" (long numbers, URLs cut oddly) are not useful terms.
const MAX_TERM_CHARS: usize = 60;

static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

pub fn normalise(text: &str) -> String {
    ComposingNormalizerBorrowed::new_nfc().normalize(text).into_owned()
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

/// The words of `text` (already NFC) with their byte ranges, in order.
pub fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let breaks: Vec<usize> = SEGMENTER.segment_str(text).collect();
    breaks.windows(2).map(|w| w[0]..w[1]).filter(|r| is_word(&text[r.clone()])).collect()
}

/// One search term: lower case, and only characters that both engines'
/// tokenizers keep inside a word (so a term is never split again).
fn term_of(word: &str) -> Option<String> {
    let term: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| if c.is_ascii() { c.is_ascii_alphanumeric() } else { !c.is_whitespace() && !is_punctuation(*c) })
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

/// What a search box's text asks for: terms that must all appear, and
/// quoted phrases whose terms must appear in order, side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub terms: Vec<String>,
    pub phrases: Vec<Vec<String>>,
    /// Match documents with any of the terms rather than all (ranking then
    /// prefers those with more of them, and with the rarer ones).
    pub any: bool,
}

/// Words that carry no topic in a question's title: Thai particles,
/// question words and connectives, and their English counterparts. Dropped
/// from titles matched against what was already asked.
const TITLE_FILLER: &[&str] = &[
    "ครับ",
    "ค่ะ",
    "คะ",
    "ค่า",
    "นะ",
    "จ้า",
    "จ๊ะ",
    "หน่อย",
    "ด้วย",
    "ไหม",
    "มั้ย",
    "หรือ",
    "หรือไม่",
    "อย่างไร",
    "ยังไง",
    "อะไร",
    "ทำไม",
    "ที่ไหน",
    "เมื่อไร",
    "เมื่อไหร่",
    "ใคร",
    "ไหน",
    "บ้าง",
    "ได้",
    "ไม่",
    "มี",
    "เป็น",
    "คือ",
    "ที่",
    "ซึ่ง",
    "และ",
    "กับ",
    "ของ",
    "ใน",
    "จาก",
    "ให้",
    "แล้ว",
    "จะ",
    "ก็",
    "ว่า",
    "การ",
    "ความ",
    "เรา",
    "ผม",
    "ดิฉัน",
    "ฉัน",
    "หนู",
    "ท่าน",
    "ขอ",
    "สอบถาม",
    "ถาม",
    "เรื่อง",
    "วิธี",
    "ต้อง",
    "ควร",
    "ยัง",
    "อยู่",
    "แบบ",
    "นี้",
    "นั้น",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "for",
    "and",
    "or",
    "is",
    "are",
    "do",
    "does",
    "how",
    "what",
    "why",
    "when",
    "where",
    "who",
    "which",
    "can",
    "i",
    "we",
    "my",
    "our",
    "should",
    "with",
    "about",
];

impl ParsedQuery {
    /// A question's title as a query for what was already asked or
    /// written down: its topic words (no particles or question words),
    /// any of which may match.
    pub fn from_title(title: &str) -> ParsedQuery {
        let mut terms: Vec<String> = Vec::new();
        for term in self::terms(title) {
            let useful = !TITLE_FILLER.contains(&term.as_str()) && (term.chars().count() > 1 || term.is_ascii());
            if useful && !terms.contains(&term) {
                terms.push(term);
            }
        }
        terms.truncate(MAX_QUERY_TERMS);
        ParsedQuery { terms, phrases: Vec::new(), any: true }
    }
}

impl ParsedQuery {
    pub fn parse(input: &str) -> ParsedQuery {
        let mut parsed = ParsedQuery::default();
        let mut budget = MAX_QUERY_TERMS;
        // Outside quotes at even indices, inside at odd ones; an unclosed
        // quote simply runs to the end.
        for (index, part) in input.split('"').enumerate() {
            let mut found = terms(part);
            found.truncate(budget);
            budget -= found.len();
            if index % 2 == 1 && found.len() > 1 {
                parsed.phrases.push(found);
            } else {
                for term in found {
                    if !parsed.terms.contains(&term) {
                        parsed.terms.push(term);
                    }
                }
            }
        }
        parsed
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }

    /// Every term asked for, phrase terms included (what snippets mark).
    pub fn all_terms(&self) -> impl Iterator<Item = &String> {
        self.terms.iter().chain(self.phrases.iter().flatten())
    }

    /// The query in FTS5's syntax. Each term is a quoted string, so nothing a
    /// user types is read as an FTS5 operator.
    pub fn to_fts5(&self) -> String {
        let quote = |t: &String| format!("\"{}\"", t.replace('"', "\"\""));
        let mut parts: Vec<String> = self.terms.iter().map(quote).collect();
        parts.extend(self.phrases.iter().map(|p| format!("\"{}\"", p.join(" ").replace('"', "\"\""))));
        parts.join(if self.any { " OR " } else { " AND " })
    }

    /// The query as a PostgreSQL `tsquery` literal: terms joined by `&`,
    /// phrase terms by `<->`.
    pub fn to_tsquery(&self) -> String {
        let mut parts: Vec<String> = self.terms.iter().map(|t| tsquery_lexeme(t)).collect();
        parts.extend(
            self.phrases
                .iter()
                .map(|p| format!("({})", p.iter().map(|t| tsquery_lexeme(t)).collect::<Vec<_>>().join(" <-> "))),
        );
        parts.join(if self.any { " | " } else { " & " })
    }
}

/// A lexeme quoted for a `tsvector`/`tsquery` literal.
fn tsquery_lexeme(term: &str) -> String {
    format!("'{}'", term.replace('\\', "\\\\").replace('\'', "''"))
}

/// A `tsvector` literal for a document: title terms weighted A, body terms
/// D, positions counting on from the title's (PostgreSQL caps them at 16383).
pub fn to_tsvector(title_terms: &[String], body_terms: &[String]) -> String {
    let mut out = String::new();
    let weighted = title_terms.iter().map(|t| (t, "A")).chain(body_terms.iter().map(|t| (t, "")));
    for (index, (term, weight)) in weighted.enumerate() {
        let position = (index + 1).min(16_383);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&tsquery_lexeme(term));
        out.push(':');
        out.push_str(&position.to_string());
        out.push_str(weight);
    }
    out
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
    fn a_titles_query_keeps_its_topic_words_and_matches_any() {
        let query = ParsedQuery::from_title("อยากเริ่มทำแผนที่ความรู้ต้องทำอย่างไรครับ");
        assert!(query.terms.contains(&"แผนที่".to_string()), "{query:?}");
        for filler in ["อย่างไร", "ครับ", "ต้อง"] {
            assert!(!query.terms.contains(&filler.to_string()), "{filler} dropped: {query:?}");
        }
        assert!(query.to_fts5().contains(" OR ") && query.to_tsquery().contains(" | "));
        assert!(ParsedQuery::from_title("ได้ไหมครับ").is_empty(), "nothing but particles");
    }

    #[test]
    fn punctuation_only_queries_are_empty() {
        assert!(ParsedQuery::parse("  ?!… \"\" ** ").is_empty());
        assert!(ParsedQuery::parse("").is_empty());
    }

    #[test]
    fn quoted_words_become_a_phrase() {
        let q = ParsedQuery::parse("\"after action\" review");
        assert_eq!(q.terms, vec!["review"]);
        assert_eq!(q.phrases, vec![vec!["after".to_string(), "action".to_string()]]);
        assert_eq!(q.to_fts5(), "\"review\" AND \"after action\"");
        assert_eq!(q.to_tsquery(), "'review' & ('after' <-> 'action')");
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
