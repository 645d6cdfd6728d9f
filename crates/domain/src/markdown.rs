//! Message formatting: a safe subset of Markdown rendered to HTML once, when a message is
//! written, and sent as is to every viewer.
//!
//! Kept: bold, italic, ~~strike~~, `inline code`, code blocks, links, quotes, lists, line
//! breaks. Everything else is shown as the text that was typed: raw HTML is escaped, headings
//! become plain paragraphs, images become links (no remote loading), and only http, https and
//! mailto links become anchors, all with `rel="noopener nofollow ugc"`. Bare URLs are linked.
//!
//! Mentions of people the caller knows become `<span class="mention" data-user-id="…">`, and
//! `@channel`/`@here` a `mention-all` span, the same for every viewer: each client marks the
//! ones naming its own user (ADR 0016). `#name` of a channel the caller links becomes
//! `<a class="channel-link" href="…">`.

use ocomms_proto::UserId;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, TextMergeStream, html};

use crate::mention::{self, Target};

const REL: &str = "noopener nofollow ugc";

/// The Markdown extensions messages use (also how `mention::parse` reads them).
pub(crate) const OPTIONS: Options = Options::ENABLE_STRIKETHROUGH;

/// Renders a message body to safe HTML, with no person's mention marked.
pub fn render(source: &str) -> String {
    render_with(source, &|_| None)
}

/// Renders a message body to safe HTML; `person` says who a handle (as typed) names.
pub fn render_with(source: &str, person: &dyn Fn(&str) -> Option<UserId>) -> String {
    render_linked(
        source,
        &Names {
            person,
            place: &|_| None,
        },
    )
}

/// What the names in a text refer to, as the caller knows them.
pub struct Names<'a> {
    /// Who a handle (as typed) names.
    pub person: &'a dyn Fn(&str) -> Option<UserId>,
    /// Where a `#name` (lowercased) links to: the channel's address, when it is one the
    /// message's readers may be shown.
    pub place: &'a dyn Fn(&str) -> Option<String>,
}

/// Renders a message body to safe HTML, marking mentions and linking channels by `names`.
pub fn render_linked(source: &str, names: &Names<'_>) -> String {
    let parser = TextMergeStream::new(Parser::new_ext(source, OPTIONS));
    // Whether each open link/image became an anchor, so its end tag matches.
    let mut anchors: Vec<bool> = Vec::new();
    let mut in_code_block = false;
    let mut events: Vec<Event<'_>> = Vec::new();
    for event in parser {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Heading { .. } | Tag::HtmlBlock) => {
                events.push(Event::Start(Tag::Paragraph))
            }
            Event::End(TagEnd::HtmlBlock) => events.push(Event::End(TagEnd::Paragraph)),
            Event::End(TagEnd::Heading(_)) => events.push(Event::End(TagEnd::Paragraph)),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let safe = is_safe_url(&dest_url);
                if safe {
                    events.push(Event::InlineHtml(anchor(&dest_url).into()));
                }
                anchors.push(safe);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if anchors.pop() == Some(true) {
                    events.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) if anchors.is_empty() && !in_code_block => {
                linkify_text(text, names, &mut events)
            }
            Event::SoftBreak => events.push(Event::HardBreak),
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(source.len() + source.len() / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Splits plain text around bare URLs, turning those into anchors, and marks mentions in the
/// rest.
fn linkify_text<'a>(text: CowStr<'a>, names: &Names<'_>, events: &mut Vec<Event<'a>>) {
    let finder = {
        let mut f = linkify::LinkFinder::new();
        f.kinds(&[linkify::LinkKind::Url]);
        f
    };
    let spans: Vec<linkify::Span<'_>> = finder.spans(&text).collect();
    if spans.len() == 1 && spans[0].kind().is_none() {
        if text.contains(['@', '#']) {
            mark_mentions(&text, names, events);
        } else {
            events.push(Event::Text(text));
        }
        return;
    }
    for span in spans {
        let part = span.as_str().to_owned();
        if span.kind().is_some() && is_safe_url(&part) {
            events.push(Event::InlineHtml(anchor(&part).into()));
            events.push(Event::Text(part.into()));
            events.push(Event::InlineHtml("</a>".into()));
        } else {
            mark_mentions(&part, names, events);
        }
    }
}

/// Splits plain text around mentions, wrapping those of known people and broadcasts.
fn mark_mentions<'a>(text: &str, names: &Names<'_>, events: &mut Vec<Event<'a>>) {
    let mut done = 0;
    for (range, target) in mention::find(text) {
        let (open, close) = match target {
            Target::Handle(handle) => match (names.person)(handle) {
                Some(id) => (
                    format!("<span class=\"mention\" data-user-id=\"{}\">", id.0),
                    "</span>",
                ),
                None => continue,
            },
            Target::Channel => (
                "<span class=\"mention mention-all\" data-mention=\"channel\">".into(),
                "</span>",
            ),
            Target::Here => (
                "<span class=\"mention mention-all\" data-mention=\"here\">".into(),
                "</span>",
            ),
            Target::Place(name) => match (names.place)(&name.to_lowercase()) {
                Some(href) => (
                    format!("<a class=\"channel-link\" href=\"{}\">", escape(&href)),
                    "</a>",
                ),
                None => continue,
            },
        };
        if range.start > done {
            events.push(Event::Text(text[done..range.start].to_owned().into()));
        }
        events.push(Event::InlineHtml(open.into()));
        events.push(Event::Text(text[range.clone()].to_owned().into()));
        events.push(Event::InlineHtml(close.into()));
        done = range.end;
    }
    if done < text.len() {
        events.push(Event::Text(text[done..].to_owned().into()));
    }
}

fn anchor(url: &str) -> String {
    format!("<a href=\"{}\" rel=\"{REL}\">", escape(url))
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Escapes text for HTML or XML markup built outside the renderer (an attribute in double
/// quotes, or element text): `&`, `<`, `>` and `"`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, render, render_with};
    use ocomms_proto::UserId;

    #[test]
    fn escaping_covers_markup_and_double_quoted_attributes() {
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_supported_subset_renders() {
        let cases = [
            (
                "**bold** _it_ ~~gone~~ `code`",
                "<p><strong>bold</strong> <em>it</em> <del>gone</del> <code>code</code></p>\n",
            ),
            ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
            ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
            (
                "```\nfn x() {}\n```",
                "<pre><code>fn x() {}\n</code></pre>\n",
            ),
            ("line one\nline two", "<p>line one<br />\nline two</p>\n"),
            ("# not a heading", "<p>not a heading</p>\n"),
        ];
        for (source, expected) in cases {
            assert_eq!(render(source), expected, "{source:?}");
        }
    }

    #[test]
    fn links_are_safe_and_marked() {
        assert_eq!(
            render("[site](https://example.com/a?b=1&c=\"2\")"),
            "<p><a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\" rel=\"noopener nofollow ugc\">site</a></p>\n"
        );
        assert_eq!(
            render("see https://example.com now"),
            "<p>see <a href=\"https://example.com\" rel=\"noopener nofollow ugc\">https://example.com</a> now</p>\n"
        );
        assert_eq!(render("[x](javascript:alert(1))"), "<p>x</p>\n");
        assert_eq!(
            render("![cat](https://example.com/cat.png)"),
            "<p><a href=\"https://example.com/cat.png\" rel=\"noopener nofollow ugc\">cat</a></p>\n"
        );
    }

    #[test]
    fn html_in_the_source_is_escaped() {
        assert_eq!(
            render("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            render("a <b>bold</b> claim"),
            "<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>\n"
        );
        assert!(!render("<img src=x onerror=alert(1)>").contains("<img"));
        assert!(!render("`<b>` ```\n<i>\n```").contains("<b>"));
    }

    #[test]
    fn mentions_of_known_people_and_broadcasts_are_marked() {
        let people = |handle: &str| (handle.eq_ignore_ascii_case("ada")).then_some(UserId(7));
        assert_eq!(
            render_with(
                "hi @Ada, @zed and @here: see https://example.com/@ada `@ada`",
                &people
            ),
            "<p>hi <span class=\"mention\" data-user-id=\"7\">@Ada</span>, @zed and \
             <span class=\"mention mention-all\" data-mention=\"here\">@here</span>: see \
             <a href=\"https://example.com/@ada\" rel=\"noopener nofollow ugc\">https://example.com/@ada</a> \
             <code>@ada</code></p>\n"
        );
        assert_eq!(
            render_with("**@channel** <@ada>", &people),
            "<p><strong><span class=\"mention mention-all\" data-mention=\"channel\">@channel</span></strong> \
             &lt;<span class=\"mention\" data-user-id=\"7\">@ada</span>&gt;</p>\n"
        );
    }

    #[test]
    fn channels_the_caller_links_become_links() {
        let names = super::Names {
            person: &|_| None,
            place: &|name| (name == "town").then(|| "/w/acme/c/3".to_owned()),
        };
        assert_eq!(
            super::render_linked("in #Town, not #secret or C#", &names),
            "<p>in <a class=\"channel-link\" href=\"/w/acme/c/3\">#Town</a>, not #secret or C#</p>\n"
        );
        assert_eq!(render("#town"), "<p>#town</p>\n");
    }
}
