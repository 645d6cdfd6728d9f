//! A signed-in account's session on the runner's side: its client, its send queue and its
//! realtime connection.

use ocomms_client::{Client, Fingerprint};
use ocomms_proto::UserId;
use tokio::sync::mpsc;

use super::{Runner, Session, live, post_in_order};
use crate::error::AuthError;
use crate::msg::Msg;
use crate::state::{AccountKey, ServerKey};

impl Runner {
    /// Signing in could not start: the server's trust could not be set up (a CA file that
    /// is gone, say). The form says why.
    pub(super) fn refused(
        &self,
        server: ServerKey,
        account: AccountKey,
        error: crate::error::ProbeError,
    ) -> Msg {
        Msg::SignedIn {
            server,
            account,
            result: Err(AuthError::Refused(error.to_string())),
        }
    }

    pub(super) fn signed_in(
        &self,
        server: ServerKey,
        account: AccountKey,
        (client, pin): (Client, Option<Fingerprint>),
        result: Result<ocomms_proto::account::SessionToken, AuthError>,
    ) -> Msg {
        if let Ok(token) = &result {
            self.register(account, client, pin, token.user.id);
        }
        Msg::SignedIn {
            server,
            account,
            result,
        }
    }

    /// Holds a signed-in client for `account`. Called before the answer goes out, so the
    /// `Connect` and loads that `update` asks for next find the session.
    pub(super) fn register(
        &self,
        account: AccountKey,
        client: Client,
        pin: Option<Fingerprint>,
        user: UserId,
    ) {
        let (posts, queue) = mpsc::unbounded_channel();
        let poster = self.handle.spawn(post_in_order(
            client.clone(),
            account,
            queue,
            self.sink.clone(),
        ));
        let session = Session {
            client,
            pin,
            user,
            live: None,
            posts,
            poster,
        };
        self.sessions().insert(account, session);
    }

    pub(super) fn connect(&self, account: AccountKey) {
        let mut sessions = self.sessions();
        let Some(session) = sessions.get_mut(&account) else {
            drop(sessions);
            (self.sink)(Msg::SessionExpired(account));
            return;
        };
        if let Some(old) = session.live.take() {
            old.abort();
        }
        let client = session.client.clone();
        let sink = self.sink.clone();
        let pin = session.pin;
        session.live = Some(self.handle.spawn(live(client, account, pin, sink)));
    }
}
