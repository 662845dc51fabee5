//! The organisation's search dictionary: words that must stay whole (unit
//! and project names, abbreviations) and groups of words that mean the
//! same. Admins keep the site's entries, facilitators their community's;
//! every entry applies to all text, since a name is a name wherever it is
//! written. Each change moves the `lexicon` version in `search_meta`, which
//! every instance compares before it indexes or searches ([`refresh`]), and
//! a change to the words kept whole rebuilds the documents that hold them
//! in the background (`search::rebuild`). Synonyms need no rebuild: they
//! widen the query, not the index.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::lexicon::{self, Lexicon};
use super::rebuild;
use super::text;
use crate::authz::{Action, Viewer};
use crate::communities::{self, Community};
use crate::db::schema::{communities as communities_t, search_meta, search_words};
use crate::db::{write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};

/// Sala's own starting list (Thai public-sector abbreviations, KM terms),
/// added to the site's dictionary once, when the database is new.
pub const DEFAULT_WORDS: &str = include_str!("default_words.txt");

const KIND_KEEP: &str = "keep";
const KIND_SYNONYMS: &str = "synonyms";
/// How a synonym group is written in a text file: `KM = การจัดการความรู้`.
const SYNONYM_SEPARATOR: &str = " = ";
const MAX_WORD_CHARS: usize = 60;
const MAX_SYNONYMS: usize = 8;
/// Entries one scope may hold.
const MAX_ENTRIES: i64 = 2_000;

/// Whose entries: the site's (admins) or one community's (its facilitators).
#[derive(Debug, Clone)]
pub enum Scope {
    Site,
    Community(Community),
}

impl Scope {
    /// The scope a viewer may keep: a community's for its facilitators, the
    /// site's for admins.
    pub fn for_keeper(conn: &mut AnyConnection, viewer: Viewer, community: Option<&str>) -> Result<Scope> {
        Ok(match communities::community_or_site(conn, viewer, community, Action::ManageSearchWords)? {
            Some(community) => Scope::Community(community),
            None => Scope::Site,
        })
    }

    fn community_id(&self) -> Option<i64> {
        match self {
            Scope::Site => None,
            Scope::Community(c) => Some(c.id),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A word never cut apart, nor taken apart into the words inside it.
    Keep(String),
    /// Words (or phrases) that find each other.
    Synonyms(Vec<String>),
}

impl Entry {
    /// One line of a dictionary file; `None` for blank lines and comments.
    pub fn parse_line(line: &str) -> Option<Entry> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        if line.contains('=') {
            let words: Vec<String> =
                line.split('=').map(|w| w.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
            return Some(Entry::Synonyms(words));
        }
        Some(Entry::Keep(line.to_string()))
    }

    pub fn to_line(&self) -> String {
        match self {
            Entry::Keep(word) => word.clone(),
            Entry::Synonyms(words) => words.join(SYNONYM_SEPARATOR),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Entry::Keep(_) => KIND_KEEP,
            Entry::Synonyms(_) => KIND_SYNONYMS,
        }
    }

    fn stored_words(&self) -> String {
        match self {
            Entry::Keep(word) => word.clone(),
            Entry::Synonyms(words) => words.join("\n"),
        }
    }

    fn from_row(kind: &str, words: &str) -> Entry {
        if kind == KIND_SYNONYMS {
            Entry::Synonyms(words.lines().map(str::to_string).collect())
        } else {
            Entry::Keep(words.to_string())
        }
    }

    fn validate(&self, v: &mut Validator) {
        match self {
            Entry::Keep(word) => {
                v.line("words", word, MAX_WORD_CHARS);
                v.check(!word.chars().any(char::is_whitespace), FieldError::new("words", "error-search-word-space"));
                v.check(text::term(word).is_some(), FieldError::new("words", "error-search-word-empty"));
            }
            Entry::Synonyms(words) => {
                v.check(
                    (2..=MAX_SYNONYMS).contains(&words.len()),
                    FieldError::with_limit("words", "error-search-synonyms-count", MAX_SYNONYMS as i64),
                );
                for word in words {
                    v.line("words", word, MAX_WORD_CHARS);
                    v.check(!text::terms(word).is_empty(), FieldError::new("words", "error-search-word-empty"));
                }
            }
        }
    }
}

/// An entry as the dictionary page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WordEntry {
    pub id: i64,
    /// `keep` or `synonyms`.
    pub kind: String,
    /// The word kept whole, or the words of the group.
    pub words: Vec<String>,
    /// The community whose entry it is; none for the site's.
    pub community: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The entries of one scope, newest first.
pub fn list(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<WordEntry>> {
    let mut query = search_words::table
        .left_join(communities_t::table.on(search_words::community_id.eq(communities_t::id.nullable())))
        .select((
            search_words::id,
            search_words::kind,
            search_words::words,
            communities_t::slug.nullable(),
            search_words::created_at,
        ))
        .order(search_words::id.desc())
        .into_boxed();
    query = match scope.community_id() {
        Some(id) => query.filter(search_words::community_id.eq(id)),
        None => query.filter(search_words::community_id.is_null()),
    };
    let rows: Vec<(i64, String, String, Option<String>, NaiveDateTime)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, words, community, created_at)| WordEntry {
            id,
            words: match Entry::from_row(&kind, &words) {
                Entry::Keep(word) => vec![word],
                Entry::Synonyms(words) => words,
            },
            kind,
            community,
            created_at,
        })
        .collect())
}

/// Adds entries to a scope (those it already holds are skipped) and starts
/// the rebuild the words kept whole need. The number added.
pub fn add(conn: &mut AnyConnection, viewer: Viewer, scope: &Scope, entries: &[Entry]) -> Result<usize> {
    let mut v = Validator::default();
    for entry in entries {
        entry.validate(&mut v);
    }
    v.check(!entries.is_empty(), FieldError::new("words", "error-required"));
    v.finish()?;
    let added = write_tx(conn, |conn| {
        let existing: Vec<Entry> = entries_of(conn, scope)?;
        v.check(
            existing.len() as i64 + entries.len() as i64 <= MAX_ENTRIES,
            FieldError::with_limit("words", "error-search-words-full", MAX_ENTRIES),
        );
        v.finish()?;
        let fresh: Vec<&Entry> = entries.iter().filter(|e| !existing.contains(e)).collect();
        for entry in &fresh {
            diesel::insert_into(search_words::table)
                .values((
                    search_words::community_id.eq(scope.community_id()),
                    search_words::kind.eq(entry.kind()),
                    search_words::words.eq(entry.stored_words()),
                    search_words::created_by.eq(viewer.user_id),
                    search_words::created_at.eq(crate::db::now()),
                ))
                .execute(conn)?;
        }
        let count = fresh.len();
        changed(conn, fresh.into_iter())?;
        Ok(count)
    })?;
    Ok(added)
}

/// Removes an entry of a scope.
pub fn remove(conn: &mut AnyConnection, scope: &Scope, id: i64) -> Result<()> {
    write_tx(conn, |conn| {
        let row: Option<(String, String)> = match scope.community_id() {
            Some(c) => search_words::table
                .filter(search_words::id.eq(id))
                .filter(search_words::community_id.eq(c))
                .select((search_words::kind, search_words::words))
                .first(conn)
                .optional()?,
            None => search_words::table
                .filter(search_words::id.eq(id))
                .filter(search_words::community_id.is_null())
                .select((search_words::kind, search_words::words))
                .first(conn)
                .optional()?,
        };
        let (kind, words) = row.ok_or(Error::NotFound)?;
        diesel::delete(search_words::table.find(id)).execute(conn)?;
        changed(conn, std::iter::once(&Entry::from_row(&kind, &words)))
    })
}

/// A scope's entries as a text file: one word kept whole per line, a
/// synonym group as its words joined by ` = `.
pub fn export(conn: &mut AnyConnection, scope: &Scope) -> Result<String> {
    let mut out = String::from("# Sala search dictionary\n");
    for entry in entries_of(conn, scope)? {
        out.push_str(&entry.to_line());
        out.push('\n');
    }
    Ok(out)
}

/// Rebuilds shown with a scope's dictionary, newest first: all of them
/// for the site's; for a community's, full rebuilds and those of its own
/// words only (another community's words are its own business).
pub fn rebuilds(conn: &mut AnyConnection, scope: &Scope, limit: usize) -> Result<Vec<rebuild::Progress>> {
    const LOOK_BACK: i64 = 50;
    let recent = rebuild::recent(conn, LOOK_BACK)?;
    let own: Vec<String> = match scope {
        Scope::Site => return Ok(recent.into_iter().take(limit).collect()),
        Scope::Community(_) => entries_of(conn, scope)?
            .into_iter()
            .filter_map(|e| match e {
                Entry::Keep(word) => Some(word),
                Entry::Synonyms(_) => None,
            })
            .collect(),
    };
    Ok(recent.into_iter().filter(|r| r.words.iter().all(|w| own.contains(w))).take(limit).collect())
}

/// Reads a dictionary file (see [`export`]).
pub fn parse_file(file: &str) -> Vec<Entry> {
    file.lines().filter_map(Entry::parse_line).collect()
}

fn entries_of(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Entry>> {
    let mut query = search_words::table.select((search_words::kind, search_words::words)).into_boxed();
    query = match scope.community_id() {
        Some(id) => query.filter(search_words::community_id.eq(id)),
        None => query.filter(search_words::community_id.is_null()),
    };
    query = query.order(search_words::id.asc());
    let rows: Vec<(String, String)> = query.load(conn)?;
    Ok(rows.iter().map(|(kind, words)| Entry::from_row(kind, words)).collect())
}

/// After entries changed: every instance reloads the dictionary, and the
/// documents holding a word that is now kept whole (or no longer) are
/// indexed again.
fn changed<'a>(conn: &mut AnyConnection, entries: impl Iterator<Item = &'a Entry>) -> Result<()> {
    bump(conn, search_meta_names::LEXICON)?;
    let kept: Vec<String> = entries
        .filter_map(|e| match e {
            Entry::Keep(word) => Some(word.clone()),
            Entry::Synonyms(_) => None,
        })
        .collect();
    if !kept.is_empty() {
        rebuild::enqueue(conn, &kept)?;
    }
    Ok(())
}

pub(super) mod search_meta_names {
    pub const LEXICON: &str = "lexicon";
    pub const TEXT: &str = "text";
    pub const DEFAULTS: &str = "defaults";
}

pub(super) fn meta(conn: &mut AnyConnection, name: &str) -> Result<Option<i64>> {
    Ok(search_meta::table.find(name).select(search_meta::value).first(conn).optional()?)
}

pub(super) fn set_meta(conn: &mut AnyConnection, name: &str, value: i64) -> Result<()> {
    let updated = diesel::update(search_meta::table.find(name)).set(search_meta::value.eq(value)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(search_meta::table)
            .values((search_meta::name.eq(name), search_meta::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

fn bump(conn: &mut AnyConnection, name: &str) -> Result<()> {
    diesel::update(search_meta::table.find(name)).set(search_meta::value.eq(search_meta::value + 1)).execute(conn)?;
    Ok(())
}

/// Makes sure this instance uses the dictionary as it is now: one small
/// query when nothing changed.
pub fn refresh(conn: &mut AnyConnection) -> Result<()> {
    let version = meta(conn, search_meta_names::LEXICON)?.unwrap_or(0);
    if lexicon::current().version == version && version != 0 {
        return Ok(());
    }
    let rows: Vec<(String, String)> = search_words::table
        .select((search_words::kind, search_words::words))
        .order(search_words::id.asc())
        .load(conn)?;
    let entries: Vec<Entry> = rows.iter().map(|(kind, words)| Entry::from_row(kind, words)).collect();
    lexicon::install(build(version, &entries));
    Ok(())
}

/// The lexicon of a list of entries: the words kept whole first, since
/// they decide how the synonyms' own words are cut.
pub fn build(version: i64, entries: &[Entry]) -> Lexicon {
    let keep: Vec<(String, String)> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Keep(word) => {
                let written = text::normalise(word);
                text::term(&written).map(|term| (written, term))
            }
            Entry::Synonyms(_) => None,
        })
        .collect();
    let keep_only = Lexicon::new(version, keep.clone(), Vec::new());
    let synonyms = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Synonyms(words) => Some(
                words
                    .iter()
                    .map(|w| text::analyse_with(&keep_only, w).terms)
                    .filter(|terms| !terms.is_empty())
                    .collect(),
            ),
            Entry::Keep(_) => None,
        })
        .collect();
    Lexicon::new(version, keep, synonyms)
}

/// Adds Sala's default list to the site's dictionary the first time the
/// server starts on a database (an admin may remove any of it later).
pub fn install_defaults(conn: &mut AnyConnection) -> Result<()> {
    // Read first: a start-up that changes nothing takes no write lock.
    if meta(conn, search_meta_names::DEFAULTS)?.is_some() {
        return Ok(());
    }
    write_tx(conn, |conn| {
        if meta(conn, search_meta_names::DEFAULTS)?.is_some() {
            return Ok(());
        }
        set_meta(conn, search_meta_names::DEFAULTS, 1)?;
        for entry in parse_file(DEFAULT_WORDS) {
            diesel::insert_into(search_words::table)
                .values((
                    search_words::community_id.eq(None::<i64>),
                    search_words::kind.eq(entry.kind()),
                    search_words::words.eq(entry.stored_words()),
                    search_words::created_by.eq(None::<i64>),
                    search_words::created_at.eq(crate::db::now()),
                ))
                .execute(conn)?;
        }
        bump(conn, search_meta_names::LEXICON)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_parses_and_round_trips() {
        let entries = parse_file(DEFAULT_WORDS);
        assert!(entries.iter().any(|e| matches!(e, Entry::Keep(w) if w == "สพฐ.")), "{entries:?}");
        assert!(entries.iter().any(|e| matches!(e, Entry::Synonyms(w) if w.contains(&"KM".to_string()))));
        for entry in &entries {
            let mut v = Validator::default();
            entry.validate(&mut v);
            assert!(v.finish().is_ok(), "{entry:?}");
            assert_eq!(Entry::parse_line(&entry.to_line()).as_ref(), Some(entry));
        }
    }

    #[test]
    fn a_word_kept_whole_is_one_term_with_or_without_its_dots() {
        let lexicon = build(1, &[Entry::Keep("สพฐ.".into())]);
        for text in ["ประกาศของสพฐ.เรื่องนี้", "ประกาศของสพฐเรื่องนี้"]
        {
            let analysed = text::analyse_with(&lexicon, text);
            assert!(analysed.terms.contains(&"สพฐ".to_string()), "{text}: {analysed:?}");
        }
    }
}
