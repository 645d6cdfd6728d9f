//! Which server certificates a client accepts. OpenChat's trust states (docs/adr/0014) map
//! onto these: a certificate signed by a public CA; one signed by a private CA whose root the
//! user gave; or exactly one certificate, pinned by its SHA-256 after the user compared the
//! fingerprint (a self-signed server). HTTP calls and the WebSocket use the same rules.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::ClientError;

/// The SHA-256 of a certificate (DER), shown as `AB:CD:…` the way browsers show it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    pub fn of(certificate_der: &[u8]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, certificate_der);
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Hex, with or without colons, either case.
impl FromStr for Fingerprint {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let hex: String = text.chars().filter(|c| *c != ':').collect();
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(format!("not a SHA-256 fingerprint: {text}"));
        }
        let mut bytes = [0; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| format!("not a SHA-256 fingerprint: {text}"))?;
        }
        Ok(Self(bytes))
    }
}

/// What a client trusts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trust {
    /// Certificates signed by a public CA (the Mozilla list, from `webpki-roots`).
    #[default]
    PublicCa,
    /// Certificates signed by one of these roots (PEM text: a company's own CA).
    PrivateCa(String),
    /// Exactly this certificate, whoever signed it and whatever name it carries: the pin is the
    /// server's identity. A different certificate is refused (the server changed, or someone is
    /// in between).
    Pinned(Fingerprint),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration for `trust` (HTTP/1.1, which the WebSocket upgrades from).
pub(crate) fn client_config(trust: &Trust) -> Result<Arc<ClientConfig>, ClientError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Trust(e.to_string()))?;
    let mut config = match trust {
        Trust::PublicCa => {
            let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::PrivateCa(pem) => {
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|e| ClientError::Trust(format!("CA file: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| ClientError::Trust(format!("CA certificate: {e}")))?;
            }
            if roots.is_empty() {
                return Err(ClientError::Trust(
                    "the CA file holds no certificate".into(),
                ));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::Pinned(fingerprint) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ByFingerprint::new(Accept::Only(
                *fingerprint,
            ))))
            .with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What `ByFingerprint` does with the certificate a server presents.
#[derive(Debug)]
enum Accept {
    /// Accept exactly this one.
    Only(Fingerprint),
    /// Note it and refuse it, so the handshake never completes and nothing is sent to a
    /// server nobody trusts yet.
    Nothing(Mutex<Option<Fingerprint>>),
}

/// Decides on the server's certificate by its fingerprint alone; the handshake's signatures
/// are still checked against it, so the server must hold its private key.
#[derive(Debug)]
struct ByFingerprint {
    accept: Accept,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ByFingerprint {
    fn new(accept: Accept) -> Self {
        Self {
            accept,
            algorithms: provider().signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for ByFingerprint {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Fingerprint::of(end_entity);
        match &self.accept {
            Accept::Only(pinned) if *pinned == presented => {
                return Ok(ServerCertVerified::assertion());
            }
            Accept::Only(_) => {}
            Accept::Nothing(seen) => {
                if let Ok(mut seen) = seen.lock() {
                    *seen = Some(presented);
                }
            }
        }
        Err(rustls::Error::InvalidCertificate(
            rustls::CertificateError::ApplicationVerificationFailure,
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The fingerprint of the certificate the server at `base_url` (https) presents, read from a
/// handshake that is broken off before any request: what the user compares before pinning,
/// and what shows that a pinned server's certificate changed.
pub async fn presented_certificate(base_url: &str) -> Result<Fingerprint, ClientError> {
    let inspect = Arc::new(ByFingerprint::new(Accept::Nothing(Mutex::new(None))));
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Trust(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(inspect.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .build()?;
    // Refused by `Accept::Nothing` during the handshake, always: the error is expected.
    let _ = http
        .get(format!(
            "{}/api/v1/instance",
            base_url.trim_end_matches('/')
        ))
        .send()
        .await;
    let seen = match &inspect.accept {
        Accept::Nothing(seen) => seen.lock().ok().and_then(|seen| *seen),
        Accept::Only(_) => None,
    };
    seen.ok_or_else(|| {
        ClientError::Trust(format!(
            "{base_url} presented no certificate (is it https?)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_and_print_like_browsers_show_them() {
        let fp = Fingerprint::of(b"certificate");
        let shown = fp.to_string();
        assert_eq!(shown.len(), 32 * 3 - 1);
        assert_eq!(shown.parse::<Fingerprint>(), Ok(fp));
        assert_eq!(
            shown.replace(':', "").to_lowercase().parse::<Fingerprint>(),
            Ok(fp)
        );
        assert!("AB:CD".parse::<Fingerprint>().is_err());
        assert!("zz".repeat(32).parse::<Fingerprint>().is_err());
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        assert!(client_config(&Trust::PrivateCa("not pem".into())).is_err());
        assert!(client_config(&Trust::PublicCa).is_ok());
    }
}
