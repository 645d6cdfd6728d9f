//! Reactions kept with their message (docs/adr/0021): each realtime toggle, the user's own
//! included, is applied to the message as kept, the same way the timeline applies it
//! (`state::reactions`).

use sqlx::Connection as _;

use super::*;
use crate::state::reactions;

impl Cache {
    /// Read, changed and written back in one transaction: the change is the timeline's own
    /// (`state::reactions::apply`) rather than a second version of it in SQL's JSON.
    pub(super) async fn reaction(
        &mut self,
        user: UserId,
        message: MessageId,
        emoji: &str,
        by: UserId,
        added: bool,
    ) -> Result<(), CacheError> {
        let mut tx = self.db.begin().await?;
        let kept: Option<(String,)> =
            sqlx::query_as("SELECT message FROM messages WHERE user_id = ? AND id = ?")
                .bind(user.0)
                .bind(message.0)
                .fetch_optional(&mut *tx)
                .await?;
        // A message not kept: history brings it with its reactions.
        let Some((kept,)) = kept else {
            return Ok(());
        };
        let mut kept: Message = serde_json::from_str(&kept)?;
        reactions::apply(&mut kept.reactions, emoji, by, added);
        sqlx::query("UPDATE messages SET message = ? WHERE user_id = ? AND id = ?")
            .bind(serde_json::to_string(&kept)?)
            .bind(user.0)
            .bind(message.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
