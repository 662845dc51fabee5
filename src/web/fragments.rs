//! Parts of pages rendered once and shared by every reader, signed in or not.
//!
//! A thread's posts look the same to everyone who may read them, except for
//! the buttons: who may edit, flag, delete or accept depends on the reader.
//! So the posts are rendered once per content version with every button in
//! place, each wrapped in a *gate* that names the action and the post's
//! author; a response keeps only the gates its reader passes (`Gated::fill`).
//! Gate markers and CSRF holes are built from the page cache's random hole,
//! which never reaches a browser, so text a user wrote cannot forge one.
//!
//! Entries are keyed by content versions read from the database on each
//! request (as in `page_cache`): a write on any instance makes every
//! instance's copy unreachable.

use std::sync::Arc;

/// What a gate lets through: one per button (or notice) that only some
/// readers get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// "Reply" under a post.
    Reply,
    /// Accept (or un-accept) an answer.
    Resolve,
    Edit {
        author_id: i64,
    },
    Flag {
        author_id: i64,
    },
    Delete {
        author_id: i64,
    },
    /// "Thanks for the flag", shown to the reader who just flagged the post.
    Flagged {
        post_id: i64,
    },
}

impl Gate {
    /// Reads a marker's label, `action:post:author`, as the templates write it.
    fn parse(label: &str) -> Option<Gate> {
        let mut fields = label.split(':');
        let action = fields.next()?;
        let post_id: i64 = fields.next()?.parse().ok()?;
        let author_id: i64 = fields.next()?.parse().ok()?;
        Some(match action {
            "reply" => Gate::Reply,
            "resolve" => Gate::Resolve,
            "edit" => Gate::Edit { author_id },
            "flag" => Gate::Flag { author_id },
            "delete" => Gate::Delete { author_id },
            "flagged" => Gate::Flagged { post_id },
            _ => return None,
        })
    }
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Csrf,
    Open(Gate),
    Close,
}

/// Rendered HTML split at its CSRF holes and gates.
#[derive(Debug)]
pub struct Gated {
    pieces: Vec<Piece>,
    bytes: usize,
}

impl Gated {
    /// Splits a rendering made with `hole` as the CSRF token and
    /// `{hole}[action:post:author]` … `{hole}[/]` around gated parts.
    pub fn parse(html: &str, hole: &str) -> crate::error::Result<Gated> {
        let mut pieces = Vec::new();
        let mut chunks = html.split(hole);
        if let Some(first) = chunks.next() {
            pieces.push(Piece::Text(first.to_owned()));
        }
        for chunk in chunks {
            let rest = match chunk.strip_prefix('[').and_then(|c| c.split_once(']')) {
                Some(("/", rest)) => {
                    pieces.push(Piece::Close);
                    rest
                }
                Some((label, rest)) => {
                    let gate = Gate::parse(label)
                        .ok_or_else(|| crate::error::Error::internal(format!("bad gate in a template: {label}")))?;
                    pieces.push(Piece::Open(gate));
                    rest
                }
                None => {
                    pieces.push(Piece::Csrf);
                    chunk
                }
            };
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Gated { pieces, bytes: html.len() })
    }

    /// The HTML for one reader: their CSRF token in the holes, and only the
    /// gated parts `passes` lets through. Gates do not nest.
    pub fn fill(&self, csrf: &str, passes: impl Fn(Gate) -> bool) -> String {
        let mut out = String::with_capacity(self.bytes);
        self.fill_into(&mut out, csrf, passes);
        out
    }

    /// [`Gated::fill`], appending to `out`.
    pub fn fill_into(&self, out: &mut String, csrf: &str, passes: impl Fn(Gate) -> bool) {
        let mut open = true;
        for piece in &self.pieces {
            match piece {
                Piece::Open(gate) => open = passes(*gate),
                Piece::Close => open = true,
                Piece::Text(text) if open => out.push_str(text),
                Piece::Csrf if open => out.push_str(csrf),
                Piece::Text(_) | Piece::Csrf => {}
            }
        }
    }

    /// The size of the rendering, for cache weights and buffers.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// Shared renderings, weighed by their size (whole pages in `page_cache`,
/// fragments here).
pub struct FragmentCache<T: Weighed + Send + Sync + 'static> {
    entries: moka::sync::Cache<String, Arc<T>>,
    /// The counter of hits and misses, for `/metrics`.
    lookups_metric: &'static str,
}

pub trait Weighed {
    fn weight(&self) -> usize;
}

impl Weighed for String {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl<T: Weighed + Send + Sync + 'static> FragmentCache<T> {
    pub fn new(max_bytes: u64, lookups_metric: &'static str) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, value: &Arc<T>| u32::try_from(key.len() + value.weight()).unwrap_or(u32::MAX))
            .build();
        FragmentCache { entries, lookups_metric }
    }

    pub fn get(&self, key: &str) -> Option<Arc<T>> {
        let found = self.entries.get(key);
        let outcome = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!(self.lookups_metric, "outcome" => outcome).increment(1);
        found
    }

    pub fn put(&self, key: String, value: T) -> Arc<T> {
        let value = Arc::new(value);
        self.entries.insert(key, value.clone());
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOLE: &str = "hole-1234";

    #[test]
    fn a_reader_gets_only_the_gates_they_pass_and_their_own_token() {
        let html = "<p>post</p>hole-1234[edit:7:42]<a>edit</a>hole-1234[/]\
                    hole-1234[delete:7:42]<form><input value=\"hole-1234\"></form>hole-1234[/]<p>end</p>";
        let gated = Gated::parse(html, HOLE).unwrap();
        let author = gated.fill("T1", |g| matches!(g, Gate::Edit { author_id: 42 }));
        assert_eq!(author, "<p>post</p><a>edit</a><p>end</p>");
        let facilitator = gated.fill("T2", |g| matches!(g, Gate::Delete { .. }));
        assert_eq!(facilitator, "<p>post</p><form><input value=\"T2\"></form><p>end</p>");
        let nobody = gated.fill("T3", |_| false);
        assert_eq!(nobody, "<p>post</p><p>end</p>");
    }

    #[test]
    fn a_mistyped_gate_is_an_error_not_a_button_for_everyone() {
        assert!(Gated::parse("hole-1234[edti:1:2]x hole-1234[/]", HOLE).is_err());
    }
}
