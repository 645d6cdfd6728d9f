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
        sink(Msg::Realtime { account, update });
    }
}
