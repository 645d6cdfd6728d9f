//! Handles: the short name a person is mentioned by (`@ada.lovelace`), unique on the server.
//!
//! ASCII letters, digits, `.`, `_` and `-`, lowercase, starting and ending with a letter or a
//! digit so that the punctuation ending a sentence ("thanks @ada.") is not taken for part of
//! it. The words that mention a whole conversation (`@channel`, `@here`, …) cannot be handles.

use crate::{Invalid, Validated};

pub const MAX_LEN: usize = ocomms_proto::limit::MAX_HANDLE_CHARS;

/// Mention everyone in a conversation (or everyone online in it, `here`): never a person.
pub const RESERVED: &[&str] = &["all", "channel", "everyone", "here"];

/// Characters a handle may contain.
pub fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// A handle chosen in the profile form or the API: a leading `@` is allowed and dropped,
/// capitals are lowered.
pub fn handle(raw: &str) -> Validated<String> {
    let typed = raw.trim();
    let typed = typed.strip_prefix('@').unwrap_or(typed);
    let handle = typed.to_ascii_lowercase();
    let problem = if handle.is_empty() {
        Some("Choose a handle: the name people mention you by, like @ada.".to_owned())
    } else if handle.chars().count() > MAX_LEN {
        Some(format!("A handle can be at most {MAX_LEN} characters."))
    } else if !handle.chars().all(is_handle_char) {
        Some("Use only letters a–z, digits, dots, dashes and underscores.".to_owned())
    } else if !starts_and_ends_alphanumeric(&handle) {
        Some("Start and end the handle with a letter or a digit.".to_owned())
    } else if RESERVED.contains(&handle.as_str()) {
        Some(format!(
            "@{handle} mentions a whole conversation; choose another handle."
        ))
    } else {
        None
    };
    match problem {
        Some(message) => Err(Invalid::new("handle", message)),
        None => Ok(handle),
    }
}

fn starts_and_ends_alphanumeric(handle: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    alnum(handle.chars().next()) && alnum(handle.chars().last())
}

/// The handle a new account gets from its display name ("Zoë Müller" → `zoe.muller`), or from
/// the address's local part when the name has nothing transliterable. Always valid.
pub fn base(display_name: &str, email: &str) -> String {
    let from_name = normalise(display_name);
    let base = if from_name.is_empty() {
        normalise(email.split('@').next().unwrap_or_default())
    } else {
        from_name
    };
    if base.is_empty() {
        "user".to_owned()
    } else if RESERVED.contains(&base.as_str()) {
        format!("{base}.1")
    } else {
        base
    }
}

/// Lowercase ASCII with every run of other characters turned into one dot, trimmed to
/// `MAX_LEN` less room for a number added to make it unique.
fn normalise(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('.') {
            out.push('.');
        }
    }
    let trimmed: String = out.chars().take(MAX_LEN - 4).collect();
    trimmed
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// The first of `base`, `base2`, `base3`, … that `taken` does not hold.
pub fn unique(base: &str, taken: &[String]) -> String {
    crate::validation::first_free(base, taken, |n| format!("{base}{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_handles_are_normalised_or_explained() {
        assert_eq!(handle(" @Ada.Lovelace ").ok(), Some("ada.lovelace".into()));
        assert_eq!(handle("b_2-x").ok(), Some("b_2-x".into()));
        for bad in [
            "", "@", "ada!", "ada.", "-ada", "zoë", "here", "@Channel", "a b",
        ] {
            let error = handle(bad).err();
            assert_eq!(error.map(|e| e.field), Some("handle"), "{bad:?}");
        }
        assert!(handle(&"a".repeat(MAX_LEN + 1)).is_err());
        assert!(handle(&"a".repeat(MAX_LEN)).is_ok());
    }

    #[test]
    fn new_accounts_get_a_handle_from_their_name() {
        assert_eq!(base("Ada Lovelace", "x@y.z"), "ada.lovelace");
        assert_eq!(base("  Zoë  Müller!! ", "x@y.z"), "zoe.muller");
        assert_eq!(base("東京", "x@y.z"), "dong.jing");
        assert_eq!(base("!!!", "grace.h@navy.mil"), "grace.h");
        assert_eq!(base("!!!", "!!@x"), "user");
        assert_eq!(base("Here", "x@y.z"), "here.1");
        for name in ["Ada Lovelace", "a", "…x…", &"long name ".repeat(10)] {
            let made = base(name, "someone@example.com");
            assert_eq!(
                handle(&made).ok().as_deref(),
                Some(made.as_str()),
                "{name:?}"
            );
            assert!(handle(&unique(&made, std::slice::from_ref(&made))).is_ok());
        }
    }

    #[test]
    fn taken_handles_get_a_number() {
        let taken = vec!["ada".to_owned(), "ada2".to_owned()];
        assert_eq!(unique("ada", &taken), "ada3");
        assert_eq!(unique("ben", &taken), "ben");
    }
}
