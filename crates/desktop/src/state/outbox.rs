//! Messages the user sent that the server has not acknowledged yet. Each carries a client
//! id chosen once, at send time: a retry after a lost answer or a reconnect reuses it, and the
//! server answers a repeated client id with the message it already stored, so nothing is
//! posted twice.

use ocomms_proto::ConversationId;

#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub client_id: String,
    pub conversation: ConversationId,
    pub body: String,
    /// A request is out; do not send again until it answers.
    pub in_flight: bool,
    /// The server refused it (not a network problem); shown, not retried.
    pub refused: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<Queued>,
}

impl Outbox {
    pub fn push(&mut self, client_id: String, conversation: ConversationId, body: String) {
        self.entries.push(Queued {
            client_id,
            conversation,
            body,
            in_flight: false,
            refused: None,
        });
    }

    pub fn entries(&self) -> &[Queued] {
        &self.entries
    }

    /// What to send now, oldest first (order matters within a conversation), marked in
    /// flight.
    pub fn take_sendable(&mut self) -> Vec<Queued> {
        let mut out = Vec::new();
        for q in &mut self.entries {
            if !q.in_flight && q.refused.is_none() {
                q.in_flight = true;
                out.push(q.clone());
            }
        }
        out
    }

    /// The server has it (its answer or its event arrived): forget it.
    pub fn acknowledge(&mut self, client_id: &str) {
        self.entries.retain(|q| q.client_id != client_id);
    }

    /// The request failed on the way: it goes again on the next chance.
    pub fn retry_later(&mut self, client_id: &str) {
        if let Some(q) = self.find(client_id) {
            q.in_flight = false;
        }
    }

    /// Nothing is in flight any more (the connection dropped or the session was replaced):
    /// every pending entry goes again once online.
    pub fn reset_in_flight(&mut self) {
        for q in &mut self.entries {
            q.in_flight = false;
        }
    }

    pub fn refuse(&mut self, client_id: &str, reason: String) {
        if let Some(q) = self.find(client_id) {
            q.in_flight = false;
            q.refused = Some(reason);
        }
    }

    pub fn for_conversation(&self, id: ConversationId) -> impl Iterator<Item = &Queued> {
        self.entries.iter().filter(move |q| q.conversation == id)
    }

    fn find(&mut self, client_id: &str) -> Option<&mut Queued> {
        self.entries.iter_mut().find(|q| q.client_id == client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_sent_once_until_they_fail_or_are_acknowledged() {
        let mut o = Outbox::default();
        o.push("c-1".into(), ConversationId(1), "one".into());
        o.push("c-2".into(), ConversationId(1), "two".into());
        let first: Vec<_> = o.take_sendable().into_iter().map(|q| q.client_id).collect();
        assert_eq!(first, ["c-1", "c-2"]);
        assert!(o.take_sendable().is_empty(), "in flight: not sent twice");
        o.acknowledge("c-1");
        o.retry_later("c-2");
        let again: Vec<_> = o.take_sendable().into_iter().map(|q| q.client_id).collect();
        assert_eq!(again, ["c-2"], "same client id on retry");
        o.refuse("c-2", "too long".into());
        assert!(o.take_sendable().is_empty());
        assert_eq!(o.for_conversation(ConversationId(1)).count(), 1);
    }
}
