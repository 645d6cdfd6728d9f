//! Message bodies as the timeline draws them: the Markdown source parsed with pulldown-cmark
//! into blocks of styled spans, keeping what the server's renderer keeps for the web
//! (`ocomms_domain::markdown`): bold, italic, strike, inline code, code blocks, links,
//! quotes, lists and line breaks. Everything else shows as typed: raw HTML as text,
//! headings as paragraphs, images as links; only http, https and mailto links are links, and
//! bare URLs are linked. Plain data, so it is tested without a window; `styled_markdown`
//! writes a block's spans in the subset Slint's `StyledText` reads.

pub mod emoji;
mod styled;
#[cfg(test)]
mod tests;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub use styled::slint_markup;

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
    /// Text and emoji pieces when the block holds emoji, drawn as a row (emoji as
    /// pictures); empty otherwise (`emoji::pieces`).
    pub pieces: Vec<emoji::Piece>,
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
        block.pieces = emoji::pieces(block);
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
            pieces: Vec::new(),
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
            pieces: Vec::new(),
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
