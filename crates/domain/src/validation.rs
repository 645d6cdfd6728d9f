//! Field validation shared by every entry point (web forms, JSON API, admin CLI).

/// A field that failed validation, with a message that tells the user what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    /// The name of the offending field as it appears in requests (`email`, `password`, …).
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

pub type Validated<T> = Result<T, Invalid>;

/// Every field of one request that failed, in the order the fields were checked. A form
/// flags them all in one answer instead of making people fix one field per round trip.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.first().message)]
pub struct Invalids(Vec<Invalid>);

impl Invalids {
    /// The first failure: its field and message head the error for clients that show one.
    pub fn first(&self) -> &Invalid {
        // Never empty: built from one `Invalid` or by `AllValid` when something failed.
        &self.0[0]
    }

    pub fn all(&self) -> &[Invalid] {
        &self.0
    }
}

impl From<Invalid> for Invalids {
    fn from(invalid: Invalid) -> Self {
        Self(vec![invalid])
    }
}

/// Checks several fields at once: `(email(a), display_name(b)).all_valid()?` gives both
/// values, or every failure of the two.
pub trait AllValid {
    type Output;
    fn all_valid(self) -> Result<Self::Output, Invalids>;
}

macro_rules! all_valid_for_tuples {
    ($(($($value:ident: $ty:ident),+)),+) => {$(
        impl<$($ty),+> AllValid for ($(Validated<$ty>,)+) {
            type Output = ($($ty,)+);
            fn all_valid(self) -> Result<Self::Output, Invalids> {
                let ($($value,)+) = self;
                let mut failed = Vec::new();
                $(let $value = $value.map_err(|e| failed.push(e)).ok();)+
                match ($($value,)+) {
                    ($(Some($value),)+) => Ok(($($value,)+)),
                    _ => Err(Invalids(failed)),
                }
            }
        }
    )+};
}

all_valid_for_tuples!(
    (a: A, b: B),
    (a: A, b: B, c: C),
    (a: A, b: B, c: C, d: D),
    (a: A, b: B, c: C, d: D, e: E)
);

/// `base` if `taken` does not hold it, else the first of `numbered(2)`, `numbered(3)`, …
/// that it does not (unique slugs and handles).
pub(crate) fn first_free(base: &str, taken: &[String], numbered: impl Fn(u32) -> String) -> String {
    let free = |candidate: &String| !taken.iter().any(|t| t == candidate);
    std::iter::once(base.to_owned())
        .chain((2..).map(numbered))
        .find(free)
        .unwrap_or_else(|| base.to_owned())
}

pub const MAX_EMAIL_LEN: usize = ocomms_proto::limit::MAX_EMAIL_CHARS;
pub const MAX_DISPLAY_NAME_LEN: usize = ocomms_proto::limit::MAX_DISPLAY_NAME_CHARS;
pub const MAX_WORKSPACE_NAME_LEN: usize = ocomms_proto::limit::MAX_WORKSPACE_NAME_CHARS;

/// Trims and lowercases an email address and checks its shape. Deliverability is proven by
/// the verification email, not by a regex, so the check is deliberately loose.
pub fn email(raw: &str) -> Validated<String> {
    let email = raw.trim().to_lowercase();
    let invalid = || Invalid::new("email", "Enter an email address like name@example.com.");
    if email.is_empty() || raw.chars().count() > MAX_EMAIL_LEN {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    Ok(email)
}

/// A person's display name: trimmed, 1–80 characters, no control characters.
pub fn display_name(raw: &str) -> Validated<String> {
    bounded_text("display_name", "Display name", raw, 1, MAX_DISPLAY_NAME_LEN)
}

/// A workspace name: trimmed, 1–80 characters, no control characters.
pub fn workspace_name(raw: &str) -> Validated<String> {
    bounded_text("name", "Workspace name", raw, 1, MAX_WORKSPACE_NAME_LEN)
}

/// Trimmed single-line text: at least `min` characters once trimmed, at most `max` as sent
/// (characters, not bytes: the API document states the limit on what is sent).
pub fn bounded_text(
    field: &'static str,
    label: &str,
    raw: &str,
    min: usize,
    max: usize,
) -> Validated<String> {
    let text = raw.trim();
    if text.chars().count() < min {
        return Err(Invalid::new(field, format!("{label} cannot be empty.")));
    }
    if raw.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("{label} can be at most {max} characters."),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            format!("{label} cannot contain line breaks or control characters."),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        let cases = [
            ("  Ada@Example.COM ", Some("ada@example.com")),
            ("a@b", Some("a@b")),
            ("", None),
            ("no-at-sign", None),
            ("@example.com", None),
            ("a@", None),
            ("a@.com", None),
            ("a@b..c", None),
            ("a b@c.d", None),
            ("a@b@c", None),
        ];
        for (input, expected) in cases {
            assert_eq!(email(input).ok().as_deref(), expected, "input {input:?}");
        }
        assert_eq!(email("x").unwrap_err().field, "email");
    }

    #[test]
    fn all_valid_reports_every_failed_field_in_order() {
        let ok = (email("a@b.c"), display_name("Ann")).all_valid();
        assert_eq!(ok, Ok(("a@b.c".to_owned(), "Ann".to_owned())));
        let failed = (email("nope"), display_name("Ann"), display_name(" "))
            .all_valid()
            .unwrap_err();
        let fields: Vec<_> = failed.all().iter().map(|i| i.field).collect();
        assert_eq!(fields, ["email", "display_name"]);
        assert_eq!(failed.first().field, "email");
        assert_eq!(failed.to_string(), failed.first().message);
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(display_name("  Zoë ").unwrap(), "Zoë");
        assert!(display_name("   ").is_err());
        assert!(display_name(&"é".repeat(80)).is_ok());
        assert!(display_name(&"é".repeat(81)).is_err());
        assert!(display_name("a\u{0007}b").is_err());
    }
}
