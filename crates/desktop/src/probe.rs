//! The capability probe run before a server joins the registry: the address the user typed
//! is normalised, `GET /api/v1/instance` asked through the SDK with the server's trust
//! (docs/adr/0014), and the answer checked for a protocol this client speaks. Every failure
//! is a distinct `ProbeError`; a certificate nobody vouches for comes back with its
//! fingerprint, and a pinned one that changed as a hard stop.

use ocomms_client::tls::presented_certificate;
use ocomms_client::{Client, ClientError, Trust};
use ocomms_proto::instance::{InstanceInfo, PROTOCOL_VERSION};

use crate::error::ProbeError;
use crate::registry::SavedTrust;
use crate::state::host_of;

/// `chat.example.com` → `https://chat.example.com`; trailing slashes and `/api/v1` dropped.
/// Plain `http://` is refused except on loopback (passwords would travel in clear text).
pub fn normalize_url(input: &str) -> Result<String, ProbeError> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return Err(ProbeError::InvalidUrl(trimmed.to_owned()));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let (scheme, _) = with_scheme
        .split_once("://")
        .ok_or_else(|| ProbeError::InvalidUrl(trimmed.to_owned()))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(ProbeError::InvalidUrl(trimmed.to_owned()));
    }
    let host = host_of(&with_scheme);
    if host.is_empty() {
        return Err(ProbeError::InvalidUrl(trimmed.to_owned()));
    }
    if scheme == "http" && !is_loopback(host) {
        return Err(ProbeError::PlainHttpNotLoopback);
    }
    let base = with_scheme.trim_end_matches('/');
    let base = base.strip_suffix("/api/v1").unwrap_or(base);
    Ok(base.trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether this client can talk to a server that answered the probe with `info`.
pub fn check(info: &InstanceInfo) -> Result<(), ProbeError> {
    if info.protocol_versions.contains(&PROTOCOL_VERSION) {
        Ok(())
    } else {
        Err(ProbeError::TooOld {
            version: info.version.clone(),
            needed: PROTOCOL_VERSION,
        })
    }
}

/// A client for the server at `url` with its trust. A CA file is read here, at each
/// connection, so a replaced file takes effect without re-adding the server.
pub fn client_for(url: &str, trust: &SavedTrust) -> Result<Client, ProbeError> {
    let trust = match trust {
        SavedTrust::PublicCa => return Ok(Client::new(url)),
        SavedTrust::CaFile(path) => Trust::PrivateCa(
            std::fs::read_to_string(path)
                .map_err(|e| ProbeError::CaFile(format!("{}: {e}", path.display())))?,
        ),
        SavedTrust::Pinned(fingerprint) => Trust::Pinned(*fingerprint),
    };
    Client::with_trust(url, &trust).map_err(|e| ProbeError::CaFile(e.to_string()))
}

/// Asks the server at `url` (already normalised) what it is.
pub async fn probe(url: &str, trust: &SavedTrust) -> Result<InstanceInfo, ProbeError> {
    match client_for(url, trust)?.instance().await {
        Ok(info) => {
            check(&info)?;
            Ok(info)
        }
        Err(e) if e.is_tls() && url.starts_with("https://") => {
            Err(why_untrusted(url, trust, e).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// A failed handshake in trust terms: a certificate no authority vouches for (to compare and
/// trust), or a pinned one that changed (a hard stop). Anything else stays a TLS error.
async fn why_untrusted(url: &str, trust: &SavedTrust, error: ClientError) -> ProbeError {
    let Ok(presented) = presented_certificate(url).await else {
        return error.into();
    };
    match trust {
        SavedTrust::PublicCa => ProbeError::Untrusted {
            fingerprint: presented,
        },
        SavedTrust::Pinned(pinned) if *pinned != presented => ProbeError::CertificateChanged {
            server: url.to_owned(),
            pinned: *pinned,
            presented,
        },
        _ => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_and_plain_http_kept_to_loopback() {
        let ok = [
            ("chat.example.com", "https://chat.example.com"),
            (" https://chat.example.com/ ", "https://chat.example.com"),
            (
                "https://chat.example.com/api/v1/",
                "https://chat.example.com",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:3000/", "http://localhost:3000"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ];
        for (input, want) in ok {
            assert_eq!(normalize_url(input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(
            normalize_url("http://chat.example.com"),
            Err(ProbeError::PlainHttpNotLoopback)
        );
        for bad in ["", "ftp://x", "two words", "https://"] {
            assert!(
                matches!(normalize_url(bad), Err(ProbeError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_server_without_our_protocol_is_too_old() {
        let mut info = InstanceInfo {
            name: "OComms".into(),
            version: "0.0.9".into(),
            needs_setup: false,
            open_signup: true,
            email_verification_required: false,
            protocol_versions: vec![],
            features: vec![],
            auth_methods: vec![],
        };
        assert!(matches!(check(&info), Err(ProbeError::TooOld { .. })));
        info.protocol_versions = vec![PROTOCOL_VERSION];
        assert_eq!(check(&info), Ok(()));
    }
}
