//! Password policy and hashing (argon2id with the crate's recommended parameters).

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::{Invalid, Validated};

pub const MIN_LEN: usize = ocomms_proto::limit::MIN_PASSWORD_CHARS;
/// Argon2 hashes the whole input; an upper bound keeps a megabyte "password" from costing CPU.
pub const MAX_LEN: usize = ocomms_proto::limit::MAX_PASSWORD_CHARS;

/// Passwords that appear at the top of every breach list. A length minimum alone lets
/// "password123" through, so the commonest shapes are refused by name too.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "abc123",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "master",
    "shadow",
    "superman",
    "trustno1",
    "changeme",
    "secret",
    "whatever",
    "starwars",
    "computer",
    "michelle",
    "jennifer",
    "hunter",
    "freedom",
    "login",
    "default",
    "ocomms",
    "123456",
    "1234567890",
    "0987654321",
    "1q2w3e4r",
    "1qaz2wsx",
    "qazwsx",
    "aaaaaa",
];

/// Checks a new password. `context` holds words the password must not be built from
/// (the email's local part, the display name).
pub fn check_policy(password: &str, context: &[&str]) -> Validated<()> {
    let field = "password";
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(Invalid::new(
            field,
            format!("Use at least {MIN_LEN} characters."),
        ));
    }
    if len > MAX_LEN {
        return Err(Invalid::new(
            field,
            format!("Use at most {MAX_LEN} characters."),
        ));
    }
    let lowered = password.to_lowercase();
    let core: String = lowered
        .trim_end_matches(|c: char| c.is_ascii_digit() || "!@#$%^&*?.".contains(c))
        .to_owned();
    let distinct = {
        let mut chars: Vec<char> = lowered.chars().collect();
        chars.sort_unstable();
        chars.dedup();
        chars.len()
    };
    let trivial = distinct <= 3
        || COMMON.contains(&lowered.as_str())
        || COMMON.contains(&core.as_str())
        || is_sequence(&lowered)
        || context
            .iter()
            .map(|w| w.trim().to_lowercase())
            .any(|w| w.chars().count() >= 3 && (lowered == w || core == w));
    if trivial {
        return Err(Invalid::new(
            field,
            "This password is too easy to guess. Try a few unrelated words together.",
        ));
    }
    Ok(())
}

/// "abcdefghij", "1234567890", "9876543210": each character one step from the last.
fn is_sequence(s: &str) -> bool {
    let codes: Vec<i64> = s.chars().map(|c| i64::from(u32::from(c))).collect();
    let steps: Vec<i64> = codes.windows(2).map(|w| w[1] - w[0]).collect();
    !steps.is_empty() && (steps.iter().all(|&d| d == 1) || steps.iter().all(|&d| d == -1))
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes with argon2id and a random salt; the PHC string carries its own parameters so they
/// can be raised later without breaking old hashes.
pub fn hash(password: &str) -> Result<String, HashError> {
    let fail = |e: &dyn std::fmt::Display| HashError(e.to_string());
    let salt = SaltString::generate(&mut rand_core::OsRng);
    let argon2 = Argon2::default();
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| fail(&e))?;
    let output_len = argon2
        .params()
        .output_len()
        .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(output_len, |out| {
        work(&argon2, password.as_bytes(), salt_bytes, out).map_err(Into::into)
    })
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt_buf = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buf).ok()?;
        let argon2 = Argon2::new(algorithm, version, params);
        let computed = Output::init_with(expected.len(), |out| {
            work(&argon2, password.as_bytes(), salt, out).map_err(Into::into)
        })
        .ok()?;
        // `Output` compares in constant time.
        Some(computed == expected)
    };
    check().unwrap_or(false)
}

/// argon2's work area (19 MiB with the recommended parameters), allocated so that it goes
/// back to the system after each hash.
///
/// Why: glibc returns a freed block to the system only if it was mmapped, and after freeing
/// one it raises its mmap threshold to that block's size (up to 32 MiB). So from the second
/// hash on, the 19 MiB came from the heap and stayed there, scattered over threads' arenas:
/// the server held 340 MiB after 300 sign-ups (docs/benchmarks.md). A capacity above 32 MiB
/// is always mmapped and leaves the threshold alone; only the pages argon2 writes become
/// resident, and dropping the vector unmaps them.
fn work(argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    const ALWAYS_MAPPED_BYTES: usize = 33 << 20;
    let needed = argon2.params().block_count();
    let capacity = needed.max(ALWAYS_MAPPED_BYTES / std::mem::size_of::<Block>());
    let mut blocks: Vec<Block> = Vec::with_capacity(capacity);
    blocks.resize(needed, Block::default());
    argon2.hash_password_into_with_memory(password, salt, out, &mut blocks)
}

/// A hash of a random password, verified against when the email is unknown so that a
/// failed sign-in costs the same time whether or not the account exists.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        // Invariant: hashing a constant with a fresh salt cannot fail with default parameters.
        hash("no account has this password").unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_common_and_personal_passwords() {
        let refused = [
            "short",
            "password123",
            "Password!!",
            "qwertyuiop",
            "1234567890",
            "abcdefghijk",
            "aaaaaaaaaaaa",
            "ababababab",
            "adalovelace",
        ];
        for p in refused {
            assert!(
                check_policy(p, &["adalovelace", "Ada"]).is_err(),
                "should refuse {p:?}"
            );
        }
        for p in [
            "correct horse battery",
            "Tr0ub4dor&3xyz",
            "zebra-lamp-quiet-7",
        ] {
            assert!(check_policy(p, &["ada"]).is_ok(), "should accept {p:?}");
        }
        assert!(check_policy(&"x1".repeat(200), &[]).is_err());
    }

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("anything", "not a phc string"));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn hashes_made_by_the_crate_verify_and_ours_verify_with_the_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::generate(&mut rand_core::OsRng);
        let theirs = Argon2::default()
            .hash_password(b"zebra-lamp-quiet-7", &salt)
            .unwrap()
            .to_string();
        assert!(verify("zebra-lamp-quiet-7", &theirs));
        assert!(!verify("zebra-lamp-quiet-8", &theirs));
        let ours = hash("zebra-lamp-quiet-7").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"zebra-lamp-quiet-7", &parsed)
                .is_ok()
        );
    }
}
