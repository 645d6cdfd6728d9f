//! Message bodies and client ids.

use ocomms_proto::message::{MAX_BODY_CHARS, MAX_CLIENT_ID_LEN};

use crate::{Invalid, Validated};

/// A message body: not blank, at most `MAX_BODY_CHARS` characters. Trailing whitespace is
/// dropped; leading indentation is kept (it matters in code).
pub fn body(raw: &str) -> Validated<String> {
    let body = raw.trim_end();
    if body.trim().is_empty() {
        return Err(Invalid::new("body", "Write something before sending."));
    }
    // The limit applies to what was sent, as the API document states it.
    let chars = raw.chars().count();
    if chars > MAX_BODY_CHARS {
        return Err(Invalid::new(
            "body",
            format!(
                "Messages can be at most {MAX_BODY_CHARS} characters; this one has {chars}. Split it up or share it as a file."
            ),
        ));
    }
    Ok(body.to_owned())
}

/// A client-chosen id: printable ASCII (no spaces), at most `MAX_CLIENT_ID_LEN` characters;
/// empty means none.
pub fn client_id(raw: Option<&str>) -> Validated<Option<String>> {
    match raw.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(id) if id.len() <= MAX_CLIENT_ID_LEN && id.chars().all(|c| c.is_ascii_graphic()) => {
            Ok(Some(id.to_owned()))
        }
        Some(_) => Err(Invalid::new(
            "client_id",
            format!("client_id must be printable ASCII, at most {MAX_CLIENT_ID_LEN} characters."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_client_ids() {
        assert_eq!(body("  indented\n").unwrap(), "  indented");
        assert!(body(" \n\t").is_err());
        assert!(body(&"x".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(body(&"x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert_eq!(client_id(Some("abc-1")).unwrap().as_deref(), Some("abc-1"));
        // As the API document states it: no spaces, not even around the id.
        assert!(client_id(Some(" abc-1 ")).is_err());
        assert_eq!(client_id(Some("")).unwrap(), None);
        assert_eq!(client_id(None).unwrap(), None);
        assert!(client_id(Some("has space")).is_err());
        assert!(client_id(Some(&"a".repeat(65))).is_err());
    }
}
