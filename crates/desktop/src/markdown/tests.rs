//! The conversion: styles and blocks, what stays text, and the round trip to Slint's markup.

use super::*;
use crate::markdown::styled::{slint_markup, styled_markdown};

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
        pieces: Vec::new(),
    };
    block.markup = slint_markup(&block);
    block.pieces = super::emoji::pieces(&block);
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
                ::slint::StyledText::from_markdown(&markdown).is_ok(),
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
    assert!(::slint::StyledText::from_markdown(&markup).is_ok());
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
