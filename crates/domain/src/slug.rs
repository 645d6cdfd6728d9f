//! URL names for workspaces: `Café Crème` → `cafe-creme`, `東京チーム` → `dong-jing-timu`.
//!
//! Slugs are ASCII so they survive being typed, pasted into chat and read aloud; non-Latin
//! names are transliterated (deunicode) rather than percent-encoded.

pub const MAX_LEN: usize = 40;

/// Paths the web UI uses at the top level; a workspace may not take them as its slug.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "assets",
    "avatars",
    "healthz",
    "readyz",
    "invite",
    "new",
    "setup",
    "signin",
    "signup",
    "signout",
    "reset",
    "verify",
    "profile",
    "account",
    "sessions",
    "settings",
    "static",
    "w",
    "workspaces",
];

/// The base slug for a name. Never empty: names with nothing transliterable become
/// `workspace`.
pub fn base(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(MAX_LEN).collect();
    slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() || RESERVED.contains(&slug.as_str()) {
        slug = if slug.is_empty() {
            "workspace".to_owned()
        } else {
            format!("{slug}-team")
        };
    }
    slug
}

/// The first of `base`, `base-2`, `base-3`, … that `taken` does not contain.
pub fn unique(base: &str, taken: &[String]) -> String {
    crate::validation::first_free(base, taken, |n| format!("{base}-{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_ascii_slugs() {
        let cases = [
            ("Acme Corp", "acme-corp"),
            ("  Café  Crème!! ", "cafe-creme"),
            ("Ünïcørn Labs", "unicorn-labs"),
            ("東京チーム", "dong-jing-timu"),
            ("🎉 Party", "tada-party"),
            ("!!!", "workspace"),
            ("---", "workspace"),
            ("API", "api-team"),
            ("a_b.c", "a-b-c"),
        ];
        for (name, expected) in cases {
            assert_eq!(base(name), expected, "name {name:?}");
        }
        let long = base(&"word ".repeat(30));
        assert!(long.len() <= MAX_LEN && !long.ends_with('-'));
    }

    #[test]
    fn collisions_get_a_numeric_suffix() {
        let taken = vec!["acme".to_owned(), "acme-2".to_owned()];
        assert_eq!(unique("acme", &taken), "acme-3");
        assert_eq!(unique("other", &taken), "other");
    }
}
