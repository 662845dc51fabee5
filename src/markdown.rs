//! Markdown to safe HTML. Runs once, when a post is written; pages show the
//! stored result. Everything user-written that becomes HTML goes through
//! [`render`], so the sanitiser's allow-list is the single XSS boundary.
//!
//! Rendering is also bounded, because anyone who may preview can make it
//! work: the sanitiser's HTML parser takes time quadratic in nesting depth
//! (60 KB of `>` took 11 s), and a table pads every row to its header's
//! width (6 KB became 2.4 MB). So nesting is cut at [`MAX_NESTING`], tables
//! stop drawing cells after [`MAX_TABLE_CELLS`], raw HTML tags after
//! [`MAX_RAW_HTML_TAGS`] become text, and output beyond [`MAX_GROWTH`] times
//! the input falls back to the text itself, escaped.

use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            // Task-list checkboxes, and nothing else that takes input.
            .add_tags(["input"])
            .add_tag_attributes("input", ["checked"])
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            // Pictures from Sala's own store keep their size (no jumping page)
            // and load as they scroll into view.
            .add_tag_attributes("img", ["loading", "width", "height"])
            .link_rel(Some("nofollow noopener noreferrer ugc"));
        builder
    })
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Containers (quotes, lists, emphasis, links …) nested deeper than this
/// keep their text but lose their markup.
pub const MAX_NESTING: usize = 16;
/// Table cells drawn per post; beyond it, cells become plain text and the
/// empty cells a short row is padded with are left out.
pub const MAX_TABLE_CELLS: usize = 2_000;
/// Raw HTML tags kept per post; later ones are shown as text.
pub const MAX_RAW_HTML_TAGS: usize = 1_000;
/// Rendered HTML may be at most this many times the Markdown (plus
/// [`GROWTH_ALLOWANCE`]); past it, the post is shown as plain text.
pub const MAX_GROWTH: usize = 16;
const GROWTH_ALLOWANCE: usize = 16 * 1024;

/// A picture attached in Sala, as a post shows it: a preview of known
/// size that links to the whole picture.
#[derive(Debug, Clone)]
pub struct InlineImage {
    pub src: String,
    pub full: String,
    pub width: i32,
    pub height: i32,
}

/// Renders CommonMark (plus tables, strikethrough, task lists and bare-URL
/// autolinks) and cleans the result.
pub fn render(markdown: &str) -> String {
    render_with_images(markdown, &std::collections::HashMap::new())
}

/// The attachment a Sala file URL (`/files/{id}/…`, relative or on any
/// host) names.
pub fn attachment_id(url: &str) -> Option<i64> {
    let path = url.find("/files/").map(|at| &url[at + "/files/".len()..])?;
    let (id, _name) = path.split_once('/')?;
    id.parse().ok()
}

/// [`render`], with `images` (by attachment id) drawn as pictures; any other
/// picture becomes a plain link, so pages never load from other hosts.
pub fn render_with_images(markdown: &str, images: &std::collections::HashMap<i64, InlineImage>) -> String {
    render_post(markdown, images, &std::collections::HashMap::new())
}

/// [`render_with_images`], with each `@name` of `mentions` (name as typed →
/// username) linked to that person's profile.
pub fn render_post(
    markdown: &str,
    images: &std::collections::HashMap<i64, InlineImage>,
    mentions: &std::collections::HashMap<String, String>,
) -> String {
    let events = pictures(bounded(link_mentions(autolink(Parser::new_ext(markdown, options())), mentions)), images);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    if raw.len() > markdown.len() * MAX_GROWTH + GROWTH_ALLOWANCE {
        return plain_paragraphs(markdown);
    }
    sanitizer().clean(&raw).to_string()
}

/// The text as it was typed, escaped, a paragraph per blank-line block.
fn plain_paragraphs(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", tera::escape_html(p.trim())))
        .collect()
}

/// Applies the nesting, table and raw-HTML limits to an event stream.
fn bounded(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    // For each open container: whether its tags were kept.
    let mut open: Vec<bool> = Vec::new();
    let mut kept_depth = 0usize;
    let mut cells = 0usize;
    let mut raw_tags = 0usize;
    let mut iter = events.into_iter().peekable();
    while let Some(event) = iter.next() {
        match event {
            Event::Start(tag) => {
                if let Tag::TableCell = tag {
                    // A padding cell: Start immediately followed by End.
                    if cells >= MAX_TABLE_CELLS && matches!(iter.peek(), Some(Event::End(TagEnd::TableCell))) {
                        iter.next();
                        continue;
                    }
                    cells += 1;
                }
                let keep = (kept_depth < MAX_NESTING || matches!(tag, Tag::Paragraph))
                    && !(matches!(tag, Tag::TableCell) && cells > MAX_TABLE_CELLS);
                open.push(keep);
                if keep {
                    kept_depth += 1;
                    out.push(Event::Start(tag));
                } else if matches!(tag, Tag::TableCell | Tag::Item) {
                    out.push(Event::Text(CowStr::from(" ")));
                }
            }
            Event::End(end) => {
                if open.pop().unwrap_or(true) {
                    kept_depth = kept_depth.saturating_sub(1);
                    out.push(Event::End(end));
                }
            }
            Event::Html(text) | Event::InlineHtml(text) if raw_tags + text.matches('<').count() > MAX_RAW_HTML_TAGS => {
                raw_tags = MAX_RAW_HTML_TAGS;
                out.push(Event::Text(text));
            }
            Event::Html(text) => {
                raw_tags += text.matches('<').count();
                out.push(Event::Html(text));
            }
            Event::InlineHtml(text) => {
                raw_tags += text.matches('<').count();
                out.push(Event::InlineHtml(text));
            }
            other => out.push(other),
        }
    }
    out
}

/// Replaces each picture with Sala's own (sized, lazy, linking to the
/// whole), or with a link where it is not one of Sala's attachments.
fn pictures<'a>(events: Vec<Event<'a>>, images: &std::collections::HashMap<i64, InlineImage>) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some(event) = iter.next() {
        let Event::Start(Tag::Image { dest_url, title, .. }) = event else {
            out.push(event);
            continue;
        };
        let mut alt = String::new();
        for inner in iter.by_ref() {
            match inner {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
        }
        match attachment_id(&dest_url).and_then(|id| images.get(&id)) {
            Some(image) => out.push(Event::InlineHtml(CowStr::from(format!(
                "<a href=\"{full}\"><img src=\"{src}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\" loading=\"lazy\"></a>",
                full = tera::escape_html(&image.full),
                src = tera::escape_html(&image.src),
                alt = tera::escape_html(&alt),
                w = image.width,
                h = image.height,
            )))),
            None => {
                let text = if alt.is_empty() { dest_url.to_string() } else { alt };
                out.push(Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id: CowStr::from("") }));
                out.push(Event::Text(CowStr::from(text)));
                out.push(Event::End(TagEnd::Link));
            }
        }
    }
    out
}

/// Whether a character may be part of an `@name`: letters (Thai included,
/// with its vowel and tone marks), digits, and `_ . -` as usernames have.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-') || ('\u{0E31}'..='\u{0E4E}').contains(&c)
}

/// The `@name`s in a text, with their byte ranges (`@` included). An `@`
/// after a letter or digit (an email address) starts none; a trailing `.`
/// or `-` ends the sentence, not the name.
fn mention_spans(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let starts = c == '@' && !previous.is_some_and(is_name_char);
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let name = rest[..len].trim_end_matches(['.', '-']);
        if !name.is_empty() {
            found.push((at..at + 1 + name.len(), name));
        }
    }
    found
}

/// Calls `visit` with each text of a post that is prose: outside code
/// (blocks and inline) and outside links.
fn for_each_prose_event<'a>(events: Vec<Event<'a>>, mut visit: impl FnMut(Event<'a>, bool)) {
    let (mut link_depth, mut in_code_block) = (0usize, false);
    for event in merged_texts(events) {
        match &event {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        let prose = link_depth == 0 && !in_code_block && matches!(event, Event::Text(_));
        visit(event, prose);
    }
}

/// Adjacent texts as one (the parser may cut a word at `_` or `*` it then
/// leaves as text), so that a name is seen whole.
fn merged_texts(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for event in events {
        match (out.last_mut(), event) {
            (Some(Event::Text(previous)), Event::Text(text)) => {
                *previous = CowStr::from(format!("{previous}{text}"));
            }
            (_, event) => out.push(event),
        }
    }
    out
}

/// Every `@name` written in a post's prose (not in code, not inside a
/// link), once each, in order: who the post may mention.
pub fn mentioned_names(markdown: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for_each_prose_event(autolink(Parser::new_ext(markdown, options())), |event, prose| {
        if let (Event::Text(text), true) = (event, prose) {
            for (_, name) in mention_spans(&text) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
        }
    });
    names
}

/// Links each `@name` of `mentions` in prose to `/u/{username}`.
fn link_mentions<'a>(events: Vec<Event<'a>>, mentions: &std::collections::HashMap<String, String>) -> Vec<Event<'a>> {
    if mentions.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    for_each_prose_event(events, |event, prose| {
        let Event::Text(text) = &event else { return out.push(event) };
        let spans: Vec<_> = if prose { mention_spans(text) } else { Vec::new() };
        let links: Vec<_> = spans
            .into_iter()
            .filter_map(|(range, name)| Some((range, format!("/u/{}", mentions.get(name)?))))
            .collect();
        if links.is_empty() {
            return out.push(event);
        }
        push_linked(&mut out, text, links, LinkType::Inline);
    });
    out
}

/// Turns bare URLs in text (outside links and code) into links, as GitHub's
/// "autolinks" extension does; pulldown-cmark only links `<…>` forms.
fn autolink<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let finder = {
        let mut f = linkify::LinkFinder::new();
        f.kinds(&[linkify::LinkKind::Url]);
        f
    };
    let mut out = Vec::new();
    for_each_prose_event(parser.collect(), |event, prose| {
        let Event::Text(text) = &event else { return out.push(event) };
        let links: Vec<_> = if prose {
            finder.links(text).map(|link| (link.start()..link.end(), link.as_str().to_owned())).collect()
        } else {
            Vec::new()
        };
        if links.is_empty() {
            return out.push(event);
        }
        push_linked(&mut out, text, links, LinkType::Autolink);
    });
    out
}

/// Pushes `text` with each of `links` (byte range, address) made a link.
fn push_linked(out: &mut Vec<Event<'_>>, text: &str, links: Vec<(std::ops::Range<usize>, String)>, kind: LinkType) {
    let mut last = 0;
    for (range, address) in links {
        if range.start > last {
            out.push(Event::Text(CowStr::from(text[last..range.start].to_owned())));
        }
        out.push(Event::Start(Tag::Link {
            link_type: kind,
            dest_url: CowStr::from(address),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        out.push(Event::Text(CowStr::from(text[range.clone()].to_owned())));
        out.push(Event::End(TagEnd::Link));
        last = range.end;
    }
    if last < text.len() {
        out.push(Event::Text(CowStr::from(text[last..].to_owned())));
    }
}

/// Plain text of rendered HTML, for excerpts and titles in lists.
pub fn plain_excerpt(markdown: &str, max_chars: usize) -> String {
    let trimmed = plain_text_up_to(markdown, max_chars);
    if trimmed.chars().count() > max_chars {
        let cut: String = trimmed.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        trimmed
    }
}

/// All the words a reader sees, without markup: what search indexes and
/// quotes from.
pub fn plain_text(markdown: &str) -> String {
    plain_text_up_to(markdown, usize::MAX)
}

/// Plain text, whitespace collapsed; stops reading once past `max_chars`.
fn plain_text_up_to(markdown: &str, max_chars: usize) -> String {
    let mut text = String::new();
    let mut chars = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                chars += t.chars().count();
                text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                chars += 1;
                text.push(' ');
            }
            _ => {}
        }
        if chars > max_chars {
            break;
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
#[cfg(test)]
mod picture_tests {
    use super::*;

    #[test]
    fn sala_pictures_are_sized_and_lazy_and_others_become_links() {
        let mut images = std::collections::HashMap::new();
        let image = InlineImage {
            src: "/files/1/preview/a.jpg".into(),
            full: "/files/1/a.jpg".into(),
            width: 960,
            height: 720,
        };
        images.insert(1, image);
        let html = render_with_images("![หน้าจอ](/files/1/a.jpg)\n\n![tracker](https://evil.example/p.gif)\n", &images);
        assert!(
            html.contains(r#"<img src="/files/1/preview/a.jpg" alt="หน้าจอ" width="960" height="720" loading="lazy">"#),
            "{html}"
        );
        assert!(!html.contains(r#"<img src="https://evil"#), "no picture from another host: {html}");
        assert!(html.contains(r#"<a href="https://evil.example/p.gif""#), "a plain link instead: {html}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_read_from_prose_only() {
        let md = "ถาม @somchai_k กับ @สมหญิง ด้วย, and @Dao.\n\n`@incode` mail a@b.org [@linked](/x)\n\n```\n@block\n```\n@somchai_k again";
        assert_eq!(mentioned_names(md), vec!["somchai_k", "สมหญิง", "Dao"]);
    }

    #[test]
    fn known_mentions_link_to_profiles() {
        let mentions = std::collections::HashMap::from([("somchai_k".to_owned(), "somchai_k".to_owned())]);
        let html = render_post("hi @somchai_k and @nobody", &std::collections::HashMap::new(), &mentions);
        assert!(
            html.contains(r#"<a href="/u/somchai_k" rel="nofollow noopener noreferrer ugc">@somchai_k</a>"#),
            "{html}"
        );
        assert!(html.contains("and @nobody"), "{html}");
    }
}
