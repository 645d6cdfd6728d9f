//! Reading a server's cache back at start: the server's description and, per account kept,
//! what the window shows before the network answers.

use super::*;

impl Cache {
    /// Everything kept; `None` when the server was never signed in to from here.
    pub async fn read(&mut self) -> Result<Option<Cached>, CacheError> {
        let info: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = 'instance'")
                .fetch_optional(&mut self.db)
                .await?;
        let Some((info,)) = info else {
            return Ok(None);
        };
        let info = serde_json::from_str(&info)?;
        let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT user_id, user, workspaces, place FROM accounts ORDER BY user_id",
        )
        .fetch_all(&mut self.db)
        .await?;
        let mut accounts = Vec::with_capacity(rows.len());
        for (user_id, user, workspaces, place) in rows {
            let mut account = self.account(user_id, &user, &workspaces).await?;
            account.place = place.map(ConversationId);
            accounts.push(account);
        }
        if accounts.is_empty() {
            return Ok(None);
        }
        Ok(Some(Cached { info, accounts }))
    }

    async fn account(
        &mut self,
        user_id: i64,
        user: &str,
        workspaces: &str,
    ) -> Result<CachedAccount, CacheError> {
        let lists: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT workspace_id, list, names FROM conversations WHERE user_id = ?")
                .bind(user_id)
                .fetch_all(&mut self.db)
                .await?;
        let mut conversations = Vec::new();
        let mut names = Vec::new();
        for (workspace, list, people) in lists {
            conversations.push((WorkspaceId(workspace), serde_json::from_str(&list)?));
            names.extend(serde_json::from_str::<Vec<(UserId, String)>>(&people)?);
        }
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT DISTINCT conversation_id FROM messages WHERE user_id = ?")
                .bind(user_id)
                .fetch_all(&mut self.db)
                .await?;
        let mut messages = Vec::with_capacity(ids.len());
        for (conversation,) in ids {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT message FROM messages WHERE user_id = ? AND conversation_id = ?
                 ORDER BY seq DESC LIMIT ?",
            )
            .bind(user_id)
            .bind(conversation)
            .bind(READ)
            .fetch_all(&mut self.db)
            .await?;
            let list = rows
                .iter()
                .rev()
                .map(|(m,)| serde_json::from_str(m))
                .collect::<Result<Vec<Message>, _>>()?;
            messages.push((ConversationId(conversation), list));
        }
        let levels: Vec<(i64, String)> =
            sqlx::query_as("SELECT conversation_id, level FROM levels WHERE user_id = ?")
                .bind(user_id)
                .fetch_all(&mut self.db)
                .await?;
        let levels = levels
            .iter()
            .map(|(id, level)| Ok((ConversationId(*id), serde_json::from_str(level)?)))
            .collect::<Result<_, serde_json::Error>>()?;
        Ok(CachedAccount {
            user: serde_json::from_str(user)?,
            workspaces: serde_json::from_str(workspaces)?,
            conversations,
            names,
            messages,
            place: None,
            levels,
        })
    }
}
