//! Slack's message markup ("mrkdwn") to the Markdown OComms messages are written in:
//! `<@U123>` → `@handle`, `<#C123|name>` → `#name`, `<https://x|label>` → `[label](https://x)`,
//! `*bold*` → `**bold**`, `~strike~` → `~~strike~~`, `&lt;` `&gt;` `&amp;` unescaped. Code
//! spans and blocks are left exactly as written.

/// Converts `text`; `handle` names a Slack user id's account here (`None`: the Slack name
/// or id is kept as plain text).
pub fn to_markdown(text: &str, handle: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // Alternating outside / inside code: ``` blocks first, then ` spans.
    for (i, block) in text.split("```").enumerate() {
        if i > 0 {
            out.push_str("```");
        }
        if i % 2 == 1 {
            out.push_str(&unescape(block));
            continue;
        }
        for (j, span) in block.split('`').enumerate() {
            if j > 0 {
                out.push('`');
            }
            if j % 2 == 1 {
                out.push_str(&unescape(span));
            } else {
                out.push_str(&emphasis(&unescape(&references(span, handle))));
            }
        }
    }
    out
}

/// `<…>` references: people, channels, special mentions, links.
fn references(text: &str, handle: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 1..start + len];
        let (target, label) = inner.split_once('|').unwrap_or((inner, ""));
        out.push_str(&match target.chars().next() {
            Some('@') => {
                let id = &target[1..];
                match handle(id) {
                    Some(handle) => format!("@{handle}"),
                    None if !label.is_empty() => format!("@{label}"),
                    None => format!("@{id}"),
                }
            }
            Some('#') => format!(
                "#{}",
                if label.is_empty() {
                    &target[1..]
                } else {
                    label
                }
            ),
            Some('!') => match target {
                "!channel" | "!here" | "!everyone" => format!("@{}", &target[1..]),
                _ if !label.is_empty() => label.to_owned(),
                _ => String::new(),
            },
            _ if label.is_empty() => target.trim_start_matches("mailto:").to_owned(),
            _ if target.starts_with("mailto:") => label.to_owned(),
            _ => format!("[{label}]({target})"),
        });
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `*bold*` and `~strike~` as Markdown doubles them; `_italic_` is the same in both.
fn emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '*' || c == '~')
            && let Some(end) = closing(&chars, i)
        {
            out.push(c);
            out.push(c);
            out.extend(&chars[i + 1..end]);
            out.push(c);
            out.push(c);
            i = end + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where the marker at `open` closes on the same line, if it opens a span: it follows a
/// non-word character, the span does not start or end with a space, and the closing marker
/// is not followed by a word character.
fn closing(chars: &[char], open: usize) -> Option<usize> {
    let marker = chars[open];
    let word = |c: &char| c.is_alphanumeric();
    if open > 0 && word(&chars[open - 1]) {
        return None;
    }
    let first = chars.get(open + 1)?;
    if first.is_whitespace() || *first == marker {
        return None;
    }
    (open + 2..chars.len())
        .take_while(|&k| chars[k] != '\n')
        .find(|&k| {
            chars[k] == marker
                && !chars[k - 1].is_whitespace()
                && !chars.get(k + 1).is_some_and(word)
        })
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    fn convert(text: &str) -> String {
        to_markdown(text, &|id| (id == "U1").then(|| "ada".to_owned()))
    }

    #[test]
    fn references_become_names_and_links() {
        assert_eq!(convert("hi <@U1>!"), "hi @ada!");
        assert_eq!(convert("hi <@U9|bo>"), "hi @bo");
        assert_eq!(convert("see <#C1|random>"), "see #random");
        assert_eq!(convert("<!here> and <!channel>"), "@here and @channel");
        assert_eq!(
            convert("<https://x.test/a?b=1|the site>"),
            "[the site](https://x.test/a?b=1)"
        );
        assert_eq!(convert("<https://x.test>"), "https://x.test");
        assert_eq!(convert("<mailto:a@x.test|a@x.test>"), "a@x.test");
        assert_eq!(convert("1 &lt; 2 &amp;&amp; 3 &gt; 2"), "1 < 2 && 3 > 2");
    }

    #[test]
    fn emphasis_doubles_outside_code_only() {
        assert_eq!(
            convert("*bold* and ~gone~ and _it_"),
            "**bold** and ~~gone~~ and _it_"
        );
        assert_eq!(convert("2*3*4 stays"), "2*3*4 stays");
        assert_eq!(convert("a * b * c"), "a * b * c");
        assert_eq!(convert("`*code*` *x*"), "`*code*` **x**");
        assert_eq!(
            convert("```\n*keep* &lt;b&gt;\n```"),
            "```\n*keep* <b>\n```"
        );
        assert_eq!(convert("*open\nclose*"), "*open\nclose*");
    }
}
