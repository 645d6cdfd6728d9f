//! Message bodies as the timeline draws them: the Markdown source parsed with pulldown-cmark
//! into blocks of styled spans, keeping what the server's renderer keeps for the web
//! (`ocomms_domain::markdown`): bold, italic, strike, inline code, code blocks, links,
//! quotes, lists and line breaks. Everything else shows as typed: raw HTML as text,
//! headings as paragraphs, images as links; only http, https and mailto links are links, and
//! bare URLs are linked. Plain data, so it is tested without a window; `styled_markdown`
//! writes a block's spans in the subset Slint's `StyledText` reads.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One block of a message, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// How many quotes it is in (0: none).
    pub quote: u8,
    /// How many lists it is in (0: none); an item's text and its later paragraphs alike.
    pub indent: u8,
    /// The text; a code block has one plain span.
    pub spans: Vec<Span>,
    /// The block in the markup Slint's `StyledText` reads, checked (`slint_markup`), made once
    /// when the message arrives; `None`: drawn as plain text.
    pub markup: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    /// The first block of a list item, with its marker ("•", "3.").
    Item(String),
    /// Preformatted, drawn in a monospace font.
    Code,
}

/// A run of text in one style. A line break is a span of its own (`"\n"`, unstyled).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
    /// The target of a link (http, https or mailto only).
    pub link: Option<String>,
}

impl Span {
    fn same_style(&self, other: &Span) -> bool {
        (self.bold, self.italic, self.strike, self.code, &self.link)
            == (
                other.bold,
                other.italic,
                other.strike,
                other.code,
                &other.link,
            )
    }

    fn is_break(&self) -> bool {
        self.text == "\n"
    }
}

impl Block {
    /// The block as plain text (the marker of an item included): what a screen reader reads.
    pub fn plain(&self) -> String {
        let text: String = self.spans.iter().map(|s| s.text.as_str()).collect();
        match &self.kind {
            BlockKind::Item(marker) => format!("{marker} {text}"),
            _ => text,
        }
    }
}

/// The whole message as plain text, one block a line.
pub fn plain_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(Block::plain)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses a message body.
pub fn parse(source: &str) -> Vec<Block> {
    let mut p = Builder::default();
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        p.event(event);
    }
    p.finish_block();
    for block in &mut p.blocks {
        block.markup = slint_markup(block);
    }
    p.blocks
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    current: Option<Block>,
    quote: u8,
    /// Open lists, each with the number of its next item (`None`: bullets).
    lists: Vec<Option<u64>>,
    /// The item just started: its first paragraph joins the item's block.
    item_open: bool,
    bold: u32,
    italic: u32,
    strike: u32,
    /// Open links and images: the target when it is a link we keep.
    links: Vec<Option<String>>,
    in_code_block: bool,
}

impl Builder {
    fn depth(&self) -> u8 {
        u8::try_from(self.lists.len()).unwrap_or(u8::MAX)
    }

    fn start_block(&mut self, kind: BlockKind) {
        self.finish_block();
        self.current = Some(Block {
            kind,
            quote: self.quote,
            indent: self.depth(),
            spans: Vec::new(),
            markup: None,
        });
    }

    fn finish_block(&mut self) {
        if let Some(mut block) = self.current.take() {
            while block.spans.last().is_some_and(Span::is_break) {
                block.spans.pop();
            }
            if !block.spans.is_empty() || matches!(block.kind, BlockKind::Item(_)) {
                self.blocks.push(block);
            }
        }
    }

    fn block(&mut self) -> &mut Block {
        let (quote, indent) = (self.quote, self.depth());
        self.current.get_or_insert_with(|| Block {
            kind: BlockKind::Paragraph,
            quote,
            indent,
            spans: Vec::new(),
            markup: None,
        })
    }

    fn push(&mut self, text: &str, code: bool) {
        if text.is_empty() {
            return;
        }
        let span = Span {
            text: text.to_owned(),
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            code,
            link: self.links.last().cloned().flatten(),
        };
        let spans = &mut self.block().spans;
        match spans.last_mut() {
            Some(last) if last.same_style(&span) && !last.is_break() => {
                last.text.push_str(&span.text)
            }
            _ => spans.push(span),
        }
    }

    fn line_break(&mut self) {
        let spans = &mut self.block().spans;
        if !spans.is_empty() {
            spans.push(Span {
                text: "\n".into(),
                ..Span::default()
            });
        }
    }

    /// Text outside links: bare URLs become links, as on the web.
    fn push_linkified(&mut self, text: &str) {
        if !self.links.is_empty() {
            return self.push(text, false);
        }
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        for part in finder.spans(text) {
            if part.kind().is_some() && is_safe_url(part.as_str()) {
                self.links.push(Some(part.as_str().to_owned()));
                self.push(part.as_str(), false);
                self.links.pop();
            } else {
                self.push(part.as_str(), false);
            }
        }
    }

    /// Text that is shown as typed (raw HTML), line breaks kept.
    fn push_lines(&mut self, text: &str) {
        let mut lines = text.trim_end_matches('\n').split('\n').peekable();
        while let Some(line) = lines.next() {
            self.push(line, false);
            if lines.peek().is_some() {
                self.line_break();
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_code_block => {
                if let Some(span) = self.block().spans.first_mut() {
                    span.text.push_str(&text);
                } else {
                    self.push(&text, false);
                }
            }
            Event::Text(text) => self.push_linkified(&text),
            Event::Code(text) => self.push(&text, true),
            Event::Html(text) | Event::InlineHtml(text) => self.push_lines(&text),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::Rule => {
                self.start_block(BlockKind::Paragraph);
                self.push("———", false);
                self.finish_block();
            }
            Event::TaskListMarker(done) => self.push(if done { "[x] " } else { "[ ] " }, false),
            // Not enabled in the parser (math, footnotes): shown as typed if ever produced.
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                self.push(&text, false)
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } | Tag::HtmlBlock => {
                if self.item_open {
                    // A loose list item's first paragraph: the item's own text.
                    self.item_open = false;
                } else {
                    self.start_block(BlockKind::Paragraph);
                }
            }
            Tag::BlockQuote(_) => {
                self.finish_block();
                self.item_open = false;
                self.quote = self.quote.saturating_add(1);
            }
            Tag::CodeBlock(_) => {
                self.item_open = false;
                self.start_block(BlockKind::Code);
                self.in_code_block = true;
            }
            Tag::List(start) => {
                self.finish_block();
                self.item_open = false;
                self.lists.push(start);
            }
            Tag::Item => {
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}.");
                        *n += 1;
                        marker
                    }
                    _ => "•".to_owned(),
                };
                self.start_block(BlockKind::Item(marker));
                self.item_open = true;
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                let url = dest_url.trim();
                self.links.push(is_safe_url(url).then(|| url.to_owned()));
            }
            // Not enabled in the parser (tables, footnotes, metadata…): their text still shows.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::HtmlBlock | TagEnd::Item => {
                self.item_open = false;
                self.finish_block();
            }
            TagEnd::CodeBlock => {
                if let Some(block) = self.current.as_mut()
                    && let Some(span) = block.spans.first_mut()
                {
                    let trimmed = span.text.trim_end_matches('\n').len();
                    span.text.truncate(trimmed);
                }
                self.in_code_block = false;
                self.finish_block();
            }
            TagEnd::BlockQuote(_) => {
                self.finish_block();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.finish_block();
                self.lists.pop();
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                self.links.pop();
            }
            _ => {}
        }
    }
}

/// Links the client follows: http, https and mailto (never `javascript:` or `file:`).
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Slint reserves this character for `@markdown` interpolation and refuses text with it.
const SLINT_PLACEHOLDER: char = '\u{e541}';

/// A block's spans written in the Markdown subset Slint's `StyledText` reads (emphasis,
/// strong, strikethrough, code, links, line breaks), with every other character escaped so
/// nothing in the text can become markup.
pub fn styled_markdown(spans: &[Span]) -> String {
    let mut out = String::new();
    for span in spans {
        if span.is_break() {
            out.push_str("\\\n");
            continue;
        }
        // Delimiters hug the text: whitespace at a span's edges goes outside them, where
        // emphasis rules allow it.
        let text = span.text.as_str();
        let inner = text.trim_matches(' ');
        let lead = &text[..text.len() - text.trim_start_matches(' ').len()];
        let trail = &text[text.trim_end_matches(' ').len()..];
        if inner.is_empty() {
            out.push_str(&spaces(text));
            continue;
        }
        out.push_str(&spaces(lead));
        let mut body = if span.code {
            code_span(inner)
        } else {
            escape(inner)
        };
        for (on, mark) in [(span.italic, "*"), (span.bold, "**"), (span.strike, "~~")] {
            if on {
                body = format!("{mark}{body}{mark}");
            }
        }
        if let Some(url) = &span.link {
            body = format!("[{body}](<{}>)", escape_url(url));
        }
        out.push_str(&body);
        out.push_str(&spaces(trail));
    }
    out
}

/// Spaces as character references: a leading space would otherwise be dropped at the start
/// of a line, and several would not survive next to delimiters.
fn spaces(run: &str) -> String {
    match run.len() {
        0 => String::new(),
        1 => " ".into(),
        n => "&#32;".repeat(n),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if c == SLINT_PLACEHOLDER {
            continue;
        }
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            SLINT_PLACEHOLDER | '\n' | '\r' => {}
            '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Inline code in a fence longer than any run of backticks inside it.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| *c != SLINT_PLACEHOLDER)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space on both sides is stripped by the parser; it keeps backticks at the edges apart
    // from the fence.
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// A block in the Markdown subset Slint's `StyledText` reads, checked to read back as the
/// block's own text; `None` when it would not (the block is then drawn as plain text, never
/// wrong). Code blocks are one code span per line, the way Slint draws code in a monospace
/// font (its `Text` element cannot ask for the generic monospace family).
pub fn slint_markup(block: &Block) -> Option<String> {
    let (markup, expected) = match block.kind {
        BlockKind::Code => {
            let code: String = block.spans.iter().map(|s| s.text.as_str()).collect();
            let lines: Vec<String> = code
                .split('\n')
                .map(|line| {
                    if line.is_empty() {
                        "&#32;".to_owned()
                    } else {
                        code_line(line)
                    }
                })
                .collect();
            let expected: String = code
                .split('\n')
                .map(|line| if line.is_empty() { " " } else { line })
                .collect::<Vec<_>>()
                .join("\n");
            (lines.join("\\\n"), expected)
        }
        _ => (styled_markdown(&block.spans), expected_text(&block.spans)),
    };
    (read_text(&markup)? == expected.replace(SLINT_PLACEHOLDER, "")).then_some(markup)
}

/// One line of a code block as a code span, its leading spaces (indentation) kept: the
/// parser strips one space from each end only when both ends have one.
fn code_line(line: &str) -> String {
    let line: String = line.chars().filter(|c| *c != SLINT_PLACEHOLDER).collect();
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = line.starts_with('`')
        || line.ends_with('`')
        || (line.starts_with(' ') && line.ends_with(' ') && !line.trim().is_empty());
    if pad {
        format!("{fence} {line} {fence}")
    } else {
        format!("{fence}{line}{fence}")
    }
}

fn expected_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| {
            if s.code {
                s.text.replace('\n', " ")
            } else {
                s.text.clone()
            }
        })
        .collect()
}

/// The text a Markdown reader finds in `markdown` (breaks as newlines); `None` if it finds
/// anything beyond the subset written here.
fn read_text(markdown: &str) -> Option<String> {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::Start(Tag::Paragraph | Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::Start(Tag::Link { .. })
            | Event::End(_) => {}
            _ => return None,
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> Span {
        Span {
            text: text.into(),
            ..Span::default()
        }
    }

    fn paragraph(spans: Vec<Span>) -> Block {
        let mut block = Block {
            kind: BlockKind::Paragraph,
            quote: 0,
            indent: 0,
            spans,
            markup: None,
        };
        block.markup = slint_markup(&block);
        block
    }

    #[test]
    fn inline_styles_become_spans() {
        let blocks = parse("**bold** _it_ ~~gone~~ `code` [site](https://example.com)");
        let want = vec![paragraph(vec![
            Span {
                bold: true,
                ..span("bold")
            },
            span(" "),
            Span {
                italic: true,
                ..span("it")
            },
            span(" "),
            Span {
                strike: true,
                ..span("gone")
            },
            span(" "),
            Span {
                code: true,
                ..span("code")
            },
            span(" "),
            Span {
                link: Some("https://example.com".into()),
                ..span("site")
            },
        ])];
        assert_eq!(blocks, want);
        assert_eq!(plain_text(&blocks), "bold it gone code site");
    }

    #[test]
    fn blocks_keep_quotes_lists_code_and_line_breaks() {
        let source = "> quoted\n> twice\n\n- a\n- b\n  1. one\n  2. two\n\n```\nfn x() {}\n  indented\n```\n\nline one\nline two";
        let blocks = parse(source);
        let summary: Vec<(BlockKind, u8, u8, String)> = blocks
            .iter()
            .map(|b| (b.kind.clone(), b.quote, b.indent, b.plain()))
            .collect();
        let item = |m: &str| BlockKind::Item(m.into());
        assert_eq!(
            summary,
            [
                (BlockKind::Paragraph, 1, 0, "quoted\ntwice".into()),
                (item("•"), 0, 1, "• a".into()),
                (item("•"), 0, 1, "• b".into()),
                (item("1."), 0, 2, "1. one".into()),
                (item("2."), 0, 2, "2. two".into()),
                (BlockKind::Code, 0, 0, "fn x() {}\n  indented".into()),
                (BlockKind::Paragraph, 0, 0, "line one\nline two".into()),
            ]
        );
    }

    #[test]
    fn what_the_web_does_not_format_shows_as_typed() {
        // Headings are paragraphs, raw HTML is text, unsafe links are not links, images are.
        assert_eq!(parse("# title"), [paragraph(vec![span("title")])]);
        assert_eq!(
            plain_text(&parse("a <b>bold</b> claim")),
            "a <b>bold</b> claim"
        );
        assert_eq!(
            plain_text(&parse("<script>alert(1)</script>")),
            "<script>alert(1)</script>"
        );
        let blocks = parse("[x](javascript:alert(1)) ![cat](https://example.com/cat.png)");
        assert_eq!(blocks[0].spans[0], span("x "));
        assert_eq!(
            blocks[0].spans[1].link.as_deref(),
            Some("https://example.com/cat.png")
        );
        // Bare URLs are linked, as on the web.
        let blocks = parse("see https://example.com/a?b=1 now");
        assert_eq!(
            blocks[0].spans,
            [
                span("see "),
                Span {
                    link: Some("https://example.com/a?b=1".into()),
                    ..span("https://example.com/a?b=1")
                },
                span(" now"),
            ]
        );
    }

    #[test]
    fn slint_markup_reads_back_as_the_same_text_whatever_the_text_holds() {
        let sources = [
            "**bold** and *it* and ~~strike~~ and `code`",
            "**bold***it*",
            "a*b*c and 2 * 3 * 4 and snake_case_name",
            "<u>not underlined</u> <font color=\"red\">x</font> # not a heading",
            "- not a list\\\n1. not a list either",
            "`` a `tick` inside `` and ```edge```",
            "[link **bold** inside](https://example.com/a_(b)?c=<d>)",
            "trailing **bold **x",
            "curly {braces} and \u{e541} placeholder",
            "line one\nline two\\\nline three",
            "   **  spaced  **   ",
        ];
        for source in sources {
            for block in parse(source) {
                let markdown = styled_markdown(&block.spans);
                let checked = slint_markup(&block);
                assert_eq!(checked.as_ref(), Some(&markdown), "{source:?}");
                // And Slint's own reader takes it.
                assert!(
                    slint::StyledText::from_markdown(&markdown).is_ok(),
                    "{source:?} → {markdown:?}"
                );
            }
        }
    }

    #[test]
    fn code_blocks_are_a_code_span_per_line_with_their_indentation() {
        let source = "```\nfn main() {\n    println!(\"`hi`\");\n\n}\n```";
        let block = &parse(source)[0];
        assert_eq!(block.kind, BlockKind::Code);
        let markup = slint_markup(block).expect("reads back");
        assert_eq!(
            markup,
            "`fn main() {`\\\n``    println!(\"`hi`\");``\\\n&#32;\\\n`}`"
        );
        assert!(slint::StyledText::from_markdown(&markup).is_ok());
    }

    #[test]
    fn styles_are_written_for_slint() {
        let block = &parse("**bold** *it* ~~s~~ `c` [l](https://x.example)")[0];
        assert_eq!(
            styled_markdown(&block.spans),
            "**bold** *it* ~~s~~ `c` [l](<https://x.example>)"
        );
        assert_eq!(
            styled_markdown(&[span("1. <b> & #")]),
            "1\\. \\<b\\> \\& \\#"
        );
    }
}
