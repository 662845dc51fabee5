//! A readable comparison of two revisions: section by section, line by line.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::Revision;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Line {
    /// "same", "added" or "removed".
    pub change: &'static str,
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    /// The section's translation key suffix (`title`, `summary`, …).
    pub section: &'static str,
    pub changed: bool,
    pub lines: Vec<Line>,
}

/// Lines as a reader sees them: a browser's form sends CRLF where the API
/// sends LF, and the last line may or may not end in a newline. Without
/// this, an unchanged line shows as removed and added again.
fn as_lines(text: &str) -> String {
    let mut lines = text.replace("\r\n", "\n").replace('\r', "\n");
    if !lines.is_empty() && !lines.ends_with('\n') {
        lines.push('\n');
    }
    lines
}

fn compare(section: &'static str, old: &str, new: &str) -> SectionDiff {
    let (old, new) = (as_lines(old), as_lines(new));
    let diff = TextDiff::from_lines(&old, &new);
    let lines: Vec<Line> = diff
        .iter_all_changes()
        .map(|c| Line {
            change: match c.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect();
    SectionDiff { section, changed: lines.iter().any(|l| l.change != "same"), lines }
}

pub fn revisions(old: &Revision, new: &Revision) -> Vec<SectionDiff> {
    let date = |r: &Revision| r.review_on.map(|d| d.to_string()).unwrap_or_default();
    vec![
        compare("title", &old.title, &new.title),
        compare("summary", &old.summary, &new.summary),
        compare("context", &old.context_md, &new.context_md),
        compare("solution", &old.solution_md, &new.solution_md),
        compare("lessons", &old.lessons_md, &new.lessons_md),
        compare("tags", &old.tags, &new.tags),
        compare("review_on", &date(old), &date(new)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_lines_stay_unchanged_across_line_endings_and_a_final_newline() {
        let diff = compare("solution", "ขั้นที่ 1\r\nขั้นที่ 2", "ขั้นที่ 1\nขั้นที่ 2\nขั้นที่ 3\n");
        let shown: Vec<(&str, &str)> = diff.lines.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(shown, vec![("same", "ขั้นที่ 1"), ("same", "ขั้นที่ 2"), ("added", "ขั้นที่ 3")]);
        assert!(!compare("title", "ชื่อ", "ชื่อ\n").changed);
    }
}
