//! Markdown to safe HTML. Runs once, when a post is written; pages show the
//! stored result. Everything user-written that becomes HTML goes through
//! [`render`], so the sanitiser's allow-list is the single XSS boundary.

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
            .link_rel(Some("nofollow noopener noreferrer ugc"));
        builder
    })
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Renders CommonMark (plus tables, strikethrough, task lists and bare-URL
/// autolinks) and cleans the result.
pub fn render(markdown: &str) -> String {
    let events = autolink(Parser::new_ext(markdown, options()));
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    sanitizer().clean(&raw).to_string()
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
    let mut link_depth = 0usize;
    let mut in_code_block = false;
    for event in parser {
        match &event {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        match event {
            Event::Text(text) if link_depth == 0 && !in_code_block => {
                let mut last = 0;
                let owned = text.to_string();
                let links: Vec<_> = finder.links(&owned).collect();
                if links.is_empty() {
                    out.push(Event::Text(text));
                    continue;
                }
                for link in links {
                    if link.start() > last {
                        out.push(Event::Text(CowStr::from(owned[last..link.start()].to_owned())));
                    }
                    let url = CowStr::from(link.as_str().to_owned());
                    out.push(Event::Start(Tag::Link {
                        link_type: LinkType::Autolink,
                        dest_url: url.clone(),
                        title: CowStr::from(""),
                        id: CowStr::from(""),
                    }));
                    out.push(Event::Text(url));
                    out.push(Event::End(TagEnd::Link));
                    last = link.end();
                }
                if last < owned.len() {
                    out.push(Event::Text(CowStr::from(owned[last..].to_owned())));
                }
            }
            other => out.push(other),
        }
    }
    out
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
