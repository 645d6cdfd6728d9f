//! Outgoing email. With SMTP configured, messages go out through lettre in background
//! tasks (a slow mail server never slows a request, and response timing reveals nothing).
//! Without SMTP, the message — including any link — is written to the log instead.

use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Log,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address {0:?}: use a form like \"OComms <noreply@example.com>\"")]
    From(String),
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://user:pass@host:587?tls=required`, `smtps://host`.
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailConfigError::Url(e.to_string()))?
            .build();
        let from = from
            .parse()
            .map_err(|_| MailConfigError::From(from.to_owned()))?;
        Ok(Self::Smtp { transport, from })
    }

    pub fn is_smtp(&self) -> bool {
        matches!(self, Self::Smtp { .. })
    }

    /// Sends in the background; failures are logged, never shown to the requester.
    pub fn send(&self, to: &str, subject: &str, body: String) {
        self.deliver(to, subject, body, None);
    }

    /// Sends a notification email whose `List-Unsubscribe` headers (RFC 2369, and RFC 8058's
    /// one-click POST) point at `unsubscribe`, so mail clients offer the button themselves.
    pub fn send_unsubscribable(&self, to: &str, subject: &str, body: String, unsubscribe: &str) {
        self.deliver(to, subject, body, Some(unsubscribe));
    }

    fn deliver(&self, to: &str, subject: &str, body: String, unsubscribe: Option<&str>) {
        match self {
            Self::Log => {
                tracing::warn!(
                    to,
                    subject,
                    "SMTP is not configured; this email was not sent:\n{body}"
                );
            }
            Self::Smtp { transport, from } => {
                let message = to
                    .parse::<Mailbox>()
                    .map_err(|e| e.to_string())
                    .and_then(|to| {
                        let mut builder = Message::builder()
                            .from(from.clone())
                            .to(to)
                            .subject(subject)
                            .header(ContentType::TEXT_PLAIN);
                        if let Some(url) = unsubscribe {
                            builder = builder
                                .raw_header(HeaderValue::new(
                                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                                    format!("<{url}>"),
                                ))
                                .raw_header(HeaderValue::new(
                                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                                    "List-Unsubscribe=One-Click".to_owned(),
                                ));
                        }
                        builder.body(body).map_err(|e| e.to_string())
                    });
                let message = match message {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::warn!(to, error = %e, "email not built");
                        return;
                    }
                };
                let transport = transport.clone();
                let to = to.to_owned();
                tokio::spawn(async move {
                    if let Err(e) = transport.send(message).await {
                        tracing::warn!(to, error = %e, "email not sent");
                    }
                });
            }
        }
    }
}
