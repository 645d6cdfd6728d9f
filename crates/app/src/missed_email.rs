//! Email about mentions and direct messages someone has not read (issue 15; ADR 0019).
//!
//! Like Slack and Mattermost: when a message names you, says `@channel` in a conversation you
//! are in, or is a direct message to you, and a few minutes later you have still not read it
//! and are not active, you get an email; at most one every 15 minutes (or hour), listing
//! everything still unread since the last one. Off without SMTP, off per person, and every
//! email carries a one-click unsubscribe link.

mod letter;

use std::time::Duration;

use ocomms_proto::notification::{EmailFrequency, EmailNotifications, SetEmailNotifications};
use ocomms_proto::realtime::PresenceStatus;
use ocomms_store::{EmailRecipient, StoreError};

use crate::notification::quiet_rules;
use crate::{Actor, App, AppResult};

/// Messages one sweep reads at most; the next tick goes on from there.
const SWEEP_BATCH: i64 = 10_000;
/// People written to in one tick at most.
const DUE_BATCH: i64 = 500;

impl App {
    /// How often the actor is emailed about what they missed.
    pub async fn email_notifications(&self, actor: &Actor) -> AppResult<EmailNotifications> {
        let minutes = self.store().email_every_minutes(actor.user.id).await?;
        Ok(EmailNotifications {
            frequency: EmailFrequency::from_minutes(minutes)
                .ok_or(StoreError::Invariant("an unknown email frequency"))?,
            available: self.mailer().is_smtp(),
        })
    }

    pub async fn set_email_notifications(
        &self,
        actor: &Actor,
        update: SetEmailNotifications,
    ) -> AppResult<EmailNotifications> {
        let minutes = update.frequency.minutes().map_or(0, i64::from);
        self.store()
            .set_email_every_minutes(actor.user.id, minutes)
            .await?;
        self.email_notifications(actor).await
    }

    /// Turns these emails off for whoever holds an unsubscribe link's token; false for a
    /// token nobody holds.
    pub async fn unsubscribe_email(&self, token: &str) -> AppResult<bool> {
        Ok(self.store().unsubscribe(token).await?.is_some())
    }

    /// Sends missed-message email every `tick`, for as long as the returned task runs (the
    /// server starts it when SMTP is configured and aborts it when it stops).
    pub fn start_missed_email(&self, tick: Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(tick);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = app.send_missed_email().await {
                    tracing::warn!(%error, "missed-message email round failed");
                }
            }
        })
    }

    /// One round: queue the messages now old enough, then write to everyone due. Answers how
    /// many emails went out. Safe on several nodes at once: each stretch of messages and each
    /// person's queue is claimed by one of them.
    pub async fn send_missed_email(&self) -> AppResult<usize> {
        let now = super::now();
        let delay = i64::try_from(self.inner.missed_email_delay.as_millis()).unwrap_or(i64::MAX);
        self.store()
            .sweep_missed_messages(now.saturating_sub(delay), SWEEP_BATCH)
            .await?;
        let mut sent = 0;
        for recipient in self.store().missed_email_due(now, DUE_BATCH).await? {
            if quiet_rules(&recipient.quiet).quiet_at(now) {
                // Held back, not dropped: what is still unread goes when the quiet ends.
                continue;
            }
            if self.publisher().status_of(recipient.user) == PresenceStatus::Online {
                // Active right now: the badges and live notifications have told them.
                self.store().forget_missed_messages(recipient.user).await?;
                continue;
            }
            if self.write_missed_email(&recipient, now).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn write_missed_email(&self, recipient: &EmailRecipient, now: i64) -> AppResult<bool> {
        let Some(messages) = self.store().claim_missed_messages(recipient, now).await? else {
            return Ok(false);
        };
        if messages.is_empty() {
            return Ok(false);
        }
        let token = self
            .store()
            .unsubscribe_token(recipient.user, &crate::token::generate())
            .await?;
        let letter = letter::Letter::write(recipient, &messages, self.public_url(), &token);
        self.mailer().send_unsubscribable(
            &recipient.email,
            &letter.subject,
            letter.body,
            &letter.unsubscribe,
        );
        Ok(true)
    }
}
