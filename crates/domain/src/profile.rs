//! Profile fields beyond the display name.

use crate::{Invalid, Validated, validation::bounded_text};

pub const MAX_TITLE_LEN: usize = ocomms_proto::limit::MAX_TITLE_CHARS;
pub const MAX_BIO_LEN: usize = ocomms_proto::limit::MAX_BIO_CHARS;

pub fn title(raw: &str) -> Validated<String> {
    bounded_text("title", "Title", raw, 0, MAX_TITLE_LEN)
}

/// A bio may span lines, unlike the other fields.
pub fn bio(raw: &str) -> Validated<String> {
    let text = raw.trim().replace("\r\n", "\n");
    // The limit applies to what was sent, as the API document states it.
    if raw.chars().count() > MAX_BIO_LEN {
        return Err(Invalid::new(
            "bio",
            format!("Bio can be at most {MAX_BIO_LEN} characters."),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::new(
            "bio",
            "Bio cannot contain control characters.",
        ));
    }
    Ok(text)
}

/// An IANA time zone name known to the bundled tz database, spelled exactly as it lists it
/// (the API document offers exactly `time_zone_names`), or empty for "not set".
pub fn time_zone(raw: &str) -> Validated<String> {
    let name = raw;
    if name.is_empty() {
        return Ok(String::new());
    }
    match time_zone_names().binary_search_by(|known| known.as_str().cmp(name)) {
        Ok(_) => Ok(name.to_owned()),
        Err(_) => Err(Invalid::new(
            "time_zone",
            format!(
                "Unknown time zone {name:?}. Use a name like Europe/Berlin or America/New_York."
            ),
        )),
    }
}

/// Every time zone name, sorted, for the profile form's picker and the API document.
pub fn time_zone_names() -> &'static [String] {
    static NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
        names.sort();
        names
    });
    &NAMES
}

/// Initials for the generated avatar: "Ada Lovelace" → "AL", "zoë" → "Z".
pub fn initials(display_name: &str) -> String {
    display_name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_checked_against_the_tz_database() {
        assert_eq!(time_zone("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert_eq!(time_zone("").unwrap(), "");
        assert!(time_zone(" Europe/Berlin").is_err());
        assert!(time_zone("europe/berlin").is_err());
        assert_eq!(time_zone("Mars/Olympus").unwrap_err().field, "time_zone");
        assert!(time_zone_names().iter().any(|n| n == "Asia/Tokyo"));
    }

    #[test]
    fn bios_keep_lines_and_refuse_control_characters() {
        assert_eq!(bio(" a\r\nb ").unwrap(), "a\nb");
        assert!(bio("a\u{0000}b").is_err());
        assert!(bio(&"x".repeat(501)).is_err());
        assert!(title(&"x".repeat(101)).is_err());
        assert_eq!(title("").unwrap(), "");
    }

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ada Lovelace King"), "AL");
        assert_eq!(initials("zoë"), "Z");
        assert_eq!(initials(""), "");
    }
}
