//! What a search box's text asks for, and the same in each engine's query
//! language. Each word or quoted phrase becomes a *unit* that must match
//! (or any of them, for a title's topic words); a unit may be matched by
//! alternatives besides what was typed: the other side of a synonym group
//! of the organisation's dictionary. (A compound needs none: documents
//! index the words inside their compounds, and Thai is cut the same alone
//! as in context.)

use super::lexicon::{self, without_nominalisers, Lexicon};
use super::text::{terms, MAX_QUERY_TERMS};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The words typed outside quotes.
    pub terms: Vec<String>,
    /// Quoted phrases: their terms must appear in order, side by side.
    pub phrases: Vec<Vec<String>>,
    /// Match documents with any of the units rather than all (ranking then
    /// prefers those with more of them, and with the rarer ones).
    pub any: bool,
    /// What must match (all of them, or any when `any`).
    pub units: Vec<Unit>,
}

/// One thing a query asks for: any of its alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    pub alternatives: Vec<Alternative>,
}

/// Terms side by side (a phrase), or all of them anywhere in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub terms: Vec<String>,
    pub phrase: bool,
}

impl Alternative {
    fn phrase(terms: Vec<String>) -> Alternative {
        Alternative { terms, phrase: true }
    }

    /// Words that mean the same as what was typed are matched as all of
    /// their terms, not side by side: a document cuts them in context,
    /// where a nominaliser (การ, ความ) may join the word before it.
    fn all_of(terms: &[String]) -> Alternative {
        Alternative { terms: without_nominalisers(terms), phrase: false }
    }
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
        ParsedQuery { terms, phrases: Vec::new(), any: true, units: Vec::new() }.expanded(&lexicon::current())
    }

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
        parsed.expanded(&lexicon::current())
    }

    /// Builds the units: typed words side by side that form one side of a
    /// synonym group become one unit with the other sides as alternatives;
    /// a compound also matches its words side by side; a phrase matches as
    /// typed or as a synonym of the whole phrase.
    fn expanded(mut self, lexicon: &Lexicon) -> ParsedQuery {
        let mut units = Vec::new();
        let typed = without_nominalisers(&self.terms);
        let mut at = 0;
        while at < typed.len() {
            let rest = &typed[at..];
            if let Some(len) = lexicon.synonym_at(rest) {
                let span = &rest[..len];
                let mut alternatives = vec![Alternative::all_of(span)];
                alternatives.extend(lexicon.synonyms_of(span).iter().map(|s| Alternative::all_of(s)));
                units.push(Unit { alternatives });
                at += len;
                continue;
            }
            let term = &rest[0];
            let mut alternatives = vec![Alternative::phrase(vec![term.clone()])];
            alternatives.extend(lexicon.synonyms_of(std::slice::from_ref(term)).iter().map(|s| Alternative::all_of(s)));
            units.push(Unit { alternatives });
            at += 1;
        }
        for phrase in &self.phrases {
            let mut alternatives = vec![Alternative::phrase(phrase.clone())];
            alternatives.extend(lexicon.synonyms_of(phrase).iter().map(|s| Alternative::all_of(s)));
            units.push(Unit { alternatives });
        }
        self.units = units;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }

    /// The terms typed, phrase terms included.
    pub fn typed_terms(&self) -> impl Iterator<Item = &String> {
        self.terms.iter().chain(self.phrases.iter().flatten())
    }

    /// Every term that may match, alternatives included (what snippets
    /// mark).
    pub fn all_terms(&self) -> impl Iterator<Item = &String> {
        self.units.iter().flat_map(|u| u.alternatives.iter().flat_map(|a| a.terms.iter()))
    }

    /// The query in FTS5's syntax. Each term is a quoted string, so nothing a
    /// user types is read as an FTS5 operator.
    pub fn to_fts5(&self) -> String {
        let quote = |words: &[String]| format!("\"{}\"", words.join(" ").replace('"', "\"\""));
        self.join_units(quote, " AND ", " OR ", if self.any { " OR " } else { " AND " })
    }

    /// The query as a PostgreSQL `tsquery` literal: terms joined by `&`,
    /// phrase terms by `<->`, alternatives by `|`.
    pub fn to_tsquery(&self) -> String {
        let phrase = |words: &[String]| match words {
            [term] => tsquery_lexeme(term),
            _ => format!("({})", words.iter().map(|t| tsquery_lexeme(t)).collect::<Vec<_>>().join(" <-> ")),
        };
        self.join_units(phrase, " & ", " | ", if self.any { " | " } else { " & " })
    }

    fn join_units(&self, phrase: impl Fn(&[String]) -> String, and: &str, or: &str, between: &str) -> String {
        let group = |parts: Vec<String>, joiner: &str| match parts.len() {
            1 => parts.into_iter().next().unwrap_or_default(),
            _ => format!("({})", parts.join(joiner)),
        };
        self.units
            .iter()
            .map(|unit| {
                let choices = unit
                    .alternatives
                    .iter()
                    .map(|a| match a.phrase {
                        true => phrase(&a.terms),
                        false => group(a.terms.iter().map(|t| phrase(std::slice::from_ref(t))).collect(), and),
                    })
                    .collect();
                group(choices, or)
            })
            .collect::<Vec<_>>()
            .join(between)
    }
}

/// A lexeme quoted for a `tsvector`/`tsquery` literal.
pub(super) fn tsquery_lexeme(term: &str) -> String {
    format!("'{}'", term.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_synonym_group_matches_either_side() {
        let lexicon = Lexicon::new(
            1,
            vec![("KM".into(), "km".into())],
            vec![vec![vec!["km".into()], vec!["การ".into(), "จัดการ".into(), "ความรู้".into()]]],
        );
        let typed = |terms: &[&str]| ParsedQuery {
            terms: terms.iter().map(|t| t.to_string()).collect(),
            ..ParsedQuery::default()
        };
        let q = typed(&["km", "ทีม"]).expanded(&lexicon);
        assert_eq!(q.to_tsquery(), "('km' | ('จัดการ' & 'ความรู้')) & 'ทีม'");
        let q = typed(&["การ", "จัดการ", "ความรู้"]).expanded(&lexicon);
        assert_eq!(q.to_fts5(), "((\"จัดการ\" AND \"ความรู้\") OR \"km\")");
    }
}
