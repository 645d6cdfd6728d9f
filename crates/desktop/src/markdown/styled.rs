//! A block written in the Markdown subset Slint's `StyledText` reads (emphasis, strong,
//! strikethrough, code, links, line breaks), everything else escaped, and checked to read
//! back as the block's own text.

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Block, BlockKind, Span};

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
