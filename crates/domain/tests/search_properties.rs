//! Properties of the search query reader and snippets over generated text: any input is
//! read or refused with a message (never a panic), and a snippet is a piece of the text.

use ocomms_domain::search;
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_query_is_read_or_explained(input in any::<String>()) {
        match search::parse(&input) {
            Ok(query) => {
                for term in &query.terms {
                    prop_assert!(!term.tokens.is_empty());
                    for token in &term.tokens {
                        prop_assert!(token.chars().all(char::is_alphanumeric), "{token:?}");
                    }
                }
            }
            Err(invalid) => prop_assert!(!invalid.message.is_empty()),
        }
    }

    #[test]
    fn a_snippet_is_a_piece_of_the_text(text in any::<String>(), q in "[a-z]{1,6}\\*?") {
        let query = search::parse(&q).unwrap();
        let pieces = search::snippet(&text, &query);
        let inner: String = pieces
            .iter()
            .filter(|(piece, hit)| *hit || piece != "…")
            .map(|(piece, _)| piece.as_str())
            .collect();
        prop_assert!(text.contains(&inner), "{inner:?} not in {text:?}");
    }
}
