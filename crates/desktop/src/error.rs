//! What can go wrong, in the words the UI shows. Each variant is a distinct situation the
//! user can act on differently (fix the URL, trust a certificate, ask the admin to upgrade).

use ocomms_client::{ClientError, Fingerprint};

/// Adding a server: the capability probe's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("That is not a server address: {0}")]
    InvalidUrl(String),
    /// Passwords would cross the network in clear text.
    #[error("Plain http:// is only allowed for this computer (localhost); use https://")]
    PlainHttpNotLoopback,
    #[error("Cannot reach the server: {0}")]
    Unreachable(String),
    #[error("Secure connection failed (TLS): {0}")]
    Tls(String),
    /// A certificate no public CA signed (self-signed, say): the user may compare its
    /// fingerprint with the administrator's and trust it.
    #[error(
        "This server's certificate is not signed by an authority this computer trusts. Compare its fingerprint with the one your administrator gives you before trusting it."
    )]
    Untrusted { fingerprint: Fingerprint },
    /// A pinned server presents another certificate: a hard stop (ADR 0014).
    #[error(
        "The certificate of {server} changed since you trusted it: it was {pinned}, it is now {presented}. Either the server got a new certificate, or someone is intercepting the connection. Ask its administrator; to trust the new one, add the server again and compare the new fingerprint."
    )]
    CertificateChanged {
        server: String,
        pinned: Fingerprint,
        presented: Fingerprint,
    },
    #[error("Cannot use the CA certificate file: {0}")]
    CaFile(String),
    #[error("That address answers, but it is not an OComms server")]
    NotOComms,
    #[error("The server runs OComms {version}, too old for this client (protocol {needed})")]
    TooOld { version: String, needed: u32 },
    #[error("The probe failed: {0}")]
    Other(String),
}

impl From<ClientError> for ProbeError {
    fn from(e: ClientError) -> Self {
        if e.is_tls() {
            Self::Tls(e.to_string())
        } else if e.is_unreachable() {
            Self::Unreachable(e.to_string())
        } else if e.is_foreign_response() || e.status() == Some(404) {
            Self::NotOComms
        } else {
            Self::Other(e.to_string())
        }
    }
}

/// Signing in or up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("Wrong email or password")]
    InvalidCredentials,
    #[error("This server only accepts new accounts with an invitation")]
    SignupClosed,
    #[error("An account with this email already exists")]
    EmailTaken,
    #[error("Cannot reach the server")]
    Unreachable,
    #[error("Check your email: open the link sent to {0}, then sign in")]
    ConfirmEmail(String),
    #[error("{0}")]
    Refused(String),
    /// A session kept from an earlier run is no longer accepted (revoked, or it expired).
    #[error("Your session expired: sign in again")]
    SessionExpired,
    /// A kept session could not be tried (the server did not answer, say); it is kept.
    #[error("Could not sign you back in ({0}). Sign in again, or restart OpenChat later")]
    NotResumed(String),
}

impl From<ClientError> for AuthError {
    fn from(e: ClientError) -> Self {
        use ocomms_proto::ErrorCode;
        match e.code() {
            Some(ErrorCode::InvalidCredentials) => Self::InvalidCredentials,
            Some(ErrorCode::SignupClosed) => Self::SignupClosed,
            Some(ErrorCode::EmailTaken) => Self::EmailTaken,
            _ if e.is_unreachable() => Self::Unreachable,
            _ => match e {
                ClientError::Api { body, .. } => Self::Refused(body.message),
                other => Self::Refused(other.to_string()),
            },
        }
    }
}

/// Any other call: loading lists and history, sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Try again when the connection is back.
    #[error("offline: {0}")]
    Offline(String),
    /// The session is no longer valid: sign in again.
    #[error("session expired")]
    SessionExpired,
    /// The server said no; retrying will not help.
    #[error("{0}")]
    Refused(String),
}

impl From<ClientError> for CallError {
    fn from(e: ClientError) -> Self {
        if e.is_unauthenticated() {
            Self::SessionExpired
        } else if let ClientError::Api { body, .. } = &e {
            Self::Refused(body.message.clone())
        } else {
            Self::Offline(e.to_string())
        }
    }
}
