//! The realtime session of one account, forwarded as `Msg`s.

use ocomms_client::tls::presented_certificate;
use ocomms_client::{Client, Fingerprint, Update};

use super::Sink;
use crate::msg::Msg;
use crate::state::AccountKey;

/// Forwards the realtime session's updates. The SDK retries a dropped connection and stops
/// with `SessionEnded` when the server refuses the token, which is shown, not retried.
///
/// For a pinned server, each drop also asks which certificate the server presents now: a
/// pinned certificate that changed fails every handshake, which would otherwise look like
/// a server that is down, retried forever. It is a hard stop instead, as at start
/// (docs/adr/0014); the handshake is broken off before anything is sent.
pub(super) async fn live(
    client: Client,
    account: AccountKey,
    pin: Option<Fingerprint>,
    sink: Sink,
) {
    let mut realtime = client.realtime(Default::default());
    while let Some(update) = realtime.next().await {
        if matches!(update, Update::SessionEnded) {
            sink(Msg::SessionExpired(account));
            return;
        }
        if let (Update::Reconnecting { .. }, Some(pin)) = (&update, pin)
            && let Ok(presented) = presented_certificate(client.base_url()).await
            && presented != pin
        {
            sink(Msg::CertificateChanged { account, presented });
            return;
        }
        sink(Msg::Realtime {
            account,
            update,
            received_at: now_ms(),
        });
    }
}

/// The wall clock in ms since the epoch, as the server stamps messages (a clock set before
/// 1970 reads as 0, which makes no replayed notification look old).
fn now_ms() -> ocomms_proto::Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
